"""Failures a `FileSource` reports, in platform-neutral terms. Messages for users are chosen in handlers."""

from __future__ import annotations


class SourceError(Exception):
    """Base class. `str(error)` is for logs and never contains file data."""


class NotAuthorized(SourceError):
    """The user has not authorized the bot, or their token was revoked or expired."""


class ConversationUnavailable(SourceError):
    """The conversation does not exist *or* the user cannot see it — deliberately indistinguishable."""


class UnknownUser(SourceError):
    """The `@user` filter names nobody."""


class MissingPermission(SourceError):
    """The installation lacks a scope/permission; an admin has to reinstall or grant it."""


class RateLimited(SourceError):
    """The platform kept answering 429. `retry_after` is in seconds when the platform said."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PlatformUnavailable(SourceError):
    """A network failure, a timeout, a 5xx or an unreadable response."""
