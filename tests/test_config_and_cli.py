from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

from bot.process.config import Settings

SLACK_ENV = {"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}


def test_defaults():
    s = Settings.from_env({})
    assert s.port == 3000 and s.data_dir == Path("./data") and s.public_url == "http://localhost:3000"
    assert s.slack is None and s.rocketchat is None and not s.has_credentials
    assert s.slack_missing == ("SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")
    slack = Settings.from_env(SLACK_ENV).slack
    assert slack is not None
    assert slack.api_url == "https://slack.com/api/" and slack.authorize_url == "https://slack.com/oauth/v2/authorize"


def test_api_url_moves_the_consent_page_with_it():
    s = Settings.from_env(
        {
            **SLACK_ENV,
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "PORT": "8080",
            "FILES_BOT_PUBLIC_URL": "https://bot.example/",
        }
    )
    assert s.slack is not None and s.slack.api_url == "http://127.0.0.1:9/api/"
    assert s.slack.authorize_url == "http://127.0.0.1:9/oauth/v2/authorize"
    assert s.public_url == "https://bot.example" and s.port == 8080


def test_files_bot_serve_with_half_a_configuration_starts_and_logs_what_is_missing(tmp_path):
    # (With no platform setting at all, `serve` starts the demo instead: tests/test_demo.py.)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROCKETCHAT_", "FILES_BOT_"))}
    env["FILES_BOT_DATA_DIR"] = str(tmp_path)
    env["SLACK_SIGNING_SECRET"] = "only-this-one"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 30
        port = None
        while port is None and time.monotonic() < deadline:
            line = proc.stderr.readline()  # type: ignore[union-attr]
            if not line:
                break
            lines.append(line)
            if m := re.search(r"listening on http://127\.0\.0\.1:(\d+)", line):
                port = int(m.group(1))
        assert port, "".join(lines)
        log = "".join(lines)
        assert "Slack is not configured: set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET" in log
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert json.loads(health.text) == {"status": "ok", "platforms": {"slack": False, "rocketchat": False}}
        assert health.headers["Server"] == "files-bot"  # waitress, not a development server
    finally:
        proc.terminate()
        proc.wait(timeout=10)
