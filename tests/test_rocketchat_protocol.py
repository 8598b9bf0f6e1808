"""The bridge protocol's pinned schema and fixtures — the same files the TypeScript app's tests load."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.platforms.rocketchat import protocol
from bot.platforms.rocketchat.verify import BridgeVerifier
from tests.rocketchat_harness import protocol_fixture


@pytest.mark.parametrize(
    ("definition", "name"),
    [
        ("command", "command.json"),
        ("action", "action.json"),
        ("answer", "answer.listing.json"),
        ("answer", "answer.notice.json"),
        ("answer", "answer.none.json"),
    ],
)
def test_fixtures_match_the_schema(definition, name):
    protocol.validate(definition, protocol_fixture(name))


def test_fixture_command_parses():
    cmd = protocol.parse_command(json.dumps(protocol_fixture("command.json")).encode())
    assert (cmd.user_id, cmd.username, cmd.room.id, cmd.room.type, cmd.text) == (
        "hw5DThnhQmxDWnavu",
        "ana",
        "GENERAL",
        "c",
        "images last 30d",
    )


def test_signature_vector_is_what_the_bot_verifies():
    vector = protocol_fixture("signature.json")
    verifier = BridgeVerifier(vector["secret"], clock=lambda: float(vector["timestamp"]))
    assert verifier.sign(vector["timestamp"], vector["body"].encode()) == vector["signature"]
    assert verifier.is_valid(vector["timestamp"], vector["signature"], vector["body"].encode())
    assert vector["body"] == json.dumps(protocol_fixture("command.json"), separators=(",", ":"))


def test_signature_window_and_tampering():
    verifier = BridgeVerifier("s", clock=lambda: 1_000_000.0)
    good = verifier.sign("1000000", b"{}")
    assert verifier.is_valid("1000000", good, b"{}")
    assert verifier.is_valid("1000299", verifier.sign("1000299", b"{}"), b"{}")
    assert not verifier.is_valid("999699", verifier.sign("999699", b"{}"), b"{}")
    assert not verifier.is_valid("1000000", good, b"{ }")
    assert not verifier.is_valid("1000000", good.upper(), b"{}")
    assert not verifier.is_valid(None, good, b"{}") and not verifier.is_valid("1e6", good, b"{}")
    assert not verifier.is_valid("1000000", None, b"{}")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(
                    st.sampled_from(["user", "room", "text", "id", "username", "type", "actionId", "value", "blockId"]),
                    children,
                    max_size=5,
                )
            ),
            max_leaves=20,
        ).map(lambda v: json.dumps(v).encode()),
    )
)
def test_parsers_accept_valid_bodies_or_raise_bad_request(raw):
    for parse in (protocol.parse_command, protocol.parse_action):
        with contextlib.suppress(protocol.BadRequest):  # anything else escaping is the failure
            parse(raw)


def hostile_report_answer() -> dict:
    """A channel report whose conversation, files and uploader carry the hostile names of
    tests/test_hostile_input.py, as the bridge answers it. Pinned as `answer.report.json`, which the App's
    tests parse with Rocket.Chat's own message parser: no name may come out as a link, mention or markup."""
    from datetime import UTC, datetime
    from urllib.parse import quote

    from bot.platforms.rocketchat import render
    from handlers.names import Names, named
    from handlers.records import Conversation, StoredFile
    from handlers.report_views import channel_view
    from handlers.reports import ChannelReport
    from tests.test_hostile_input import HOSTILE

    created = datetime(2026, 1, 5, tzinfo=UTC)
    files = [
        # Rocket.Chat's file URLs carry the name, encodeURI'd: `(`, `)`, `[`… left as they are.
        StoredFile(f"rcF{n}", name, 10**8 - n, "pdfs", "rcU", created,
                   f"http://chat.example/file-upload/rcF{n}/{quote(name, safe=';,/?:@&=+$-_.!~*()#[]')}")
        for n, name in enumerate(HOSTILE)
    ]  # fmt: skip
    conv = Conversation("rcD", HOSTILE[-1], private=False)
    report = ChannelReport(conv, "2026-W48", 5, 5 * 10**8, None, {"pdfs": (5, 5 * 10**8)}, files, files)
    return render.report(named(channel_view(report), Names(person=lambda _user: HOSTILE[3])), None)


def test_the_pinned_report_answer_is_what_the_bot_renders():
    answer = hostile_report_answer()
    protocol.validate("answer", answer)
    assert protocol_fixture("answer.report.json") == answer
