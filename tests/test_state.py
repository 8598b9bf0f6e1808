from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers import grammar
from handlers.query import ConversationRef, FileQuery, Kind, UserRef
from handlers.state import MAX_AGE_SECONDS, InvalidState, ListingState, StaleState, StateCodec

NOW = 1_790_000_000.0
TODAY = date(2026, 6, 1)
# Words of every kind the grammar takes (and a few it refuses), for queries drawn at random.
WORDS = [
    *grammar.KIND_WORDS,
    "mine", "everywhere", "largest", "newest", "<#C0DESIGN>", "<@U0ANA|ana>", "#design", "@ana", "name:plan",
    '"q3 plan"', "since:2026-01-01", "until:2026-03-31", "last", "30d", "since:1970-01-01", "until:9999-12-31",
]  # fmt: skip


def codec(secret: str = "s3cret", now: float = NOW) -> StateCodec:
    return StateCodec(secret, purpose="slack", clock=lambda: now)


IN_C1 = FileQuery(conversation=ConversationRef(id="C1"))
PDFS_IN_C1 = FileQuery(conversation=ConversationRef(id="C1"), kinds=frozenset({Kind.PDFS}))


def test_round_trip_keeps_everything():
    state = ListingState(team="T1", user="U1", query=PDFS_IN_C1, page=3, cursor="abc", trail=("", "x"))
    decoded = codec().decode(codec().encode(state))
    assert decoded == ListingState(
        team="T1", user="U1", query=PDFS_IN_C1, page=3, cursor="abc", trail=("", "x"), issued=int(NOW)
    )


def test_other_secret_or_purpose_is_invalid():
    token = codec().encode(ListingState(team="T1", user="U1", query=FileQuery()))
    with pytest.raises(InvalidState):
        codec("other").decode(token)
    with pytest.raises(InvalidState):
        StateCodec("s3cret", purpose="rocketchat", clock=lambda: NOW).decode(token)


def test_expired_is_stale():
    token = codec(now=NOW).encode(ListingState(team="T1", user="U1", query=FileQuery()))
    codec(now=NOW + MAX_AGE_SECONDS - 1).decode(token)
    with pytest.raises(StaleState):
        codec(now=NOW + MAX_AGE_SECONDS + 1).decode(token)


def test_every_single_character_edit_is_detected():
    token = codec().encode(ListingState(team="T1", user="U1", query=IN_C1, page=2))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for i, ch in enumerate(token):
        if ch == ".":
            continue
        replacement = alphabet[(alphabet.index(ch) + 1) % len(alphabet)]
        with pytest.raises(InvalidState):
            codec().decode(token[:i] + replacement + token[i + 1 :])


@given(st.one_of(st.text(max_size=200), st.none(), st.integers(), st.lists(st.text())))
def test_arbitrary_input_is_invalid_never_an_exception(value):
    with pytest.raises(InvalidState):
        codec().decode(value)


# -- the query travels as a structure (version 2) -------------------------------------------------------------
def sign(body: dict, secret: str = "s3cret", purpose: str = "slack") -> str:
    """A value signed as the bot signs one, whatever its body says: what an earlier version issued, or a
    body no version ever would (to check the fields are held to the grammar's rules even when signed)."""
    key = hmac.new(secret.encode(), f"files-bot state:{purpose}".encode(), hashlib.sha256).digest()
    payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    signature = hmac.new(key, payload.encode(), hashlib.sha256).digest()[:16]
    return f"{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def payload(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_the_query_is_carried_field_by_field_not_as_text():
    query = grammar.parse('<#C1> mine pdfs name:"q3 \\"plan\\"" since:2026-01-01 largest', today=TODAY)
    assert isinstance(query, grammar.ListFiles)
    token = codec().encode(ListingState(team="T1", user="U1", query=query.query))
    assert payload(token)["v"] == 2
    assert payload(token)["q"] == {
        "ci": "C1",
        "m": True,
        "k": ["pdfs"],
        "n": 'q3 "plan"',
        "f": "2026-01-01",
        "o": "largest",
    }
    assert codec().decode(token).query == query.query


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join))
def test_every_query_the_grammar_gives_survives_the_round_trip(text):
    parsed = grammar.parse(text, today=TODAY)
    if isinstance(parsed, grammar.ListFiles):
        state = ListingState(team="T1", user="U1", query=parsed.query, page=2)
        assert codec().decode(codec().encode(state)).query == parsed.query


def test_a_signed_value_from_before_the_structure_counts_as_expired():
    """Issued by the previous version (the query as text) and still signed right: ours, so not "tampered",
    but no longer read — the person is told the list has expired."""
    old = sign({"v": 1, "t": "T1", "u": "U1", "q": "<#C1> pdfs", "p": 2, "i": int(NOW)})
    with pytest.raises(StaleState):
        codec().decode(old)
    with pytest.raises(InvalidState):
        codec("another secret").decode(old)


GOOD = {"v": 2, "t": "T1", "u": "U1", "p": 1, "i": int(NOW)}


@pytest.mark.parametrize(
    "query",
    [
        "<#C1> pdfs",  # text: the grammar's business, not the codec's
        {"ci": "C1", "cn": "general"},  # both an id and a name
        {"ci": "<#C1>"},  # not an id
        {"cn": "two words"},  # not a name
        {"e": True, "ci": "C1"},  # everywhere and a conversation
        {"m": True, "ui": "U2"},  # mine and someone else
        {"m": 1},  # a flag that is no boolean
        {"k": ["pdfs", "pdfs"]},
        {"k": ["$where"]},
        {"k": "pdfs"},
        {"n": ""},
        {"n": " padded "},
        {"n": "x" * (grammar.MAX_NAME + 1)},
        {"f": "2026-02-30"},
        {"f": "1969-12-31"},
        {"f": "2026-1-1"},
        {"f": "2026-03-01", "t": "2026-02-01"},
        {"o": "oldest"},
        {"x": 1},  # a field no version has
        None,
    ],
)
def test_a_signed_query_is_still_held_to_the_grammars_rules(query):
    with pytest.raises(InvalidState):
        codec().decode(sign({**GOOD, "q": query}))


def test_a_signed_query_that_keeps_the_rules_is_read():
    assert codec().decode(sign({**GOOD, "q": {"un": "ana", "k": ["images", "pdfs"], "t": "2026-02-01"}})).query == (
        FileQuery(uploader=UserRef(name="ana"), kinds=frozenset({Kind.IMAGES, Kind.PDFS}), until=date(2026, 2, 1))
    )
