"""APScheduler with a persistent SQLite job store in the data dir: the weekly reports, an hourly incremental
sync and a daily full reconcile.

Restart-safe by construction: jobs live in `scheduler.sqlite`, so a report that fell due while the process
was down runs once on start if it is less than `GRACE_SECONDS` late (missed runs are coalesced into one).
Jobs are added only when absent — re-adding would reset their next run time and lose a missed run — and
rescheduled when `FILES_BOT_REPORT_SCHEDULE` changes. The ledger, not the scheduler, guarantees that no
report goes out twice, even if a job fires twice or two processes run.
"""

from __future__ import annotations

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings

REPORTS_JOB = "weekly-reports"
SYNC_JOB = "sync"
RECONCILE_JOB = "reconcile"
RECONCILE_CRON = "0 3 * * *"  # daily full pass: files deleted where no event told us
GRACE_SECONDS = 12 * 3600
SYNC_EVERY_MINUTES = 60


def build(settings: Settings) -> BackgroundScheduler:
    """A started scheduler with both jobs in place."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{settings.data_dir / 'scheduler.sqlite'}")},
        timezone=settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": GRACE_SECONDS},
    )
    # Paused while jobs are checked, so nothing runs against a half-configured store.
    scheduler.start(paused=True)
    reports = CronTrigger.from_crontab(settings.report_schedule, timezone=settings.timezone)
    _ensure(scheduler, REPORTS_JOB, "bot.jobs:weekly_reports", reports)
    _ensure(scheduler, SYNC_JOB, "bot.jobs:sync_all", IntervalTrigger(minutes=SYNC_EVERY_MINUTES))
    _ensure(
        scheduler,
        RECONCILE_JOB,
        "bot.jobs:reconcile_all",
        CronTrigger.from_crontab(RECONCILE_CRON, timezone=settings.timezone),
    )
    scheduler.resume()
    return scheduler


def _ensure(scheduler: BackgroundScheduler, job_id: str, func: str, trigger: CronTrigger | IntervalTrigger) -> None:
    job = scheduler.get_job(job_id)
    if job is None:
        scheduler.add_job(func, trigger, id=job_id, name=job_id)
    elif str(job.trigger) != str(trigger):
        scheduler.reschedule_job(job_id, trigger=trigger)
