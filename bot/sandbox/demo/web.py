"""The demo's web page and the small JSON API behind it: a chat-client view over the `Sandbox`.

The page (static/index.html, app.js) picks a platform, a person and a conversation, sends `/files …` and
button clicks through these routes, and renders the bot's replies the way each platform's client would
(Block Kit for Slack, UIKit blocks for Rocket.Chat). The routes only translate: the sandbox's drivers talk
to the real bot.

The page shows everyone's view, so it answers only requests addressed to it: by the address it listens on
or a localhost name, never by another site's domain name (DNS rebinding would otherwise let that site read
`/api/*`), and it acts only on its own page's JSON calls, never on another site's form.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, request, send_from_directory

from bot.sandbox.demo.sandbox import PLATFORMS, Sandbox, UnknownName

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MAX_TEXT = 500  # a /files line longer than this is not something a person typed
MAX_BODY_BYTES = 64 * 1024  # the page's requests are a few hundred bytes
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def create_page(box: Sandbox, host: str = "127.0.0.1") -> Flask:
    """The Flask app serving the demo page for `box`, listening on `host`."""
    web = Flask("files-bot-demo", static_folder=None)
    web.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    names = LOCAL_NAMES | {host.strip("[]").lower()}

    @web.before_request
    def addressed_to_this_page() -> tuple[Response, int] | None:
        if not _known_host(request.host, names, any_address=host in ANY_ADDRESS):
            return jsonify(error="this page answers only on its own address"), 400
        if request.method in SAFE_METHODS:
            return None
        if request.mimetype != "application/json":  # a cross-site form can't send JSON without CORS
            return jsonify(error="send JSON"), 415
        if not _same_origin():
            return jsonify(error="cross-site request refused"), 403
        return None

    @web.get("/")
    def index() -> Response:
        return send_from_directory(STATIC, "index.html")

    @web.get("/static/<path:name>")
    def static_file(name: str) -> Response:
        return send_from_directory(STATIC, name)

    @web.get("/api/world")
    def world() -> Response:
        return jsonify(platforms=list(PLATFORMS), people=box.people(), bot_url=box.bot_url)

    @web.get("/api/conversations")
    def conversations() -> Response:
        platform, person = _arg("platform"), _arg("person")
        return jsonify(conversations=[asdict(c) for c in box.conversations(platform, person)])

    @web.post("/api/command")
    def command() -> Response:
        body = _body()
        text = str(body.get("text") or "")[:MAX_TEXT]
        if text.startswith("/files"):
            text = text[len("/files") :].strip()
        messages = box.command(_str(body, "platform"), _str(body, "person"), _str(body, "conversation"), text)
        return jsonify(messages=messages)

    @web.post("/api/action")
    def action() -> Response:
        body = _body()
        clicked = body.get("action")
        if not isinstance(clicked, dict):
            raise UnknownName("action")
        messages = box.act(_str(body, "platform"), _str(body, "person"), _str(body, "conversation"), clicked)
        return jsonify(messages=messages)

    @web.get("/api/inbox")
    def inbox() -> Response:
        return jsonify(items=box.inbox(_arg("platform"), _arg("person")))

    @web.get("/api/chart/<platform>/<file_id>")
    def chart(platform: str, file_id: str) -> Response:
        return Response(box.chart(platform, file_id), mimetype="image/png")

    @web.post("/api/weekly")
    def run_weekly() -> Response:
        return jsonify(box.run_weekly())

    @web.errorhandler(UnknownName)
    def unknown(error: UnknownName) -> tuple[Response, int]:
        return jsonify(error=f"unknown: {error}"), 404

    @web.errorhandler(TimeoutError)
    def late(_error: TimeoutError) -> tuple[Response, int]:
        return jsonify(error="the bot did not answer in time"), 504

    @web.errorhandler(RuntimeError)
    def failed(error: RuntimeError) -> tuple[Response, int]:
        log.warning("demo request failed: %s", error)
        return jsonify(error=str(error)), 502

    return web


def _known_host(host: str, names: frozenset[str], *, any_address: bool) -> bool:
    """`host` (the Host header, with its port) names this page. On every address (0.0.0.0), any IP
    address does too: only a domain name can be rebound to another site."""
    try:
        name = urlsplit(f"//{host}").hostname
    except ValueError:
        return False
    if not name:
        return False
    if name in names:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return any_address


def _same_origin() -> bool:
    """No sign of another site: browsers send `Origin` and `Sec-Fetch-Site` with every POST."""
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != f"{request.scheme}://{request.host}".lower():
        return False
    site = request.headers.get("Sec-Fetch-Site")
    return site is None or site == "same-origin"


def _arg(name: str) -> str:
    return request.args.get(name, "")


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _str(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    return value if isinstance(value, str) else ""
