"""HTTP routes for Rocket.Chat: the signed bridge endpoints and the OAuth pages. Thin on purpose.

Work that calls Rocket.Chat runs within `admission`'s slots (see bot/process/admission.py): over them, a verified
bridge request is answered "busy" at once, and the OAuth page asks to try again.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, jsonify, make_response, redirect, request

from bot import storage
from bot.platforms.contract import Host, Services
from bot.platforms.rocketchat import protocol
from bot.platforms.rocketchat.charts import ChartLinks, InvalidChart
from bot.platforms.rocketchat.interactions import RocketChatInteractions
from bot.platforms.rocketchat.oauth import STATE_COOKIE, STATE_SECONDS, OAuthError, RocketChatOAuth
from bot.platforms.rocketchat.paths import ACTION_PATH, CHART_PATH, COMMAND_PATH, INSTALL_PATH, REDIRECT_PATH
from bot.platforms.rocketchat.settings import RocketChatSettings
from bot.platforms.rocketchat.verify import SIGNATURE_HEADER, TIMESTAMP_HEADER, BridgeVerifier
from bot.process.replay import ReplayGuard

T = TypeVar("T")

log = logging.getLogger(__name__)

BUSY_PAGE = "files-bot is busy with other requests right now. Reload this page in a moment."


def blueprint(settings: RocketChatSettings, host: Host, services: Services) -> Blueprint:
    oauth = RocketChatOAuth(
        settings, host.public_url, storage.backend(host.data_dir).rocketchat_tokens(state_seconds=STATE_SECONDS)
    )
    files = RocketChatInteractions(settings, host.public_url, oauth, services.cache, services.limiter)
    verifier = BridgeVerifier(settings.app_secret)
    charts = ChartLinks(settings.app_secret, host.public_url)
    admission = services.admission
    replays = ReplayGuard()
    bp = Blueprint("rocketchat", __name__)

    def bridge(parse: Callable[[bytes], T], answer: Callable[[T], dict[str, Any]]) -> tuple[Response, int]:
        """Verify the signature (401); say "busy" (200) when every slot for Rocket.Chat work is taken —
        before parsing, the costly part of turning a request away; parse against the protocol (400);
        answer (200)."""
        raw = request.get_data(cache=False)
        signature = request.headers.get(SIGNATURE_HEADER)
        if not verifier.is_valid(request.headers.get(TIMESTAMP_HEADER), signature, raw):
            return jsonify(error="invalid or expired signature"), 401
        if not replays.first_time(signature or ""):
            return jsonify(error="replayed request"), 401
        with admission.slot() as admitted:
            if not admitted:
                log.debug("Rocket.Chat request turned away: all %d slots busy", admission.slots)  # (a flood: cheap)
                return jsonify(files.busy()), 200
            try:
                parsed = parse(raw)
            except protocol.BadRequest as error:
                return jsonify(error=str(error)), 400
            return jsonify(answer(parsed)), 200

    @bp.post(COMMAND_PATH)
    def command() -> tuple[Response, int]:
        return bridge(protocol.parse_command, files.command)

    @bp.post(ACTION_PATH)
    def action() -> tuple[Response, int]:
        return bridge(protocol.parse_action, files.action)

    @bp.get(f"{CHART_PATH}/<token>.png")
    def chart(token: str) -> Response:
        """A report's chart, for its image block: drawn from the signed token, so only charts the bot issued."""
        try:
            png = charts.png(token)
        except InvalidChart:
            return Response("no such chart", 404, mimetype="text/plain")
        response = Response(png, mimetype="image/png")
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"  # a token names one image
        return response

    @bp.get(INSTALL_PATH)
    def install() -> Response:
        state, consent_url = oauth.start()
        response = make_response(redirect(consent_url, code=302))
        response.set_cookie(
            STATE_COOKIE,
            state,
            max_age=STATE_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=host.public_url.startswith("https://"),
            path="/rocketchat",
        )
        return response

    @bp.get(REDIRECT_PATH)
    def oauth_redirect() -> Response:
        with admission.slot() as admitted:
            if not admitted:
                return make_response(_page("files-bot is busy", BUSY_PAGE), 503)
            return finish_oauth()

    def finish_oauth() -> Response:
        try:
            token = oauth.finish(
                code=request.args.get("code"),
                state=request.args.get("state"),
                cookie_state=request.cookies.get(STATE_COOKIE),
            )
        except OAuthError as error:
            page = _page("files-bot could not be authorized", f"{error} <a href='{INSTALL_PATH}'>Start again</a>.")
            return make_response(page, 400)
        response = make_response(
            _page(
                "files-bot is authorized",
                f"You're all set, @{html.escape(token.username)}. Go back to Rocket.Chat and run /files again.",
            ),
            200,
        )
        response.delete_cookie(STATE_COOKIE, path="/rocketchat")
        return response

    return bp


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body style='font-family:sans-serif;max-width:36em;margin:3em auto'><h1>{html.escape(title)}</h1>"
        f"<p>{body}</p></body></html>"
    )
