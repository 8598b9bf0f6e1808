"""Capture everything the bot logs, through the same secret-scrubbing filter production installs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from bot.process import logs


@contextmanager
def captured_logs(level: int) -> Iterator[io.StringIO]:
    """Every log line written inside the block at `level` or above; read `.getvalue()` afterwards."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logs.install_filter(handler)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
