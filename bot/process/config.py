"""All configuration, read from environment variables in this one place (documented in README.md).

`Settings` holds the process's own settings and each platform's, nested: `slack` and `rocketchat` are
present only when every variable that platform needs is set, so nothing downstream narrows a missing one.
A half-configured platform is not served; its missing variables are in `slack_missing` /
`rocketchat_missing`. Each platform's settings type is defined beside its adapter and reaches this module
through the registry (the core imports no adapter).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.platforms.registry import (
    DEFAULT_SLACK_API_URL,
    BotAccount,
    OAuthClient,
    RocketChatSettings,
    RocketChatSetup,
    SlackSettings,
)


@dataclass(frozen=True, kw_only=True)
class Settings:
    data_dir: Path
    public_url_setting: str | None
    port: int
    log_level: str
    log_format: str = "text"
    report_schedule: str = "0 9 * * mon"
    timezone: str = "UTC"
    data_dir_setting: Path | None = None  # FILES_BOT_DATA_DIR as given (data_dir falls back to ./data)
    slack: SlackSettings | None = None
    rocketchat: RocketChatSettings | None = None
    # The variables each platform still needs (empty once it is configured).
    slack_missing: tuple[str, ...] = ()
    rocketchat_missing: tuple[str, ...] = ()
    # Rocket.Chat's variables as far as they are set: `files-bot rocketchat check` helps finish a set-up.
    rocketchat_setup: RocketChatSetup = field(default_factory=RocketChatSetup)
    # Whether any platform variable is set at all (with none, `serve` starts the demo instead).
    has_credentials: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        slack_given = {
            "SLACK_SIGNING_SECRET": env.get("SLACK_SIGNING_SECRET") or "",
            "SLACK_CLIENT_ID": env.get("SLACK_CLIENT_ID") or "",
            "SLACK_CLIENT_SECRET": env.get("SLACK_CLIENT_SECRET") or "",
        }
        rocketchat_given = {
            "ROCKETCHAT_URL": (env.get("ROCKETCHAT_URL") or "").rstrip("/"),
            "ROCKETCHAT_APP_SECRET": env.get("ROCKETCHAT_APP_SECRET") or "",
            "ROCKETCHAT_OAUTH_CLIENT_ID": env.get("ROCKETCHAT_OAUTH_CLIENT_ID") or "",
            "ROCKETCHAT_OAUTH_CLIENT_SECRET": env.get("ROCKETCHAT_OAUTH_CLIENT_SECRET") or "",
        }
        # For the bot's own work (the sync, reports), not for `/files`: optional.
        bot_given = {
            "ROCKETCHAT_BOT_USER_ID": env.get("ROCKETCHAT_BOT_USER_ID") or "",
            "ROCKETCHAT_BOT_TOKEN": env.get("ROCKETCHAT_BOT_TOKEN") or "",
        }
        setup = _rocketchat_setup(rocketchat_given, bot_given)
        return cls(
            data_dir=Path(env.get("FILES_BOT_DATA_DIR") or "./data"),
            public_url_setting=(env.get("FILES_BOT_PUBLIC_URL") or "").rstrip("/") or None,
            port=int(env.get("PORT") or 3000),
            log_level=(env.get("FILES_BOT_LOG_LEVEL") or "INFO").upper(),
            log_format="json" if (env.get("FILES_BOT_LOG_FORMAT") or "").lower() == "json" else "text",
            report_schedule=env.get("FILES_BOT_REPORT_SCHEDULE") or "0 9 * * mon",
            timezone=env.get("FILES_BOT_TIMEZONE") or "UTC",
            data_dir_setting=Path(env["FILES_BOT_DATA_DIR"]) if env.get("FILES_BOT_DATA_DIR") else None,
            slack=_slack(slack_given, env.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL),
            rocketchat=_rocketchat(rocketchat_given, setup),
            slack_missing=_unset(slack_given),
            rocketchat_missing=_unset(rocketchat_given),
            rocketchat_setup=setup,
            has_credentials=any((*slack_given.values(), *rocketchat_given.values(), *bot_given.values())),
        )

    @property
    def public_url(self) -> str:
        """Where browsers and the platforms reach the bot; defaults to this machine's port."""
        return self.public_url_setting or f"http://localhost:{self.port}"

    def with_port(self, port: int) -> Settings:
        return replace(self, port=port)


def _slack(given: Mapping[str, str], api_url: str) -> SlackSettings | None:
    if _unset(given):
        return None
    return SlackSettings(
        signing_secret=given["SLACK_SIGNING_SECRET"],
        client_id=given["SLACK_CLIENT_ID"],
        client_secret=given["SLACK_CLIENT_SECRET"],
        api_url=api_url if api_url.endswith("/") else f"{api_url}/",
    )


def _rocketchat_setup(given: Mapping[str, str], bot_given: Mapping[str, str]) -> RocketChatSetup:
    client_id, client_secret = given["ROCKETCHAT_OAUTH_CLIENT_ID"], given["ROCKETCHAT_OAUTH_CLIENT_SECRET"]
    user_id, token = bot_given["ROCKETCHAT_BOT_USER_ID"], bot_given["ROCKETCHAT_BOT_TOKEN"]
    return RocketChatSetup(
        url=given["ROCKETCHAT_URL"] or None,
        oauth=OAuthClient(client_id, client_secret) if client_id and client_secret else None,
        # The bot account is configured when both its user id and its token are: the one rule for it.
        bot=BotAccount(user_id, token) if user_id and token else None,
    )


def _rocketchat(given: Mapping[str, str], setup: RocketChatSetup) -> RocketChatSettings | None:
    if _unset(given) or setup.url is None or setup.oauth is None:
        return None
    app_secret = given["ROCKETCHAT_APP_SECRET"]
    return RocketChatSettings(url=setup.url, app_secret=app_secret, oauth=setup.oauth, bot=setup.bot)


def _unset(values: Mapping[str, str]) -> tuple[str, ...]:
    """The names (in order) whose values are empty."""
    return tuple(name for name, value in values.items() if not value)
