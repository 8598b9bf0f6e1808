"""What the bot itself can see in a Slack workspace: the installations it has and the conversations it is in
(the only ones it syncs, with its own token — reports never widen anyone's visibility)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore

from bot.services.sync import Conversation

# Bolt's SQLite installation store, in the data dir (written by the OAuth flow in `app.py`).
INSTALLATIONS_FILE = "slack-installations.sqlite"


class InstallationsUnreadable(Exception):
    """The installation store could not be read just now (locked, say): not the same as "none"."""


def installed(data_dir: Path, client_id: str) -> list[str]:
    """The workspaces files-bot (the Slack app `client_id`) is installed in, with a bot installation."""
    return installed_teams(data_dir / INSTALLATIONS_FILE, client_id)


def bot_tokens(data_dir: Path, client_id: str) -> dict[str, str]:
    """team id → the bot token of every workspace files-bot is installed in. (A token the store fails to
    read is missing from this map; `installed` says whether the workspace is installed at all.)"""
    db = data_dir / INSTALLATIONS_FILE
    store = SQLite3InstallationStore(database=str(db), client_id=client_id)
    tokens: dict[str, str] = {}
    for team in installed(data_dir, client_id):
        bot = store.find_bot(enterprise_id=None, team_id=team)
        if bot is not None and bot.bot_token:
            tokens[team] = bot.bot_token
    return tokens


def installed_teams(installation_db: Path, client_id: str) -> list[str]:
    """Workspaces with a bot installation, from the slack_sdk SQLite installation store's `slack_bots`."""
    if not installation_db.exists():
        return []
    with sqlite3.connect(installation_db) as conn:
        try:
            rows = conn.execute(
                "select distinct team_id from slack_bots where client_id = ? and team_id != ''", [client_id]
            ).fetchall()
        except sqlite3.OperationalError as error:
            # No installation yet: the store creates its tables lazily. Anything else (a locked file) is
            # not "no installations" — the sync would forget every workspace.
            if "no such table" in str(error):
                return []
            raise InstallationsUnreadable(str(error)) from None
    return [str(team) for (team,) in rows]


def bot_conversations(client: WebClient, bot_token: str) -> list[Conversation]:
    """Public and private channels the bot is a member of (`users.conversations`, every page)."""
    found: list[Conversation] = []
    for page in client.users_conversations(
        token=bot_token, types="public_channel,private_channel", exclude_archived=True, limit=200
    ):
        for channel in page.get("channels") or []:
            creator = channel.get("creator")
            found.append(
                Conversation(
                    id=channel["id"],
                    name=channel.get("name"),
                    private=bool(channel.get("is_private")),
                    owners=(creator,) if creator else (),
                )
            )
    return found
