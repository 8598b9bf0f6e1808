"""The Rocket.Chat App's npm packages, its zip and the Apps-Engine harness's packages, each installed or built
once per test session (session fixtures, shared through conftest.py).

Without npm these fixtures skip with the reason, except in CI (`CI` set), where a missing npm is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "rocketchat-app"
ENGINE_TEST = APP / "engine-test"


def npm(cwd: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def require_npm() -> None:
    if shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("npm is required in CI to build and test the Rocket.Chat App")
        pytest.skip("npm is not installed: the Rocket.Chat App's checks need Node.js and npm")


def npm_ci(cwd: Path) -> None:
    require_npm()
    result = npm(cwd, "ci", "--no-audit", "--no-fund")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="session")
def app_installed() -> None:
    """`npm ci` in rocketchat-app/: the apps-engine definitions, the Apps CLI, TypeScript, ui-kit."""
    npm_ci(APP)


@pytest.fixture(scope="session")
def app_zip(app_installed: None) -> Path:
    """The zip an admin uploads, built by `npm run package` exactly as the README says."""
    result = npm(APP, "run", "package")
    assert result.returncode == 0, result.stdout + result.stderr
    [archive] = (APP / "dist").glob("files-bot_*.zip")
    return archive


@pytest.fixture(scope="session")
def engine_installed() -> None:
    """`npm ci` in rocketchat-app/engine-test/: the Apps-Engine server runtime and Deno, from npm."""
    npm_ci(ENGINE_TEST)
