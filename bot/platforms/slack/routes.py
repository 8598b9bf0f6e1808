"""HTTP routes for Slack: Bolt's request handler behind Flask, for events (commands, clicks and Events API
callbacks all arrive at one URL) and the OAuth pages."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler

from bot.platforms.slack.paths import EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH

log = logging.getLogger(__name__)


def blueprint(app: App) -> Blueprint:
    slack = SlackRequestHandler(app)
    bp = Blueprint("slack", __name__)

    def handled(what: str) -> Response | tuple[Response, int]:
        """Bolt handles errors in dispatch itself; what escapes is a body it could not even parse (JSON that
        isn't, a `payload` that is not an object, …; on a GET, whose body is never used, Bolt's adapter still
        parses it as its Content-Type says): the sender's fault, so a 400."""
        try:
            return slack.handle(request)
        except Exception as error:
            log.warning("unparseable Slack %s refused: %s", what, type(error).__name__)
            return jsonify(error="malformed request"), 400

    @bp.post(EVENTS_PATH)
    def slack_events() -> Response | tuple[Response, int]:
        return handled("request")

    @bp.get(INSTALL_PATH)
    def slack_install() -> Response | tuple[Response, int]:
        return handled("OAuth request")

    @bp.get(REDIRECT_PATH)
    def slack_oauth_redirect() -> Response | tuple[Response, int]:
        return handled("OAuth request")

    return bp
