"""Test helpers around the Slack emulator's driver (bot/sandbox/emulators/slack_driver.py) and the running bot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from bot.process.server import running_bot
from bot.sandbox.emulators.slack_driver import SlackDriver

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
SIGNING_SECRET = "test-signing-secret"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def consent_params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def all_text(messages: list[dict[str, Any]]) -> str:
    """Everything a user could read or click in these messages, as one string, for privacy checks."""
    return json.dumps(messages, ensure_ascii=False)


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """action_id → element (with its block's block_id) for every interactive element of a message."""
    found: dict[str, dict[str, Any]] = {}
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            found[element["action_id"]] = {**element, "block_id": block.get("block_id")}
    return found


__all__ = ["SIGNING_SECRET", "SlackDriver", "all_text", "buttons", "consent_params", "fixture", "running_bot"]
