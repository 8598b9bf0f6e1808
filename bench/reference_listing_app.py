"""The reference for bench/time_to_listing.py: a plain Bolt app that answers `/files` with the same listing
as files-bot, from a 128-worker listener executor — the way a Bolt app is usually written, given every
advantage that is not files-bot's own design.

Same listing: it runs files-bot's own skill and renderer (`handlers.files_command`, the Slack renderer), as
the user, with the user's own token, so the figures compare how the two apps schedule the work, not two
different pieces of work. Plain Bolt otherwise: Bolt's default ack mode (the listener runs on the executor
and the request thread waits for its `ack()`), the Flask adapter on waitress with files-bot's thread count,
and user tokens read once at start into a dict (no store lookup per request, no `auth.test`).

    .venv/bin/python -m bench.reference_listing_app PORT     (FILES_BOT_DATA_DIR and the Slack variables set)
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from flask import Flask, request
from slack_bolt import Ack, App, BoltContext, Respond
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from waitress import serve

from bot import storage
from bot.platforms.slack import render
from bot.platforms.slack.client import web_client
from bot.platforms.slack.files_source import SlackFileSource
from bot.process.config import Settings
from bot.process.server import MAX_BODY_BYTES, THREADS
from handlers import files_command
from handlers.files_command import Invocation
from handlers.query import FileQuery
from handlers.state import StateCodec

WORKERS = 128


def user_tokens(settings: Settings, team: str, users: list[str]) -> dict[str, str]:
    assert settings.slack is not None
    store = storage.backend(settings.data_dir).slack_installations(settings.slack.client_id)
    tokens: dict[str, str] = {}
    for user in users:
        found = store.find_installation(enterprise_id=None, team_id=team, user_id=user)
        if found is not None and found.user_token:
            tokens[user] = found.user_token
    return tokens


def main() -> None:
    port, team, users = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
    settings = Settings.from_env()
    tokens = user_tokens(settings, team, users)
    assert settings.slack is not None
    client = web_client(settings.slack.api_url)
    codec = StateCodec(os.environ["SLACK_SIGNING_SECRET"], purpose="slack")
    app = App(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        authorize=lambda enterprise_id, team_id, user_id: AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token="xoxb-reference",
            user_id=user_id,
            user_token=tokens.get(user_id or ""),
        ),
        listener_executor=ThreadPoolExecutor(max_workers=WORKERS),
    )

    @app.command("/files")
    def listing(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
        ack()
        invocation = Invocation(
            team_id=str(context.team_id),
            user_id=str(context.user_id),
            conversation_id=str(command["channel_id"]),
            today=datetime.now(UTC).date(),
            authorize_url="",
        )
        source = SlackFileSource(client, context.user_token)
        reply = files_command.list_files(FileQuery(), invocation, source, codec)
        respond(response_type="ephemeral", **render.render(reply))

    handler = SlackRequestHandler(app)
    web = Flask("reference")
    web.add_url_rule("/slack/events", "events", lambda: handler.handle(request), methods=["POST"])
    serve(web, host="127.0.0.1", port=port, threads=THREADS, max_request_body_size=MAX_BODY_BYTES)


if __name__ == "__main__":
    main()
