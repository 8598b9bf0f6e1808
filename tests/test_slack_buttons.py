"""Button values and menu block ids are untrusted: every click is verified, re-parsed and re-run as the
clicker, and anything edited, foreign or stale gets a polite error and no file data."""

from __future__ import annotations

import base64
import json
import time

from handlers.query import ConversationRef, FileQuery
from handlers.state import ListingState, StateCodec
from tests.conftest import ANA, BEN, CAT, GENERAL, SECRET, SECRET_MARKERS
from tests.slack_harness import SIGNING_SECRET, SlackDriver, all_text, buttons
from tests.test_state import sign


def first_listing(slack: SlackDriver, user: str = ANA, text: str = "") -> dict:
    slack.authorize(user)
    _, url = slack.command(user, GENERAL, text)
    return slack.wait_for(url)[0]


def click_next(slack: SlackDriver, user: str, value: object, **kw: object) -> dict:
    _, url = slack.click(user, {"action_id": "files_next", "value": value}, **kw)  # type: ignore[arg-type]
    return slack.wait_for(url)[0]


def in_(conversation: str) -> FileQuery:
    return FileQuery(conversation=ConversationRef(id=conversation))


def reencode(token: str, **changes: object) -> str:
    """Edit the payload of a real token but keep its (now wrong) signature, as an attacker would."""
    payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(changes)
    raw = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{raw}.{signature}"


def test_edited_value_pointing_at_a_private_channel_is_refused(slack):
    value = buttons(first_listing(slack, CAT))["files_next"]["value"]
    forged = reencode(value, q={"ci": SECRET})
    reply = click_next(slack, CAT, forged)
    assert "doesn't look like one of mine" in reply["text"]
    assert reply["replace_original"] is False
    assert not any(m in all_text([reply]) for m in SECRET_MARKERS)


def test_edited_page_is_refused(slack):
    value = buttons(first_listing(slack))["files_next"]["value"]
    assert "doesn't look like one of mine" in click_next(slack, ANA, reencode(value, p=3))["text"]


def test_garbage_values_are_refused(slack):
    first_listing(slack)
    for value in ["", "x", "a.b", "..", "{}", "null", "A" * 3000, "€.€"]:
        assert "doesn't look like one of mine" in click_next(slack, ANA, value)["text"]


def test_click_by_another_user_shows_nothing_of_the_invokers_list(slack):
    value = buttons(first_listing(slack, ANA))["files_next"]["value"]
    slack.authorize(BEN)
    reply = click_next(slack, BEN, value)
    assert "belong to someone else" in reply["text"]
    assert "notes-" not in all_text([reply])


def test_value_from_another_workspace_is_refused(slack):
    value = buttons(first_listing(slack, ANA))["files_next"]["value"]
    slack.fake.add_workspace("T0OTHER", "other")
    _, url = slack.click(ANA, {"action_id": "files_next", "value": value}, team_id="T0OTHER")
    # Not installed there: Bolt's reinstall message; either way, no file data.
    assert "notes-" not in all_text(slack.wait_for(url))


def test_a_correctly_signed_value_for_another_workspace_is_refused(slack):
    first_listing(slack, ANA)
    codec = StateCodec(SIGNING_SECRET, purpose="slack")
    token = codec.encode(ListingState(team="T0OTHER", user=ANA, query=FileQuery(), page=2))
    assert "doesn't look like one of mine" in click_next(slack, ANA, token)["text"]


def test_stale_value_gets_a_fresh_start_message(slack):
    first_listing(slack, ANA)
    old = StateCodec(SIGNING_SECRET, purpose="slack", clock=lambda: 1_000_000.0)
    token = old.encode(ListingState(team=slack.team_id, user=ANA, query=in_(GENERAL), page=2))
    assert "expired" in click_next(slack, ANA, token)["text"]


def test_a_button_from_the_previous_version_gets_the_expired_message(slack):
    """Buttons issued before the query travelled as a structure (the text the grammar parsed) are still
    signed right when someone clicks one after an upgrade: a polite "expired", and nothing listed."""
    first_listing(slack, ANA)
    issued = int(time.time()) - 60
    old = sign({"v": 1, "t": slack.team_id, "u": ANA, "q": f"<#{GENERAL}>", "p": 2, "i": issued}, SIGNING_SECRET)
    reply = click_next(slack, ANA, old)
    assert "That list has expired" in reply["text"] and "notes-" not in all_text([reply])


def test_clicks_rerun_with_the_clickers_token_even_when_values_are_valid(slack):
    """A member's signed state replayed by a non-member (who forged nothing) still only gets their view:
    the user check refuses it, and the underlying call would use the clicker's token anyway."""
    assert "secret-plan-0.pdf" in all_text([first_listing(slack, BEN, f"<#{SECRET}>")])  # a member sees it
    slack.authorize(CAT)
    codec = StateCodec(SIGNING_SECRET, purpose="slack")
    # Even if CAT obtained a validly signed state naming the private channel, it runs as CAT:
    token = codec.encode(ListingState(team=slack.team_id, user=CAT, query=in_(SECRET), page=1))
    reply = click_next(slack, CAT, token)
    assert "can't find" in reply["text"]
    assert not any(m in all_text([reply]) for m in SECRET_MARKERS)
    assert slack.fake.tokens[slack.fake.calls[-1][2]].user_id == CAT


def test_unknown_menu_choice_is_refused(slack):
    menu = buttons(first_listing(slack))["files_type"]
    _, url = slack.click(
        ANA,
        {
            "action_id": "files_type",
            "type": "static_select",
            "block_id": menu["block_id"],
            "selected_option": {"value": "$where", "text": {"type": "plain_text", "text": "x"}},
        },
    )
    assert "doesn't look like one of mine" in slack.wait_for(url)[0]["text"]
