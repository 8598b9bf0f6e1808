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

    @bp.post(EVENTS_PATH)
    def slack_events() -> Response | tuple[Response, int]:
        try:
            return slack.handle(request)
        except Exception as error:
            # Bolt handles errors in dispatch itself; what escapes is a body it could not even parse
            # (JSON that isn't, a `payload` that is not an object, …): the sender's fault, so a 400.
            log.warning("unparseable Slack request refused: %s", type(error).__name__)
            return jsonify(error="malformed request"), 400

    def oauth_page() -> Response | tuple[Response, int]:
        try:
            return slack.handle(request)
        except Exception as error:
            # A GET's body is never used, yet Bolt's adapter parses it (as its Content-Type says).
            log.warning("unparseable Slack OAuth request refused: %s", type(error).__name__)
            return jsonify(error="malformed request"), 400

    @bp.get(INSTALL_PATH)
    def slack_install() -> Response | tuple[Response, int]:
        return oauth_page()

    @bp.get(REDIRECT_PATH)
    def slack_oauth_redirect() -> Response | tuple[Response, int]:
        return oauth_page()

    return bp
