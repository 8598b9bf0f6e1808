"""Small file predicates, composed for whatever part of a query the platform cannot filter natively."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from handlers.query import Kind
from handlers.source import FileInfo

Predicate = Callable[[FileInfo], bool]


def of_kinds(kinds: frozenset[Kind]) -> Predicate:
    return lambda f: f.kind in kinds


def uploaded_by(user_id: str) -> Predicate:
    return lambda f: f.uploader_id == user_id


def name_contains(text: str) -> Predicate:
    """Case-insensitive literal substring of the name or title; the text is never a pattern."""
    needle = text.casefold()
    return lambda f: needle in f.name.casefold() or needle in f.title.casefold()


def created_since(day: date) -> Predicate:
    start = day_start(day)
    return lambda f: f.created >= start


def created_until(day: date) -> Predicate:
    end = day_end(day)
    return lambda f: f.created <= end


def all_of(predicates: list[Predicate]) -> Predicate:
    return lambda f: all(p(f) for p in predicates)


def day_start(day: date) -> datetime:
    """`since:` is inclusive from midnight UTC."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def day_end(day: date) -> datetime:
    """`until:` is inclusive to the end of that day, UTC (its last microsecond: no day after it is needed,
    which `date.max` does not have)."""
    return datetime.combine(day, time.max, tzinfo=UTC)
