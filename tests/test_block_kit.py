"""Every Slack reply the bot can produce is valid Block Kit and stays within Slack's documented limits.

Each reply kind is a hypothesis strategy of rendered messages in `REPLY_KINDS`, driven to the worst cases:
the longest names (full of mrkdwn markup), the deepest pages, every filter, the largest sizes. Every message
must parse into slack_sdk's Block Kit models and pass their validation, round-trip through them unchanged,
respect each limit below, and contain no `<…>` construct other than the bot's own mentions, dates and links.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    ImageBlock,
    InteractiveElement,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.platforms.slack import render
from bot.platforms.slack.paths import INSTALL_PATH
from handlers import files_command, flow, grammar, messages
from handlers.answers import Answered, NeedsAuthorization
from handlers.errors import (
    ConversationUnavailable,
    MissingPermission,
    NotAuthorized,
    PlatformUnavailable,
    RateLimited,
    SourceError,
    UnknownUser,
)
from handlers.listing import PAGE_SIZE, SCAN_LIMIT
from handlers.listing_views import Listing, listing_view
from handlers.names import UNNAMED, Names
from handlers.query import ConversationRef, FileQuery, Kind, Sort, UserRef
from handlers.records import Conversation, StoredFile
from handlers.report_command import ReportDesk
from handlers.report_views import admin_view, channel_view, subscribed_notice
from handlers.reports import LARGEST, PRIVATE_OTHER, AdminReport, ChannelReport
from handlers.source import Capabilities, FileInfo, Position, SourcePage, SourceQuery
from handlers.state import ListingState, StateCodec
from handlers.views import ListingView, Notice


# -- Slack's limits ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Limit:
    value: int
    source: str


# Each number as Slack documents it; `test_limits_agree_with_slack_sdk` holds them against slack_sdk's own.
LIMITS = {
    # "You can include up to 50 blocks in each message" (https://docs.slack.dev/reference/block-kit/blocks)
    "blocks per message": Limit(50, "docs.slack.dev/reference/block-kit/blocks"),
    "section text": Limit(
        3000, "docs.slack.dev/reference/block-kit/blocks/section-block; SectionBlock.text_max_length"
    ),
    "button value": Limit(2000, "docs.slack.dev/reference/block-kit/block-elements/button-element; ButtonElement"),
    "button text": Limit(75, "docs.slack.dev/reference/block-kit/block-elements/button-element; ButtonElement"),
    "button url": Limit(3000, "docs.slack.dev/reference/block-kit/block-elements/button-element; ButtonElement"),
    "action_id": Limit(255, "docs.slack.dev/reference/block-kit/block-elements/button-element; InteractiveElement"),
    "block_id": Limit(255, "docs.slack.dev/reference/block-kit/blocks/section-block; Block.block_id_max_length"),
    "option value": Limit(150, "docs.slack.dev/reference/block-kit/composition-objects/option-object; Option"),
    "option text": Limit(75, "docs.slack.dev/reference/block-kit/composition-objects/option-object; Option"),
    "options": Limit(100, "docs.slack.dev/reference/block-kit/block-elements/select-menu-element; StaticSelect"),
    "section fields": Limit(10, "docs.slack.dev/reference/block-kit/blocks/section-block; SectionBlock"),
    "section field text": Limit(2000, "docs.slack.dev/reference/block-kit/blocks/section-block"),
    "header text": Limit(150, "docs.slack.dev/reference/block-kit/blocks/header-block; HeaderBlock"),
    "image alt text": Limit(2000, "docs.slack.dev/reference/block-kit/blocks/image-block; ImageBlock"),
    "image title": Limit(2000, "docs.slack.dev/reference/block-kit/blocks/image-block; ImageBlock"),
    "context elements": Limit(10, "docs.slack.dev/reference/block-kit/blocks/context-block; ContextBlock"),
}


def test_limits_agree_with_slack_sdk():
    """The numbers above are Slack's documented ones; slack_sdk's models say the same (models/blocks/*.py)."""
    assert LIMITS["section text"].value == SectionBlock.text_max_length
    assert LIMITS["button value"].value == ButtonElement.value_max_length
    assert LIMITS["button text"].value == ButtonElement.text_max_length
    assert LIMITS["button url"].value == ButtonElement.url_max_length
    assert LIMITS["action_id"].value == InteractiveElement.action_id_max_length
    assert LIMITS["block_id"].value == Block.block_id_max_length
    assert LIMITS["option value"].value == Option.value_max_length
    assert LIMITS["option text"].value == Option.label_max_length
    assert LIMITS["options"].value == StaticSelectElement.options_max_length
    assert LIMITS["section fields"].value == SectionBlock.fields_max_length
    assert LIMITS["header text"].value == HeaderBlock.text_max_length
    assert LIMITS["image alt text"].value == ImageBlock.alt_text_max_length
    assert LIMITS["image title"].value == ImageBlock.title_max_length
    assert LIMITS["context elements"].value == ContextBlock.elements_max_length


# -- untrusted text at the platforms' maximum lengths -----------------------------------------------------
# Slack channel names and display names: at most 80 characters; Slack and Rocket.Chat document no limit for
# file names or titles, so those go well past any file system's 255. Every string carries mrkdwn markup.
NAME_MAX = 1000
MARKUP = "<>&|*_~`@#!^:;/\\\"'\n"
_ALPHABET = st.sampled_from(list(MARKUP) + list(string.ascii_letters + string.digits + " .-") + ["é", "€", "😀"])


def untrusted(max_size: int) -> st.SearchStrategy[str]:
    worst = st.sampled_from(["&", "<", ">", "|", "😀", "&amp;"]).map(lambda c: (c * max_size)[:max_size])
    return st.one_of(st.text(_ALPHABET, max_size=max_size), worst, st.text(max_size=max_size))


slack_ids = st.from_regex(r"\A[A-Z0-9]{2,64}\Z")
channel_ids = st.builds(lambda prefix, rest: prefix + rest, st.sampled_from("CGD"), slack_ids)
user_ids = st.builds(lambda prefix, rest: prefix + rest, st.sampled_from("UW"), slack_ids)
links = st.one_of(
    st.builds(lambda n: f"https://files.slack.com/files-pri/T0-F0/{n}", untrusted(NAME_MAX)),
    untrusted(3000),
    st.just("https://x.example/" + "a" * 2980),
)
moments = st.datetimes(datetime(1970, 1, 2), datetime(2100, 1, 1), timezones=st.just(UTC))
days = st.dates(date(1970, 1, 2), date(2100, 1, 1))
kinds = st.frozensets(st.sampled_from(list(Kind)))


@st.composite
def files(draw: st.DrawFn) -> FileInfo:
    return FileInfo(
        id=draw(slack_ids),
        name=draw(untrusted(NAME_MAX)),
        title=draw(untrusted(NAME_MAX)),
        size=draw(st.integers(0, 2**63 - 1)),
        mimetype=draw(untrusted(255)),
        extension=draw(untrusted(255)),
        type_label=draw(untrusted(255)),
        uploader_id=draw(st.one_of(st.just(""), user_ids)),
        uploader_name=draw(st.none() | untrusted(80)),
        created=draw(moments),
        link=draw(links),
        conversations=tuple(draw(st.lists(channel_ids, max_size=3))),
        kind_hint=draw(st.none() | st.sampled_from(list(Kind))),
    )


@st.composite
def source_queries(draw: st.DrawFn) -> SourceQuery:
    return SourceQuery(
        conversation_id=draw(st.none() | channel_ids),
        uploader_id=draw(st.none() | user_ids),
        kinds=draw(kinds),
        name=draw(st.none() | untrusted(grammar.MAX_NAME).filter(lambda s: s.strip() != "")),
        since=draw(st.none() | days),
        until=draw(st.none() | days),
        largest=draw(st.booleans()),
    )


CODEC = StateCodec("block-kit-test-secret", purpose="slack")


@st.composite
def file_queries(draw: st.DrawFn) -> FileQuery:
    """What `/files` can ask, at its longest: both references, every kind, a full-length name, dates."""
    return FileQuery(
        conversation=draw(st.none() | st.builds(ConversationRef, id=channel_ids)),
        uploader=draw(st.none() | st.builds(UserRef, id=user_ids)),
        kinds=draw(kinds),
        name=draw(st.none() | untrusted(grammar.MAX_NAME).filter(lambda s: s.strip() != "")),
        since=draw(st.none() | days),
        until=draw(st.none() | days),
        sort=draw(st.sampled_from(list(Sort))),
    )


@st.composite
def tokens(draw: st.DrawFn, team: str, user: str, query: FileQuery) -> str:
    """A real signed state: page numbers, or Slack's cursors (short base64) with the trail Prev needs."""
    page = draw(st.integers(1, 10_000))
    cursor = draw(st.none() | st.from_regex(r"\A[A-Za-z0-9+/=]{1,32}\Z"))
    trail = tuple(draw(st.lists(st.from_regex(r"\A[A-Za-z0-9+/=]{0,32}\Z"), max_size=40))) if cursor else ()
    state = ListingState(team=team, user=user, query=query, page=page, cursor=cursor, trail=trail)
    return CODEC.encode(state)


@st.composite
def listings(draw: st.DrawFn) -> ListingView:
    team, user = draw(slack_ids), draw(user_ids)
    query = draw(file_queries())
    pages = draw(st.none() | st.integers(1, 10_000))
    page = draw(st.integers(1, pages or 10_000))
    last = pages is not None and page == pages
    rows = draw(st.lists(files(), max_size=PAGE_SIZE))
    page_found = Listing(
        query=draw(source_queries()),
        rows=rows,
        page=page,
        pages=pages,
        total=draw(st.none() | st.integers(0, 2**63 - 1)),
        bytes_shown=sum(f.size for f in rows),
        total_bytes=draw(st.none() | st.integers(0, 2**63 - 1)),
        scanned=draw(st.none() | st.integers(0, SCAN_LIMIT)),
        partial=draw(st.booleans()),
        prev_token=draw(st.none() | tokens(team, user, query)) if page > 1 else None,
        next_token=None if last else draw(st.none() | tokens(team, user, query)),
        menu_token=draw(st.none() | tokens(team, user, query)),
    )
    return listing_view(page_found)


# -- every reply the skill and its guards can give, besides listings -----------------------------------------
@dataclass
class FailingSource:
    """A `FileSource` whose platform answers with `error`: drives the skill's real error path."""

    error: SourceError
    capabilities = Capabilities(
        kinds=frozenset(), several_kinds=False, uploader=True, dates=True, name=True, largest=True, max_page_size=100
    )

    def resolve_conversation(self, ref: ConversationRef) -> str:
        raise self.error

    def resolve_user(self, ref: UserRef) -> str:
        raise self.error

    def fetch(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
        raise self.error


def invocation(authorize_url: str = "https://files-bot.example.com" + INSTALL_PATH) -> files_command.Invocation:
    return files_command.Invocation("T0ACME", "U0ANA", "C0GENERAL", date(2026, 6, 1), authorize_url)


@dataclass
class Unauthorized:
    """A `flow.Session` for someone who has not authorized files-bot: whatever the flow answers at once."""

    invocation: files_command.Invocation
    authorized: bool = False

    def files(self) -> FailingSource:
        raise AssertionError("no call to the platform before the ack")

    def names(self) -> Names:
        return UNNAMED

    def reports(self) -> ReportDesk | None:
        return None


source_errors = st.one_of(
    st.builds(NotAuthorized, st.just("revoked")),
    st.builds(ConversationUnavailable, st.just("no room")),
    st.builds(UnknownUser, st.just("nobody")),
    st.builds(MissingPermission, st.just("scope")),
    st.builds(RateLimited, st.just("429"), st.none() | st.integers(1, 10**9)),
    st.builds(PlatformUnavailable, st.just("5xx")),
    st.builds(SourceError, st.just("other")),
)
typed_references = st.one_of(
    st.builds(ConversationRef, id=channel_ids),
    st.builds(ConversationRef, name=st.from_regex(r"\A[\w.\-]{1,80}\Z")),
)


@st.composite
def error_replies(draw: st.DrawFn) -> Answered | NeedsAuthorization:
    """Each error the skill explains, for any query that can name a conversation or a user."""
    query = FileQuery(
        conversation=draw(st.none() | typed_references),
        uploader=draw(st.none() | st.builds(UserRef, name=st.from_regex(r"\A[\w.\-]{1,80}\Z"))),
    )
    source = FailingSource(draw(source_errors))
    return files_command.list_files(query, invocation(draw(urls)), source, CODEC)


urls = st.builds(lambda host: f"https://{host}{INSTALL_PATH}", st.from_regex(r"\A[a-z0-9.\-]{1,200}\Z"))
triaged = st.builds(
    lambda text, url: flow.handle(flow.Command(text), Unauthorized(invocation(url)), CODEC),
    st.one_of(untrusted(grammar.MAX_TEXT + 20), st.just("help"), st.just("report weekly maybe")),
    urls,
).filter(lambda r: isinstance(r, Answered | NeedsAuthorization))
button_refusals = st.builds(
    lambda token, kind: files_command.navigate(
        token, invocation(), FailingSource(PlatformUnavailable("")), CODEC, kind=kind
    ),
    st.one_of(untrusted(4000), st.builds(lambda t: t + "x", tokens("T0ACME", "U0ANA", FileQuery()))),
    st.none() | untrusted(200),
)
fixed_notices = st.sampled_from(
    [Notice(messages.HELP), Notice(messages.SORRY), Notice(messages.STORAGE_BUSY)]
    + [Notice(t) for t in (messages.TAMPERED, messages.STALE, messages.NOT_YOURS)]
    + [Notice(messages.MISSING_PERMISSION), Notice(messages.UNAVAILABLE)]
)

# -- reports: the weekly DMs and the on-demand answers -----------------------------------------------------
report_kinds = st.sampled_from([k.value for k in Kind] + ["other"])
weeks = st.builds(lambda year, week: f"{year}-W{week:02d}", st.integers(1970, 9999), st.integers(1, 53))
conversations = st.builds(Conversation, channel_ids, untrusted(NAME_MAX), st.booleans())
cached_files = st.builds(
    StoredFile,
    id=slack_ids,
    name=untrusted(NAME_MAX),
    size=st.integers(0, 2**63 - 1),
    kind=report_kinds,
    uploader=st.one_of(user_ids, untrusted(80)),
    created=moments,
    link=links,
)
figures = st.tuples(st.integers(0, 2**31), st.integers(0, 2**63 - 1))


@st.composite
def channel_reports(draw: st.DrawFn) -> ChannelReport:
    return ChannelReport(
        conversation=draw(conversations),
        week=draw(weeks),
        file_count=draw(st.integers(0, 2**31)),
        bytes=draw(st.integers(0, 2**63 - 1)),
        previous_bytes=draw(st.none() | st.integers(0, 2**63 - 1)),
        by_type=draw(st.dictionaries(report_kinds, figures)),
        largest=draw(st.lists(cached_files, max_size=LARGEST)),
        cleanup=draw(st.lists(cached_files, max_size=LARGEST)),
    )


@st.composite
def admin_reports(draw: st.DrawFn) -> tuple[AdminReport, list[Conversation]]:
    """An admin report over up to 600 conversations (public, private, and the private aggregate)."""
    convs = draw(st.lists(conversations, max_size=600, unique_by=lambda c: c.id))
    keys = st.sampled_from([c.id for c in convs] + [PRIVATE_OTHER])
    report = AdminReport(
        week=draw(weeks),
        file_count=draw(st.integers(0, 2**31)),
        bytes=draw(st.integers(0, 2**63 - 1)),
        by_conversation=[(key, *draw(figures)) for key in draw(st.lists(keys, max_size=len(convs) + 1, unique=True))],
        by_uploader=[(who, *draw(figures)) for who in draw(st.lists(user_ids, max_size=LARGEST, unique=True))],
        by_type=[(kind, *draw(figures)) for kind in draw(st.lists(report_kinds, unique=True))],
        growers=[(key, draw(st.integers(1, 2**63 - 1))) for key in draw(st.lists(keys, max_size=5, unique=True))],
        trend=draw(st.lists(st.tuples(weeks, st.integers(0, 2**63 - 1)), max_size=12)),
        private_other=draw(figures),
    )
    return report, convs


report_notices = st.one_of(
    st.builds(subscribed_notice, conversations, on=st.booleans()).map(render.report_notice),
    st.sampled_from([messages.NOT_TRACKED, messages.NOT_OWNER, messages.NOT_ADMIN]).map(
        lambda text: render.render(Notice(text))
    ),
)

# The one place that lists every kind of Slack reply: a name and a strategy of rendered messages. A new kind
# of reply is one more line here.
REPLY_KINDS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "listing": listings().map(render.render),
    "channel report": channel_reports().map(lambda report: render.report(channel_view(report))),
    "admin report with its chart": st.builds(
        lambda drawn, chart: render.report(admin_view(*drawn), chart),
        admin_reports(),
        st.none() | slack_ids,
    ),
    "report notices": report_notices,
    "help, guard and refusal notices": fixed_notices.map(render.render),
    "usage errors and 'please authorize'": triaged.map(render.answer),
    "explained source errors": error_replies().map(render.answer),
    "refused buttons": button_refusals.map(render.answer),
}


# -- the checks ---------------------------------------------------------------------------------------------
def over_limit(message: dict[str, Any]) -> list[str]:
    """Every documented limit the message breaks, as readable strings (empty: none)."""
    broken: list[str] = []

    def check(name: str, size: int) -> None:
        if size > LIMITS[name].value:
            broken.append(f"{name}: {size} > {LIMITS[name].value} ({LIMITS[name].source})")

    check("blocks per message", len(message["blocks"]))
    for block in message["blocks"]:
        check("block_id", len(block.get("block_id", "")))
        if block["type"] == "section":
            check("section text", len(block.get("text", {}).get("text", "")))
            check("section fields", len(block.get("fields", [])))
            for field in block.get("fields", []):
                check("section field text", len(field["text"]))
        if block["type"] == "header":
            check("header text", len(block["text"]["text"]))
        if block["type"] == "image":
            check("image alt text", len(block["alt_text"]))
            check("image title", len(block.get("title", {}).get("text", "")))
        if block["type"] == "context":
            check("context elements", len(block["elements"]))
        for element in block.get("elements", []):
            check("action_id", len(element.get("action_id", "")))
            if element["type"] == "button":
                check("button text", len(element["text"]["text"]))
                check("button value", len(element.get("value", "")))
                check("button url", len(element.get("url", "")))
            if element["type"] == "static_select":
                check("options", len(element["options"]))
                for option in element["options"]:
                    check("option value", len(option["value"]))
                    check("option text", len(option["text"]["text"]))
    return broken


# The bot's own mrkdwn constructs; anything else between < and > would be a mention or link a string forged.
_OWN = re.compile(
    r"<(?:[@#][A-Z0-9]{2,65}|!date\^-?\d+\^\{date_short\}\|\d{4}-\d{2}-\d{2}|https://[^\s<>|]+\|[^<>|]*)>"
)


def mrkdwn_texts(message: dict[str, Any]) -> Iterator[str]:
    yield message["text"]
    for block in message["blocks"]:
        if block.get("text", {}).get("type") == "mrkdwn":
            yield block["text"]["text"]
        for field in block.get("fields", []):
            if field.get("type") == "mrkdwn":
                yield field["text"]
        for element in block.get("elements", []):
            if element.get("type") == "mrkdwn":
                yield element["text"]


def forged_markup(text: str) -> list[str]:
    """Whatever in `text` Slack would read as markup that the bot did not put there."""
    rest = _OWN.sub("", text)
    problems = [c for c in "<>" if c in rest]
    problems += re.findall(r"&(?!amp;|lt;|gt;)\S{0,5}", "".join(_OWN.findall(text)))
    return problems


def assert_valid_block_kit(message: dict[str, Any]) -> None:
    assert set(message) == {"text", "blocks"}
    assert isinstance(message["text"], str) and message["text"]
    parsed = Block.parse_all(message["blocks"])
    for block, raw in zip(parsed, message["blocks"], strict=True):
        assert block is not None and block.type == raw["type"]
        block.validate_json()
        assert block.to_dict() == raw  # to_dict validates every nested object; nothing unknown was dropped
    assert over_limit(message) == []
    for text in mrkdwn_texts(message):
        assert forged_markup(text) == [], text


@pytest.mark.parametrize("kind", sorted(REPLY_KINDS))
def test_every_reply_kind_is_valid_block_kit_within_limits(kind: str):
    @settings(max_examples=150, deadline=None)
    @given(REPLY_KINDS[kind])
    def run(message: dict[str, Any]) -> None:
        assert_valid_block_kit(message)

    run()


# -- worst cases, spelled out -------------------------------------------------------------------------------
def a_file(**changes: Any) -> FileInfo:
    base: dict[str, Any] = dict(
        id="F0LONG",
        name="report.pdf",
        title="",
        size=1,
        mimetype="application/pdf",
        extension="pdf",
        type_label="PDF",
        uploader_id="U0ANA",
        uploader_name=None,
        created=datetime(2026, 3, 4, tzinfo=UTC),
        link="https://files.slack.com/files-pri/T0-F0LONG/report.pdf",
        conversations=("C0GENERAL",),
    )
    return FileInfo(**{**base, **changes})


def a_listing(rows: list[FileInfo], **changes: Any) -> ListingView:
    base: dict[str, Any] = dict(
        query=SourceQuery(conversation_id="C0GENERAL"),
        rows=rows,
        page=7,
        pages=7,
        total=70,
        bytes_shown=sum(f.size for f in rows),
        total_bytes=None,
        scanned=None,
        partial=False,
        prev_token="p.q",
        next_token=None,
        menu_token="m.q",
    )
    return listing_view(Listing(**{**base, **changes}))


def rows_of(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"][2:] if b["type"] == "section"]


@pytest.mark.parametrize("char", ["&", "<", "a", "😀"])
def test_a_page_of_the_longest_names_fits_each_row_in_a_section(char: str):
    message = render.render(a_listing([a_file(name=char * NAME_MAX, type_label=char * 255)] * PAGE_SIZE))
    assert_valid_block_kit(message)
    assert all(row.count("…") == 2 for row in rows_of(message))  # both the name and the type were shortened


@pytest.mark.parametrize("name", ["&" * 700, "a" * 599 + "&", "a" * 598 + "<b"])
def test_a_shortened_name_never_ends_in_a_cut_entity(name: str):
    row = rows_of(render.render(a_listing([a_file(name=name)])))[0]
    label = row.split("|", 1)[1].split(">*", 1)[0]
    assert label.endswith("…") and not re.search(r"&[a-z]{0,3}…$", label)
    assert forged_markup(row) == []


def test_a_link_cannot_end_early_or_open_another_and_an_overlong_one_is_left_out():
    for link, href in [
        ("https://x.example/a|b", "https://x.example/a%7Cb"),
        ("https://x.example/a>b<c", "https://x.example/a%3Eb%3Cc"),
        ("https://x.example/a b?x=1&y=2", "https://x.example/a%20b?x=1&amp;y=2"),
    ]:
        row = rows_of(render.render(a_listing([a_file(link=link)])))[0]
        assert row.startswith(f"*<{href}|report.pdf>*")
    row = rows_of(render.render(a_listing([a_file(link="https://" + "a" * 3000)])))[0]
    assert row.startswith("*report.pdf*") and "https://" not in row


def test_the_title_escapes_the_name_searched_for():
    listing = a_listing([], query=SourceQuery(conversation_id="C0GENERAL", name="<!channel> & <@U0BOSS>"))
    message = render.render(listing)
    for text in (message["text"], message["blocks"][0]["text"]["text"]):
        assert "“&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;”" in text
        assert forged_markup(text) == []


@pytest.mark.parametrize("make", [lambda n: a_file(name=n), lambda n: a_file(type_label=n)])
def test_render_is_total_on_hostile_strings(make: Callable[[str], FileInfo]):
    for text in ["", "\x00", "&amp;" * 300, "<" * 4000, "|" * 4000]:
        assert_valid_block_kit(render.render(a_listing([make(text)])))


def test_the_bot_posts_valid_block_kit_for_the_longest_hostile_names(slack, fake_slack):
    """The same checks on what the running bot posts to `response_url`: a page of the longest names."""
    from bot.sandbox.emulators.slack_api import File
    from tests.conftest import ANA, BASE_TS, DESIGN, TEAM

    for n in range(PAGE_SIZE + 1):
        name = ("<!channel>&|" * NAME_MAX)[: NAME_MAX - 4] + f"{n:03d}."
        fake_slack.workspaces[TEAM].files.append(
            File(f"F0LONG{n:03d}", name, ANA, BASE_TS + n, 2**40, "image/png", "png", "&" * 255, [DESIGN])
        )
    slack.authorize(ANA)
    _, url = slack.command(ANA, DESIGN, "images largest")
    message = slack.wait_for(url)[0]
    assert_valid_block_kit({"text": message["text"], "blocks": message["blocks"]})
    assert len(rows_of(message)) == PAGE_SIZE and "files_next" in json.dumps(message)
