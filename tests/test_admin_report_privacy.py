"""The workspace report never lets an admin work out what was put in a private conversation they are not in:
by conversation, by uploader, by type and among the growers, whatever the reader may not see is one line,
"private conversations (other)"; the totals count every file once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.process.config import Settings
from bot.sandbox.emulators.slack_api import File
from bot.services import jobs, weekly
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage import open_store
from bot.storage.interface import ReportStore
from handlers.messages import size
from handlers.records import Conversation
from handlers.reports import PRIVATE_OTHER, build_admin_report
from handlers.source import FileInfo
from tests.conftest import ANA, BEN, CAT, DAY, SECRET, TEAM
from tests.readable import readable
from tests.slack_harness import SlackDriver

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DESIGN = Conversation("C1", "design", private=False)
SECRET_ROOM = Conversation("G1", "secret", private=True)
OTHER_SECRET = Conversation("G2", "board", private=True)
MIMES = {"pdfs": "application/pdf", "video": "video/mp4", "images": "image/png"}


def info(fid: str, size_: int, *, user: str, kind: str = "pdfs", shared_in: tuple[str, ...] = ()) -> FileInfo:
    return FileInfo(
        id=fid,
        name=f"{fid}.bin",
        title="",
        size=size_,
        mimetype=MIMES[kind],
        extension="",
        type_label="",
        uploader_id=user,
        uploader_name=None,
        created=NOW - timedelta(days=2),
        link=f"https://x/{fid}",
        conversations=shared_in,
    )


def data_with(tmp_path: Path, placed: list[tuple[str, FileInfo]]) -> ReportStore:
    cache = open_store(tmp_path).workspace("slack", "T1")
    for conv in (DESIGN, SECRET_ROOM, OTHER_SECRET):
        cache.save_conversation(conv)
    with cache.transaction():
        for conv_id, f in placed:
            cache.save_files(conv_id, [f], generation=1, now=NOW.timestamp())
    return cache.reports()


def overview(data: ReportStore, *, sees: set[str]):  # type: ignore[no-untyped-def]
    return build_admin_report(
        [DESIGN, SECRET_ROOM, OTHER_SECRET],
        data,
        week="2026-W48",
        reader_can_see=lambda c: c.id in sees,
        previous_bytes={"C1": 0, "G1": 0, "G2": 0},
        trend=[],
    )


def test_by_uploader_and_by_type_count_only_what_the_reader_can_see(tmp_path):
    data = data_with(
        tmp_path,
        [
            ("C1", info("pub-ana", 100, user="U1")),
            ("C1", info("pub-ben", 300, user="U2", kind="images")),
            ("G1", info("sec-ben-1", 5_000, user="U2", kind="video")),
            ("G2", info("sec-ben-2", 7_000, user="U2", kind="video")),
        ],
    )
    outsider = overview(data, sees=set())
    assert dict((u, (n, b)) for u, n, b in outsider.by_uploader) == {"U1": (1, 100), "U2": (1, 300)}
    assert dict((k, (n, b)) for k, n, b in outsider.by_type) == {"pdfs": (1, 100), "images": (1, 300)}
    assert outsider.private_other == (2, 12_000)
    assert (PRIVATE_OTHER, 2, 12_000) in outsider.by_conversation
    assert not any(key in ("G1", "G2") for key, _, _ in outsider.by_conversation)
    assert (outsider.file_count, outsider.bytes) == (4, 12_400)  # the totals still count everything, once
    assert outsider.growers == [(PRIVATE_OTHER, 12_000), ("C1", 400)]
    # A member of #secret sees its share by name and by uploader; #board stays an aggregate.
    member = overview(data, sees={"G1"})
    assert dict((u, (n, b)) for u, n, b in member.by_uploader)["U2"] == (2, 5_300)
    assert ("G1", 1, 5_000) in member.by_conversation and member.private_other == (1, 7_000)


def test_a_file_shared_in_several_conversations_counts_once_in_the_totals(tmp_path):
    both = info("both", 9_000, user="U2", shared_in=("C1", "G1"))
    data = data_with(tmp_path, [("C1", both), ("G1", both), ("G1", info("only-secret", 50, user="U2"))])
    outsider = overview(data, sees=set())
    assert (outsider.file_count, outsider.bytes) == (2, 9_050)
    # The reader sees it in #design: it counts under its uploader and type, not in the aggregate line,
    # which holds only what is nowhere the reader can see.
    assert dict((u, (n, b)) for u, n, b in outsider.by_uploader) == {"U2": (1, 9_000)}
    assert outsider.private_other == (1, 50)
    assert ("C1", 1, 9_000) in outsider.by_conversation


def test_an_admin_outside_a_private_channel_cannot_work_out_what_a_colleague_put_there(slack: SlackDriver, bot_env):
    ws = slack.fake.workspaces[TEAM]
    ws.conversations[SECRET].members.add(slack.fake.bot_user_id(TEAM))  # the bot is in #secret
    ws.users[CAT].is_admin = True  # CAT administers the workspace but is not in #secret
    stash = File(
        "F0BENSTASH",
        "ben-stash.mov",
        BEN,
        1_780_000_000 + 60 * DAY,
        77_777_777,
        "video/quicktime",
        "mov",
        "QT",
        [SECRET],
    )
    ws.files.append(stash)
    slack.authorize(ANA)
    cache = open_store(Path(bot_env["FILES_BOT_DATA_DIR"]))
    run_sync(Settings.from_env(bot_env), cache, RateLimiter())
    visible = sum(f.size for f in ws.files if f.user == BEN and SECRET not in f.conversations)
    weekly.run(cache, jobs.couriers(Settings.from_env(bot_env)), now=NOW, sleep=lambda _: None)
    [cat_report] = [readable(m) for m in slack.fake.messages if m["to"] == [CAT]]
    assert size(visible + stash.size) not in cat_report and size(stash.size) not in cat_report
    assert "ben-stash" not in cat_report and SECRET not in cat_report
    assert PRIVATE_OTHER in cat_report
    ana_report = next(readable(m) for m in slack.fake.messages if m["to"] == [ANA] and "Workspace" in readable(m))
    assert f"<#{SECRET}>" in ana_report  # ANA is in #secret: she sees it by name
