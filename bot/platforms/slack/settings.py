"""Slack's own settings, beside its adapter (read from the environment in bot/process/config.py)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class SlackSettings:
    """Everything the Slack adapter is configured with. It exists only once every variable Slack needs is
    set (`Settings.slack`), so nothing downstream checks for a missing one."""

    signing_secret: str
    client_id: str
    client_secret: str
    api_url: str = DEFAULT_API_URL  # ends with "/"

    @property
    def authorize_url(self) -> str:
        """Slack's consent page sits beside its Web API (`…/api/` → `…/oauth/v2/authorize`), so pointing
        `SLACK_API_URL` at a stand-in moves both together."""
        base = self.api_url.removesuffix("/").removesuffix("/api")
        return f"{base}/oauth/v2/authorize"
