"""The SQLite backend: every store in its own file in the data dir, each file's name spelled here only."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.storage.sqlite.store import SQLiteStore
from bot.storage.sqlite.tokens import SQLiteTokenStore

if TYPE_CHECKING:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    from bot.storage.sqlite.slack import SlackInstallationStore, SlackOAuthStateStore

# The data dir's files (all 0600: they hold tokens and file metadata).
CACHE_FILE = "cache.sqlite"  # files, conversations, snapshots, subscriptions, the report ledger, sync state
ROCKETCHAT_TOKENS_FILE = "rocketchat-tokens.sqlite"  # people's own Rocket.Chat tokens, pending OAuth states
SLACK_INSTALLATIONS_FILE = "slack-installations.sqlite"  # slack_sdk's installations: bot and user tokens
SLACK_OAUTH_STATES_FILE = "slack-oauth-state.sqlite"  # slack_sdk's pending OAuth states
SCHEDULER_FILE = "scheduler.sqlite"  # APScheduler's job store


class SQLiteBackend:
    """Builds each store on its file in `data_dir` (created when missing)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def store(self) -> SQLiteStore:
        return SQLiteStore(self.data_dir / CACHE_FILE)

    def rocketchat_tokens(self, *, state_seconds: int) -> SQLiteTokenStore:
        return SQLiteTokenStore(self.data_dir / ROCKETCHAT_TOKENS_FILE, state_seconds=state_seconds)

    # The Slack and scheduler stores load their libraries (slack_sdk's stores, SQLAlchemy: 15 MB and more)
    # when first asked for, not wherever the cache is opened (the CLI, the jobs, the benchmarks).
    def slack_installations(self, client_id: str) -> SlackInstallationStore:
        from bot.storage.sqlite.slack import SlackInstallationStore

        self.data_dir.mkdir(parents=True, exist_ok=True)
        return SlackInstallationStore(database=str(self.data_dir / SLACK_INSTALLATIONS_FILE), client_id=client_id)

    def slack_oauth_states(self, *, expiration_seconds: int) -> SlackOAuthStateStore:
        from bot.storage.sqlite.slack import SlackOAuthStateStore

        self.data_dir.mkdir(parents=True, exist_ok=True)
        return SlackOAuthStateStore(
            database=str(self.data_dir / SLACK_OAUTH_STATES_FILE), expiration_seconds=expiration_seconds
        )

    def slack_teams(self, client_id: str) -> list[str]:
        from bot.storage.sqlite.slack import installed_teams

        return installed_teams(self.data_dir / SLACK_INSTALLATIONS_FILE, client_id)

    def job_store(self) -> SQLAlchemyJobStore:
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

        self.data_dir.mkdir(parents=True, exist_ok=True)
        return SQLAlchemyJobStore(url=f"sqlite:///{self.data_dir / SCHEDULER_FILE}")
