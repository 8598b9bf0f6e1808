"""Soak: a steady stream of `/files` for `--minutes` (default 10) with faults injected into the fake Slack
(5 % of `files.list` calls answer 429 with `Retry-After: 1`, 1 % answer 503). Prints how many requests were
acked, how many listings or clear error messages were delivered, unhandled errors in the bot's log, and the
bot's RSS after warm-up and at the end (target: zero unhandled errors, RSS growth under 10 %).

    .venv/bin/python -m bench.soak --minutes 10 --rate 5
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ack_latency import fake_process, free_port, wait_until_up  # noqa: E402
from tests.conftest import GENERAL, TEAM  # noqa: E402
from tests.slack_harness import SIGNING_SECRET, SlackDriver  # noqa: E402

USERS = 20


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=5.0, help="/files requests per second")
    args = parser.parse_args()
    users = [f"U0LOAD{i:03d}" for i in range(USERS)]
    with fake_process(USERS) as fake, tempfile.TemporaryDirectory() as data:
        port = free_port()
        env = {
            **os.environ,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_CLIENT_ID": fake.client_id,
            "SLACK_CLIENT_SECRET": fake.client_secret,
            "SLACK_API_URL": fake.api_url,
            "FILES_BOT_DATA_DIR": data,
            "FILES_BOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "FILES_BOT_LOG_LEVEL": "WARNING",
        }
        log_path = Path(data) / "bot.log"
        with log_path.open("wb") as log:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
            )
            try:
                url = f"http://127.0.0.1:{port}"
                wait_until_up(f"{url}/healthz", what="files-bot serve")
                driver = SlackDriver(bot_url=url, fake=fake, team_id=TEAM, secret=SIGNING_SECRET)  # type: ignore[arg-type]
                for uid in users:
                    driver.authorize(uid)
                requests.post(
                    f"{fake.base_url}/_fake/faults",
                    params={"method": "files.list", "p429": 0.05, "p5xx": 0.01},
                    timeout=5,
                )
                sent = acked = 0
                urls: list[str] = []
                lock = threading.Lock()
                deadline = time.monotonic() + args.minutes * 60
                warm_rss = None
                warm_at = time.monotonic() + min(60.0, args.minutes * 60 / 5)
                threads: list[threading.Thread] = []

                def one(i: int) -> None:
                    nonlocal acked
                    response, response_url = driver.command(users[i % USERS], GENERAL, "")
                    with lock:
                        urls.append(response_url)
                        acked += response.status_code == 200

                next_at = time.monotonic()
                while time.monotonic() < deadline:
                    if warm_rss is None and time.monotonic() >= warm_at:
                        warm_rss = rss_mb(bot.pid)
                    thread = threading.Thread(target=one, args=(sent,), daemon=True)
                    thread.start()
                    threads.append(thread)
                    sent += 1
                    next_at += 1 / args.rate
                    time.sleep(max(0.0, next_at - time.monotonic()))
                    threads = [t for t in threads if t.is_alive()]
                for t in threads:
                    t.join(timeout=30)
                time.sleep(5)  # let the last listings arrive (retries wait out Retry-After)
                end_rss = rss_mb(bot.pid)
                answered = listings = errors = 0
                for response_url in urls:
                    posted = fake.responses_for(response_url)
                    if posted:
                        answered += 1
                        text = str(posted[0].get("text", ""))  # type: ignore[union-attr]
                        listings += "page 1 of" in text
                        errors += text.startswith("Sorry") or "busy" in text
            finally:
                bot.terminate()
                bot.wait(timeout=30)
        log_text = log_path.read_text(errors="replace")
        unhandled = log_text.count("Traceback")
        warm = warm_rss or end_rss
        print(f"soak: {args.minutes:g} min at {args.rate:g}/s, 5 % 429 + 1 % 503 on files.list")
        print(
            f"requests sent {sent}, acked 200 {acked}, answered {answered} "
            f"(listings {listings}, clear error messages {errors}), unhandled errors in the log {unhandled}"
        )
        print(
            f"bot RSS after warm-up {warm:.1f} MB, at the end {end_rss:.1f} MB, growth "
            f"{(end_rss - warm) / warm * 100:+.1f} %"
        )


if __name__ == "__main__":
    main()
