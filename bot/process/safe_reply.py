"""Running a `/files` answer's work so that nothing but a short message ever reaches the user."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.storage.model import StorageUnavailable
from handlers import messages
from handlers.answers import Answered, Settled
from handlers.views import Notice

log = logging.getLogger(__name__)


def safe_reply(work: Callable[[], Settled]) -> Settled:
    """`work()`, or a short apology: details go to the log only (never to the user)."""
    try:
        return work()
    except StorageUnavailable as error:  # the cache is locked by another process, or the disk is full
        log.error("cache unavailable: %s", error)
        return Answered(Notice(messages.STORAGE_BUSY))
    except Exception:
        log.exception("/files failed")
        return Answered(Notice(messages.SORRY))
