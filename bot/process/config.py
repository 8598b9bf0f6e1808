"""All configuration, read from environment variables in this one place (documented in README.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class Settings:
    slack_signing_secret: str | None
    slack_client_id: str | None
    slack_client_secret: str | None
    slack_api_url: str
    data_dir: Path
    public_url_setting: str | None
    port: int
    log_level: str
    rocketchat_url: str | None = None
    rocketchat_app_secret: str | None = None
    rocketchat_oauth_client_id: str | None = None
    rocketchat_oauth_client_secret: str | None = None
    rocketchat_bot_user_id: str | None = None
    rocketchat_bot_token: str | None = None
    log_format: str = "text"
    report_schedule: str = "0 9 * * mon"
    timezone: str = "UTC"
    data_dir_setting: Path | None = None  # FILES_BOT_DATA_DIR as given (data_dir falls back to ./data)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        port = int(env.get("PORT") or 3000)
        api_url = env.get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
        if not api_url.endswith("/"):
            api_url += "/"
        return cls(
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_client_id=env.get("SLACK_CLIENT_ID") or None,
            slack_client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            slack_api_url=api_url,
            data_dir=Path(env.get("FILES_BOT_DATA_DIR") or "./data"),
            public_url_setting=(env.get("FILES_BOT_PUBLIC_URL") or "").rstrip("/") or None,
            port=port,
            log_level=(env.get("FILES_BOT_LOG_LEVEL") or "INFO").upper(),
            rocketchat_url=(env.get("ROCKETCHAT_URL") or "").rstrip("/") or None,
            rocketchat_app_secret=env.get("ROCKETCHAT_APP_SECRET") or None,
            rocketchat_oauth_client_id=env.get("ROCKETCHAT_OAUTH_CLIENT_ID") or None,
            rocketchat_oauth_client_secret=env.get("ROCKETCHAT_OAUTH_CLIENT_SECRET") or None,
            rocketchat_bot_user_id=env.get("ROCKETCHAT_BOT_USER_ID") or None,
            rocketchat_bot_token=env.get("ROCKETCHAT_BOT_TOKEN") or None,
            log_format="json" if (env.get("FILES_BOT_LOG_FORMAT") or "").lower() == "json" else "text",
            report_schedule=env.get("FILES_BOT_REPORT_SCHEDULE") or "0 9 * * mon",
            timezone=env.get("FILES_BOT_TIMEZONE") or "UTC",
            data_dir_setting=Path(env["FILES_BOT_DATA_DIR"]) if env.get("FILES_BOT_DATA_DIR") else None,
        )

    @property
    def public_url(self) -> str:
        """Where browsers and the platforms reach the bot; defaults to this machine's port."""
        return self.public_url_setting or f"http://localhost:{self.port}"

    @property
    def has_credentials(self) -> bool:
        """Whether any platform setting is given at all (with none, `serve` starts the demo instead)."""
        return any(
            (
                self.slack_signing_secret,
                self.slack_client_id,
                self.slack_client_secret,
                self.rocketchat_url,
                self.rocketchat_app_secret,
                self.rocketchat_oauth_client_id,
                self.rocketchat_oauth_client_secret,
                self.rocketchat_bot_user_id,
                self.rocketchat_bot_token,
            )
        )

    @property
    def slack_missing(self) -> list[str]:
        """The Slack variables still unset; Slack is served only when this is empty."""
        return _unset(
            SLACK_SIGNING_SECRET=self.slack_signing_secret,
            SLACK_CLIENT_ID=self.slack_client_id,
            SLACK_CLIENT_SECRET=self.slack_client_secret,
        )

    @property
    def slack_configured(self) -> bool:
        return not self.slack_missing

    @property
    def rocketchat_missing(self) -> list[str]:
        """The Rocket.Chat variables `/files` needs that are still unset. (The bot account's
        `ROCKETCHAT_BOT_USER_ID`/`ROCKETCHAT_BOT_TOKEN` are for the bot's own work, not for `/files`.)"""
        return _unset(
            ROCKETCHAT_URL=self.rocketchat_url,
            ROCKETCHAT_APP_SECRET=self.rocketchat_app_secret,
            ROCKETCHAT_OAUTH_CLIENT_ID=self.rocketchat_oauth_client_id,
            ROCKETCHAT_OAUTH_CLIENT_SECRET=self.rocketchat_oauth_client_secret,
        )

    @property
    def rocketchat_configured(self) -> bool:
        return not self.rocketchat_missing

    @property
    def platforms(self) -> dict[str, bool]:
        """Which platforms this process serves (what `/healthz` reports)."""
        return {"slack": self.slack_configured, "rocketchat": self.rocketchat_configured}

    @property
    def slack_authorize_url(self) -> str:
        """Slack's consent page sits beside its Web API (`…/api/` → `…/oauth/v2/authorize`), so pointing
        `SLACK_API_URL` at a stand-in moves both together."""
        base = self.slack_api_url.removesuffix("/").removesuffix("/api")
        return f"{base}/oauth/v2/authorize"

    def with_port(self, port: int) -> Settings:
        return replace(self, port=port)


def _unset(**values: str | None) -> list[str]:
    """The names (in order) whose values are empty."""
    return [name for name, value in values.items() if not value]
