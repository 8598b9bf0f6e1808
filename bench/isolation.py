"""Slack's ack latency while Rocket.Chat is saturated, next to the same with Rocket.Chat idle.

One files-bot process (`files-bot serve`) serves both platforms from one pool of server threads; a
Rocket.Chat answer is built in its request thread, and Rocket.Chat accepts slash commands over REST, so
anyone can script a burst. Four processes on 127.0.0.1: files-bot, the fake Slack Web API, the fake
Rocket.Chat (`--rc-latency` seconds on every call: a slow server), and this one, which plays both
platforms. `--rc-clients` threads send Rocket.Chat `/files everywhere` as the admin (whom the server does
not rate-limit) back to back, each walk being as slow as the server makes it; meanwhile, and in phases
with Rocket.Chat idle, bursts of N simultaneous signed Slack `/files` measure the ack latency. Phases
alternate (idle, saturated, idle, …) so that drift in the machine's load hits both alike. It prints
p50/p99 of both, the p99 ratio (the figure; 1.0 means no interference), acks over Slack's 3 s, and what
the Rocket.Chat clients were answered (listings, partial ones, "busy", errors).

    .venv/bin/python -m bench.isolation --bursts 50           # --concurrency 20 --rc-clients 24
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ack_latency import (  # noqa: E402
    SLACK_ACK_LIMIT,
    delivered,
    fake_process,
    free_port,
    measure,
    percentile,
    process,
)
from bench.fake_rocketchat import populate  # noqa: E402
from bot.sandbox.emulators.rocketchat_api import FakeRocketChat  # noqa: E402
from tests.conftest import TEAM  # noqa: E402
from tests.rocketchat_harness import ADMIN, APP_SECRET, GENERAL, BridgeDriver  # noqa: E402
from tests.slack_harness import SIGNING_SECRET, SlackDriver  # noqa: E402

PAUSE = 0.5  # seconds between bursts


class RemoteRocketChat:
    """What the bridge driver needs of the fake running in its own process: its URL, and the users and
    rooms it was seeded with (seeded here the same way)."""

    def __init__(self, base_url: str, rooms: int) -> None:
        with FakeRocketChat() as local:  # only its seed is read
            populate(local, rooms)
        self.base_url, self.users, self.rooms = base_url, local.users, local.rooms
        self.client_id, self.client_secret = FakeRocketChat.client_id, FakeRocketChat.client_secret

    def set_latency(self, seconds: float) -> None:
        requests.post(f"{self.base_url}/_fake/latency", params={"seconds": seconds}, timeout=10)


@contextmanager
def rocketchat_process(rooms: int) -> Iterator[RemoteRocketChat]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.fake_rocketchat", "--rooms", str(rooms)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield RemoteRocketChat(proc.stdout.readline().strip(), rooms)  # type: ignore[union-attr]
    finally:
        proc.terminate()
        proc.wait(timeout=15)


class RocketChatLoad:
    """`clients` threads sending Rocket.Chat commands back to back while `on` is set, in a process of
    their own: in this one they would compete with the timing of Slack's acks for its GIL."""

    def __init__(self, bot_url: str, fake: RemoteRocketChat, clients: int, backoff: float) -> None:
        self.on = multiprocessing.Event()
        self._stop = multiprocessing.Event()
        self._answers: multiprocessing.Queue[dict[str, int]] = multiprocessing.Queue()
        args = (bot_url, fake, clients, backoff, self.on, self._stop, self._answers)
        self._process = multiprocessing.Process(target=_load, args=args, daemon=True)
        self._process.start()

    def close(self) -> Counter[str]:
        """Stop the clients; what they were answered, by kind."""
        self._stop.set()
        self.on.set()
        answers = Counter(self._answers.get(timeout=60))
        self._process.join(timeout=30)
        return answers


def _load(
    bot_url: str,
    fake: RemoteRocketChat,
    clients: int,
    backoff: float,
    on: Any,
    stop: Any,
    answers_out: Any,
) -> None:
    driver = BridgeDriver(bot_url=bot_url, fake=fake, secret=APP_SECRET)  # type: ignore[arg-type]
    answers: Counter[str] = Counter()
    lock = threading.Lock()

    def client() -> None:
        while not stop.is_set():
            on.wait()
            if stop.is_set():
                return
            try:
                kind = _kind(driver.command(ADMIN, GENERAL, "everywhere"))
            except Exception:  # a non-200, or an answer outside the protocol
                kind = "error"
            with lock:
                answers[kind] += 1
            if kind == "busy":
                time.sleep(backoff)  # "try again in a moment"

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    answers_out.put(dict(answers))


def _kind(answer: dict[str, Any]) -> str:
    if answer.get("surface") == "contextualBar":
        return "partial" if "Partial results" in str(answer["blocks"]) else "listing"
    return "busy" if "busy" in str(answer.get("text")) else "other notice"


def phase(slack_fake: Any, bot: SlackDriver, users: list[str], n: int, bursts: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    arrived = 0
    for _ in range(bursts):
        acks, urls = measure(bot, users, n)
        latencies += acks
        arrived += delivered(slack_fake, urls)
        time.sleep(PAUSE)
    return latencies, arrived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=20, help="Slack commands per burst")
    parser.add_argument("--bursts", type=int, default=50, help="bursts per phase")
    parser.add_argument("--rounds", type=int, default=2, help="idle/saturated phase pairs")
    parser.add_argument("--rc-clients", type=int, default=24, help="Rocket.Chat commands in flight at once")
    parser.add_argument("--rc-latency", type=float, default=2.0, help="seconds the fake adds to each call")
    parser.add_argument("--rc-backoff", type=float, default=1.0, help="seconds a client waits after 'busy'")
    parser.add_argument("--rooms", type=int, default=40, help="channels the admin's `everywhere` walks")
    args = parser.parse_args()

    users = [f"U0LOAD{i:03d}" for i in range(args.concurrency)]
    with (
        fake_process(len(users)) as slack_fake,
        rocketchat_process(args.rooms) as rc_fake,
        tempfile.TemporaryDirectory() as data,
    ):
        port = free_port()
        env = {
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_CLIENT_ID": slack_fake.client_id,
            "SLACK_CLIENT_SECRET": slack_fake.client_secret,
            "SLACK_API_URL": slack_fake.api_url,
            "ROCKETCHAT_URL": rc_fake.base_url,
            "ROCKETCHAT_APP_SECRET": APP_SECRET,
            "ROCKETCHAT_OAUTH_CLIENT_ID": rc_fake.client_id,
            "ROCKETCHAT_OAUTH_CLIENT_SECRET": rc_fake.client_secret,
            "FILES_BOT_DATA_DIR": data,
            "FILES_BOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "FILES_BOT_LOG_LEVEL": "ERROR",
        }
        bot_cmd = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
        with process(bot_cmd, env, port) as url:
            slack = SlackDriver(bot_url=url, fake=slack_fake, team_id=TEAM, secret=SIGNING_SECRET)  # type: ignore[arg-type]
            rc = BridgeDriver(bot_url=url, fake=rc_fake, secret=APP_SECRET)  # type: ignore[arg-type]
            for uid in users:
                slack.authorize(uid)
            rc.authorize(ADMIN)
            rc.command(ADMIN, GENERAL, "everywhere")  # the bot learns the admin is not rate-limited
            rc_fake.set_latency(args.rc_latency)
            load = RocketChatLoad(url, rc_fake, args.rc_clients, args.rc_backoff)
            print(
                f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
                f"{args.rounds} x {args.bursts} bursts of {args.concurrency} Slack commands per phase; "
                f"{args.rc_clients} Rocket.Chat clients ({args.rc_backoff:.2f} s back-off after 'busy'), "
                f"{args.rc_latency:.1f} s per Rocket.Chat call"
            )
            phase(slack_fake, slack, users, args.concurrency, 1)  # warm up
            idle: list[float] = []
            busy: list[float] = []
            arrived = 0
            for _ in range(args.rounds):
                acks, got = phase(slack_fake, slack, users, args.concurrency, args.bursts)
                idle, arrived = idle + acks, arrived + got
                load.on.set()
                time.sleep(args.rc_latency * 2)  # let the Rocket.Chat work pile up first
                acks, got = phase(slack_fake, slack, users, args.concurrency, args.bursts)
                busy, arrived = busy + acks, arrived + got
                load.on.clear()
                time.sleep(args.rc_latency * 4)  # and drain before the next idle phase
            rc_answers = load.close()
            over = sum(1 for x in idle + busy if x > SLACK_ACK_LIMIT)
            print(f"{'Rocket.Chat':<12} {'acks':>6} {'p50':>9} {'p99':>9}")
            for name, values in (("idle", idle), ("saturated", busy)):
                print(
                    f"{name:<12} {len(values):>6} {statistics.median(values) * 1000:>7.1f}ms "
                    f"{percentile(values, 99) * 1000:>7.1f}ms"
                )
            print(f"p99 ratio saturated/idle: {percentile(busy, 99) / percentile(idle, 99):.2f}")
            print(
                f"Slack acks over {SLACK_ACK_LIMIT:.0f} s: {over}; "
                f"Slack listings delivered: {arrived}/{len(idle + busy)}"
            )
            print(
                "Rocket.Chat answers while saturated: " + ", ".join(f"{k} {v}" for k, v in sorted(rc_answers.items()))
            )


if __name__ == "__main__":
    main()
