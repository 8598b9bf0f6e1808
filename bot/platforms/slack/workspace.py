"""What the bot itself can see in a Slack workspace: the installations it has and the conversations it is in
(the only ones it syncs, with its own token — reports never widen anyone's visibility)."""

from __future__ import annotations

from pathlib import Path

from slack_sdk import WebClient

from bot import storage
from handlers.records import Conversation


def installed(data_dir: Path, client_id: str) -> list[str]:
    """The workspaces files-bot (the Slack app `client_id`) is installed in, with a bot installation; raises
    `InstallationsUnreadable` when that cannot be read just now (it is not "none")."""
    return storage.backend(data_dir).slack_teams(client_id)


def bot_tokens(data_dir: Path, client_id: str) -> dict[str, str]:
    """team id → the bot token of every workspace files-bot is installed in. (A token the store fails to
    read is missing from this map; `installed` says whether the workspace is installed at all.)"""
    store = storage.backend(data_dir).slack_installations(client_id)
    tokens: dict[str, str] = {}
    for team in installed(data_dir, client_id):
        bot = store.find_bot(enterprise_id=None, team_id=team)
        if bot is not None and bot.bot_token:
            tokens[team] = bot.bot_token
    return tokens


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
                    name=channel.get("name") or "",
                    private=bool(channel.get("is_private")),
                    owners=(creator,) if creator else (),
                )
            )
    return found
