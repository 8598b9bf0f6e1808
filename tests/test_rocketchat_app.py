"""The Rocket.Chat App (TypeScript): type-checked against the real apps-engine definitions, unit-tested with
node's test runner on the shared protocol fixtures, and packaged into the zip an admin uploads.

Runs from the README's one test command. Without npm it is skipped with the reason — except in CI, where a
missing npm is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "rocketchat-app"


def npm(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["npm", *args], cwd=APP, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed() -> Iterator[None]:
    if shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("npm is required in CI to build and test the Rocket.Chat App")
        pytest.skip("npm is not installed: the Rocket.Chat App's checks need Node.js and npm")
    result = npm("ci", "--no-audit", "--no-fund")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    yield


def test_app_type_checks_against_apps_engine(installed):
    result = npm("run", "typecheck")
    assert result.returncode == 0, result.stdout + result.stderr


def test_app_unit_tests_pass(installed):
    result = npm("test")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "# fail 0" in output and "# pass 0" not in output


def test_app_packages_into_an_uploadable_zip(installed):
    result = npm("run", "package")
    assert result.returncode == 0, result.stdout + result.stderr
    [archive] = (APP / "dist").glob("files-bot_*.zip")
    names = set(zipfile.ZipFile(archive).namelist())
    assert {"app.json", "FilesBotApp.js", "src/bridge.js", "icon.png", "i18n/en.json"} <= names
    assert not any(name.startswith(("test/", "node_modules/")) for name in names)
