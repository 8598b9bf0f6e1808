"""The emulated Rocket.Chat on its own process, seeded like the tests plus `--rooms` channels (one file each)
for the admin to walk, so that it shares no GIL with the load generator. Its default rate limiter is on.
Prints its base URL on the first line of stdout, then serves until terminated.

    .venv/bin/python -m bench.fake_rocketchat --rooms 40
"""

from __future__ import annotations

import argparse
import threading

from bot.sandbox.emulators.http_fake import Answer, Request
from bot.sandbox.emulators.rocketchat_api import FakeRocketChat, File, Room
from tests.rocketchat_harness import ADMIN, BASE, seed


class BenchRocketChat(FakeRocketChat):
    """Adds one control for out-of-process drivers: `POST /_fake/latency?seconds=S` (every API call)."""

    def handle(self, request: Request) -> Answer:
        if request.path == "/_fake/latency":
            self.latency = float(request.params.get("seconds", "0"))
            return Answer(200, "ok", content_type="text/plain")
        return super().handle(request)


def populate(fake: FakeRocketChat, rooms: int) -> None:
    seed(fake)
    for n in range(rooms):
        rid = f"rcBenchRoom{n:04d}"
        fake.rooms[rid] = Room(rid, f"bench-{n:04d}", "c", {ADMIN})
        fake.files.append(File(f"{rid}-f", f"{rid}.txt", rid, ADMIN, 1_000, "text/plain", BASE + n))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=40, help="extra channels the admin is in")
    args = parser.parse_args()
    with BenchRocketChat(max_recorded=1000) as fake:
        populate(fake, args.rooms)
        print(fake.base_url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
