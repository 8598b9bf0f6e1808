"""APScheduler's persistent job store (SQLAlchemy, on whatever URL the backend gives it), and the one question
files-bot asks of its table itself."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import select


def stored_next_run(store: SQLAlchemyJobStore, job_id: str) -> datetime | None:
    """A stored job's next run time, read from its row: for a job that can no longer be loaded (stored by an
    earlier version under a function path that has since moved)."""
    with store.engine.begin() as connection:
        timestamp = connection.execute(select(store.jobs_t.c.next_run_time).where(store.jobs_t.c.id == job_id)).scalar()
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)
