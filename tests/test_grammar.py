from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.grammar import ListFiles, ParseError, Report, ShowHelp, parse
from handlers.query import ConversationRef, FileQuery, Kind, Sort, UserRef

TODAY = date(2026, 11, 23)


def q(text: str) -> FileQuery:
    result = parse(text, today=TODAY)
    assert isinstance(result, ListFiles), result
    return result.query


def err(text: str) -> ParseError:
    result = parse(text, today=TODAY)
    assert isinstance(result, ParseError), result
    return result


def test_empty_means_this_conversation_newest_first():
    query = q("")
    assert query == FileQuery() and query.in_current_conversation and query.sort is Sort.NEWEST


@pytest.mark.parametrize("text", ["help", "HELP", " ? "])
def test_help(text):
    assert isinstance(parse(text, today=TODAY), ShowHelp)


def test_slack_escaped_mentions_arrive_as_ids():
    query = q("<#C024BE7LR|general> <@U024BE7LH|bob>")
    assert query.conversation == ConversationRef(id="C024BE7LR")
    assert query.uploader == UserRef(id="U024BE7LH")
    assert not query.in_current_conversation


def test_plain_mentions_arrive_as_names():
    query = q("#General @ana.b")
    assert query.conversation == ConversationRef(name="general") and query.uploader == UserRef(name="ana.b")


def test_words_combine_in_any_order():
    a = q("images pdfs mine name:report since:2026-01-01 until:2026-02-01 largest")
    b = q('largest until:2026-02-01 "report" since:2026-01-01 pdfs mine images')
    assert a == b
    assert a.kinds == {Kind.IMAGES, Kind.PDFS} and a.mine and a.name == "report"
    assert a.since == date(2026, 1, 1) and a.until == date(2026, 2, 1) and a.sort is Sort.LARGEST


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("image", Kind.IMAGES),
        ("video", Kind.VIDEO),
        ("audio", Kind.AUDIO),
        ("pdf", Kind.PDFS),
        ("docs", Kind.DOCS),
        ("zips", Kind.ZIPS),
        ("snippets", Kind.SNIPPETS),
        ("sheets", Kind.SPREADSHEETS),
    ],
)
def test_type_words(word, kind):
    assert q(word).kinds == {kind}


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("last 30d", date(2026, 10, 24)),
        ("last 2w", date(2026, 11, 9)),
        ("last 1y", date(2025, 11, 23)),
        ("since:7d", date(2026, 11, 16)),
    ],
)
def test_relative_dates(text, since):
    assert q(text).since == since


def test_quoted_phrase_with_escapes_is_a_literal_name():
    assert q(r'"Q3 \"final\" report"').name == 'Q3 "final" report'
    assert q('name:"{$regex: .*}"').name == "{$regex: .*}"


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("frobnicate", "frobnicate"),
        ("images sideways", "sideways"),
        ("since:yesterday", "since:yesterday"),
        ("since:2026-02-30", "since:2026-02-30"),
        ("last", "last"),
        ("last fortnight", "fortnight"),
        ("last 99999y", "99999y"),
        ("#a #b", "#b"),
        ("mine <@U1>", "mine"),
        ("largest newest", "newest"),
        ("since:2026-03-01 until:2026-01-01", "since:2026-03-01"),
        ('"unterminated', '"unterminated'),
        ("name:", "name:"),
        ("<#C1> everywhere", "everywhere"),
        ("<!channel>", "<!channel>"),
    ],
)
def test_bad_words_are_named(text, word):
    e = err(text)
    assert e.word == word
    assert "Usage:" in e.text


def test_echoed_words_are_defused():
    e = err("<@U1|x>junk`")
    assert "`" not in e.message.split("“")[1] and "<" not in e.message


def test_too_long_is_refused():
    assert "too long" in err("x " * 400).message


def test_canonical_form_round_trips():
    query = q('<#C1> <@U2> pdfs images "a \\"b\\" \\\\ c" since:2026-01-01 until:2026-02-01 largest')
    assert q(query.canonical()) == query
    assert q(q("everywhere mine").canonical()) == q("everywhere mine")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text):
    result = parse(text, today=TODAY)
    assert isinstance(result, ListFiles | ShowHelp | ParseError | Report)


words = st.sampled_from(
    [
        "images",
        "pdfs",
        "mine",
        "largest",
        "everywhere",
        "<#C12>",
        "<@U9>",
        "#design",
        "@ana",
        'name:"x y"',
        "since:2026-01-01",
        "until:2026-12-31",
        "last 30d",
        "video",
        "zips",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=6))
def test_valid_queries_round_trip_through_their_canonical_form(chosen):
    result = parse(" ".join(chosen), today=TODAY)
    if isinstance(result, ListFiles):
        assert q(result.query.canonical()) == result.query
