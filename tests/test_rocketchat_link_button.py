"""The Authorize button is a link: the client opens it, and still reports the click as a block action."""

from __future__ import annotations

from handlers.messages import TAMPERED
from tests.rocketchat_harness import ANA, element, protocol_fixture


def test_a_click_on_authorize_is_answered_with_nothing_to_show(rc):
    offer = rc.command(ANA)
    button = element(offer, "files_authorize")
    assert button["blockId"] and button["url"].endswith("/rocketchat/install")
    answer = rc.action(ANA, "files_authorize", block_id=button["blockId"], value=None)
    assert answer == protocol_fixture("answer.none.json")
    assert TAMPERED not in answer["text"]
    assert not rc.fake.calls_of("channels.files")


def test_an_unknown_button_still_gets_the_polite_message(rc):
    assert rc.action(ANA, "files_bogus", value="x")["text"] == TAMPERED
