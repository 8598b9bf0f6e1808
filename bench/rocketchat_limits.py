"""N people x `/files` per minute on Rocket.Chat, against its real default REST rate limiter.

Rocket.Chat allows every REST route 10 calls a minute per client address (API_Enable_Rate_Limiter_Limit_
Calls_Default / _Time_Default), and every call files-bot makes comes from one address. This runs the real
bot (in this process) against the emulated Rocket.Chat, whose limiter and the bot's model of it share a
virtual clock: each simulated minute, N people each run one `/files`, spread evenly over the minute, for
`--minutes` minutes. It counts, from what the people are shown: listings (complete, or partial and saying
so), "try again in about N seconds", "busy", and errors (anything else: an apology, a non-200, an
unvalidated answer — the target is 0); and how many calls the server refused with a 429 (the bot should
not even try: target 0).

Two workloads: `plain` (everyone types `/files` in a channel: one `channels.files` call each) and `mixed`
(70 % in a channel, 20 % in their private group, 10 % `everywhere`). And three servers: the default
limiter; an admin who raised API_Enable_Rate_Limiter_Limit_Calls_Default to 100; an admin who gave the
`user` role `api-bypass-rate-limit`.

    .venv/bin/python -m bench.rocketchat_limits                # --people 5 10 20 50 --minutes 5
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.process.server import running_bot  # noqa: E402
from bot.sandbox.emulators.rocketchat_api import FakeRocketChat, File, Room  # noqa: E402
from bot.services import ratelimit  # noqa: E402
from bot.services.ratelimit import RateLimiter  # noqa: E402
from tests.clocks import ManualClock  # noqa: E402
from tests.rocketchat_harness import ADMIN, APP_SECRET, BASE, GENERAL, BridgeDriver, seed  # noqa: E402

ROOMS_PER_PERSON = 6  # channels beyond #general, for `everywhere` to walk
SERVERS: dict[str, Callable[[FakeRocketChat], None]] = {
    "default (10/min)": lambda fake: None,
    "calls raised to 100": lambda fake: setattr(fake.rate_limiter, "calls", 100),
    "users bypass": lambda fake: fake.rate_limiter.bypass_roles.add("user"),
}


@dataclass
class Tally:
    listings: int = 0
    partial: int = 0
    retry: int = 0
    busy: int = 0
    errors: int = 0
    refused: int = 0

    def count(self, answer: dict | None) -> None:
        text = str(answer.get("text", "")) if answer else ""
        if answer is None:
            self.errors += 1
        elif answer.get("surface") == "contextualBar":
            self.listings += 1
            self.partial += "Partial results" in str(answer["blocks"])
        elif "try again in about" in text:
            self.retry += 1
        elif "busy" in text:
            self.busy += 1
        else:
            self.errors += 1


def populate(fake: FakeRocketChat, people: int) -> list[tuple[str, str]]:
    """`people` users in #general, each with a private group and a few channels (one file in each)."""
    seed(fake)
    found = []
    for n in range(people):
        uid = f"rcLoadUser{n:05d}"
        fake.add_user(uid, f"load{n:05d}")
        fake.rooms[GENERAL].members.add(uid)
        group = f"rcLoadGroup{n:04d}"
        fake.rooms[group] = Room(group, f"group-{n:04d}", "p", {uid})
        for r in range(ROOMS_PER_PERSON):
            rid = f"rcLoadRoom{n:04d}{r}"
            fake.rooms[rid] = Room(rid, f"room-{n:04d}-{r}", "c", {uid})
            fake.files.append(File(f"{rid}-f", f"{rid}.txt", rid, uid, 100, "text/plain", BASE + r))
        found.append((uid, group))
    return found


def what(workload: str, n: int, group: str) -> tuple[str, str]:
    """(room, text) of person n's `/files` under `workload`."""
    if workload == "plain" or n % 10 < 7:
        return GENERAL, ""
    return (group, "") if n % 10 < 9 else (GENERAL, "everywhere")


def run(server: str, workload: str, people: int, minutes: int) -> Tally:
    clock = ManualClock()
    tally = Tally()
    with TemporaryDirectory() as data, FakeRocketChat() as fake:
        fake.rate_limiter.clock = clock
        users = populate(fake, people)
        SERVERS[server](fake)
        ratelimit._shared = RateLimiter(clock=clock, sleep=clock.sleep)  # the bot's, on the same clock
        env = {
            "ROCKETCHAT_URL": fake.base_url,
            "ROCKETCHAT_APP_SECRET": APP_SECRET,
            "ROCKETCHAT_OAUTH_CLIENT_ID": fake.client_id,
            "ROCKETCHAT_OAUTH_CLIENT_SECRET": fake.client_secret,
            "ROCKETCHAT_BOT_USER_ID": ADMIN,
            "ROCKETCHAT_BOT_TOKEN": fake.personal_access_token(ADMIN),
            "FILES_BOT_DATA_DIR": data,
        }
        with running_bot(env) as url:
            rc = BridgeDriver(bot_url=url, fake=fake, secret=APP_SECRET)
            for n, (uid, _) in enumerate(users):
                if n and n % 10 == 0:
                    clock.advance(61)  # authorizing asks `GET /api/v1/me`: 10 a minute too
                rc.authorize(uid)
            clock.advance(61)
            fake.rate_limiter.refused = 0
            for request in range(minutes * people):
                n = request % people
                uid, group = users[n]
                room, text = what(workload, n, group)
                try:
                    tally.count(rc.command(uid, room, text))
                except Exception:  # a non-200 or an answer outside the protocol
                    tally.count(None)
                clock.advance(60 / people)
        tally.refused = fake.rate_limiter.refused
    ratelimit._shared = None
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[5, 10, 20, 50], help="people per minute")
    parser.add_argument("--minutes", type=int, default=5)
    parser.add_argument("--workloads", nargs="+", default=["plain", "mixed"], choices=["plain", "mixed"])
    parser.add_argument("--servers", nargs="+", default=list(SERVERS), choices=list(SERVERS))
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the bot's own errors stay visible; its notices do not
    print(f"{args.minutes} simulated minutes per row; each person runs one /files a minute")
    print(
        f"{'server':<20} {'workload':<8} {'N/min':>5} {'requests':>8} {'listings':>8} {'(partial)':>9} "
        f"{'retry':>6} {'busy':>5} {'errors':>6} {'429s':>5}"
    )
    for server in args.servers:
        for workload in args.workloads:
            for people in args.people:
                t = run(server, workload, people, args.minutes)
                total = t.listings + t.retry + t.busy + t.errors
                print(
                    f"{server:<20} {workload:<8} {people:>5} {total:>8} {t.listings:>8} {t.partial:>9} "
                    f"{t.retry:>6} {t.busy:>5} {t.errors:>6} {t.refused:>5}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
