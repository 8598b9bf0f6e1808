"""The storage layer (bot/storage): the only code that speaks SQL, opens SQLite or names a data file; and a
data dir written before it existed opens with everything in it (tests/fixtures/data-dir-f0d5e3a)."""

from __future__ import annotations

import ast
import re
import sqlite3
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import storage
from bot.process.scheduler import RECONCILE_JOB, REPORTS_JOB, SYNC_JOB
from bot.services.ratelimit import RateLimiter
from bot.services.sync import Syncer
from bot.storage.jobs import stored_next_run
from bot.storage.model import LedgerKey, LedgerStatus, SyncCursor, SyncMode, SyncState, UserToken
from bot.storage.sqlite import (
    CACHE_FILE,
    ROCKETCHAT_TOKENS_FILE,
    SCHEDULER_FILE,
    SLACK_INSTALLATIONS_FILE,
    SLACK_OAUTH_STATES_FILE,
)
from handlers.records import Conversation, StoredFile
from handlers.source import FileInfo, Position, SourcePage

ROOT = Path(__file__).resolve().parents[1]
STORAGE = ROOT / "bot" / "storage"
OLD_DATA_DIR = ROOT / "tests" / "fixtures" / "data-dir-f0d5e3a"
NOW = 1_780_000_000.0  # when the old data dir's rows were written
ANA, BEN = "U0ANA", "U0BEN"
SECRET_CURSOR = Position(2, "dXNlcjpVMDYxTkZUVDI=", ("", "dXNlcjpVMDYxTkZUVDE="))


# -- one place --------------------------------------------------------------------------------------------
def modules(*roots: Path) -> list[Path]:
    return sorted(p for root in roots for p in root.rglob("*.py"))


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def calls_of(path: Path, method: str) -> list[int]:
    """Lines where `<something>.<method>(…)` is called."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method
    ]


def speaks_sql(path: Path) -> list[str]:
    found = [
        name
        for name in imported(path)
        if name.split(".")[0] in ("sqlite3", "sqlite_utils", "sqlalchemy") or name.endswith(".sqlite3")
    ]
    found += [
        f"{method} at line {line}"
        for method in ("execute", "executemany", "executescript")
        for line in calls_of(path, method)
    ]
    return found


def test_only_the_storage_layer_speaks_sql():
    outside = [p for p in modules(ROOT / "bot", ROOT / "handlers") if STORAGE not in p.parents]
    offenders = {str(p.relative_to(ROOT)): found for p in outside if (found := speaks_sql(p))}
    assert offenders == {}


def test_the_storage_interface_names_no_database():
    """What the services see (the Protocols, the values, the chosen backend) is free of sqlite's types."""
    contract = [STORAGE / "__init__.py", STORAGE / "interface.py", STORAGE / "model.py"]
    assert {str(p.name): imported(p) & {"sqlite3", "sqlite_utils"} for p in contract} == {
        p.name: set() for p in contract
    }


def test_one_helper_opens_every_sqlite_connection():
    def opens(path: Path) -> bool:
        return any(
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in {("sqlite3", "connect"), ("sqlite_utils", "Database")}
            for node in ast.walk(ast.parse(path.read_text()))
        )

    assert {str(p.relative_to(ROOT)) for p in modules(ROOT / "bot", ROOT / "handlers") if opens(p)} == {
        "bot/storage/sqlite/connection.py",
        "bot/storage/sqlite/schema.py",  # sqlite-utils' DDL helpers, on a connection the helper opened
    }


def file_names(path: Path) -> list[str]:
    """String constants that are a data file's name ("x.sqlite"), docstrings aside."""
    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"[\w-]+\.sqlite", node.value)
    ]


def test_every_data_file_is_named_in_one_place():
    named = {
        str(p.relative_to(ROOT)): Counter(names)
        for p in modules(ROOT / "bot", ROOT / "handlers")
        if (names := file_names(p))
    }
    assert named == {
        "bot/storage/sqlite/__init__.py": Counter(
            [CACHE_FILE, ROCKETCHAT_TOKENS_FILE, SLACK_INSTALLATIONS_FILE, SLACK_OAUTH_STATES_FILE, SCHEDULER_FILE]
        )
    }


# -- a data dir written before the storage layer -----------------------------------------------------------
@pytest.fixture
def old_data_dir(tmp_path: Path) -> Path:
    """The fixture's dumps restored into SQLite files, named as they were."""
    for dump in OLD_DATA_DIR.glob("*.sql"):
        with closing(sqlite3.connect(tmp_path / f"{dump.stem}.sqlite")) as conn:
            conn.executescript(dump.read_text())
    return tmp_path


def test_the_old_data_files_have_the_names_the_backend_opens(old_data_dir):
    assert {p.name for p in old_data_dir.iterdir()} == {
        CACHE_FILE,
        ROCKETCHAT_TOKENS_FILE,
        SLACK_INSTALLATIONS_FILE,
        SLACK_OAUTH_STATES_FILE,
        SCHEDULER_FILE,
    }


def test_an_old_cache_keeps_its_files_conversations_reports_and_sync_state(old_data_dir):
    store = storage.open_store(old_data_dir)
    assert store.workspaces() == [("rocketchat", "chat.example.com"), ("slack", "T0ACME")]
    acme = store.workspace("slack", "T0ACME")
    assert acme.conversations() == [
        Conversation("C0GENERAL", "general", private=False, owners=(ANA,)),
        Conversation("G0SECRET", "secret", private=True, owners=(BEN,)),
    ]
    assert acme.left_conversations() == [Conversation("C0LEFT", "left", private=False)]
    assert acme.files() == [
        StoredFile("F0PLAN", "plan.pdf", 5_000, "pdfs", ANA, datetime.fromtimestamp(NOW - 3_600, UTC),
                   "https://files.example/F0PLAN"),
        StoredFile("F0SPEC", "spec.pdf", 1_000, "pdfs", ANA, datetime.fromtimestamp(NOW - 86_400, UTC),
                   "https://files.example/F0SPEC"),
    ]  # fmt: skip
    assert [f.id for f in acme.files(conversation="G0SECRET")] == ["F0PLAN"]
    assert [f.name for f in store.workspace("rocketchat", "chat.example.com").files()] == ["notes.txt"]
    reports = acme.reports()
    assert reports.totals() == {"C0GENERAL": (2, 6_000), "G0SECRET": (1, 5_000)}
    assert reports.owners("C0GENERAL") == {ANA} and reports.subscribers("C0GENERAL") == {BEN}
    assert reports.previous_bytes("2026-W21") == {"C0GENERAL": 6_000}
    assert reports.trend() == [("2026-W20", 900), ("2026-W21", 6_000)]
    assert acme.sync_state("C0GENERAL") == SyncState(watermark=NOW - 3_600, generation=1)
    assert acme.sync_state("G0SECRET") == SyncState(
        watermark=None, generation=2, cursor=SyncCursor(SyncMode.FULL, SECRET_CURSOR, None, NOW - 3_600)
    )


def test_an_old_ledger_still_sends_each_report_at_most_once(old_data_dir):
    store = storage.open_store(old_data_dir)
    acme = store.workspace("slack", "T0ACME")
    assert {(e.conversation, e.recipient, e.week): (e.status, e.last_error) for e in acme.ledger.entries()} == {
        ("C0GENERAL", ANA, "2026-W21"): (LedgerStatus.SENT, None),
        ("C0GENERAL", BEN, "2026-W21"): (LedgerStatus.FAILED, "Slack answered 503"),
        (None, ANA, "2026-W21"): (LedgerStatus.SENT, None),
        (None, ANA, "2026-W22"): (LedgerStatus.SENDING, None),
    }
    [interrupted] = store.interrupted()
    assert (interrupted.platform, interrupted.workspace, interrupted.conversation) == ("slack", "T0ACME", None)
    assert (interrupted.recipient, interrupted.week) == (ANA, "2026-W22")
    for done in (
        LedgerKey("C0GENERAL", ANA, "2026-W21"),
        LedgerKey(None, ANA, "2026-W21"),
        LedgerKey(None, ANA, "2026-W22"),
    ):
        assert not acme.ledger.claim(done)
    assert acme.ledger.claim(LedgerKey("C0GENERAL", ANA, "2026-W22"))


class OnePage:
    """#secret's remaining page, as a platform would list it; records where each fetch starts."""

    def __init__(self) -> None:
        self.asked: list[Position] = []

    def fetch(self, query, position, count):  # type: ignore[no-untyped-def]
        self.asked.append(position)
        plan = FileInfo("F0PLAN", "plan.pdf", "", 5_000, "application/pdf", "pdf", "PDF", ANA, None,
                        datetime.fromtimestamp(NOW - 3_600, UTC), "https://files.example/F0PLAN",
                        ("C0GENERAL", "G0SECRET"))  # fmt: skip
        return SourcePage(files=[plan], page=position.page, pages=position.page)


def test_an_old_interrupted_pass_resumes_where_it_stopped(old_data_dir):
    store = storage.open_store(old_data_dir)
    source = OnePage()
    result = Syncer(store, RateLimiter(), method=None).sync_conversation("slack", "T0ACME", source, "G0SECRET")
    assert source.asked == [SECRET_CURSOR]  # the old cursor, not a new pass from the first page
    assert (result.pages, result.files, result.removed) == (1, 1, 0)
    acme = store.workspace("slack", "T0ACME")
    assert acme.sync_state("G0SECRET") == SyncState(watermark=NOW - 3_600, generation=2)  # its own pass, finished
    assert [f.id for f in acme.files(conversation="G0SECRET")] == ["F0PLAN"]


def test_old_tokens_installations_states_and_jobs_keep_working(old_data_dir):
    kept = storage.backend(old_data_dir)
    tokens = kept.rocketchat_tokens(state_seconds=600)
    assert tokens.find("rcANA") == UserToken("rcANA", "ana", "rc-access-ana", "rc-refresh-ana", NOW + 3_600)
    state = tokens.issue_state()
    assert tokens.consume_state(state) and not tokens.consume_state(state)
    with closing(sqlite3.connect(old_data_dir / ROCKETCHAT_TOKENS_FILE)) as conn:
        assert conn.execute("select max(version) from schema_migrations").fetchone()[0] == 1  # now migrated
    assert kept.slack_teams("111.222") == ["T0ACME"]
    installations = kept.slack_installations("111.222")
    bot = installations.find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None and bot.bot_token == "xoxb-acme"
    person = installations.find_installation(enterprise_id=None, team_id="T0ACME", user_id=ANA)
    assert person is not None and person.user_token == "xoxp-ana"
    states = kept.slack_oauth_states(expiration_seconds=600)
    slack_state = states.issue()
    assert states.consume(slack_state) and not states.consume(slack_state)
    jobs = kept.job_store()
    for job_id in (REPORTS_JOB, SYNC_JOB, RECONCILE_JOB):
        job = jobs.lookup_job(job_id)
        assert job is not None and job.next_run_time == stored_next_run(jobs, job_id)
    assert jobs.lookup_job(REPORTS_JOB).func_ref == "bot.services.jobs:weekly_reports"
