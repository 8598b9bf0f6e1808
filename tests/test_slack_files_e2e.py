"""End to end: signed Slack requests into the real server, files.list on the fake, replies on response_url."""

from __future__ import annotations

import json
import re
import time

import pytest
import requests

from bot.sandbox.emulators.slack_api import FakeSlack
from tests.conftest import ANA, BEN, CAT, DESIGN, GENERAL, SECRET, SECRET_MARKERS, TEAM
from tests.slack_harness import SIGNING_SECRET, SlackDriver, all_text, buttons, consent_params, running_bot


def list_files(slack: SlackDriver, user: str, text: str = "", channel: str = GENERAL) -> dict:
    ack, url = slack.command(user, channel, text)
    assert ack.status_code == 200
    return slack.wait_for(url)[0]


def row_names(message: dict) -> list[str]:
    return re.findall(r"\*<https://[^|]+\|([^>]+)>\*", json.dumps(message["blocks"], ensure_ascii=False))


def user_of(fake: FakeSlack, token: str | None) -> str:
    assert token is not None
    return fake.tokens[token].user_id


# -- the foundation -----------------------------------------------------------------------------------
def test_serves_without_credentials_and_says_what_is_configured(tmp_path):
    with running_bot({"FILES_BOT_DATA_DIR": str(tmp_path)}) as url:
        health = requests.get(f"{url}/healthz", timeout=5)
        assert health.json() == {"status": "ok", "platforms": {"slack": False, "rocketchat": False}}
        assert requests.post(f"{url}/slack/events", data="x", timeout=5).status_code == 503


def test_healthz_reports_slack_when_configured(slack):
    assert requests.get(f"{slack.bot_url}/healthz", timeout=5).json()["platforms"] == {
        "slack": True,
        "rocketchat": False,
    }


# -- OAuth ----------------------------------------------------------------------------------------------
def test_install_link_asks_for_the_manifest_scopes_and_comes_back_to_the_bot(slack):
    to_slack = requests.get(f"{slack.bot_url}/slack/install", allow_redirects=False, timeout=5)
    params = consent_params(to_slack.headers["Location"])
    assert params["user_scope"] == ["files:read"]  # everything /files needs from the user
    from pathlib import Path

    import yaml

    manifest = yaml.safe_load((Path(__file__).parents[1] / "manifest.yml").read_text())["oauth_config"]["scopes"]
    assert params["scope"] == [",".join(manifest["bot"])]  # exactly what the manifest requests
    assert params["redirect_uri"] == [f"{slack.bot_url}/slack/oauth_redirect"]
    assert params["state"][0]


def test_user_who_has_not_authorized_gets_a_private_authorize_button(slack):
    assert slack.authorize(ANA).status_code == 200
    ack, _ = slack.command(BEN, GENERAL)
    body = ack.json()
    assert body["response_type"] == "ephemeral"
    assert "Authorize me once" in body["text"]
    authorize = buttons(body)["files_authorize"]
    assert authorize["url"] == f"{slack.bot_url}/slack/install"
    assert slack.fake.calls_of("files.list") == []  # answered in the ack, no API call


def test_workspace_without_installation_is_told_to_reinstall(slack):
    ack, url = slack.command(ANA, GENERAL)
    assert ack.status_code == 200
    assert "no longer installed" in slack.wait_for(url)[0]["text"]


def test_authorize_then_page_through_with_the_users_own_token(slack):
    assert slack.authorize(ANA).status_code == 200
    first = list_files(slack, ANA)
    assert "page 1 of 3 · 25 files" in first["text"]
    assert row_names(first) == [f"notes-{i:02d}.txt" for i in range(24, 14, -1)]
    calls = slack.fake.calls
    files_calls = [(params, token) for method, params, token in calls if method == "files.list"]
    assert len(files_calls) == 1  # one API call per page shown
    assert files_calls[0][0]["channel"] == GENERAL
    assert user_of(slack.fake, files_calls[0][1]) == ANA
    assert files_calls[0][1].startswith("xoxp-")  # a user token, not the bot's

    nav = buttons(first)
    assert "files_prev" not in nav
    _, url = slack.click(ANA, {"action_id": "files_next", "value": nav["files_next"]["value"]})
    second = slack.wait_for(url)[0]
    assert second["replace_original"] is True
    assert "page 2 of 3" in second["text"]
    assert row_names(second) == [f"notes-{i:02d}.txt" for i in range(14, 4, -1)]

    _, url = slack.click(ANA, {"action_id": "files_next", "value": buttons(second)["files_next"]["value"]})
    third = slack.wait_for(url)[0]
    assert row_names(third) == [f"notes-{i:02d}.txt" for i in range(4, -1, -1)]
    assert "files_next" not in buttons(third)

    _, url = slack.click(ANA, {"action_id": "files_prev", "value": buttons(third)["files_prev"]["value"]})
    assert row_names(slack.wait_for(url)[0]) == row_names(second)
    assert len(slack.fake.calls_of("files.list")) == 4


def test_filters_combine_in_any_order(slack):
    slack.authorize(ANA)
    pdfs = list_files(slack, ANA, f"pdfs <#{DESIGN}|design>")
    assert sorted(row_names(pdfs)) == ["Quarterly Report.pdf", "spec.pdf"]
    assert slack.fake.calls_of("files.list")[-1]["types"] == "pdfs"

    by_ben = list_files(slack, ANA, f"<@{BEN}|ben> <#{DESIGN}|design>")
    assert sorted(row_names(by_ben)) == ["demo.mp4", "spec.pdf"]
    assert slack.fake.calls_of("files.list")[-1]["user"] == BEN

    mine = list_files(slack, ANA, f"mine images <#{DESIGN}>")
    assert row_names(mine) == ["logo.png"]

    video = list_files(slack, ANA, f"<#{DESIGN}> video")  # not a Slack type: filtered by the bot
    assert row_names(video) == ["demo.mp4"]
    assert "types" not in slack.fake.calls_of("files.list")[-1]

    dated = list_files(slack, ANA, "since:2026-06-20 until:2026-06-21")
    # notes-23 and notes-24 were uploaded on 2026-06-20 and 2026-06-21 (UTC); both days are inclusive.
    assert row_names(dated) == ["notes-24.txt", "notes-23.txt"]


def test_largest_and_name_search_scan_and_say_so_when_partial(slack, monkeypatch):
    slack.authorize(ANA)
    largest = list_files(slack, ANA, f"<#{DESIGN}> largest")
    assert row_names(largest)[:3] == ["mockups.zip", "demo.mp4", "Quarterly Report.pdf"]
    assert "Partial" not in json.dumps(largest)
    assert "5 files" in largest["text"] and "141.3 MB" in largest["text"]

    named = list_files(slack, ANA, '"quarterly REPORT"', channel=DESIGN)
    assert row_names(named) == ["Quarterly Report.pdf"]

    from handlers import listing

    monkeypatch.setattr(listing, "SCAN_LIMIT", 10)
    slack.fake.max_count = 10  # the server caps page size, so 10 files are one page of 4
    partial = list_files(slack, ANA, "everywhere largest")
    assert "Partial results: I checked the 10 newest" in all_text([partial])
    # The 10 newest: the DM file, 3 secret plans, 5 design files and notes-24; sorted by size.
    assert row_names(partial)[:2] == ["mockups.zip", "demo.mp4"]
    assert "10 files" in partial["text"] and "notes-23.txt" not in all_text([partial])


def test_type_menu_switches_the_filter(slack):
    slack.authorize(ANA)
    first = list_files(slack, ANA, channel=DESIGN)
    menu = buttons(first)["files_type"]
    _, url = slack.click(
        ANA,
        {
            "action_id": "files_type",
            "type": "static_select",
            "block_id": menu["block_id"],
            "selected_option": {"value": "images", "text": {"type": "plain_text", "text": "x"}},
        },
        channel_id=DESIGN,
    )
    images = slack.wait_for(url)[0]
    assert row_names(images) == ["logo.png"]
    assert buttons(images)["files_type"]["initial_option"]["value"] == "images"


def test_empty_result_suggests_a_wider_filter(slack):
    slack.authorize(ANA)
    empty = list_files(slack, ANA, f"<#{DESIGN}> audio")
    assert "No files match" in empty["text"] or "No files match" in json.dumps(empty)
    assert "wider" in json.dumps(empty)


def test_cursor_paging_style_is_followed_both_ways(slack):
    slack.authorize(ANA)
    slack.fake.force_cursor_paging = True
    first = list_files(slack, ANA)
    assert row_names(first)[0] == "notes-24.txt"
    _, url = slack.click(ANA, {"action_id": "files_next", "value": buttons(first)["files_next"]["value"]})
    second = slack.wait_for(url)[0]
    assert "page 2" in second["text"] and row_names(second)[0] == "notes-14.txt"
    assert slack.fake.calls_of("files.list")[-1]["cursor"]
    _, url = slack.click(ANA, {"action_id": "files_prev", "value": buttons(second)["files_prev"]["value"]})
    assert row_names(slack.wait_for(url)[0]) == row_names(first)


# -- privacy --------------------------------------------------------------------------------------------
def test_non_member_sees_nothing_of_a_private_channel_and_cannot_tell_it_exists(slack):
    slack.authorize(CAT)
    private = list_files(slack, CAT, f"<#{SECRET}>")
    missing = list_files(slack, CAT, "<#G0NOSUCH>")
    assert private["text"] == missing["text"].replace("G0NOSUCH", SECRET)
    assert "can't find" in private["text"]
    everywhere = list_files(slack, CAT, "everywhere largest")
    pdfs = list_files(slack, CAT, "everywhere pdfs")
    for message in (private, missing, everywhere, pdfs):
        text = all_text([message])
        assert not any(marker in text for marker in SECRET_MARKERS), text
    assert "notes-24.txt" in all_text([everywhere]) or "mockups.zip" in all_text([everywhere])


def test_member_sees_the_private_channel(slack):
    slack.authorize(BEN)
    assert sorted(row_names(list_files(slack, BEN, f"<#{SECRET}>"))) == [f"secret-plan-{n}.pdf" for n in range(3)]


# -- request verification -------------------------------------------------------------------------------
def test_bad_signature_and_stale_timestamp_are_rejected_and_nothing_runs(slack):
    slack.authorize(ANA)
    body, url = slack.command_body(ANA, GENERAL, "")
    assert slack.post_signed(body, "application/x-www-form-urlencoded", secret="wrong").status_code == 401
    old = int(time.time()) - 6 * 60
    assert slack.post_signed(body, "application/x-www-form-urlencoded", timestamp=old).status_code == 401
    unsigned = requests.post(
        f"{slack.bot_url}/slack/events",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=5,
    )
    assert unsigned.status_code == 401
    time.sleep(0.3)  # give any (wrongly) started work a chance to show up before checking it didn't
    assert slack.fake.calls_of("files.list") == []
    assert slack.fake.responses_for(url) == []


# -- tokens ---------------------------------------------------------------------------------------------
def test_revoked_token_leads_back_to_authorize(slack):
    slack.authorize(ANA)
    slack.fake.revoke_user_tokens(TEAM, ANA)
    reply = list_files(slack, ANA)
    assert "Authorize me once" in reply["text"]
    assert buttons(reply)["files_authorize"]["url"].endswith("/slack/install")


def test_a_new_authorization_is_used_at_once(slack):
    slack.authorize(ANA)
    assert "Authorize me once" not in list_files(slack, ANA)["text"]  # the bot has now looked her token up
    slack.fake.revoke_user_tokens(TEAM, ANA)
    slack.authorize(ANA)
    assert "Authorize me once" not in list_files(slack, ANA)["text"]


def test_tokens_revoked_event_deletes_the_stored_token(slack):
    slack.authorize(ANA)
    slack.authorize(BEN)
    assert "Authorize me once" not in list_files(slack, BEN)["text"]  # the bot has now looked his token up
    assert slack.event({"type": "tokens_revoked", "tokens": {"oauth": [BEN], "bot": []}}).status_code == 200
    ack, _ = slack.command(BEN, GENERAL)
    assert "Authorize me once" in ack.json()["text"]
    assert "Authorize me once" not in list_files(slack, ANA)["text"]


def test_app_uninstalled_event_deletes_everything(slack):
    slack.authorize(ANA)
    assert "Authorize me once" not in list_files(slack, ANA)["text"]  # the bot has now looked the tokens up
    assert slack.event({"type": "app_uninstalled"}).status_code == 200
    ack, url = slack.command(ANA, GENERAL)
    assert ack.status_code == 200
    assert "no longer installed" in slack.wait_for(url)[0]["text"]


# -- errors ---------------------------------------------------------------------------------------------
def test_unknown_word_is_named_in_an_immediate_private_reply(slack):
    slack.authorize(ANA)
    ack, _ = slack.command(ANA, GENERAL, "images frobnicate")
    body = ack.json()
    assert body["response_type"] == "ephemeral"
    assert "I don't understand “frobnicate”" in body["text"] and "Usage:" in body["text"]


def test_help(slack):
    slack.authorize(ANA)
    ack, _ = slack.command(ANA, GENERAL, "help")
    assert "`/files #channel`" in ack.json()["text"]


def test_missing_scope_asks_for_a_reinstall(slack):
    slack.authorize(ANA)
    slack.fake.inject(
        "files.list", 200, body={"ok": False, "error": "missing_scope", "needed": "files:read", "provided": "identify"}
    )
    assert "Ask a workspace admin to reinstall" in list_files(slack, ANA)["text"]


def test_429_is_retried_after_retry_after_then_succeeds(slack):
    slack.authorize(ANA)
    slack.fake.inject("files.list", 429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "1"})
    reply = list_files(slack, ANA)
    assert "page 1 of 3" in reply["text"]
    assert len(slack.fake.calls_of("files.list")) == 2


def test_persistent_429_tells_the_user_when_to_retry(slack):
    slack.authorize(ANA)
    slack.fake.inject(
        "files.list", 429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "30"}, times=5
    )
    reply = list_files(slack, ANA)
    assert "try again in about 30 seconds" in reply["text"]
    assert len(slack.fake.calls_of("files.list")) == 1  # 30 s is too long to hold a worker: not retried


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_get_a_short_apology_and_details_only_in_the_log(slack, caplog, status):
    slack.authorize(ANA)
    slack.fake.inject("files.list", status, body="<html>upstream broke</html>", times=3)
    reply = list_files(slack, ANA)
    assert reply["text"].startswith("Sorry — I couldn't reach the chat server")
    assert "upstream" not in reply["text"] and str(status) not in reply["text"]
    assert any(str(status) in r.getMessage() for r in caplog.records)


def test_malformed_json_is_an_outage_not_a_crash(slack):
    slack.authorize(ANA)
    slack.fake.inject("files.list", 200, body="{not json", times=3)
    assert list_files(slack, ANA)["text"].startswith("Sorry — I couldn't reach")


def test_unreachable_slack_gets_an_apology(slack, bot_env):
    slack.authorize(ANA)
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    dead = sock.getsockname()[1]
    sock.close()
    # Same data dir (ANA is authorized there), but the Web API now points at a closed port.
    with running_bot({**bot_env, "SLACK_API_URL": f"http://127.0.0.1:{dead}/api/"}) as url:
        driver = SlackDriver(bot_url=url, fake=slack.fake, team_id=TEAM, secret=SIGNING_SECRET)
        assert list_files(driver, ANA)["text"].startswith("Sorry — I couldn't reach")


def test_the_ack_comes_before_the_slow_work(slack):
    slack.authorize(ANA)
    slack.fake.latency = 1.5
    ack, url = slack.command(ANA, GENERAL)
    assert ack.status_code == 200 and ack.text == ""
    assert slack.fake.responses_for(url) == []  # the listing had not been posted when Slack got its ack
    assert "page 1 of 3" in slack.wait_for(url)[0]["text"]


def test_unknown_user_filter_is_explained(slack):
    slack.authorize(ANA)
    reply = list_files(slack, ANA, "<@U0NOBODY>")
    assert reply["text"] == "I can't find the user <@U0NOBODY>."
    assert list_files(slack, ANA, "@nobody")["text"] == "I can't find the user @nobody."
