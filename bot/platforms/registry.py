"""The platforms this process serves, each built once from its own settings: the one place that knows which
platforms exist, how each is made, and what a platform that is not configured answers.

The core asks the registry, never an adapter: `Registry.build(settings)` gives the configured platforms
(`Platform`, bot/platforms/contract.py); a half-configured one is not served, and its missing variables are
logged. The platforms' own settings types are re-exported here for bot/process/config.py, which reads them
from the environment.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Blueprint, Response, jsonify

from bot.platforms.contract import Check, Host, Platform, PlatformName, Services
from bot.platforms.rocketchat import check as rocketchat_check
from bot.platforms.rocketchat import paths as rocketchat_paths
from bot.platforms.rocketchat.platform import RocketChatPlatform
from bot.platforms.rocketchat.settings import BotAccount, OAuthClient, RocketChatSettings, RocketChatSetup
from bot.platforms.slack import paths as slack_paths
from bot.platforms.slack.platform import SlackPlatform
from bot.platforms.slack.settings import DEFAULT_API_URL as DEFAULT_SLACK_API_URL
from bot.platforms.slack.settings import SlackSettings

if TYPE_CHECKING:
    from bot.process.config import Settings

__all__ = [
    "DEFAULT_SLACK_API_URL",
    "BotAccount",
    "OAuthClient",
    "Registry",
    "RocketChatSettings",
    "RocketChatSetup",
    "SetupCheck",
    "SlackSettings",
    "rocketchat_setup_check",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Known:
    """A platform as files-bot knows it even where it is not configured: its name for people, and the URLs
    that answer "not configured" then."""

    title: str
    routes: tuple[tuple[str, tuple[str, ...]], ...]


KNOWN = {
    PlatformName.SLACK: _Known(
        "Slack",
        (
            (slack_paths.EVENTS_PATH, ("GET", "POST")),
            (slack_paths.INSTALL_PATH, ("GET",)),
            (slack_paths.REDIRECT_PATH, ("GET",)),
        ),
    ),
    PlatformName.ROCKETCHAT: _Known(
        "Rocket.Chat",
        (
            (rocketchat_paths.COMMAND_PATH, ("POST",)),
            (rocketchat_paths.ACTION_PATH, ("POST",)),
            (rocketchat_paths.INSTALL_PATH, ("GET",)),
            (rocketchat_paths.REDIRECT_PATH, ("GET",)),
        ),
    ),
}


class Registry:
    def __init__(self, settings: Settings, platforms: Sequence[Platform]) -> None:
        self._settings = settings
        self.platforms: tuple[Platform, ...] = tuple(platforms)
        self._missing = {
            PlatformName.SLACK: settings.slack_missing,
            PlatformName.ROCKETCHAT: settings.rocketchat_missing,
        }

    @classmethod
    def build(cls, settings: Settings) -> Registry:
        """Every configured platform, built once from its own settings (no I/O: a platform calls out only
        when asked)."""
        host = Host(public_url=settings.public_url, data_dir=settings.data_dir)
        built: list[Platform] = []
        if settings.slack is not None:
            built.append(SlackPlatform(settings.slack, host))
        if settings.rocketchat is not None:
            built.append(RocketChatPlatform(settings.rocketchat, host))
        return cls(settings, built)

    def get(self, name: str) -> Platform | None:
        """The platform called `name` (a cache's or a ledger's platform column), if it is served here."""
        return next((platform for platform in self.platforms if platform.name == name), None)

    def served(self) -> dict[str, bool]:
        """Every platform files-bot knows, and whether this process serves it (what `/healthz` says)."""
        return {name.value: self.get(name) is not None for name in PlatformName}

    def missing(self) -> list[str]:
        """The variables still unset, for every platform not served (in the README's order)."""
        return [variable for name in PlatformName if self.get(name) is None for variable in self._missing[name]]

    def blueprints(self, services: Services) -> list[Blueprint]:
        """Every configured platform's routes; a platform that is not configured answers 503 on its URLs,
        and the log says which variables would serve it."""
        found = [platform.routes(services) for platform in self.platforms]
        for name, known in KNOWN.items():
            if self.get(name) is None:
                log.warning("%s is not configured: set %s to serve it", known.title, ", ".join(self._missing[name]))
                found.append(_unconfigured(name, known))
        return found

    def checks(self) -> list[Check]:
        """What `files-bot doctor` checks of each configured platform."""
        found = [check for platform in self.platforms for check in platform.checks()]
        setup = self._settings.rocketchat_setup
        if self.get(PlatformName.ROCKETCHAT) is None and setup.url is not None:
            # Half a Rocket.Chat set-up: what its server already lets us check is worth knowing.
            found += rocketchat_check.server_checks(setup.url, setup.oauth, setup.bot, self._settings.public_url)
        return found


@dataclass(frozen=True)
class SetupCheck:
    """A platform's set-up check: the checks, and the steps on the platform's side the bot cannot see."""

    checks: list[Check]
    todo: list[str]


def rocketchat_setup_check(settings: Settings) -> SetupCheck:
    """`files-bot rocketchat check`: Rocket.Chat is set up partly by hand (the bridge App, the OAuth app), so
    it has a check of its own, which also helps finish a half-done set-up."""
    checks = rocketchat_check.run_checks(settings.rocketchat_setup, settings.rocketchat_missing, settings.public_url)
    return SetupCheck(checks, rocketchat_check.todo(settings.public_url))


def _unconfigured(name: PlatformName, known: _Known) -> Blueprint:
    bp = Blueprint(f"{name.value}-unconfigured", __name__)

    def unconfigured() -> tuple[Response, int]:
        return jsonify(error=f"{known.title} is not configured on this files-bot"), 503

    for path, methods in known.routes:
        bp.add_url_rule(path, f"unconfigured{path.replace('/', '-')}", unconfigured, methods=list(methods))
    return bp
