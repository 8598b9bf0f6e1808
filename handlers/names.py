"""The names port: how the platform names the people and conversations a view mentions by id, asked
before rendering so that no renderer ever calls back into an adapter.

Each platform supplies its own: Rocket.Chat the names its requests for the reader returned (a listing
never names what the reader's own calls did not show them) or the bot's directory (reports); Slack none at
all — a Slack mention is named by Slack itself, for each reader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import overload

from handlers.answers import View
from handlers.report_views import FileList, ReportView, Subject, Table, TableRow
from handlers.views import Conversation, ListingRow, ListingView, Part, Person

Lookup = Callable[[str], str | None]


def _unknown(_id: str) -> str | None:
    return None


@dataclass(frozen=True)
class Names:
    """`conversation(id)` and `person(id)`: the platform's name for it, or None when it has none to give."""

    conversation: Lookup = _unknown
    person: Lookup = _unknown


UNNAMED = Names()  # the platform names ids itself, or nothing may be named


@overload
def named(view: ReportView, names: Names) -> ReportView: ...


@overload
def named(view: View, names: Names) -> View: ...


def named(view: View, names: Names) -> View:
    """`view` with a name for every person and conversation it mentions that has none yet, where `names`
    knows one."""
    if names == UNNAMED:
        return view
    if isinstance(view, ListingView):
        return dataclasses.replace(
            view,
            title=tuple(_part(p, names) for p in view.title),
            rows=tuple(_row(r, names) for r in view.rows),
        )
    if isinstance(view, ReportView):
        return dataclasses.replace(
            view,
            heading=tuple(_part(p, names) for p in view.heading),
            sections=tuple(_table(s, names) if isinstance(s, Table) else _file_list(s, names) for s in view.sections),
        )
    return view


def _part(part: Part, names: Names) -> Part:
    if isinstance(part, Conversation):
        return _conversation(part, names)
    if isinstance(part, Person):
        return _person(part, names)
    return part


def _row(row: ListingRow, names: Names) -> ListingRow:
    return dataclasses.replace(
        row,
        uploader=_person(row.uploader, names) if row.uploader else None,
        where=_conversation(row.where, names) if row.where else None,
    )


def _table(table: Table, names: Names) -> Table:
    return dataclasses.replace(table, rows=tuple(TableRow(_subject(r.subject, names), r.value) for r in table.rows))


def _file_list(files: FileList, names: Names) -> FileList:
    rows = tuple(
        dataclasses.replace(r, uploader=_person(r.uploader, names) if r.uploader else None) for r in files.files
    )
    return dataclasses.replace(files, files=rows)


def _subject(subject: Subject, names: Names) -> Subject:
    if isinstance(subject, Conversation):
        return _conversation(subject, names)
    if isinstance(subject, Person):
        return _person(subject, names)
    return subject


def _conversation(conv: Conversation, names: Names) -> Conversation:
    return conv if conv.name else Conversation(conv.id, names.conversation(conv.id))


def _person(person: Person, names: Names) -> Person:
    return person if person.name else Person(person.id, names.person(person.id))
