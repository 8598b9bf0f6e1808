"""APScheduler with a persistent SQLite job store in the data dir: the weekly reports, an hourly incremental
sync and a daily full reconcile.

Restart-safe by construction: jobs live in `scheduler.sqlite`, so a report that fell due while the process
was down runs once on start if it is less than `GRACE_SECONDS` late (missed runs are coalesced into one).
Jobs are added only when absent — re-adding would reset their next run time and lose a missed run — and
rescheduled when `FILES_BOT_REPORT_SCHEDULE` changes. A job stored by an earlier version under a function
path that has since moved is replaced, keeping its next run time. The ledger, not the scheduler, guarantees
that no report goes out twice, even if a job fires twice or two processes run.
"""

from __future__ import annotations

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import undefined

from bot import storage
from bot.process.config import Settings
from bot.storage.jobs import stored_next_run

REPORTS_JOB = "weekly-reports"
SYNC_JOB = "sync"
RECONCILE_JOB = "reconcile"
RECONCILE_CRON = "0 3 * * *"  # daily full pass: files deleted where no event told us
GRACE_SECONDS = 12 * 3600
SYNC_EVERY_MINUTES = 60


def build(settings: Settings) -> BackgroundScheduler:
    """A started scheduler with both jobs in place."""
    store = storage.backend(settings.data_dir).job_store()
    scheduler = BackgroundScheduler(
        jobstores={"default": store},
        timezone=settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": GRACE_SECONDS},
    )
    # Paused while jobs are checked, so nothing runs against a half-configured store.
    scheduler.start(paused=True)
    reports = CronTrigger.from_crontab(settings.report_schedule, timezone=settings.timezone)
    _ensure(scheduler, store, REPORTS_JOB, "bot.services.jobs:weekly_reports", reports)
    _ensure(scheduler, store, SYNC_JOB, "bot.services.jobs:sync_all", IntervalTrigger(minutes=SYNC_EVERY_MINUTES))
    _ensure(
        scheduler,
        store,
        RECONCILE_JOB,
        "bot.services.jobs:reconcile_all",
        CronTrigger.from_crontab(RECONCILE_CRON, timezone=settings.timezone),
    )
    scheduler.resume()
    return scheduler


def _ensure(
    scheduler: BackgroundScheduler,
    store: SQLAlchemyJobStore,
    job_id: str,
    func: str,
    trigger: CronTrigger | IntervalTrigger,
) -> None:
    try:
        job = scheduler.get_job(job_id)
    except LookupError:
        # Stored by an earlier version, under a function path that has moved (APScheduler can't import it):
        # the same job at the new path, due when the old one was, so a run missed during an upgrade isn't lost.
        due = stored_next_run(store, job_id)
        scheduler.remove_job(job_id)
        scheduler.add_job(func, trigger, id=job_id, name=job_id, next_run_time=due or undefined)
        return
    if job is None:
        scheduler.add_job(func, trigger, id=job_id, name=job_id)
    elif str(job.trigger) != str(trigger):
        scheduler.reschedule_job(job_id, trigger=trigger)
