"""Make Debian's Chromium available for the browser test, where this machine allows it.

    .venv/bin/python -m tests.browser

The README's test command runs this before pytest. Nothing is downloaded from a browser vendor: Chromium
comes from the system's package manager (as root, `apt-get install chromium`), or not at all — then the
browser test is skipped with the reason, never failed. Always exits 0: a missing browser is not a failure
of the suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess

CANDIDATES = ("chromium", "chromium-browser")
INSTALL_SECONDS = 900


def find() -> str | None:
    """The Chromium executable on PATH, if any."""
    return next((path for path in map(shutil.which, CANDIDATES) if path), None)


def main() -> int:
    found = find()
    if found:
        print(f"browser test: using {found}")
        return 0
    if not shutil.which("apt-get") or os.geteuid() != 0:
        print("browser test: no Chromium, and no root apt-get to install it with; the test will be skipped")
        return 0
    print("browser test: installing Debian's chromium package …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        for step in (
            ["apt-get", "update", "-q"],
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
        ):
            subprocess.run(step, env=env, check=True, timeout=INSTALL_SECONDS, stdout=subprocess.DEVNULL)
    except (subprocess.SubprocessError, OSError) as error:
        print(f"browser test: could not install Chromium ({error}); the test will be skipped")
        return 0
    print(f"browser test: using {find()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
