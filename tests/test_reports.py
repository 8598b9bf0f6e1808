"""Weekly storage reports built from the cache (what is sent comes later, with the scheduler)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine

from bot.services import chart as charts
from bot.services.report_preview import as_text, preview
from bot.storage import open_store
from bot.storage.interface import ReportStore
from handlers import records
from handlers.messages import size
from handlers.report_views import Chart, admin_view, channel_view
from handlers.reports import PRIVATE_OTHER, build_admin_report, build_channel_report, iso_week
from handlers.source import FileInfo
from handlers.views import Conversation, PrivateConversations
from tests.conftest import ANA
from tests.slack_harness import SlackDriver

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DESIGN = records.Conversation("C1", "design", private=False)
SECRET = records.Conversation("G1", "secret", private=True)
MIMES = {"pdfs": "application/pdf", "video": "video/mp4"}


def f(fid: str, size: int, *, days_old: int, conv: str = "C1", kind: str = "pdfs", user: str = "U1") -> tuple:
    info = FileInfo(
        id=fid,
        name=f"{fid}.bin",
        title="",
        size=size,
        mimetype=MIMES[kind],
        extension="",
        type_label="",
        uploader_id=user,
        uploader_name=None,
        created=NOW - timedelta(days=days_old),
        link=f"https://x/{fid}",
    )
    return conv, info


def stats(tmp_path: Path, *files: tuple) -> ReportStore:
    """Report aggregates over a real cache holding `files` (SQL, as in production)."""
    cache = open_store(tmp_path).workspace("slack", "T1")
    for conv, info in files:
        cache.save_files(conv, [info], generation=1, now=NOW.timestamp())
    return cache.reports()


def test_channel_report_totals_growth_types_largest_and_cleanup(tmp_path):
    data = stats(
        tmp_path,
        f("old-big", 50_000_000, days_old=400),
        f("new-big", 40_000_000, days_old=3, kind="video"),
        f("old-small", 1_000, days_old=900),
        f("elsewhere", 9_999_999_999, days_old=1, conv="C2"),
    )
    report = build_channel_report(DESIGN, data, week="2026-W48", previous_bytes=60_000_000, now=NOW)
    assert report.file_count == 3 and report.bytes == 90_001_000 and report.growth == 30_001_000
    assert [x.id for x in report.largest] == ["old-big", "new-big", "old-small"]
    assert [x.id for x in report.cleanup] == ["old-big"]  # large and older than the cleanup age
    assert report.by_type == {"pdfs": (2, 50_001_000), "video": (1, 40_000_000)}
    text = as_text(channel_view(report))
    assert "Weekly storage report for #design · 2026-W48" in text and "Change since last week: +30.0 MB" in text
    assert "elsewhere" not in text
    assert "Cleanup candidates (≥ 10.0 MB, older than 180 days)\n• old-big.bin <https://x/old-big>" in text


def test_deleted_files_are_not_counted(tmp_path):
    data = stats(tmp_path, f("kept", 10, days_old=1), f("gone", 99, days_old=1))
    open_store(tmp_path).workspace("slack", "T1").delete_file("gone")
    assert build_channel_report(DESIGN, data, week="w", previous_bytes=None, now=NOW).bytes == 10


def test_admin_report_shows_private_conversations_only_as_aggregates_to_non_members(tmp_path):
    data = stats(
        tmp_path,
        f("a", 100, days_old=1),
        f("s1", 5_000, days_old=1, conv="G1", user="U2"),
        f("s2", 7_000, days_old=2, conv="G1", user="U2"),
    )
    outsider = build_admin_report(
        [DESIGN, SECRET],
        data,
        week="2026-W48",
        reader_can_see=lambda c: False,
        previous_bytes={"G1": 5_000},
        trend=[("2026-W47", 5_100), ("2026-W48", 12_100)],
    )
    view = admin_view(outsider, [DESIGN, SECRET])
    assert "secret" not in str(view) and "G1" not in str(view) and "s1.bin" not in str(view)
    assert "private conversations (other): 12.0 kB · 2 files" in as_text(view)
    assert (PRIVATE_OTHER, 2, 12_000) in outsider.by_conversation
    assert outsider.growers == [(PRIVATE_OTHER, 7_000)]
    assert PrivateConversations() in {row.subject for row in view.sections[0].rows}
    member = build_admin_report(
        [DESIGN, SECRET], data, week="2026-W48", reader_can_see=lambda c: True, previous_bytes={}, trend=[]
    )
    assert ("G1", 2, 12_000) in member.by_conversation
    assert member.by_uploader[0] == ("U2", 2, 12_000) and member.file_count == 3
    assert Conversation("G1", "secret") in {
        row.subject for row in admin_view(member, [DESIGN, SECRET]).sections[0].rows
    }


def test_trend_chart_is_a_png(tmp_path):
    chart = Chart("Storage", "a line", tuple((f"2026-W{w:02d}", w * 1_000_000) for w in range(37, 49)))
    data = charts.write(chart, tmp_path / "c.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000 and data == charts.png(chart)


def test_iso_week():
    assert iso_week(NOW.date()) == "2026-W48" and iso_week(datetime(2027, 1, 1).date()) == "2026-W53"


def test_dry_run_after_a_sync_prints_reports_and_writes_the_chart(slack: SlackDriver, bot_env, tmp_path):
    from bot.process.config import Settings
    from bot.services.ratelimit import RateLimiter
    from bot.services.sync_runner import run_sync

    slack.authorize(ANA)
    cache = open_store(Path(bot_env["FILES_BOT_DATA_DIR"]))
    run_sync(Settings.from_env(bot_env), cache, RateLimiter())
    cache.workspace("slack", "T0ACME").record_snapshot(
        iso_week((NOW - timedelta(days=7)).date()),
        conversation="C0DESIGN",
        file_count=3,
        total_bytes=100_000_000,
        by_type={},
    )
    text = preview(cache, workspace=None, conversation="C0DESIGN", chart_dir=tmp_path, now=NOW)
    assert "Weekly storage report for #design · 2026-W48" in text and "Change since last week: +41.3 MB" in text
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROCKETCHAT_", "FILES_BOT_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--dry-run", "--chart-dir", str(tmp_path)],
        env={**env, **bot_env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Workspace storage report" in result.stdout and "#general" in result.stdout
    [chart] = tmp_path.glob("storage-slack-T0ACME-*.png")
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_the_weekly_dm_the_on_demand_report_and_the_dry_run_show_the_same_trend(rc, rc_env, fake_rc, tmp_path):
    """The trend is the 11 recorded weeks before this one, then this week's live total (what the header
    shows): not a stale snapshot of this week, never a week twice, whichever path builds the report."""
    from bot.platforms.rocketchat.charts import ChartLinks
    from bot.process.config import Settings
    from bot.services import jobs, weekly
    from bot.services.ratelimit import RateLimiter
    from bot.services.sync_runner import run_sync
    from tests.rocketchat_harness import ADMIN, APP_SECRET
    from tests.rocketchat_harness import DESIGN as RC_DESIGN

    fake_rc.rooms[RC_DESIGN].members.add(ADMIN)  # the bot account is in #general and #design
    cache = open_store(Path(rc_env["FILES_BOT_DATA_DIR"]))
    links = ChartLinks(APP_SECRET, rc.bot_url)

    def trend_of(message: dict) -> tuple[tuple[str, int], ...]:
        [image] = [b for b in message["blocks"] if b["type"] == "image"]
        return links.chart(image["imageUrl"].rsplit("/", 1)[1].removesuffix(".png")).points

    with time_machine.travel(NOW, tick=True):
        run_sync(Settings.from_env(rc_env), cache, RateLimiter())
        [(_, ws)] = cache.workspaces()
        for week in range(36, 48):  # W36 is one week too many for a 12-week chart
            cache.workspace("rocketchat", ws).record_snapshot(
                f"2026-W{week}", conversation=RC_DESIGN, file_count=1, total_bytes=week, by_type={}
            )
        cache.workspace("rocketchat", ws).record_snapshot(  # stale
            "2026-W48", conversation=RC_DESIGN, file_count=1, total_bytes=1, by_type={}
        )
        dry_run = preview(cache, workspace=None, conversation=None, chart_dir=tmp_path, now=NOW)
        on_demand = trend_of(rc.command(ADMIN, RC_DESIGN, "admin report"))
        settings = Settings.from_env({**rc_env, "FILES_BOT_PUBLIC_URL": rc.bot_url})
        weekly.run(cache, jobs.couriers(settings), now=NOW, sleep=lambda _: None)
    [admin_dm] = [m for m in fake_rc.messages if m["text"].startswith("Workspace storage report")]
    live = sum(total for _, total in cache.workspace("rocketchat", ws).reports().totals().values())
    expected = (*((f"2026-W{week}", week) for week in range(37, 48)), ("2026-W48", live))
    assert on_demand == trend_of(admin_dm) == expected
    assert "Storage, last 12 weeks: " + " · ".join(f"{w} {size(b)}" for w, b in expected) in dry_run
