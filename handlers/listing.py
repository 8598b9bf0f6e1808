"""Listing and paging, the same for every platform.

Two strategies, chosen per query from the source's `Capabilities`:

* **native** — every filter is applied by the platform: one API call per page shown, the platform's own
  paging (page numbers or cursors) carried in the navigation state.
* **bounded scan** — something is not native (a name search on Slack, `largest` on Slack, a type the
  platform cannot filter, "everywhere" on a platform that lists one room at a time): the handler walks
  the natively filtered list, newest first, for at most
  `SCAN_LIMIT` files (`SCAN_LIMIT / max_page_size` calls), applies the rest itself, sorts, and pages the
  result. When the walk stops before the end, the listing is marked partial and the user is told.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass

from handlers import predicates
from handlers.predicates import Predicate
from handlers.source import Capabilities, FileInfo, FileSource, Position, SourcePage, SourceQuery

PAGE_SIZE = 10
SCAN_LIMIT = 1000


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


def list_page(source: FileSource, query: SourceQuery, position: Position) -> Window:
    """The page of `query` at `position`, by the cheapest strategy the source allows."""
    p = plan(query, source.capabilities)
    if p.scan:
        return _scan_window(source, p, largest=query.largest, page=position.page)
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


def _scan_window(source: FileSource, p: Plan, *, largest: bool, page: int) -> Window:
    keep = predicates.all_of(p.residual)
    matches: list[FileInfo] = []
    scanned = 0
    last: SourcePage | None = None
    last_at = Position()
    for api_page, fetched_at in iter_pages(source, p.native, source.capabilities.max_page_size):
        last, last_at = api_page, fetched_at
        for f in api_page.files:
            scanned += 1
            if keep(f):
                matches.append(f)
        if scanned >= SCAN_LIMIT:
            break
    exhausted = last is None or not last.files or next_position(last, last_at) is None
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
    )


def iter_pages(
    source: FileSource, query: SourceQuery, count: int, *, max_calls: int | None = None
) -> Iterator[tuple[SourcePage, Position]]:
    """Every API page of `query` with the position it was fetched at, following whichever paging style
    the platform answers with. The project's single paging loop; bounded so a misbehaving API cannot
    keep us looping (by default to what a `SCAN_LIMIT` scan needs)."""
    calls = max_calls if max_calls is not None else math.ceil(SCAN_LIMIT / max(1, count))
    position: Position | None = Position()
    for _ in range(calls):
        if position is None:
            return
        page = source.fetch(query, position, count)
        yield page, position
        if not page.files:
            return
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
