"""Every (user x conversation) pair through every entry point: no reply, button, report, weekly DM or log line
ever carries a file name, id or link from a conversation that user cannot see.

The workspace holds the hard kinds too: files shared in several conversations (seen by whoever can see one
of them), a file removed from a public channel that stays in a private one, and an admin who is not in
the private channel — who must not be able to work out, from the workspace report's figures by uploader or
by type, what a colleague put there.

Logs are captured at DEBUG, where the platform clients log whole API responses: what one user's requests
log may name that user's own files, never anyone else's."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from bot.process.config import Settings
from bot.sandbox.emulators.rocketchat_api import File as RoomFile
from bot.sandbox.emulators.slack_api import File
from bot.services import jobs, weekly
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage import open_store
from handlers.messages import size
from handlers.query import ConversationRef, FileQuery
from handlers.state import ListingState, StateCodec
from tests.conftest import ANA, BASE_TS, BEN, CAT, DAY, DESIGN, DM, GENERAL, SECRET, TEAM
from tests.log_capture import captured_logs
from tests.readable import readable
from tests.slack_harness import SIGNING_SECRET, SlackDriver, buttons

NOWHERE = "C0NOWHERE"
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
STASH_BYTES = 77_777_777  # a size no other figure in these workspaces adds up to


def shared_files() -> tuple[list[File], File]:
    """Files in several conversations, one that will be removed from #general, and BEN's private stash."""
    pdf = ("application/pdf", "pdf", "PDF")
    moved = File("F0MOVED01", "roadmap-moved.pdf", ANA, BASE_TS + 61 * DAY, 4_444_444, *pdf, [GENERAL, SECRET])
    return [
        File("F0MULTI01", "board-minutes-shared.pdf", ANA, BASE_TS + 60 * DAY, 2_222_222, *pdf, [GENERAL, SECRET]),
        File("F0MULTI02", "merger-termsheet.pdf", ANA, BASE_TS + 62 * DAY, 3_333_333, *pdf, [SECRET, DM]),
        File(
            "F0STASH01", "ben-stash.mov", BEN, BASE_TS + 63 * DAY, STASH_BYTES, "video/quicktime", "mov", "QT", [SECRET]
        ),
        moved,
    ], moved


def forbidden(slack: SlackDriver, user: str) -> dict[str, list[str]]:
    """Where a file is → strings that must never reach `user`: names, ids and links of the files in no
    conversation they can see (a file in several is seen through any of them); and, for an admin outside
    #secret, the figures by uploader and by type that would include what is only there."""
    ws = slack.fake.workspaces[TEAM]
    out: dict[str, list[str]] = {}
    for f in ws.files:
        if not any(ws.visible_to(user, c) for c in f.conversations):
            out.setdefault("+".join(f.conversations), []).extend((f.name, f.id, f"/{f.id}/"))
    if not ws.visible_to(user, SECRET):
        seen = [f for f in ws.files if any(ws.visible_to(user, c) for c in f.conversations if c != DM)]
        bens = sum(f.size for f in seen if f.user == BEN)
        videos = sum(f.size for f in seen if f.mimetype.startswith("video/"))
        out["figures"] = [size(STASH_BYTES), size(bens + STASH_BYTES), size(videos + STASH_BYTES)]
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
    added, moved = shared_files()
    ws.files.extend(added)
    for user in (ANA, BEN, CAT):
        slack.authorize(user)
    cache = open_store(Path(bot_env["FILES_BOT_DATA_DIR"]))
    run_sync(Settings.from_env(bot_env), cache, RateLimiter())
    moved.conversations.remove(GENERAL)  # removed from #general, still in #secret
    unshared = {"type": "file_unshared", "file_id": moved.id, "file": {"id": moved.id}, "channel_id": GENERAL}
    assert slack.event({**unshared, "user_id": ANA, "event_ts": "1.2"}).status_code == 200
    cache.workspace("slack", TEAM).reports().subscribe(GENERAL, CAT, on=True)  # CAT gets #general's weekly report
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
                query = FileQuery(conversation=ConversationRef(id=conv))
                token = codec.encode(ListingState(team=TEAM, user=user, query=query, page=1))
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
    # The weekly DMs: channel reports to owners and subscribers, the workspace report to each admin.
    summary = weekly.run(cache, jobs.couriers(Settings.from_env(bot_env)), now=MONDAY_9, sleep=lambda _: None)
    assert summary.failed == 0 and summary.sent >= 5
    for user in (ANA, BEN, CAT):
        dms = [readable(m) for m in slack.fake.messages if m["to"] == [user]]
        assert dms, user
        checks += assert_absent(json.dumps(dms, ensure_ascii=False), forbidden(slack, user), user, "weekly DM")
    cat_dms = " ".join(readable(m) for m in slack.fake.messages if m["to"] == [CAT])
    assert "private conversations (other)" in cat_dms and "board-minutes-shared.pdf" in cat_dms
    # Members do see their private files, so the matrix is not passing by showing nothing.
    _, url = slack.command(BEN, GENERAL, f"<#{SECRET}>")
    assert "secret-plan-0.pdf" in json.dumps(slack.wait_for(url), ensure_ascii=False)
    _, url = slack.command(BEN, SECRET, "report")
    assert "roadmap-moved.pdf" in json.dumps(slack.wait_for(url), ensure_ascii=False)
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
    fake_rc.files.append(RoomFile("rcBenStash01", "ben-stash.mov", RS, RB, STASH_BYTES, "video/quicktime", 1.78e9))
    cache = open_store(Path(rc_env["FILES_BOT_DATA_DIR"]))
    run_sync(Settings.from_env(rc_env), cache, RateLimiter())
    for user in (RA, RB, RC_CAT):
        rc.authorize(user)

    def visible(user: str, room: str) -> bool:
        return fake_rc.rooms[room].t == "c" or user in fake_rc.rooms[room].members

    def forbidden_rc(user: str) -> dict[str, list[str]]:
        banned = {
            room: [s for f in fake_rc.files if f.rid == room for s in (f.name, f.id)]
            for room in (RG, RD, RS, RDM)
            if not visible(user, room)
        }
        if not visible(user, RS):  # the bot syncs #general and the group: what the admin report may count
            seen = [f for f in fake_rc.files if f.rid in (RG, RS) and visible(user, f.rid)]
            bens = sum(f.size for f in seen if f.user == RB)
            videos = sum(f.size for f in seen if f.type.startswith("video/"))
            banned["figures"] = [size(STASH_BYTES), size(bens + STASH_BYTES), size(videos + STASH_BYTES)]
        return banned

    pairs = checks = 0
    for user in (RA, RB, RC_CAT):
        banned = forbidden_rc(user)
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
    summary = weekly.run(cache, jobs.couriers(Settings.from_env(rc_env)), now=MONDAY_9, sleep=lambda _: None)
    assert summary.failed == 0 and summary.sent >= 2
    for user in (RA, RB, RC_CAT):
        dms = [readable(m) for m in fake_rc.messages if m["to"] == [user]]
        checks += assert_absent(json.dumps(dms, ensure_ascii=False), forbidden_rc(user), user, "weekly DM")
    assert any("private conversations (other)" in readable(m) for m in fake_rc.messages if m["to"] == [RC_CAT])
    with capsys.disabled():
        print(f"\nRocket.Chat privacy matrix: {pairs} user x conversation pairs, {checks} forbidden-string checks")
    assert pairs == 15 and checks > 0
