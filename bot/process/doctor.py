"""`files-bot doctor`: configuration, data-dir permissions, and each configured platform's own checks
(reachability, credentials, scopes) — each with what to fix."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from bot.platforms.contract import Check
from bot.platforms.registry import Registry
from bot.process.config import Settings

PRIVATE_MODE = 0o600


def diagnose(settings: Settings) -> list[Check]:
    registry = Registry.build(settings)
    return [_platforms(registry), *_data_dir(settings.data_dir), *registry.checks()]


def _platforms(registry: Registry) -> Check:
    on = [platform.name for platform in registry.platforms]
    if on:
        return Check("configuration", True, f"serving {', '.join(on)}")
    return Check("configuration", False, "no platform configured: set " + ", ".join(registry.missing()))


def _data_dir(data_dir: Path) -> Iterable[Check]:
    if not data_dir.exists():
        yield Check("data dir", True, f"{data_dir} will be created on first start")
        return
    if not os.access(data_dir, os.W_OK):
        yield Check("data dir", False, f"{data_dir} is not writable by this user")
        return
    loose = [p.name for p in sorted(data_dir.glob("*.sqlite*")) if stat.S_IMODE(p.stat().st_mode) & 0o077]
    if loose:
        yield Check(
            "data dir",
            False,
            f"readable by others: {', '.join(loose)} — run "
            f"`chmod 600 {data_dir}/*.sqlite*` (they hold tokens and file metadata)",
        )
    else:
        yield Check("data dir", True, f"{data_dir}: SQLite files are private (0600)")
