"""The emulated Slack on its own process, seeded like the tests (so it doesn't share a GIL with the load
generator). Prints its base URL on the first line of stdout, then serves until terminated.

    .venv/bin/python -m bench.fake_slack --load-users 100
"""

from __future__ import annotations

import argparse
import threading

from bot.sandbox.emulators.slack_api import FakeSlack, User
from tests.conftest import GENERAL, TEAM, seed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load-users", type=int, default=0, help="extra members of #general")
    args = parser.parse_args()
    with FakeSlack() as fake:
        seed(fake)
        ws = fake.workspaces[TEAM]
        for i in range(args.load_users):
            uid = f"U0LOAD{i:03d}"
            ws.users[uid] = User(uid, uid.lower())
            ws.conversations[GENERAL].members.add(uid)
        print(fake.base_url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
