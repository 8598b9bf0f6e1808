"""What every platform adapter provides, and all the core knows of one (the core imports this module and the
registry, never an adapter).

A platform is built once, from its own settings, by `bot.platforms.registry`; the core then asks it for the
workspaces it serves, the bot's own view of each (conversations, a file source, a courier), a file source
for a person, its HTTP routes, its renderer and the doctor's checks.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from flask import Blueprint

from bot.process.ack_priority import AckPriority
from bot.process.admission import Admission
from bot.services.ratelimit import RateLimiter
from bot.services.weekly import Courier
from bot.storage.interface import Store
from handlers.answers import Answered, NeedsAuthorization
from handlers.records import Conversation
from handlers.source import FileSource

# Seconds a person's command has left: bounds every call made for it.
TimeLeft = Callable[[], float]


class PlatformName(StrEnum):
    """The platforms files-bot speaks; the value is how the cache, the ledger, metrics and URLs name each."""

    SLACK = "slack"
    ROCKETCHAT = "rocketchat"


@dataclass(frozen=True)
class Check:
    """One line of `files-bot doctor` (and `files-bot rocketchat check`): what was checked, and what to fix."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Host:
    """What every platform needs of the process: where browsers and the platform reach the bot, and where it
    keeps its files."""

    public_url: str
    data_dir: Path


@dataclass(frozen=True)
class Services:
    """What the server lends the platforms' routes: one cache, and one rate limiter shared by `/files` and
    the sync; the ack priority of the server's requests; the slots for work done in a request's thread
    (bot/process/admission.py)."""

    cache: Store
    limiter: RateLimiter
    priority: AckPriority
    admission: Admission


class BotWorkspace(Protocol):
    """The bot itself in one workspace, with its own credentials (never a person's): what the sync and the
    weekly reports work with."""

    @property
    def id(self) -> str: ...

    @property
    def sync_method(self) -> str | None:
        """The rate-limit key the sync takes each page from; None when the file source paces its own calls."""
        ...

    def conversations(self, limiter: RateLimiter) -> list[Conversation]:
        """The conversations the bot is in: the only ones it syncs, so reports never widen anyone's view."""
        ...

    def file_source(self, conversations: Sequence[Conversation], limiter: RateLimiter) -> FileSource:
        """Lists files as the bot, in `conversations` (from `conversations()`)."""
        ...

    def courier(self) -> Courier:
        """Sends reports as the bot: DMs, conversation members, admins."""
        ...


class Platform(Protocol):
    """One chat platform, configured and ready."""

    @property
    def name(self) -> PlatformName: ...

    def workspaces(self) -> Collection[str]:
        """Every workspace it serves (Slack: those with an installation; Rocket.Chat: its one server). The
        cache keeps nothing about any other."""
        ...

    def bot_workspaces(self) -> Sequence[BotWorkspace]:
        """The served workspaces where the bot has credentials of its own."""
        ...

    def bot_workspace(self, workspace: str) -> BotWorkspace | None:
        """The bot in `workspace`; None where it has no credentials, or the workspace is not served."""
        ...

    def person_source(
        self, workspace: str, user_id: str, token: str | None, limiter: RateLimiter, time_left: TimeLeft | None = None
    ) -> FileSource:
        """Lists files as one person, with their own token (None: never authorized, `NotAuthorized` on use),
        so that the platform itself decides what they may see. `time_left` bounds every call."""
        ...

    def render(self, answer: Answered | NeedsAuthorization) -> dict[str, Any]:
        """An answer (its view already named, `handlers/names.py`) as this platform's message payload."""
        ...

    def routes(self, services: Services) -> Blueprint:
        """Its HTTP endpoints (commands, buttons, events, OAuth)."""
        ...

    def checks(self) -> list[Check]:
        """What `files-bot doctor` checks of it: reachable, credentials accepted, permissions granted."""
        ...
