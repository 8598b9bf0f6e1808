"""The `/files` flow, written once for every platform.

A command or a click comes in as a neutral request (`Command`, `Click`); an answer goes out with its outcome
explicit (`answers.py`): answered now, work to do once the platform has been acknowledged, authorize first,
or nothing to show. The adapters only translate — payloads into requests, views into their platform's
markup — and carry: Slack acknowledges at once and posts the work's answer to `response_url`; the Rocket.Chat
bridge runs the work within the request, because its App waits for the answer.

What the flow needs of the platform for one request is a `Session`: who asked, the platform acting for
them (their files, with their own authorization) and for the bot (reports), and the names port. Every
view is given its names before it leaves the flow, so renderers never call back into an adapter.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from handlers import files_command, grammar, messages
from handlers.answers import Answer, Answered, Later, NeedsAuthorization, Nothing, Settled
from handlers.files_command import Invocation
from handlers.grammar import ReportAction
from handlers.names import Names, named
from handlers.report_command import ReportDesk, run_report
from handlers.report_views import ReportView
from handlers.source import FileSource
from handlers.state import StateCodec
from handlers.views import ACTION_AUTHORIZE, ACTION_TYPE, NAVIGATION, ListingView, Notice


@dataclass(frozen=True)
class Command:
    """`/files …`: the text after the command, as typed."""

    text: str


@dataclass(frozen=True)
class Click:
    """A button or menu action: its action id, the clicked element's value (a button's, or the option chosen
    in a menu) and the id of the block it sits in. All of it untrusted."""

    action_id: str
    value: object
    block_id: object


Request = Command | Click


class Session(Protocol):
    """One request as the flow sees the platform."""

    @property
    def invocation(self) -> Invocation: ...

    @property
    def authorized(self) -> bool:
        """Whether the person has authorized files-bot to act as them."""
        ...

    def files(self) -> FileSource:
        """Their files, listed with their own authorization."""
        ...

    def names(self) -> Names:
        """Names for the ids a listing shows, from what their own calls returned (asked after the listing)."""
        ...

    def reports(self) -> ReportDesk | None:
        """The bot's side, for reports; None when the bot has no account of its own there."""
        ...


def handle(request: Request, session: Session, codec: StateCodec) -> Answer:
    """The answer to `request`, at once: what needs no call to the platform is answered here; the rest is
    `Later` work."""
    if isinstance(request, Command):
        return _command(request.text, session, codec)
    return _click(request, session, codec)


def _command(text: str, session: Session, codec: StateCodec) -> Answer:
    inv = session.invocation
    parsed = grammar.parse(text, today=inv.today)
    if isinstance(parsed, grammar.ShowHelp):
        return Answered(Notice(messages.HELP))
    if isinstance(parsed, grammar.ParseError):
        return Answered(Notice(parsed.text))
    if isinstance(parsed, grammar.Report):
        action = parsed.action
        return Later(lambda: _report(action, session))
    if not session.authorized:
        return files_command.needs_authorization(inv)
    query = parsed.query
    return Later(lambda: _named(files_command.list_files(query, inv, session.files(), codec), session))


def _click(click: Click, session: Session, codec: StateCodec) -> Answer:
    if click.action_id == ACTION_AUTHORIZE:
        return Nothing()  # a link button: the client opens the link by itself
    if click.action_id not in NAVIGATION:
        return Answered(Notice(messages.TAMPERED))
    # The type menu's listing state rides in its block id (an option's value holds just the kind).
    menu = click.action_id == ACTION_TYPE
    state = click.block_id if menu else click.value
    kind = (click.value if isinstance(click.value, str) else "") if menu else None
    inv = session.invocation

    def work() -> Settled:
        return _replacing(_named(files_command.navigate(state, inv, session.files(), codec, kind=kind), session))

    return Later(work)


def _report(action: ReportAction, session: Session) -> Settled:
    desk = session.reports()
    if desk is None:
        return Answered(Notice(messages.NO_BOT_ACCOUNT))
    reply = named(run_report(action, session.invocation, desk.data, desk.directory, now=datetime.now(UTC)), desk.names)
    return Answered(reply, chart=desk.chart(reply) if isinstance(reply, ReportView) else None)


def _named(outcome: files_command.Outcome, session: Session) -> files_command.Outcome:
    if isinstance(outcome, NeedsAuthorization):
        return outcome
    return dataclasses.replace(outcome, view=named(outcome.view, session.names()))


def _replacing(outcome: files_command.Outcome) -> files_command.Outcome:
    """A listing a click brought takes the place of the one clicked; a notice comes as a message of its own."""
    if isinstance(outcome, Answered) and isinstance(outcome.view, ListingView):
        return dataclasses.replace(outcome, replace=True)
    return outcome
