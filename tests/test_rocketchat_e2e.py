"""End to end on Rocket.Chat: signed bridge requests into the real server, the fake Rocket.Chat behind it."""

from __future__ import annotations

import json
import time

import pytest
import requests

from bot.sandbox.emulators.rocketchat_api import FakeRocketChat
from tests.rocketchat_harness import (
    ANA,
    BEN,
    CAT,
    DESIGN,
    DM,
    GENERAL,
    SECRET,
    SECRET_MARKERS,
    element,
    names,
)


def text_of(answer: dict) -> str:
    return json.dumps(answer, ensure_ascii=False)


def users_of_file_calls(fake: FakeRocketChat) -> set[str | None]:
    return {fake.bearer_user(r) for r in fake.requests if r.path.endswith(".files")}


# -- set-up -----------------------------------------------------------------------------------------------
def test_healthz_reports_rocketchat(rc):
    assert requests.get(f"{rc.bot_url}/healthz", timeout=5).json()["platforms"] == {"slack": False, "rocketchat": True}


def test_not_authorized_then_authorize_then_list(rc):
    first = rc.command(ANA)
    assert first["surface"] == "notification" and "Authorize me once" in first["text"]
    assert element(first, "files_authorize")["url"] == f"{rc.bot_url}/rocketchat/install"
    assert rc.fake.calls_of("channels.files") == []

    done = rc.authorize(ANA)
    assert done.status_code == 200 and "@ana" in done.text
    listing = rc.command(ANA)
    assert listing["surface"] == "contextualBar" and listing["title"] == "Files"
    assert "page 1 of 3 · 25 files" in listing["text"]
    assert names(listing) == [f"notes-{i:02d}.txt" for i in range(24, 14, -1)]
    assert users_of_file_calls(rc.fake) == {ANA}  # as the user, with their own token


def test_oauth_learns_the_user_from_the_server_not_the_request(rc):
    browser = requests.Session()
    consent = browser.get(f"{rc.bot_url}/rocketchat/install", allow_redirects=False, timeout=5).headers["Location"]
    back = browser.get(consent, params={"as_user": BEN}, allow_redirects=False, timeout=5).headers["Location"]
    assert "@ben" in browser.get(back, timeout=5).text
    assert "Authorize me once" in rc.command(ANA)["text"]  # ANA still hasn't authorized
    assert "Authorize me once" not in rc.command(BEN)["text"]


def test_oauth_state_must_match_the_browser_and_is_single_use(rc):
    browser = requests.Session()
    consent = browser.get(f"{rc.bot_url}/rocketchat/install", allow_redirects=False, timeout=5).headers["Location"]
    back = browser.get(consent, params={"as_user": ANA}, allow_redirects=False, timeout=5).headers["Location"]
    stranger = requests.get(back, timeout=5)  # no state cookie: a different browser
    assert stranger.status_code == 400 and "another browser" in stranger.text
    assert browser.get(back, timeout=5).status_code == 200
    assert browser.get(back, timeout=5).status_code == 400  # replayed


def test_pages_next_prev_and_filters(rc):
    rc.authorize(ANA)
    first = rc.command(ANA)
    second = rc.action(ANA, "files_next", value=element(first, "files_next")["value"])
    assert second["surface"] == "contextualBar" and "page 2 of 3" in second["text"]
    assert names(second) == [f"notes-{i:02d}.txt" for i in range(14, 4, -1)]
    back = rc.action(ANA, "files_prev", value=element(second, "files_prev")["value"])
    assert names(back) == names(first)
    calls = rc.fake.calls_of("channels.files")
    assert [c.params["offset"] for c in calls] == ["0", "10", "0"] and {c.params["count"] for c in calls} == {"10"}

    images = rc.action(ANA, "files_type", block_id=element(first, "files_type")["blockId"], value="images", room=DESIGN)
    assert "No files match" in text_of(images)  # GENERAL holds no images: the menu keeps the room
    in_design = rc.command(ANA, DESIGN)  # a mixed-case room id, pinned in the menu's state
    only_images = rc.action(
        ANA, "files_type", block_id=element(in_design, "files_type")["blockId"], value="images", room=DESIGN
    )
    assert names(only_images) == ["logo.png"]
    design = rc.command(ANA, DESIGN, "largest")
    assert names(design)[:2] == ["mockups.zip", "demo.mp4"]
    assert json.loads(rc.fake.calls_of("channels.files")[-1].params["sort"]) == {"size": -1}
    videos = rc.command(ANA, DESIGN, "video")
    assert names(videos) == ["demo.mp4"] and rc.fake.calls_of("channels.files")[-1].params["typeGroup"] == "video"
    pdfs = rc.command(ANA, DESIGN, "#design pdfs mine")  # neither is native here: filtered by the bot
    assert names(pdfs) == ["Quarterly Report.pdf"]
    assert "typeGroup" not in rc.fake.calls_of("channels.files")[-1].params
    named = rc.command(ANA, DESIGN, '"quarterly"')
    assert names(named) == ["Quarterly Report.pdf"] and rc.fake.calls_of("channels.files")[-1].params["name"]


def test_hash_channel_by_name_and_private_group_for_a_member(rc):
    rc.authorize(BEN)
    by_name = rc.command(BEN, GENERAL, "#design")
    assert "#design" in by_name["text"] and "spec.pdf" in names(by_name)
    secret = rc.command(BEN, GENERAL, "#secret")
    assert sorted(names(secret)) == [f"secret-plan-{n}.pdf" for n in range(3)]
    assert rc.fake.calls_of("groups.files")
    dm = rc.command(BEN, DM)
    assert names(dm) == ["just-for-ben.png"] and rc.fake.calls_of("im.files")


def test_everywhere_walks_the_users_own_rooms(rc):
    rc.authorize(CAT)
    everywhere = rc.command(CAT, GENERAL, "everywhere largest")
    assert "25 files" in everywhere["text"]
    assert not any(m in text_of(everywhere) for m in SECRET_MARKERS)
    rc.authorize(ANA)
    assert "34 files" in rc.command(ANA, GENERAL, "everywhere")["text"]  # 25 + 5 + 3 + 1 in ANA's four rooms


# -- privacy ------------------------------------------------------------------------------------------------
def test_non_member_sees_nothing_of_a_private_group_and_cannot_tell_it_exists(rc):
    rc.authorize(CAT)
    private = rc.command(CAT, GENERAL, "#secret")
    missing = rc.command(CAT, GENERAL, "#nosuchroom")
    assert private["text"] == missing["text"].replace("nosuchroom", "secret")
    assert "can't find" in private["text"]
    by_id = rc.command(CAT, GENERAL, f"<#{SECRET}>")
    assert "can't find" in by_id["text"]
    for answer in (private, missing, by_id, rc.command(CAT, GENERAL, "everywhere pdfs")):
        assert not any(m in text_of(answer) for m in SECRET_MARKERS)


def test_a_replayed_action_from_another_user_sees_nothing_more_than_their_own_view(rc):
    rc.authorize(BEN)
    rc.authorize(CAT)
    bens = rc.command(BEN, GENERAL, "#secret largest")
    menu = element(bens, "files_type")["blockId"]
    replay = rc.action(CAT, "files_type", block_id=menu, value="all", room=GENERAL)
    assert "belong to someone else" in replay["text"]
    assert not any(m in text_of(replay) for m in SECRET_MARKERS)


def test_name_search_is_literal_and_never_a_query(rc):
    rc.authorize(ANA)
    for text in [
        'name:"{\\"$regex\\": \\".*\\"}"',
        'name:".*"',
        'name:"$where"',
        '"a&roomId=rcSecretRoom0001"',
        'name:"[a-z]+"',
    ]:
        answer = rc.command(ANA, GENERAL, text)
        assert "No files match" in text_of(answer)
        assert not any(m in text_of(answer) for m in SECRET_MARKERS)
    for call in rc.fake.calls_of("channels.files"):
        assert "query" not in call.params and "fields" not in call.params
        assert call.params["roomId"] == GENERAL
    assert "a&roomId=rcSecretRoom0001" in [c.params.get("name") for c in rc.fake.calls_of("channels.files")]


# -- verification -------------------------------------------------------------------------------------------
def test_bad_signature_stale_timestamp_and_missing_headers_are_401(rc):
    body = rc.command_body(ANA, GENERAL, "")
    assert rc.post("/rocketchat/command", body, secret="wrong").status_code == 401
    assert rc.post("/rocketchat/command", body, timestamp=int(time.time()) - 301).status_code == 401
    assert rc.post("/rocketchat/command", body, timestamp=int(time.time()) + 400).status_code == 401
    assert rc.post("/rocketchat/command", body, signed=False).status_code == 401
    assert rc.post("/rocketchat/action", body, secret="wrong").status_code == 401
    assert list(rc.fake.requests) == []


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"[]",
        b'{"user": {}}',
        b'{"user": {"id": 1, "username": "x"}, "room": {"id": "r", "type": "c"}, "text": ""}',
        b'{"user": {"id": "u", "username": "x"}, "room": {"id": "r", "type": "z"}, "text": ""}',
        "\u00ff".encode("latin-1"),
    ],
)
def test_malformed_bodies_are_400(rc, raw):
    now = int(time.time())
    response = rc.post("/rocketchat/command", None, raw=raw, timestamp=now)
    assert response.status_code == 400 and "error" in response.json()
    # The same body again, signed anew with another timestamp (the first signature may not be used twice;
    # taking `time.time() - 1` afresh could land on the first one's second, and be refused as a replay).
    assert rc.post("/rocketchat/action", None, raw=raw, timestamp=now - 1).status_code == 400


# -- tokens and errors ------------------------------------------------------------------------------------
def test_revoked_token_leads_back_to_authorize(rc):
    rc.authorize(ANA)
    rc.fake.revoke(ANA)
    answer = rc.command(ANA)
    assert "Authorize me once" in answer["text"] and answer["surface"] == "notification"
    assert rc.fake.calls_of("channels.files")  # it tried, was refused, and forgot the token
    before = len(rc.fake.requests)
    assert "Authorize me once" in rc.command(ANA)["text"]
    assert len(rc.fake.requests) == before  # no second attempt with a dead token


def test_a_click_with_a_revoked_token_leads_back_to_authorize_too(rc):
    """The bridge forgets a token when the flow's answer says so (`NeedsAuthorization`), on a click as on a
    command — not because a notice happens to carry a link."""
    rc.authorize(ANA)
    value = element(rc.command(ANA), "files_next")["value"]
    rc.fake.revoke(ANA)
    answer = rc.action(ANA, "files_next", value=value)
    assert "Authorize me once" in answer["text"] and element(answer, "files_authorize")
    before = len(rc.fake.requests)
    assert "Authorize me once" in rc.command(ANA)["text"]
    assert len(rc.fake.requests) == before  # forgotten: no second attempt with a dead token


def test_expired_token_is_refreshed(rc):
    rc.fake.token_lifetime = 30  # inside the bot's one-minute margin: due for refresh at first use
    rc.authorize(ANA)
    first_token = next(iter(rc.fake.grants))
    assert "page 1 of 3" in rc.command(ANA)["text"]
    used = rc.fake.calls_of("channels.files")[-1].headers["Authorization"]
    assert used.startswith("Bearer ") and used != f"Bearer {first_token}"
    assert first_token not in rc.fake.grants  # the old token was exchanged for a new one


def test_failed_refresh_leads_back_to_authorize(rc):
    rc.fake.token_lifetime = 30
    rc.authorize(ANA)
    rc.fake.revoke(ANA)
    assert "Authorize me once" in rc.command(ANA)["text"]


def test_429_with_rate_limit_headers_then_success(rc):
    rc.authorize(ANA)
    reset_ms = str(int((time.time() + 1) * 1000))
    rc.fake.inject(
        "channels.files",
        429,
        headers={"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset_ms},
        body={
            "success": False,
            "error": "Error, too many requests. Please slow down. You must wait 1 "
            "seconds before trying this endpoint again. [error-too-many-requests]",
        },
    )
    assert "page 1 of 3" in rc.command(ANA)["text"]
    assert len(rc.fake.calls_of("channels.files")) == 2


def test_long_rate_limit_tells_the_user_when_to_retry(rc):
    rc.authorize(ANA)
    reset_ms = str(int((time.time() + 60) * 1000))
    rc.fake.inject(
        "channels.files",
        429,
        headers={"X-RateLimit-Reset": reset_ms, "X-RateLimit-Remaining": "0"},
        body={"success": False, "error": "too many requests [error-too-many-requests]"},
        times=5,
    )
    answer = rc.command(ANA)
    assert "try again in about" in answer["text"] and answer["surface"] == "notification"
    assert len(rc.fake.calls_of("channels.files")) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_get_an_apology(rc, status):
    rc.authorize(ANA)
    rc.fake.inject("channels.files", status, body="<html>down</html>", times=5)
    answer = rc.command(ANA)
    assert answer["text"].startswith("Sorry — I couldn't reach the chat server") and "down" not in answer["text"]


def test_malformed_json_from_the_server_is_an_outage(rc):
    rc.authorize(ANA)
    rc.fake.inject("channels.files", 200, body="{nope", times=5)
    assert rc.command(ANA)["text"].startswith("Sorry — I couldn't reach")


def test_unknown_word_and_help_answer_at_once(rc):
    answer = rc.command(ANA, GENERAL, "frobnicate")
    assert "I don't understand “frobnicate”" in answer["text"] and answer["surface"] == "notification"
    assert "`/files #channel`" in rc.command(ANA, GENERAL, "help")["text"]


def test_unknown_user_filter(rc):
    rc.authorize(ANA)
    assert rc.command(ANA, GENERAL, "@nobody")["text"] == "I can't find the user @nobody."
    assert "ben" in text_of(rc.command(ANA, DESIGN, "@ben"))


def test_unknown_action_is_refused(rc):
    rc.authorize(ANA)
    assert "doesn't look like one of mine" in rc.action(ANA, "files_delete_everything", value="x")["text"]


def test_tampered_or_garbage_button_values_are_refused(rc):
    rc.authorize(ANA)
    value = element(rc.command(ANA), "files_next")["value"]
    forged = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    for bad in (forged, "", "x.y", "A" * 3000):
        answer = rc.action(ANA, "files_next", value=bad)
        assert "doesn't look like one of mine" in answer["text"] and answer["surface"] == "notification"
