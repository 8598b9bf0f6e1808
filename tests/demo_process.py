"""`files-bot` started as its own process with no platform credentials, read until it prints the demo's URL."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 120


@dataclass
class Demo:
    url: str
    data_dir: Path
    output: str  # what it printed up to its URL


@contextmanager
def demo_process(args: list[str], extra_env: dict[str, str] | None = None) -> Iterator[Demo]:
    """Run `python -m bot <args>` in an environment without any platform setting; yields once the demo
    prints its URL, and on exit sends SIGTERM and asserts a clean stop."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROCKETCHAT_", "FILES_BOT_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**env, **(extra_env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and not any("open http" in line for line in lines):
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        output = "".join(lines)
        found = re.search(r"open (http://\S+)\s+\(data: ([^;]+);", output)
        assert found, f"the demo did not print its URL:\n{output}"
        yield Demo(url=found.group(1), data_dir=Path(found.group(2)), output=output)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, "the demo did not stop cleanly on SIGTERM"
