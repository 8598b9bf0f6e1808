"""Ack latency of `/files` under concurrent load, against a minimal ack-only Bolt app.

Both apps run as separate processes on 127.0.0.1 behind the same server stack; the fake Slack Web API
(a third process) adds `--latency` seconds to every call, so any Web API call made before the ack shows up
directly in the figures. For each concurrency level it sends `--rounds` bursts of N simultaneous, correctly
signed slash commands from N authorized users (enough bursts for `--samples` acks per app, 3,000 by default,
so that p99 is not one outlier), alternating between the two apps, and prints p50/p99 ack
latency for both apps, their ratio, how many acks took over 3 s, and how many listings files-bot then
delivered through response_url.

    .venv/bin/python -m bench.ack_latency --concurrency 20 50 100
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.sandbox.emulators.slack_api import FakeSlack  # noqa: E402
from tests.conftest import GENERAL, TEAM  # noqa: E402
from tests.slack_harness import SIGNING_SECRET, SlackDriver  # noqa: E402

SLACK_ACK_LIMIT = 3.0
MAX_BURST = 200
# A p99 is set by the few bursts that met a scheduler hiccup on this shared machine: over 1,000 acks (20
# bursts of 50) that was one unlucky burst, and the ratio swung from 1.2 to 2.1 between runs. Over 3,000
# it is the typical hiccup, which both apps meet alike.
MIN_SAMPLES = 3000
PAUSE = 0.5  # seconds between bursts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RemoteFake:
    """The parts of `FakeSlack` the driver needs, for a fake running in its own process."""

    client_id = FakeSlack.client_id
    client_secret = FakeSlack.client_secret

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.api_url = f"{base_url}/api/"
        self._n = 0

    def response_url(self) -> str:
        self._n += 1
        return f"{self.base_url}/response/bench{self._n:06d}"

    def responses_for(self, url: str) -> list[object]:
        return list(requests.get(url, timeout=10).json())

    def set_latency(self, seconds: float) -> None:
        requests.post(f"{self.base_url}/_fake/latency", params={"seconds": seconds}, timeout=10)


@contextmanager
def fake_process(load_users: int) -> Iterator[RemoteFake]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.fake_slack", "--load-users", str(load_users)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield RemoteFake(proc.stdout.readline().strip())  # type: ignore[union-attr]
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def wait_until_up(url: str, *, what: str, attempts: int = 300) -> None:
    """Poll `url` until something answers (at most `attempts` x 0.1 s plus request time)."""
    for _ in range(attempts):
        try:
            requests.post(url, timeout=5)
            return
        except requests.RequestException:  # not listening yet, or still starting up
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


@contextmanager
def process(args: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    proc = subprocess.Popen(
        args, env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/slack/events", what=" ".join(args))
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def burst(send: Callable[[int], float], n: int) -> list[float]:
    """n requests released at the same instant; returns their ack latencies in seconds."""
    start = threading.Barrier(n)
    results: list[float] = [0.0] * n

    def worker(i: int) -> None:
        start.wait()
        results[i] = send(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def measure(driver: SlackDriver, users: list[str], n: int) -> tuple[list[float], list[str]]:
    """One burst of n commands through `driver`: ack latencies and the response_urls they carry.

    Every request is built and signed before the burst, and sent with `http.client` on a new connection
    (as Slack opens one): the load generator shares the machine's cores with the apps, and with `requests`
    its own CPU per request was larger than the apps' and drowned their difference."""
    url = urlsplit(driver.bot_url)
    prepared: list[tuple[bytes, dict[str, str]]] = []
    urls: list[str] = []
    for i in range(n):
        body, response_url = driver.command_body(users[i % len(users)], GENERAL, "")
        prepared.append((body.encode(), driver.signed_headers(body, "application/x-www-form-urlencoded")))
        urls.append(response_url)

    def send(i: int) -> float:
        body, headers = prepared[i]
        t0 = time.perf_counter()
        connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
        try:
            connection.request("POST", "/slack/events", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        elapsed = time.perf_counter() - t0
        assert response.status == 200, response.status
        return elapsed

    return burst(send, n), urls


def delivered(fake: RemoteFake, urls: list[str], timeout: float = 60.0) -> int:
    """Wait (at most `timeout` s) for a listing at each response_url; returns how many arrived."""
    pending = set(urls)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        pending = {u for u in pending if not fake.responses_for(u)}
        time.sleep(0.1)
    return len(urls) - len(pending)


def interleaved(
    fake: RemoteFake, bot: SlackDriver, minimal: SlackDriver, users: list[str], n: int, rounds: int
) -> tuple[list[float], list[float], int]:
    """Alternate bursts between the two apps, so drift in the machine's load hits both alike. Before
    the next burst, files-bot's listings for its last one must all have arrived: its deferred work never
    runs during the baseline's burst. Returns both apps' latencies and how many listings arrived."""
    ours: list[float] = []
    base: list[float] = []
    arrived = 0
    for _ in range(rounds):
        latencies, _ = measure(minimal, users, n)
        base += latencies
        time.sleep(PAUSE)
        latencies, urls = measure(bot, users, n)
        ours += latencies
        arrived += delivered(fake, urls)
        time.sleep(PAUSE)
    return ours, base, arrived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[20])
    parser.add_argument("--rounds", type=int, default=10, help="bursts per level, at least")
    parser.add_argument(
        "--samples", type=int, default=MIN_SAMPLES, help="acks per app and level, at least (more bursts at small N)"
    )
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the fake adds to each Web API call")
    args = parser.parse_args()
    levels = [min(c, MAX_BURST) for c in args.concurrency]

    users = [f"U0LOAD{i:03d}" for i in range(max(levels))]
    with fake_process(len(users)) as fake, tempfile.TemporaryDirectory() as data:
        bot_port, minimal_port = free_port(), free_port()
        env = {
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_CLIENT_ID": fake.client_id,
            "SLACK_CLIENT_SECRET": fake.client_secret,
            "SLACK_API_URL": fake.api_url,
            "FILES_BOT_DATA_DIR": data,
            "FILES_BOT_PUBLIC_URL": f"http://127.0.0.1:{bot_port}",
            "FILES_BOT_LOG_LEVEL": "WARNING",
        }
        bot_cmd = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(bot_port)]
        minimal_cmd = [sys.executable, "-m", "bench.minimal_app", str(minimal_port)]
        with process(bot_cmd, env, bot_port) as bot_url, process(minimal_cmd, env, minimal_port) as minimal_url:
            bot = SlackDriver(bot_url=bot_url, fake=fake, team_id=TEAM, secret=SIGNING_SECRET)  # type: ignore[arg-type]
            minimal = SlackDriver(bot_url=minimal_url, fake=fake, team_id=TEAM, secret=SIGNING_SECRET)  # type: ignore[arg-type]
            for uid in users:
                bot.authorize(uid)
            fake.set_latency(args.latency)
            print(
                f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
                f"fake Web API latency {args.latency * 1000:.0f} ms; at least {args.rounds} bursts and "
                f"{args.samples} acks per app and level"
            )
            print(
                f"{'N':>4} {'files-bot p50':>14} {'p99':>8} {'minimal p50':>12} {'p99':>8} {'p99 ratio':>10} "
                f"{'>3s':>5} {'delivered':>10}"
            )
            for n in levels:
                interleaved(fake, bot, minimal, users, n, 1)  # warm both up
                rounds = max(args.rounds, -(-args.samples // n))
                ours, base, arrived = interleaved(fake, bot, minimal, users, n, rounds)
                over = sum(1 for x in ours if x > SLACK_ACK_LIMIT)
                p99_ratio = percentile(ours, 99) / percentile(base, 99)
                print(
                    f"{n:>4} {statistics.median(ours) * 1000:>12.1f}ms {percentile(ours, 99) * 1000:>6.1f}ms "
                    f"{statistics.median(base) * 1000:>10.1f}ms {percentile(base, 99) * 1000:>6.1f}ms "
                    f"{p99_ratio:>10.2f} {over:>5} {arrived:>5}/{len(ours)}"
                )


if __name__ == "__main__":
    main()
