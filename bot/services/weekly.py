"""The weekly report job: for every workspace in the cache, each subscribed conversation's report to its
owners and subscribers, and the workspace report (with its chart) to admins — each delivery at most once.

Recipients are re-checked for membership at send time; a failed send (recipient left, DMs blocked, 5xx) is
retried with backoff and then recorded as failed with its reason, without holding up anyone else. Likewise
every conversation, admin and workspace fails on its own — logged, counted in /metrics
(`files_bot_failures_total`), the rest going out. A conversation the bot can no longer see (removed,
archived, deleted, before the sync notices) has no members as far as reports go: its recipients are skipped
and admins see it only in the aggregate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from bot.process import metrics
from bot.storage.interface import Ledger, ReportStore, Store, WorkspaceStore
from bot.storage.model import LedgerKey, LedgerStatus
from handlers.errors import SourceError
from handlers.records import Conversation
from handlers.report_views import ReportView, admin_view, channel_view
from handlers.reports import iso_week
from handlers.this_week import ThisWeek, assemble

log = logging.getLogger(__name__)

BACKOFF_SECONDS = (2.0, 10.0)  # between the three attempts
KEEP_WEEKS = 13  # snapshots and ledger rows: the chart's 12 weeks, and the week before them


class DeliveryFailed(SourceError):
    """The platform refused or failed a call made as the bot. Not `retryable`: it will keep refusing (no
    such user or conversation, not allowed); `reason` never carries file data."""

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
    store: Store,
    couriers: Callable[[str, str], Courier | None],
    *,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
) -> Summary:
    """Build and deliver this week's reports. `now` is timezone-aware: its date decides the week."""
    summary = Summary()
    for platform, workspace in store.workspaces():
        try:
            courier = couriers(platform, workspace)
            if courier is not None:
                _WorkspaceRun(store.workspace(platform, workspace), courier, now, sleep, summary).run()
        except Exception as error:  # one workspace (or platform) never stops the others
            _failed(summary, platform, "workspace", f"{platform}:{workspace}", error)
    # What no report reads any more goes: a ledger row is needed for its week, a snapshot for the chart.
    store.prune(before_week=iso_week((now - timedelta(weeks=KEEP_WEEKS)).date()))
    return summary


def _failed(summary: Summary, platform: str, scope: str, where: str, error: Exception) -> None:
    # A platform error's text is safe to log (handlers/errors.py); anything else's may quote data: its class.
    reason = str(error) if isinstance(error, SourceError) else type(error).__name__
    log.warning("weekly report for %s failed; the others go on: %s", where, reason)
    metrics.FAILURES.labels("reports", platform, scope).inc()
    summary.failed += 1
    summary.failures.append(f"{where}: {reason}")


class _WorkspaceRun:
    def __init__(
        self,
        store: WorkspaceStore,
        courier: Courier,
        now: datetime,
        sleep: Callable[[float], None],
        summary: Summary,
    ) -> None:
        self.store, self.courier, self.platform, self.workspace = store, courier, store.platform, store.workspace
        self.now, self.sleep, self.summary = now, sleep, summary
        self.ledger = store.ledger
        self.week = iso_week(now.date())
        self._members: dict[str, set[str]] = {}

    def members_of(self, conv: Conversation) -> set[str]:
        if conv.id not in self._members:
            try:
                self._members[conv.id] = self.courier.members(conv.id, conv.private)
            except DeliveryFailed as error:
                if error.retryable:
                    raise
                # The bot can no longer see who is in it (removed, archived, deleted): nobody is, for reports.
                log.info("%s %s: cannot list the members of %s (%s)", self.platform, self.workspace, conv.id, error)
                self._members[conv.id] = set()
        return self._members[conv.id]

    def can_see(self, admin: str, conv: Conversation) -> bool:
        try:
            return admin in self.members_of(conv)
        except DeliveryFailed:
            return False  # unknown for now: shown only as part of the aggregate

    def run(self) -> None:
        platform, workspace = self.platform, self.workspace
        stats = self.store.reports()  # aggregates computed by the store, never every file in memory
        this_week = assemble(stats, now=self.now)
        convs = list(this_week.conversations)
        for conv in convs:
            try:
                self.channel_reports(conv, this_week, stats)
            except Exception as error:  # one conversation never stops the others
                _failed(self.summary, platform, "conversation", f"{platform}:{workspace}:{conv.id}", error)
        _record_snapshots(self.store, self.week, convs, stats)
        try:
            admins = self.courier.admins()
        except DeliveryFailed as error:
            # Without the list of admins there is no one to send the overview to; the channel reports above
            # are out, and the next run tries again (nothing was claimed in the ledger).
            log.warning("%s %s: could not list the admins (%s); no admin report", platform, workspace, error.reason)
            metrics.FAILURES.labels("reports", platform, "workspace").inc()
            self.summary.failed += 1
            self.summary.failures.append(f"admins: {error.reason}")
            return
        for admin in admins:
            try:
                self.admin_report(admin, this_week, convs)
            except Exception as error:  # one admin's report never stops the others'
                _failed(self.summary, platform, "recipient", f"{platform}:{workspace}:{admin} admin report", error)

    def channel_reports(self, conv: Conversation, this_week: ThisWeek, stats: ReportStore) -> None:
        recipients = stats.owners(conv.id) | stats.subscribers(conv.id)
        if not recipients:
            return
        view = channel_view(this_week.channel(conv))
        for user in sorted(recipients):
            self.deliver(LedgerKey(conv.id, user, self.week), view, conv)

    def admin_report(self, admin: str, this_week: ThisWeek, convs: list[Conversation]) -> None:
        # Private conversations appear by name only to admins who are members of them.
        view = admin_view(this_week.admin(lambda conv: self.can_see(admin, conv)), convs)
        self.deliver(LedgerKey(None, admin, self.week), view, None)

    def deliver(self, key: LedgerKey, view: ReportView, conv: Conversation | None) -> None:
        def member() -> bool:
            return conv is None or key.recipient in self.members_of(conv)

        _deliver(self.platform, self.ledger, self.courier, key, view, self.summary, self.sleep, member=member)


def _record(
    platform: str, key: LedgerKey, ledger: Ledger, status: LedgerStatus, *, attempts: int, error: str | None = None
) -> None:
    ledger.finish(key, status, attempts=attempts, error=error)
    metrics.REPORTS.labels(platform, status).inc()


def _deliver(
    platform: str,
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
        _record(platform, key, ledger, LedgerStatus.FAILED, attempts=0, error=f"membership check: {error.reason}")
        summary.failed += 1
        return
    if not is_member:
        _record(platform, key, ledger, LedgerStatus.SKIPPED, attempts=0, error="no longer a member of the conversation")
        summary.skipped += 1
        return
    for attempt in range(1, len(BACKOFF_SECONDS) + 2):
        try:
            courier.send(key.recipient, view)
        except DeliveryFailed as error:
            if error.retryable and attempt <= len(BACKOFF_SECONDS):
                sleep(BACKOFF_SECONDS[attempt - 1])
                continue
            _record(platform, key, ledger, LedgerStatus.FAILED, attempts=attempt, error=error.reason)
            summary.failed += 1
            summary.failures.append(f"{key.recipient}: {error.reason}")
            log.warning(
                "report for %s/%s not delivered: %s", key.conversation or "the workspace", key.week, error.reason
            )
            return
        _record(platform, key, ledger, LedgerStatus.SENT, attempts=attempt)
        summary.sent += 1
        return


def _record_snapshots(store: WorkspaceStore, week: str, convs: list[Conversation], stats: ReportStore) -> None:
    totals = stats.totals()
    for conv in convs:
        count, total = totals.get(conv.id, (0, 0))
        by_type = {kind: size for kind, (_, size) in stats.by_type(conv.id).items()}
        store.record_snapshot(week, conversation=conv.id, file_count=count, total_bytes=total, by_type=by_type)
    # The trend's point for the week: each file once (a file in two conversations is in both rows above).
    count, total = stats.file_totals()
    store.record_snapshot(week, conversation=None, file_count=count, total_bytes=total, by_type={})
