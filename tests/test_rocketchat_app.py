"""The Rocket.Chat App (TypeScript): type-checked against the real apps-engine definitions, unit-tested with
node's test runner on the shared protocol fixtures, and packaged into the zip an admin uploads.

Runs from the README's one test command. Without npm it is skipped with the reason — except in CI, where a
missing npm is a failure, not a skip (see tests/rocketchat_app_build.py).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from tests.rocketchat_app_build import APP, npm


def test_app_type_checks_against_apps_engine(app_installed):
    result = npm(APP, "run", "typecheck")
    assert result.returncode == 0, result.stdout + result.stderr


def test_app_unit_tests_pass(app_installed):
    result = npm(APP, "test")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "# fail 0" in output and "# pass 0" not in output


def test_app_packages_into_an_uploadable_zip(app_zip: Path):
    names = set(zipfile.ZipFile(app_zip).namelist())
    assert {"app.json", "FilesBotApp.js", "src/bridge.js", "icon.png", "i18n/en.json"} <= names
    assert not any(name.startswith(("test/", "node_modules/", "engine-test/")) for name in names)


def test_the_zip_declares_the_app_json_range_not_the_cli_pin(app_zip: Path):
    """`rc-apps package` would rewrite requiredApiVersion to the exact apps-engine version in package.json."""
    declared = json.loads((APP / "app.json").read_text())["requiredApiVersion"]
    shipped = json.loads(zipfile.ZipFile(app_zip).read("app.json"))["requiredApiVersion"]
    assert shipped == declared == "^1.53.1"
