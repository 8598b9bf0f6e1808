"""The `/files` flow (handlers/flow.py) on its own, against an in-memory `FileSource`: every request's
outcome is explicit, nothing calls the platform before the ack, a click runs the query its signed state
carries, and views leave the flow with their names, from the names port the session supplies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from bot.storage import open_store
from handlers import grammar, messages, records
from handlers.answers import Answered, Later, NeedsAuthorization, Nothing, Settled
from handlers.errors import NotAuthorized
from handlers.files_command import Invocation
from handlers.flow import Click, Command, handle
from handlers.names import Names
from handlers.report_command import ReportDesk
from handlers.report_views import ReportView, Table
from handlers.source import FileSource
from handlers.state import StateCodec
from handlers.views import (
    ACTION_AUTHORIZE,
    ACTION_NEXT,
    ACTION_TYPE,
    Conversation,
    ListingView,
    Notice,
    Person,
)
from tests.test_block_kit import FailingSource
from tests.test_listing import ListSource, file
from tests.test_reports import f, stats

CODEC = StateCodec("flow-test-secret", purpose="test")
INV = Invocation("T1", "U1", "C1", date(2026, 6, 1), "https://bot.example/install")


@dataclass
class Session:
    """A `flow.Session`: its files are `source`, its names `rooms` and `people`; it counts what the flow
    asks of it."""

    source: FileSource = field(default_factory=lambda: ListSource([file(i) for i in range(25)]))
    authorized: bool = True
    rooms: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    desk: ReportDesk | None = None
    invocation: Invocation = INV
    asked: list[str] = field(default_factory=list)

    def files(self) -> FileSource:
        self.asked.append("files")
        return self.source

    def names(self) -> Names:
        self.asked.append("names")
        return Names(conversation=self.rooms.get, person=self.people.get)

    def reports(self) -> ReportDesk | None:
        self.asked.append("reports")
        return self.desk


def later(answer: object) -> Settled:
    assert isinstance(answer, Later), answer
    return answer.work()


def listing_of(settled: Settled) -> ListingView:
    assert isinstance(settled, Answered) and isinstance(settled.view, ListingView), settled
    return settled.view


# -- answered at once -----------------------------------------------------------------------------------------
def test_help_and_usage_errors_are_answered_at_once_without_the_platform():
    session = Session()
    assert handle(Command("help"), session, CODEC) == Answered(Notice(messages.HELP))
    answer = handle(Command("images bogus"), session, CODEC)
    assert isinstance(answer, Answered) and isinstance(answer.view, Notice)
    assert answer.view.text.startswith(messages.NOT_UNDERSTOOD.format(word="bogus"))
    assert session.asked == []


def test_someone_who_never_authorized_is_asked_to_at_once():
    session = Session(authorized=False)
    answer = handle(Command("images"), session, CODEC)
    assert answer == NeedsAuthorization(Notice(messages.NOT_AUTHORIZED, authorize_url=INV.authorize_url))
    assert session.asked == []


def test_clicks_on_the_authorize_link_and_on_unknown_buttons():
    session = Session()
    assert handle(Click(ACTION_AUTHORIZE, None, "files-authorize"), session, CODEC) == Nothing()
    assert handle(Click("files_bogus", "x", None), session, CODEC) == Answered(Notice(messages.TAMPERED))
    assert session.asked == []


# -- work after the ack ---------------------------------------------------------------------------------------
def test_a_listing_is_work_for_after_the_ack_and_leaves_the_flow_named():
    session = Session(rooms={"C1": "general"}, people={"U1": "ana"})
    answer = handle(Command("<#C1> mine"), session, CODEC)
    assert isinstance(answer, Later) and session.asked == []  # nothing asked of the platform before the ack
    settled = answer.work()
    view = listing_of(settled)
    assert isinstance(settled, Answered) and not settled.replace  # a command's answer is a new message
    assert Person("U1", "ana") in view.title and Conversation("C1", "general") in view.title
    assert [row.where for row in view.rows] == [Conversation("C1", "general")] * 10
    assert session.asked == ["files", "names"]


def test_a_token_the_platform_refuses_is_an_outcome_not_a_display_detail():
    session = Session(source=FailingSource(NotAuthorized("revoked")))
    settled = later(handle(Command(""), session, CODEC))
    assert settled == NeedsAuthorization(Notice(messages.NOT_AUTHORIZED, authorize_url=INV.authorize_url))
    refused = later(handle(Click(ACTION_NEXT, "not-a-token", None), session, CODEC))
    assert refused == Answered(Notice(messages.TAMPERED))  # refused before any call: not an authorization


def test_a_click_runs_the_query_its_state_carries_without_the_grammar(monkeypatch: pytest.MonkeyPatch):
    session = Session(ListSource([file(i, mime="image/png", size=i) for i in range(25)]))
    first = listing_of(later(handle(Command("images largest"), session, CODEC)))

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("a click must not go back through the grammar")

    monkeypatch.setattr(grammar, "parse", no_parsing)
    settled = later(handle(Click(ACTION_NEXT, first.next, None), session, CODEC))
    second = listing_of(settled)
    assert isinstance(settled, Answered) and settled.replace  # a page replaces the page clicked
    assert second.title == first.title and "page 2" in second.stats
    assert "Images" in second.title[0] and messages.LARGEST_FIRST in second.title[-1]


def test_the_type_menu_carries_its_state_in_the_block_id_and_the_kind_in_its_value():
    session = Session()
    first = listing_of(later(handle(Command("largest"), session, CODEC)))
    assert first.menu is not None
    chosen = listing_of(later(handle(Click(ACTION_TYPE, "pdfs", first.menu.state), session, CODEC)))
    assert chosen.title[0] == messages.KIND_NAMES[grammar.KIND_WORDS["pdfs"]] and chosen.menu is not None
    assert chosen.menu.chosen == "pdfs" and messages.LARGEST_FIRST in chosen.title[-1]
    refused = later(handle(Click(ACTION_TYPE, "$where", first.menu.state), session, CODEC))
    assert refused == Answered(Notice(messages.TAMPERED))  # and, a notice, it does not replace the listing


def test_a_refused_click_is_a_new_message_not_a_replacement():
    settled = later(handle(Click(ACTION_NEXT, "x.y", None), Session(), CODEC))
    assert settled == Answered(Notice(messages.TAMPERED), replace=False)


# -- reports --------------------------------------------------------------------------------------------------
@dataclass
class Directory:
    admins: set[str]

    def is_admin(self, user: str) -> bool:
        return user in self.admins

    def members(self, conversation: str, private: bool) -> set[str]:
        return {"U1"}


def test_reports_without_a_bot_account_say_so():
    assert later(handle(Command("report"), Session(), CODEC)) == Answered(Notice(messages.NO_BOT_ACCOUNT))


def test_a_report_leaves_the_flow_named_and_with_its_chart(tmp_path: Path):
    open_store(tmp_path).workspace("slack", "T1").save_conversation(records.Conversation("C1", "design", private=False))
    data = stats(tmp_path, f("a", 10, days_old=1, user="U7"))
    shown: list[ReportView] = []

    def chart(view: ReportView) -> str:
        shown.append(view)
        return "chart-1"

    desk = ReportDesk(data, Directory({"U1"}), Names(person={"U7": "omar"}.get), chart)
    session = Session(desk=desk, invocation=INV)
    answer = handle(Command("admin report"), session, CODEC)
    assert isinstance(answer, Later) and session.asked == []
    settled = answer.work()
    assert isinstance(settled, Answered) and isinstance(settled.view, ReportView) and settled.chart == "chart-1"
    [uploaders] = [s for s in settled.view.sections if isinstance(s, Table) and s.title == messages.BY_UPLOADER]
    assert [row.subject for row in uploaders.rows] == [Person("U7", "omar")]
    assert shown == [settled.view]  # the chart is asked for the view as sent


def test_report_commands_follow_the_report_action(tmp_path: Path):
    desk = ReportDesk(stats(tmp_path), Directory(set()), Names(), lambda view: None)
    assert later(handle(Command("admin report"), Session(desk=desk), CODEC)) == Answered(Notice(messages.NOT_ADMIN))
    assert grammar.parse("report weekly off", today=date(2026, 6, 1)) == grammar.Report(
        grammar.ReportAction.UNSUBSCRIBE
    )
