"""`/files report`, `/files report weekly on|off`, `/files admin report`: who may do what, and the answers.

Reports come from the bot's cache, which holds only conversations the bot is in. Asking for a conversation's
report is open to anyone in it; subscribing is for its owners and workspace admins; the workspace report is
for admins, with private conversations named only to admins who are members of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from handlers import messages
from handlers.errors import SourceError
from handlers.files_command import Invocation
from handlers.grammar import ReportAction
from handlers.names import Names
from handlers.records import Conversation
from handlers.report_views import ReportNotice, ReportView, admin_view, channel_view, subscribed_notice
from handlers.this_week import WeekData, assemble
from handlers.views import Notice


class ReportData(WeekData, Protocol):
    def owners(self, conversation: str) -> set[str]: ...

    def subscribe(self, conversation: str, user: str, *, on: bool) -> None: ...


class Directory(Protocol):
    """Who is who, asked of the platform as the bot. `members` raises a `SourceError` when it cannot tell."""

    def is_admin(self, user: str) -> bool: ...

    def members(self, conversation: str, private: bool) -> set[str]: ...


@dataclass(frozen=True)
class ReportDesk:
    """The bot's side of a platform, for report commands: its cache (`data`), who is who (`directory`),
    names for the people a report mentions, and where the platform shows a report's chart (None: it can't)."""

    data: ReportData
    directory: Directory
    names: Names
    chart: Callable[[ReportView], str | None]


ReportReply = Notice | ReportNotice | ReportView


def run_report(
    action: ReportAction, inv: Invocation, data: ReportData, directory: Directory, *, now: datetime
) -> ReportReply:
    if action is ReportAction.ADMIN:
        if not directory.is_admin(inv.user_id):
            return Notice(messages.NOT_ADMIN)
        week = assemble(data, now=now)
        overview = week.admin(lambda conv: _member(directory, inv.user_id, conv))
        return admin_view(overview, week.conversations)
    conv = next((c for c in data.conversations() if c.id == inv.conversation_id), None)
    if conv is None:
        return Notice(messages.NOT_TRACKED)
    # A private conversation's report is for its members only. (The platform only lets members run commands
    # there; checked again all the same. A public channel's files are visible to everyone anyway.)
    if conv.private and not _member(directory, inv.user_id, conv):
        return Notice(messages.NOT_TRACKED)
    if action is ReportAction.NOW:
        return channel_view(assemble(data, now=now).channel(conv))
    if inv.user_id not in data.owners(conv.id) and not directory.is_admin(inv.user_id):
        return Notice(messages.NOT_OWNER)
    on = action is ReportAction.SUBSCRIBE
    data.subscribe(conv.id, inv.user_id, on=on)
    return subscribed_notice(conv, on=on)


def _member(directory: Directory, user: str, conv: Conversation) -> bool:
    """Whether `user` is in `conv`, as far as the bot can tell. One it can no longer check (the bot was
    removed, the conversation archived or deleted, the platform failing) counts as one they are not in."""
    try:
        return user in directory.members(conv.id, conv.private)
    except SourceError:
        return False
