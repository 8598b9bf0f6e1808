"""Weekly storage reports built from the cache (what is sent comes later, with the scheduler)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.cache import FileCache
from bot.chart import trend_chart
from bot.report_data import CacheReportData
from bot.report_preview import preview
from handlers.reports import (
    ConversationFacts,
    admin_report_text,
    build_admin_report,
    build_channel_report,
    channel_report_text,
    iso_week,
)
from handlers.source import FileInfo
from tests.conftest import ANA
from tests.slack_harness import SlackDriver

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DESIGN = ConversationFacts("C1", "design", private=False)
SECRET = ConversationFacts("G1", "secret", private=True)
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


def stats(tmp_path: Path, *files: tuple) -> CacheReportData:
    """Report aggregates over a real cache holding `files` (SQL, as in production)."""
    cache = FileCache(tmp_path / "cache.sqlite")
    for conv, info in files:
        cache.save_files("slack", "T1", conv, [info], generation=1, now=NOW.timestamp())
    return CacheReportData(cache, "slack", "T1")


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
    text = channel_report_text(report, lambda u: f"<@{u}>")
    assert "#design" in text and "+30.0 MB since last week" in text and "elsewhere" not in text
    assert "*Cleanup candidates*" in text and "old-big.bin <https://x/old-big>" in text


def test_deleted_files_are_not_counted(tmp_path):
    data = stats(tmp_path, f("kept", 10, days_old=1), f("gone", 99, days_old=1))
    data._cache.delete_file("slack", "T1", "gone")
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
    text = admin_report_text(outsider, lambda u: f"<@{u}>")
    assert "secret" not in text and "s1.bin" not in text and "s2.bin" not in text
    assert ("private conversations (other)", 2, 12_000) in outsider.by_conversation
    assert outsider.growers == [("private conversations (other)", 7_000)]
    member = build_admin_report(
        [DESIGN, SECRET], data, week="2026-W48", reader_can_see=lambda c: True, previous_bytes={}, trend=[]
    )
    assert ("#secret", 2, 12_000) in member.by_conversation
    assert member.by_uploader[0] == ("U2", 2, 12_000) and member.file_count == 3


def test_trend_chart_is_a_png(tmp_path):
    path = trend_chart([(f"2026-W{w:02d}", w * 1_000_000) for w in range(37, 49)], tmp_path / "c.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000


def test_iso_week():
    assert iso_week(NOW.date()) == "2026-W48" and iso_week(datetime(2027, 1, 1).date()) == "2026-W53"


def test_dry_run_after_a_sync_prints_reports_and_writes_the_chart(slack: SlackDriver, bot_env, tmp_path):
    from bot.config import Settings
    from bot.ratelimit import RateLimiter
    from bot.sync_runner import run_sync

    slack.authorize(ANA)
    cache = FileCache(Path(bot_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite")
    run_sync(Settings.from_env(bot_env), cache, RateLimiter())
    cache.record_snapshot(
        "slack",
        "T0ACME",
        "C0DESIGN",
        iso_week((NOW - timedelta(days=7)).date()),
        file_count=3,
        total_bytes=100_000_000,
        by_type={},
    )
    text = preview(cache, workspace=None, conversation="C0DESIGN", chart_dir=tmp_path, now=NOW)
    assert "Weekly storage report for #design · 2026-W48" in text and "+41.3 MB since last week" in text
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
