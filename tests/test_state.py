from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.query import ConversationRef, FileQuery, Kind
from handlers.state import MAX_AGE_SECONDS, InvalidState, ListingState, StaleState, StateCodec

NOW = 1_790_000_000.0


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
