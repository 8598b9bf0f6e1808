"""The weekly report job: for every workspace in the cache, each subscribed conversation's report to its
owners and subscribers, and the workspace report (with its chart) to admins — each delivery at most once.

Recipients are re-checked for membership at send time; a failed send (recipient left, DMs blocked, 5xx) is
retried with backoff and then recorded as failed with its reason, without holding up anyone else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot import metrics
from bot.cache import FileCache
from bot.ledger import WORKSPACE_REPORT, Ledger, LedgerKey
from bot.report_data import CacheReportData
from handlers.report_views import ReportView, admin_view, channel_view
from handlers.reports import ConversationFacts, iso_week
from handlers.this_week import assemble

log = logging.getLogger(__name__)

BACKOFF_SECONDS = (2.0, 10.0)  # between the three attempts


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class Courier(Protocol):
    """Sends as the bot, on one platform and workspace."""

    def members(self, conversation: str, private: bool) -> set[str]: ...

    def admins(self) -> list[str]: ...

    def send(self, user: str, report: ReportView) -> None:
        """`report` as a private message to `user`, rendered for the platform; raises `DeliveryFailed`."""
        ...


@dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    already: int = 0
    failures: list[str] = field(default_factory=list)


def run(
    cache: FileCache,
    couriers: Callable[[str, str], Courier | None],
    *,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> Summary:
    """Build and deliver this week's reports. `now` is timezone-aware: its date decides the week."""
    summary = Summary()
    for platform, workspace in cache.workspaces():
        courier = couriers(platform, workspace)
        if courier is not None:
            _WorkspaceRun(cache, courier, platform, workspace, now, sleep, summary).run()
    return summary


class _WorkspaceRun:
    def __init__(
        self,
        cache: FileCache,
        courier: Courier,
        platform: str,
        workspace: str,
        now: datetime,
        sleep: Callable[[float], None],
        summary: Summary,
    ) -> None:
        self.cache, self.courier, self.platform, self.workspace = cache, courier, platform, workspace
        self.now, self.sleep, self.summary = now, sleep, summary
        self.ledger = Ledger(cache)
        self.week = iso_week(now.date())
        self._members: dict[str, set[str]] = {}

    def members_of(self, conv: ConversationFacts) -> set[str]:
        if conv.id not in self._members:
            self._members[conv.id] = self.courier.members(conv.id, conv.private)
        return self._members[conv.id]

    def run(self) -> None:
        cache, platform, workspace = self.cache, self.platform, self.workspace
        stats = CacheReportData(cache, platform, workspace)  # aggregates in SQL, never every file in memory
        this_week = assemble(stats, now=self.now)
        convs = list(this_week.conversations)
        for conv in convs:
            recipients = stats.owners(conv.id) | stats.subscribers(conv.id)
            if not recipients:
                continue
            view = channel_view(this_week.channel(conv))
            for user in sorted(recipients):
                self.deliver(LedgerKey(platform, workspace, conv.id, user, self.week), view, conv)
        _record_snapshots(cache, platform, workspace, self.week, convs, stats)
        try:
            admins = self.courier.admins()
        except DeliveryFailed as error:
            # Without the list of admins there is no one to send the overview to; the channel reports above
            # are out, and the next run tries again (nothing was claimed in the ledger).
            log.warning("%s %s: could not list the admins (%s); no admin report", platform, workspace, error.reason)
            self.summary.failed += 1
            self.summary.failures.append(f"admins: {error.reason}")
            return
        for admin in admins:
            # Private conversations appear by name only to admins who are members of them.
            view = admin_view(this_week.admin(_reader(self, admin)), convs)
            self.deliver(LedgerKey(platform, workspace, WORKSPACE_REPORT, admin, self.week), view, None)

    def deliver(self, key: LedgerKey, view: ReportView, conv: ConversationFacts | None) -> None:
        def member() -> bool:
            return conv is None or key.recipient in self.members_of(conv)

        _deliver(self.ledger, self.courier, key, view, self.summary, self.sleep, member=member)


def _reader(run: _WorkspaceRun, admin: str) -> Callable[[ConversationFacts], bool]:
    return lambda conv: admin in run.members_of(conv)


def _record(key: LedgerKey, ledger: Ledger, status: str, *, attempts: int, error: str | None = None) -> None:
    ledger.finish(key, status, attempts=attempts, error=error)
    metrics.REPORTS.labels(key.platform, status).inc()


def _deliver(
    ledger: Ledger,
    courier: Courier,
    key: LedgerKey,
    view: ReportView,
    summary: Summary,
    sleep: Callable[[float], None],
    *,
    member: Callable[[], bool],
) -> None:
    if not ledger.claim(key):
        summary.already += 1
        return
    try:
        is_member = member()
    except DeliveryFailed as error:
        _record(key, ledger, "failed", attempts=0, error=f"membership check: {error.reason}")
        summary.failed += 1
        return
    if not is_member:
        _record(key, ledger, "skipped", attempts=0, error="no longer a member of the conversation")
        summary.skipped += 1
        return
    for attempt in range(1, len(BACKOFF_SECONDS) + 2):
        try:
            courier.send(key.recipient, view)
        except DeliveryFailed as error:
            if error.retryable and attempt <= len(BACKOFF_SECONDS):
                sleep(BACKOFF_SECONDS[attempt - 1])
                continue
            _record(key, ledger, "failed", attempts=attempt, error=error.reason)
            summary.failed += 1
            summary.failures.append(f"{key.recipient}: {error.reason}")
            log.warning("report for %s/%s not delivered: %s", key.conversation, key.week, error.reason)
            return
        _record(key, ledger, "sent", attempts=attempt)
        summary.sent += 1
        return


def _record_snapshots(
    cache: FileCache, platform: str, workspace: str, week: str, convs: list[ConversationFacts], stats: CacheReportData
) -> None:
    totals = stats.totals()
    for conv in convs:
        count, total = totals.get(conv.id, (0, 0))
        by_type = {kind: size for kind, (_, size) in stats.by_type(conv.id).items()}
        cache.record_snapshot(platform, workspace, conv.id, week, file_count=count, total_bytes=total, by_type=by_type)
