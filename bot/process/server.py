"""The HTTP server: a Flask WSGI app served by waitress (a production server, not Bolt's dev server)."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, g, jsonify, request
from waitress import wasyncore
from waitress.server import create_server

from bot.platforms.contract import PlatformName, Services
from bot.platforms.registry import Registry
from bot.process import logs, metrics
from bot.process.ack_priority import AckPriority
from bot.process.admission import Admission
from bot.process.config import Settings
from bot.services import ratelimit
from bot.storage import open_store

log = logging.getLogger(__name__)

# Slack payloads are a few kilobytes; anything far larger is refused before it is read.
MAX_BODY_BYTES = 1024 * 1024
THREADS = 16
# Rocket.Chat's answers are built in the request thread (its App waits for them); at most this many at
# once, so that the other threads stay free for Slack's acks whatever Rocket.Chat sends (bot/process/admission.py).
ROCKETCHAT_SLOTS = THREADS // 4
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# A request's platform, for metrics: the first segment of its path (`/slack/…`, `/rocketchat/…`).
_PLATFORM_PREFIXES = frozenset(PlatformName)


def create_app(settings: Settings, priority: AckPriority | None = None, registry: Registry | None = None) -> Flask:
    """Routes for every configured platform, plus `/healthz` and `/metrics`. `priority` counts this app's
    requests in flight, so that deferred work (and the collector) can wait for a quiet moment. `registry`:
    the platforms, when the caller has built them already."""
    # Every file the bot writes (SQLite: tokens, file metadata) is private to its user: 0600.
    os.umask(0o077)
    web = Flask("files-bot")
    web.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    registry = registry or Registry.build(settings)
    served = registry.served()

    cache = open_store(settings.data_dir)
    limiter = ratelimit.shared()  # one per process: /files and the scheduled sync share it
    priority = priority or AckPriority()
    services = Services(cache, limiter, priority, Admission(ROCKETCHAT_SLOTS))
    for blueprint in registry.blueprints(services):
        web.register_blueprint(blueprint)

    @web.before_request
    def start_request() -> None:
        priority.started()
        # One id per request, on every log line it causes (and back to the caller in X-Request-Id).
        given = request.headers.get("X-Request-Id", "")
        logs.request_id.set(given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex[:16])
        g.started = time.perf_counter()

    @web.teardown_request
    def end_request(_error: BaseException | None) -> None:
        priority.finished()

    @web.after_request
    def finish_request(response: Response) -> Response:
        prefix = request.path.split("/")[1] if request.path.count("/") > 1 else ""
        platform = prefix if prefix in _PLATFORM_PREFIXES else None
        if platform is not None:
            metrics.REQUESTS.labels(platform, metrics.outcome(response.status_code)).inc()
            metrics.ACK_SECONDS.labels(platform).observe(time.perf_counter() - g.get("started", time.perf_counter()))
        response.headers["X-Request-Id"] = logs.request_id.get()
        return response

    @web.get("/metrics")
    def prometheus() -> Response:
        return Response(metrics.exposition(), mimetype="text/plain; version=0.0.4")

    @web.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok", platforms=served)

    return web


def make_server(settings: Settings, *, host: str = "0.0.0.0", port: int | None = None, app: Any = None) -> Any:
    """A waitress server bound to `host:port` (port 0 picks a free one); call `.run()` / `.close()`.
    `app` replaces the WSGI app (tests bind first, then build the app knowing the port)."""
    return create_server(
        app or create_app(settings),
        host=host,
        port=settings.port if port is None else port,
        threads=THREADS,
        max_request_body_size=MAX_BODY_BYTES,
        ident="files-bot",
    )


def shutdown(server: Any, timeout: float = 5.0) -> None:
    """Graceful stop: let in-flight requests finish (up to `timeout`), then close every socket, which
    ends `server.run()`'s loop. The closing runs *inside* the loop's thread (via waitress's trigger):
    closing sockets under a running `select()` from another thread makes it fail with EBADF."""
    server.task_dispatcher.shutdown(cancel_pending=False, timeout=timeout)
    try:
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    except OSError:
        # The trigger is already closed (waitress closes a server whose handler failed): close the rest
        # directly; the loop then ends on its next select().
        wasyncore.close_all(server._map, ignore_all=True)


class _LateApp:
    """Lets the server bind port 0 first, so the app can be built knowing its own URL (no port race)."""

    app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


@contextlib.contextmanager
def running_bot(env: dict[str, str], host: str = "127.0.0.1") -> Iterator[str]:
    """`files-bot serve`'s server on a free port of `host`, in a background thread, configured from `env`
    (not the process environment); yields its base URL and stops it gracefully on exit. For the demo and
    the tests, which must know the bot's URL before they can configure it."""
    late = _LateApp()
    server = make_server(Settings.from_env(env), host=host, port=0, app=late)
    port = server.effective_port
    base = f"http://{host}:{port}"
    priority = AckPriority()
    late.app = create_app(Settings.from_env({"FILES_BOT_PUBLIC_URL": base, "PORT": str(port), **env}), priority)
    thread = threading.Thread(target=server.run, name="files-bot-server", daemon=True)
    thread.start()
    try:
        yield base
    finally:
        shutdown(server)
        thread.join(timeout=15)
        priority.drain()
        if thread.is_alive():
            raise RuntimeError("the bot's server did not stop")
