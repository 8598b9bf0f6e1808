"""Time from `/files` to the listing posted, under concurrent load, against a plain Bolt app doing the same
listing from a 128-worker listener executor (bench/reference_listing_app.py).

People wait for the listing, not only for the ack. Three processes on 127.0.0.1: the emulated Slack (its own
process; it adds `--latency` seconds to every Web API call, 0.3 s by default, and records when each post to a
`response_url` arrives), files-bot (`files-bot serve`) and the reference app. For each concurrency level,
bursts of N correctly signed slash commands from N authorized users alternate between the two apps; each
burst's listings must all have arrived before the next burst. For both apps it prints the ack p99 and the
time to listing (from sending the command to the listing's arrival at the response_url) at p50 and p99,
with files-bot's ratios to the reference.

    .venv/bin/python -m bench.time_to_listing --concurrency 20 50 100

Target (issue #13): listing p50 and p99 ≤ 1.0 x the reference at every level, ack p99 ≤ 1.0 x.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ack_latency import (  # noqa: E402
    MAX_BURST,
    PAUSE,
    RemoteFake,
    burst,
    fake_process,
    free_port,
    percentile,
    process,
)
from tests.conftest import GENERAL, TEAM  # noqa: E402
from tests.slack_harness import SIGNING_SECRET, SlackDriver  # noqa: E402

MIN_SAMPLES = 1000
LISTING_TIMEOUT = 60.0


class Sample:
    """One command: when it was sent (epoch s), its ack latency (s), and its response_url."""

    def __init__(self, sent: float, ack: float, url: str) -> None:
        self.sent, self.ack, self.url = sent, ack, url


def arrivals(fake: RemoteFake, url: str) -> list[float]:
    key = urlsplit(url).path.rsplit("/", 1)[-1]
    return list(requests.get(f"{fake.base_url}/_fake/response_times/{key}", timeout=10).json())


def command_burst(driver: SlackDriver, users: list[str], n: int) -> list[Sample]:
    """n commands released at once (built and signed beforehand, each on a new connection, as Slack does)."""
    target = urlsplit(driver.bot_url)
    prepared = []
    for i in range(n):
        body, response_url = driver.command_body(users[i % len(users)], GENERAL, "")
        prepared.append((body.encode(), driver.signed_headers(body, "application/x-www-form-urlencoded"), response_url))
    sent = [0.0] * n

    def send(i: int) -> float:
        body, headers, _ = prepared[i]
        sent[i] = time.time()
        t0 = time.perf_counter()
        connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=10)
        try:
            connection.request("POST", "/slack/events", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        assert response.status == 200, response.status
        return time.perf_counter() - t0

    acks = burst(send, n)
    return [Sample(sent[i], acks[i], prepared[i][2]) for i in range(n)]


def listing_latencies(fake: RemoteFake, samples: list[Sample]) -> list[float]:
    """Wait for every listing; seconds from each command to its listing's arrival."""
    pending = {s.url: s for s in samples}
    latencies: list[float] = []
    deadline = time.monotonic() + LISTING_TIMEOUT
    while pending and time.monotonic() < deadline:
        for url, sample in list(pending.items()):
            times = arrivals(fake, url)
            if times:
                latencies.append(times[0] - sample.sent)
                del pending[url]
        if pending:
            time.sleep(0.05)
    if pending:
        raise RuntimeError(f"{len(pending)} listings never arrived")
    return latencies


def level(
    fake: RemoteFake, bot: SlackDriver, reference: SlackDriver, users: list[str], n: int, rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Alternate bursts between the apps, so drift in the machine's load hits both alike."""
    ours: dict[str, list[float]] = {"ack": [], "listing": []}
    base: dict[str, list[float]] = {"ack": [], "listing": []}
    for _ in range(rounds):
        for driver, into in ((reference, base), (bot, ours)):
            samples = command_burst(driver, users, n)
            into["ack"] += [s.ack for s in samples]
            into["listing"] += listing_latencies(fake, samples)
            time.sleep(PAUSE)
    return ours, base


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[20, 50, 100])
    parser.add_argument("--samples", type=int, default=MIN_SAMPLES, help="commands per app and level, at least")
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the fake adds to each Web API call")
    args = parser.parse_args()
    levels = [min(c, MAX_BURST) for c in args.concurrency]
    users = [f"U0LOAD{i:03d}" for i in range(max(levels))]
    with fake_process(len(users)) as fake, tempfile.TemporaryDirectory() as data:
        bot_port, reference_port = free_port(), free_port()
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
        with process(bot_cmd, env, bot_port) as bot_url:
            bot = SlackDriver(bot_url=bot_url, fake=fake, team_id=TEAM, secret=SIGNING_SECRET)  # type: ignore[arg-type]
            for uid in users:
                bot.authorize(uid)
            reference_cmd = [
                sys.executable,
                "-m",
                "bench.reference_listing_app",
                str(reference_port),
                TEAM,
                ",".join(users),
            ]
            with process(reference_cmd, env, reference_port) as reference_url:
                reference = SlackDriver(
                    bot_url=reference_url,
                    fake=fake,  # type: ignore[arg-type]
                    team_id=TEAM,
                    secret=SIGNING_SECRET,
                )
                fake.set_latency(args.latency)
                print(
                    f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
                    f"fake Web API latency {args.latency * 1000:.0f} ms; at least {args.samples} commands per "
                    "app and level; times in ms"
                )
                print(
                    f"{'N':>4} | {'ack p99':>8} {'ref':>6} {'ratio':>6} | {'listing p50':>11} {'ref':>6} "
                    f"{'ratio':>6} | {'listing p99':>11} {'ref':>6} {'ratio':>6}"
                )
                for n in levels:
                    level(fake, bot, reference, users, n, 1)  # warm both up
                    rounds = max(3, -(-args.samples // n))
                    ours, base = level(fake, bot, reference, users, n, rounds)
                    ack = (percentile(ours["ack"], 99), percentile(base["ack"], 99))
                    p50 = (statistics.median(ours["listing"]), statistics.median(base["listing"]))
                    p99 = (percentile(ours["listing"], 99), percentile(base["listing"], 99))
                    print(
                        f"{n:>4} | {ms(ack[0]):>8} {ms(ack[1]):>6} {ack[0] / ack[1]:>6.2f} | "
                        f"{ms(p50[0]):>11} {ms(p50[1]):>6} {p50[0] / p50[1]:>6.2f} | "
                        f"{ms(p99[0]):>11} {ms(p99[1]):>6} {p99[0] / p99[1]:>6.2f}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
