"""Rocket.Chat's own settings, beside its adapter (read from the environment in bot/process/config.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse


@dataclass(frozen=True)
class OAuthClient:
    """files-bot's OAuth app on the server, through which each person authorizes it."""

    client_id: str
    client_secret: str


@dataclass(frozen=True)
class BotAccount:
    """The bot's own account (a personal access token): for the bot's own work — the sync, reports — never
    for `/files`."""

    user_id: str
    token: str


@dataclass(frozen=True)
class RocketChatSettings:
    """Everything the Rocket.Chat adapter is configured with. It exists only once every variable `/files`
    needs is set (`Settings.rocketchat`); the bot account is optional: `bot` is None without it."""

    url: str  # the server, without a trailing slash
    app_secret: str  # shared with the bridge App: signs its requests
    oauth: OAuthClient
    bot: BotAccount | None = None
    # How the cache, the ledger and button state name this server: its host (one server per bot).
    workspace: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "workspace", urlparse(self.url).netloc or self.url)


@dataclass(frozen=True)
class RocketChatSetup:
    """Rocket.Chat's variables as far as they are set, a half-done set-up included: what `files-bot
    rocketchat check` looks at, to help finish one."""

    url: str | None = None
    oauth: OAuthClient | None = None
    bot: BotAccount | None = None
