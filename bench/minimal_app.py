"""The baseline for bench/ack_latency.py: a minimal Bolt app that only acks `/files`, served the same way
as files-bot (Flask adapter on waitress, same thread count, same ack mode), so the ratio isolates
files-bot's own work.

Same ack mode: `process_before_response=True`, as files-bot. With Bolt's default the listener runs on
another thread and the request thread polls for its ack every 10 ms — an ack-only app built that way
answers ~10 ms later than it could, and a baseline that slow flatters the ratio."""

from __future__ import annotations

import os
import sys

from flask import Flask, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from waitress import serve

from bot.process.server import MAX_BODY_BYTES, THREADS


def main() -> None:
    port = int(sys.argv[1])
    app = App(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
        authorize=lambda enterprise_id, team_id, user_id: AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-minimal", user_id=user_id
        ),
    )

    @app.command("/files")
    def ack_only(ack):  # type: ignore[no-untyped-def]
        ack()

    handler = SlackRequestHandler(app)
    web = Flask("minimal")
    web.add_url_rule("/slack/events", "events", lambda: handler.handle(request), methods=["POST"])
    serve(web, host="127.0.0.1", port=port, threads=THREADS, max_request_body_size=MAX_BODY_BYTES)


if __name__ == "__main__":
    main()
