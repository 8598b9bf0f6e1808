"""Paging and the native/scan split, against a small in-memory `FileSource` (the protocol, not a mock)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from handlers import listing
from handlers.errors import RateLimited
from handlers.query import ConversationRef, Kind, UserRef
from handlers.source import Capabilities, FileInfo, Position, SourcePage, SourceQuery, WalkProgress


def file(i: int, *, size: int = 1, mime: str = "text/plain", name: str | None = None, user: str = "U1") -> FileInfo:
    return FileInfo(
        id=f"F{i}",
        name=name or f"f{i}.txt",
        title="",
        size=size,
        mimetype=mime,
        extension="",
        type_label="",
        uploader_id=user,
        uploader_name=None,
        created=datetime.fromtimestamp(1_700_000_000 + i * 86_400, UTC),
        link="https://x/f",
    )


@dataclass
class ListSource:
    files: list[FileInfo]
    capabilities: Capabilities = field(
        default_factory=lambda: Capabilities(
            kinds=frozenset(),
            several_kinds=False,
            uploader=False,
            dates=False,
            name=False,
            largest=False,
            max_page_size=3,
        )
    )
    cursor_style: bool = False
    calls: list[tuple[SourceQuery, Position, int]] = field(default_factory=list)

    def resolve_conversation(self, ref: ConversationRef) -> str:
        return ref.id or ""

    def resolve_user(self, ref: UserRef) -> str:
        return ref.id or ""

    def fetch(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
        self.calls.append((query, position, count))
        newest = sorted(self.files, key=lambda f: f.created, reverse=True)
        if self.cursor_style:
            start = int(position.cursor or 0)
            chunk = newest[start : start + count]
            more = start + count < len(newest)
            return SourcePage(files=chunk, page=position.page, next_cursor=str(start + count) if more else None)
        pages = max(1, -(-len(newest) // count))
        chunk = newest[(position.page - 1) * count : position.page * count]
        return SourcePage(files=chunk, page=position.page, pages=pages, total=len(newest))


def test_native_query_costs_one_call_per_page():
    source = ListSource([file(i) for i in range(25)])
    window = listing.list_page(source, SourceQuery(conversation_id="C1"), Position(page=2))
    assert len(source.calls) == 1 and source.calls[0][2] == listing.PAGE_SIZE
    assert [f.id for f in window.rows] == [f"F{i}" for i in range(14, 4, -1)]
    assert window.pages == 3 and window.total == 25
    assert window.prev == Position(page=1) and window.next == Position(page=3)


def test_cursor_paging_walks_forward_and_back():
    source = ListSource([file(i) for i in range(25)], cursor_style=True)
    first = listing.list_page(source, SourceQuery(), Position())
    assert first.pages is None and first.prev is None and first.next is not None
    second = listing.list_page(source, SourceQuery(), first.next)
    third = listing.list_page(source, SourceQuery(), second.next)  # type: ignore[arg-type]
    assert third.next is None and [f.id for f in third.rows] == [f"F{i}" for i in range(4, -1, -1)]
    back = listing.list_page(source, SourceQuery(), third.prev)  # type: ignore[arg-type]
    assert back.rows == second.rows
    assert listing.list_page(source, SourceQuery(), back.prev).rows == first.rows  # type: ignore[arg-type]


def test_plan_keeps_native_what_the_platform_can_do():
    caps = Capabilities(
        kinds=frozenset({Kind.IMAGES, Kind.PDFS}),
        several_kinds=True,
        uploader=True,
        dates=True,
        name=False,
        largest=False,
        max_page_size=200,
    )
    native = listing.plan(
        SourceQuery(kinds=frozenset({Kind.IMAGES, Kind.PDFS}), uploader_id="U1", since=date(2026, 1, 1)), caps
    )
    assert not native.scan and native.native.kinds == {Kind.IMAGES, Kind.PDFS}
    mixed = listing.plan(SourceQuery(kinds=frozenset({Kind.IMAGES, Kind.VIDEO})), caps)
    assert mixed.scan and mixed.native.kinds == frozenset()
    assert listing.plan(SourceQuery(name="x"), caps).scan
    assert listing.plan(SourceQuery(largest=True), caps).native.largest is False


def test_scan_filters_sorts_and_pages_the_matches():
    files = [file(i, size=i * 10, mime="image/png" if i % 2 else "text/plain") for i in range(30)]
    source = ListSource(files)
    window = listing.list_page(source, SourceQuery(kinds=frozenset({Kind.IMAGES}), largest=True), Position(page=2))
    assert window.total == 15 and window.pages == 2 and not window.partial
    assert [f.size for f in window.rows] == [90, 70, 50, 30, 10]
    assert window.total_bytes == sum(i * 10 for i in range(1, 30, 2))
    assert window.prev == Position(page=1) and window.next is None


def test_scan_is_bounded_and_says_it_is_partial(monkeypatch):
    monkeypatch.setattr(listing, "SCAN_LIMIT", 6)
    source = ListSource([file(i) for i in range(30)])
    window = listing.list_page(source, SourceQuery(name="f"), Position())
    assert len(source.calls) == 2 and window.scanned == 6 and window.partial


def test_scan_of_exactly_everything_is_complete(monkeypatch):
    monkeypatch.setattr(listing, "SCAN_LIMIT", 6)
    source = ListSource([file(i) for i in range(6)])
    assert not listing.list_page(source, SourceQuery(name="f"), Position()).partial


def test_name_search_is_literal_and_case_insensitive():
    source = ListSource([file(1, name="Report (final).PDF"), file(2, name="reportXfinal"), file(3, name=".*")])
    assert [f.id for f in listing.list_page(source, SourceQuery(name="(FINAL)"), Position()).rows] == ["F1"]
    assert [f.id for f in listing.list_page(source, SourceQuery(name=".*"), Position()).rows] == ["F3"]


def test_paging_loop_stops_even_if_the_platform_never_does():
    class Endless(ListSource):
        def fetch(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
            self.calls.append((query, position, count))
            return SourcePage(files=[file(len(self.calls))], page=position.page, next_cursor="again")

    source = Endless([])
    pages = list(listing.iter_pages(source, SourceQuery(), 3))
    assert len(pages) == len(source.calls) == -(-listing.SCAN_LIMIT // 3)


def test_deep_cursor_trail_that_was_cut_restarts_from_page_one():
    assert listing.previous_position(Position(page=50, cursor="c", trail=())) == Position(page=1)


# -- every command's scan is bounded: in calls, in time, and by the platform's rate limit --------------------
class Ticking(ListSource):
    """Each call takes `seconds` on `clock` (a list holding the time, for the budget to read)."""

    def __init__(self, files: list[FileInfo], clock: list[float], seconds: float) -> None:
        super().__init__(files)
        self.clock, self.seconds = clock, seconds

    def fetch(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
        self.clock[0] += self.seconds
        return super().fetch(query, position, count)


def test_scan_starts_no_call_once_its_time_is_nearly_spent():
    now = [0.0]
    source = Ticking([file(i) for i in range(30)], now, seconds=3.0)
    window = listing.list_page(source, SourceQuery(name="f"), Position(), listing.Budget(7.0, lambda: now[0]))
    assert len(source.calls) == 3 and window.scanned == 9 and window.partial  # at 3 s, 6 s, then 9 s: over


def test_a_rate_limit_mid_scan_shows_what_was_found_and_when_to_go_on():
    class Limited(ListSource):
        def fetch(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
            if len(self.calls) == 2:
                raise RateLimited("window spent", 42)
            return super().fetch(query, position, count)

    window = listing.list_page(Limited([file(i) for i in range(30)]), SourceQuery(name="f"), Position())
    assert window.scanned == 6 and window.partial and window.retry_after == 42 and len(window.rows) == 6
    first_refused = Limited([file(i) for i in range(30)])
    first_refused.calls.extend([(SourceQuery(), Position(), 0)] * 2)  # the next call is refused
    with pytest.raises(RateLimited):  # nothing found yet: the handler tells the user instead
        listing.list_page(first_refused, SourceQuery(name="f"), Position())


def test_a_walk_goes_past_conversations_without_matches_and_says_how_far_it_got():
    class Walk(ListSource):
        """Four conversations; only the third holds a file."""

        def fetch(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
            self.calls.append((query, position, count))
            index = int(position.cursor or 0)
            files = [file(7)] if index == 2 else []
            more = str(index + 1) if index < 3 else None
            return SourcePage(files=files, page=position.page, next_cursor=more, walk=WalkProgress(index + 1, 4))

    walking = Capabilities(
        kinds=frozenset(), several_kinds=False, uploader=False, dates=False, name=False, largest=False,
        max_page_size=3, everywhere=False,
    )  # fmt: skip
    source = Walk([], capabilities=walking)
    window = listing.list_page(source, SourceQuery(), Position())
    assert [f.id for f in window.rows] == ["F7"] and not window.partial and window.walk == WalkProgress(4, 4)
    assert len(source.calls) == 4
