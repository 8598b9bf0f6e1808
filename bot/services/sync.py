"""Incremental, resumable sync of file metadata into the cache, for any platform's `FileSource`.

First the conversations the bot is in are recorded, and those it is no longer in (removed, archived,
deleted) are marked so: their files stop counting. Then per conversation: an *incremental* pass reads
newest-first down to the last watermark (minus an overlap for late or clock-skewed uploads); a *full* pass
(the periodic reconcile) reads everything and then removes from the conversation the files it did not see.
Either pass also learns from each file object where else the file is shared (Slack lists `channels`,
`groups`, `ims`; a Rocket.Chat file has its one room), so a file unshared from another conversation leaves
it as soon as any page lists the file again; older files wait for the `file_unshared` event or the reconcile.
Pages stream straight into SQLite — memory stays flat — and each page commits together with the cursor that
follows it, so a pass killed at any point resumes exactly where it stopped. Every call waits for the shared
rate limiter's background share; a 429 pauses the key for `Retry-After`. A conversation that fails is
logged, counted and skipped: the others go on, and the next run resumes it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.process import metrics
from bot.services.ratelimit import RateLimiter
from bot.storage.interface import Store
from bot.storage.model import SyncCursor, SyncMode, SyncState
from handlers.errors import RateLimited, SourceError
from handlers.listing import next_position
from handlers.records import Conversation
from handlers.source import FileSource, Position, SourceQuery

log = logging.getLogger(__name__)

OVERLAP_SECONDS = 3600
PAGE_SIZE = 100
MAX_PAGES = 100_000  # a bound, not a budget: 10 million files per conversation
MAX_RATE_LIMIT_RETRIES = 5


@dataclass
class SyncResult:
    conversations: int = 0  # synced to the end
    pages: int = 0
    files: int = 0
    removed: int = 0  # presences: files no longer in a conversation
    deleted: int = 0  # files no longer in any conversation the bot is in, dropped from the cache
    lost: int = 0  # conversations the bot is no longer in
    failed: list[str] = field(default_factory=list)  # conversations that failed this time (resumed next run)
    error: str | None = None  # the whole workspace failed (e.g. its conversations could not be listed)
    forgotten: bool = False  # the workspace is no longer served: its data was deleted


class Syncer:
    def __init__(
        self,
        store: Store,
        limiter: RateLimiter,
        *,
        clock: Callable[[], float] = time.time,
        method: str | None = "files.list",
    ) -> None:
        """`method`: the rate-limit key every page is taken from; None when the source paces its own calls
        (Rocket.Chat's routes differ by room type, and only the source sees the server's headers)."""
        self._store = store
        self._limiter = limiter
        self._clock = clock
        self._method = method

    def sync(
        self,
        platform: str,
        workspace: str,
        source: FileSource,
        conversations: Iterable[Conversation],
        *,
        full: bool = False,
    ) -> SyncResult:
        result = SyncResult()
        current = list(conversations)
        store = self._store.workspace(platform, workspace)
        # All of them first: a page of one conversation may place a file in another.
        with store.transaction():
            for conv in current:
                store.save_conversation(conv)
            lost = store.lose_conversations({c.id for c in current})
        if lost:
            log.info("%s %s: no longer in %s; their files no longer count", platform, workspace, ", ".join(lost))
            metrics.CONVERSATIONS_LOST.labels(platform).inc(len(lost))
        result.lost = len(lost)
        for conv in current:
            try:
                self.sync_conversation(platform, workspace, source, conv.id, full=full, result=result)
            except SourceError as error:
                # `str(error)` never carries file data (handlers/errors.py).
                log.warning("sync of %s %s %s failed; the others go on: %s", platform, workspace, conv.id, error)
                metrics.FAILURES.labels("sync", platform, "conversation").inc()
                result.failed.append(conv.id)
                if isinstance(error, RateLimited):
                    break  # the others would only wait on the same limit: the next run goes on from here
                continue
            result.conversations += 1
        return result

    def sync_conversation(
        self,
        platform: str,
        workspace: str,
        source: FileSource,
        conversation: str,
        *,
        full: bool = False,
        result: SyncResult | None = None,
    ) -> SyncResult:
        result = result or SyncResult()
        store = self._store.workspace(platform, workspace)
        state = store.sync_state(conversation)
        # An interrupted pass carries on with its own parameters; otherwise a new one starts.
        cursor = state.cursor or _first_page(state, full)
        generation = state.generation + 1 if state.cursor is None and cursor.mode == SyncMode.FULL else state.generation
        since = cursor.since
        query = SourceQuery(
            conversation_id=conversation, since=datetime.fromtimestamp(since, UTC).date() if since else None
        )
        position, max_created = cursor.position, cursor.max_created
        for _ in range(MAX_PAGES):
            page = self._fetch(platform, workspace, source, query, position)
            result.pages += 1
            metrics.SYNC_PAGES.labels(platform).inc()
            keep = [f for f in page.files if since is None or f.created.timestamp() >= since]
            following = next_position(page, position)
            # Newest first: once a page reaches below the watermark, everything after it is known.
            done = following is None or not page.files or len(keep) < len(page.files)
            if keep:
                max_created = max(max_created, max(f.created.timestamp() for f in keep))
            now = self._clock()
            with store.transaction():
                result.files += store.save_files(conversation, keep, generation=generation, now=now)
                if done:
                    if cursor.mode == SyncMode.FULL:
                        removed = store.sweep(conversation, generation=generation)
                        result.removed += removed.presences
                        result.deleted += removed.files
                    next_state = SyncState(max_created or None, generation)
                else:
                    assert following is not None
                    going_on = SyncCursor(cursor.mode, following, since, max_created)
                    next_state = SyncState(state.watermark, generation, going_on)
                store.save_sync_state(conversation, next_state)
            metrics.SYNC_FILES.labels(platform).inc(len(keep))
            if done:
                metrics.SYNC_LAST_SUCCESS.labels(platform).set_to_current_time()
                break
            assert following is not None
            position = following
        return result

    def _fetch(self, platform: str, workspace: str, source: FileSource, query: SourceQuery, position: Position) -> Any:
        key = (platform, workspace, self._method or "")
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            if self._method is not None and not self._limiter.acquire_background(key):
                raise RateLimited("no rate-limit budget for background sync")
            try:
                return source.fetch(query, position, PAGE_SIZE)
            except RateLimited as error:
                if attempt == MAX_RATE_LIMIT_RETRIES:
                    raise
                wait = float(error.retry_after or 30)
                log.info("sync rate limited on %s/%s; pausing %.0f s", platform, self._method, wait)
                if self._method is not None:  # (a self-pacing source has noted the server's reset itself)
                    self._limiter.pause(key, wait)
        raise AssertionError("unreachable")


def _first_page(state: SyncState, full: bool) -> SyncCursor:
    """A new pass: full when asked for or never synced (it reads everything), else down to the watermark
    minus an overlap for late or clock-skewed uploads."""
    if full or state.watermark is None:
        return SyncCursor(SyncMode.FULL, Position(), None, state.watermark or 0)
    return SyncCursor(SyncMode.INCREMENTAL, Position(), state.watermark - OVERLAP_SECONDS, state.watermark)


def describe(result: SyncResult) -> str:
    if result.forgotten:
        return "no longer installed or configured: everything kept about it was deleted"
    if result.error:
        return f"failed: {result.error}; run it again"
    text = (
        f"{result.conversations} conversation(s), {result.pages} page(s), {result.files} file(s) stored, "
        f"{result.removed} removed from a conversation, {result.deleted} gone"
    )
    if result.lost:
        text += f"; no longer in {result.lost} conversation(s)"
    if result.failed:
        text += f"; failed: {', '.join(result.failed)} (run it again to resume)"
    return text
