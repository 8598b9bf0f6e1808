"""Running a `/files` reply's work so that nothing but a short message ever reaches the user."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from bot.storage.model import StorageUnavailable
from handlers.cards import Notice

log = logging.getLogger(__name__)

SORRY = "Sorry — something went wrong on my side. Please try again in a minute."
STORAGE_BUSY = "Sorry — my storage is busy or full right now. Please try again in a minute."


T = TypeVar("T")


def safe_reply(work: Callable[[], T]) -> T | Notice:
    """`work()`, or a short apology: details go to the log only (never to the user)."""
    try:
        return work()
    except StorageUnavailable as error:  # the cache is locked by another process, or the disk is full
        log.error("cache unavailable: %s", error)
        return Notice(STORAGE_BUSY)
    except Exception:
        log.exception("/files failed")
        return Notice(SORRY)
