"""Listing and paging, the same for every platform.

Two strategies, chosen per query from the source's `Capabilities`:

* **native** — every filter is applied by the platform: one API call per page shown, the platform's own
  paging (page numbers or cursors) carried in the navigation state.
* **bounded scan** — something is not native (a name search on Slack, `largest` on Slack, a type the
  platform cannot filter, "everywhere" on a platform that lists one room at a time): the handler walks
  the natively filtered list, newest first, applies the rest itself, sorts, and pages the result. Every
  command's scan is bounded three ways: at most `SCAN_LIMIT` files (`SCAN_LIMIT / max_page_size` calls),
  no call started once its `Budget` of time is nearly spent, and no call past the platform's rate limit
  (the source says so; what was found until then is shown). When the scan stops before the end, the
  listing is marked partial and the user is told how far it got.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from handlers import predicates
from handlers.errors import PlatformUnavailable, RateLimited
from handlers.predicates import Predicate
from handlers.source import Capabilities, FileInfo, FileSource, Position, SourcePage, SourceQuery, WalkProgress

PAGE_SIZE = 10
SCAN_LIMIT = 1000
# How long a scan may take when the adapter does not say: a listing posted later (Slack's response_url)
# can wait, but not without end. An adapter whose platform waits for the answer asks for less.
SCAN_SECONDS = 20.0
# A call started with less time than this left would only time out.
MIN_CALL_SECONDS = 0.5


@dataclass(frozen=True)
class Budget:
    """The time one command may spend: until `deadline`, on `clock`."""

    deadline: float
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def seconds(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Budget:
        return cls(clock() + seconds, clock)

    def left(self) -> float:
        return self.deadline - self.clock()


@dataclass(frozen=True)
class Plan:
    native: SourceQuery
    residual: list[Predicate]
    scan: bool


@dataclass(frozen=True)
class Window:
    """One page of results and where Prev/Next lead."""

    rows: list[FileInfo]
    page: int
    pages: int | None
    total: int | None
    total_bytes: int | None
    scanned: int | None
    partial: bool
    prev: Position | None
    next: Position | None
    walk: WalkProgress | None = None  # how many conversations a walk ("everywhere") got through
    retry_after: int | None = None  # the platform's rate limit stopped the scan: seconds until it may go on


def plan(query: SourceQuery, caps: Capabilities) -> Plan:
    """Split `query` into what the platform filters and what we must filter ourselves."""
    native = query
    residual: list[Predicate] = []
    if query.kinds and not (query.kinds <= caps.kinds and (len(query.kinds) == 1 or caps.several_kinds)):
        native = dataclasses.replace(native, kinds=frozenset())
        residual.append(predicates.of_kinds(query.kinds))
    if query.uploader_id and not caps.uploader:
        native = dataclasses.replace(native, uploader_id=None)
        residual.append(predicates.uploaded_by(query.uploader_id))
    if query.name and not caps.name:
        native = dataclasses.replace(native, name=None)
        residual.append(predicates.name_contains(query.name))
    if (query.since or query.until) and not caps.dates:
        native = dataclasses.replace(native, since=None, until=None)
        if query.since:
            residual.append(predicates.created_since(query.since))
        if query.until:
            residual.append(predicates.created_until(query.until))
    sort_here = query.largest and not caps.largest
    if sort_here:
        native = dataclasses.replace(native, largest=False)
    # A source that can only walk conversations one after another can't page "everywhere" natively.
    walk = query.conversation_id is None and not caps.everywhere
    return Plan(native=native, residual=residual, scan=bool(residual) or sort_here or walk)


def list_page(source: FileSource, query: SourceQuery, position: Position, budget: Budget | None = None) -> Window:
    """The page of `query` at `position`, by the cheapest strategy the source allows, within `budget`
    (by default `SCAN_SECONDS` from now)."""
    p = plan(query, source.capabilities)
    if p.scan:
        return _scan_window(source, p, largest=query.largest, page=position.page, budget=budget)
    return _native_window(source, p.native, position)


def _native_window(source: FileSource, query: SourceQuery, position: Position) -> Window:
    page = source.fetch(query, position, PAGE_SIZE)
    return Window(
        rows=page.files[:PAGE_SIZE],
        page=position.page,
        pages=page.pages,
        total=page.total,
        total_bytes=None,
        scanned=None,
        partial=False,
        prev=previous_position(position),
        next=next_position(page, position),
    )


def _scan_window(source: FileSource, p: Plan, *, largest: bool, page: int, budget: Budget | None) -> Window:
    budget = budget or Budget.seconds(SCAN_SECONDS)
    keep = predicates.all_of(p.residual)
    matches: list[FileInfo] = []
    scanned = 0
    last: SourcePage | None = None
    last_at = Position()
    retry_after: int | None = None
    try:
        for api_page, fetched_at in iter_pages(source, p.native, source.capabilities.max_page_size):
            last, last_at = api_page, fetched_at
            for f in api_page.files:
                scanned += 1
                if keep(f):
                    matches.append(f)
            if scanned >= SCAN_LIMIT or budget.left() < MIN_CALL_SECONDS:
                break
    except (RateLimited, PlatformUnavailable) as stopped:
        if last is None:
            raise  # nothing found yet: the user is told what happened instead
        retry_after = stopped.retry_after if isinstance(stopped, RateLimited) else None
    exhausted = last is None or next_position(last, last_at) is None
    if largest:
        matches.sort(key=lambda f: (-f.size, -f.created.timestamp()))
    else:
        matches.sort(key=lambda f: -f.created.timestamp())  # a walk of several conversations interleaves
    pages = max(1, math.ceil(len(matches) / PAGE_SIZE))
    page = min(page, pages)
    start = (page - 1) * PAGE_SIZE
    return Window(
        rows=matches[start : start + PAGE_SIZE],
        page=page,
        pages=pages,
        total=len(matches),
        total_bytes=sum(f.size for f in matches),
        scanned=scanned,
        partial=not exhausted,
        prev=Position(page=page - 1) if page > 1 else None,
        next=Position(page=page + 1) if page < pages else None,
        walk=last.walk if last is not None else None,
        retry_after=retry_after,
    )


def iter_pages(
    source: FileSource, query: SourceQuery, count: int, *, max_calls: int | None = None
) -> Iterator[tuple[SourcePage, Position]]:
    """Every API page of `query` with the position it was fetched at, following whichever paging style
    the platform answers with, until a page says there is no next one. The project's single paging loop;
    bounded so a misbehaving API cannot keep us looping (by default to what a `SCAN_LIMIT` scan needs).
    A page may be empty and still lead on (a walk past a conversation without matching files)."""
    calls = max_calls if max_calls is not None else math.ceil(SCAN_LIMIT / max(1, count))
    position: Position | None = Position()
    for _ in range(calls):
        if position is None:
            return
        page = source.fetch(query, position, count)
        yield page, position
        position = next_position(page, position)


def next_position(page: SourcePage, position: Position) -> Position | None:
    if page.pages is not None:
        return Position(page=position.page + 1) if position.page < page.pages else None
    if page.next_cursor:
        return Position(
            page=position.page + 1,
            cursor=page.next_cursor,
            trail=(*position.trail, position.cursor or ""),
        )
    return None


def previous_position(position: Position) -> Position | None:
    if position.page <= 1:
        return None
    if position.cursor is None:
        return Position(page=position.page - 1)
    if not position.trail:
        # The cursor trail was cut short (very deep paging): restart from the first page.
        return Position(page=1)
    return Position(page=position.page - 1, cursor=position.trail[-1] or None, trail=position.trail[:-1])
