"""Every (user x conversation) pair through every entry point: no reply, button, report or log line ever
carries a file name, id or link from a conversation that user cannot see.

Logs are captured at DEBUG, where the platform clients log whole API responses: what one user's requests
log may name that user's own files, never anyone else's."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from bot.cache import FileCache
from bot.config import Settings
from bot.ratelimit import RateLimiter
from bot.sync_runner import run_sync
from handlers.state import ListingState, StateCodec
from tests.conftest import ANA, BEN, CAT, DESIGN, DM, GENERAL, SECRET, TEAM
from tests.log_capture import captured_logs
from tests.slack_harness import SIGNING_SECRET, SlackDriver, buttons

NOWHERE = "C0NOWHERE"


def forbidden(slack: SlackDriver, user: str) -> dict[str, list[str]]:
    """conversation → strings that must never reach `user`: names, ids and links of its files."""
    ws = slack.fake.workspaces[TEAM]
    out: dict[str, list[str]] = {}
    for conv in (GENERAL, DESIGN, SECRET, DM):
        if ws.visible_to(user, conv):
            continue
        files = [f for f in ws.files if f.conversations == [conv]]
        out[conv] = [s for f in files for s in (f.name, f.id, f"/{f.id}/")]
    return out


def assert_absent(text: str, banned: dict[str, list[str]], *where: str) -> int:
    """Assert that none of the banned strings (hidden conversation → its file data) is in `text`; returns
    how many strings were checked. `where` (user, entry point) goes into the failure message."""
    checks = 0
    for hidden, strings in banned.items():
        for s in strings:
            checks += 1
            assert s not in text, (*where, hidden, s)
    return checks


def test_slack_privacy_matrix(slack: SlackDriver, bot_env, capsys):
    ws = slack.fake.workspaces[TEAM]
    ws.conversations[SECRET].members.add(slack.fake.bot_user_id(TEAM))  # the bot is in #secret: reports have it
    ws.users[CAT].is_admin = True  # an admin who is not in #secret
    for user in (ANA, BEN, CAT):
        slack.authorize(user)
    run_sync(Settings.from_env(bot_env), FileCache(Path(bot_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite"), RateLimiter())
    codec = StateCodec(SIGNING_SECRET, purpose="slack")
    pairs = checks = 0
    for user in (ANA, BEN, CAT):
        banned = forbidden(slack, user)
        with captured_logs(logging.DEBUG) as log:
            for conv in (GENERAL, DESIGN, SECRET, DM, NOWHERE):
                pairs += 1
                replies: list[object] = []
                for where, text in (
                    (conv, ""),
                    (GENERAL, f"<#{conv}>"),
                    (GENERAL, f"<#{conv}> largest"),
                    (GENERAL, f'<#{conv}> name:"plan"'),
                    (conv, "report"),
                    (GENERAL, "admin report"),
                    (GENERAL, "everywhere"),
                    (GENERAL, "everywhere pdfs largest"),
                ):
                    ack, url = slack.command(user, where, text)
                    replies.append(ack.text)
                    replies.extend(slack.wait_for(url))
                # A button naming the conversation, validly signed for this user: still their own view only.
                token = codec.encode(ListingState(team=TEAM, user=user, query=f"<#{conv}>", page=1))
                _, url = slack.click(user, {"action_id": "files_next", "value": token})
                replies.extend(slack.wait_for(url))
                seen = json.dumps(replies, ensure_ascii=False)
                checks += assert_absent(seen, banned, user, conv)
                # Buttons in those replies carry only the signed query, never file data.
                for reply in replies:
                    if isinstance(reply, dict):
                        for element in buttons(reply).values():
                            value = str(element.get("value", "")) + str(element.get("block_id", ""))
                            assert not any(s in value for strings in banned.values() for s in strings)
        logged = log.getvalue()
        assert "files.list" in logged  # the debug log did run
        checks += assert_absent(logged, banned, user, "log")
    # Members do see their private files, so the matrix is not passing by showing nothing.
    _, url = slack.command(BEN, GENERAL, f"<#{SECRET}>")
    assert "secret-plan-0.pdf" in json.dumps(slack.wait_for(url), ensure_ascii=False)
    with capsys.disabled():
        print(f"\nSlack privacy matrix: {pairs} user x conversation pairs, {checks} forbidden-string checks")
    assert pairs == 15 and checks > 0


def test_rocketchat_privacy_matrix(rc, rc_env, fake_rc, capsys):
    from tests.rocketchat_harness import (
        ADMIN,
    )
    from tests.rocketchat_harness import (
        ANA as RA,
    )
    from tests.rocketchat_harness import (
        BEN as RB,
    )
    from tests.rocketchat_harness import (
        CAT as RC_CAT,
    )
    from tests.rocketchat_harness import (
        DESIGN as RD,
    )
    from tests.rocketchat_harness import (
        DM as RDM,
    )
    from tests.rocketchat_harness import (
        GENERAL as RG,
    )
    from tests.rocketchat_harness import (
        SECRET as RS,
    )

    fake_rc.rooms[RS].members.add(ADMIN)  # the bot account is in the private group: reports have it
    fake_rc.users[RC_CAT].roles.append("admin")  # an admin who is not in the group
    run_sync(Settings.from_env(rc_env), FileCache(Path(rc_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite"), RateLimiter())
    for user in (RA, RB, RC_CAT):
        rc.authorize(user)
    pairs = checks = 0
    for user in (RA, RB, RC_CAT):
        banned = {
            room: [s for f in fake_rc.files if f.rid == room for s in (f.name, f.id)]
            for room in (RG, RD, RS, RDM)
            if not (fake_rc.rooms[room].t == "c" or user in fake_rc.rooms[room].members)
        }
        with captured_logs(logging.DEBUG) as log:
            for room in (RG, RD, RS, RDM, "rcNoSuchRoom0001"):
                pairs += 1
                answers = [
                    rc.command(user, room, ""),
                    rc.command(user, RG, f"<#{room}>"),
                    rc.command(user, RG, f"<#{room}> largest"),
                    rc.command(user, room, "report"),
                    rc.command(user, RG, "admin report"),
                    rc.command(user, RG, "everywhere largest"),
                ]
                checks += assert_absent(json.dumps(answers, ensure_ascii=False), banned, user, room)
        logged = log.getvalue()
        assert "files" in logged  # the debug log did run
        checks += assert_absent(logged, banned, user, "log")
    with capsys.disabled():
        print(f"\nRocket.Chat privacy matrix: {pairs} user x conversation pairs, {checks} forbidden-string checks")
    assert pairs == 15 and checks > 0
