"""What the bot itself can see in a Slack workspace: the installations it has and the conversations it is in
(the only ones it syncs, with its own token — reports never widen anyone's visibility)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from slack_sdk import WebClient

from bot.sync import Conversation


def installed_teams(installation_db: Path, client_id: str) -> list[str]:
    """Workspaces with a bot installation, from the slack_sdk SQLite installation store's `slack_bots`."""
    if not installation_db.exists():
        return []
    with sqlite3.connect(installation_db) as conn:
        try:
            rows = conn.execute(
                "select distinct team_id from slack_bots where client_id = ? and team_id != ''", [client_id]
            ).fetchall()
        except sqlite3.OperationalError:  # no installation yet: the store creates its tables lazily
            return []
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
