"""The demo's machinery: the real bot server, configured to talk over HTTP to an emulated Slack and an
emulated Rocket.Chat (bot/sandbox/emulators), both seeded with the Northwind workspace, every person authorized
through each platform's OAuth flow, the cache synced.

`Sandbox` then plays the part of the chat clients: a person types `/files …` or clicks a button, the
platform's driver sends the bot exactly what that platform would, and the bot's reply comes back — from
the ack, from `response_url` (Slack) or from the bridge's answer (Rocket.Chat). Nothing here shortcuts
the bot: every reply is produced by the same code paths as in production.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests

from bot.process.config import Settings
from bot.process.server import running_bot
from bot.sandbox.demo import workspaces
from bot.sandbox.emulators.rocketchat_api import FakeRocketChat
from bot.sandbox.emulators.rocketchat_driver import BridgeDriver
from bot.sandbox.emulators.slack_api import FakeSlack
from bot.sandbox.emulators.slack_driver import SlackDriver
from bot.services import jobs
from bot.storage import open_store
from handlers.reports import iso_week

PLATFORMS = ("slack", "rocketchat")
SLACK_FILES = 3000
ROCKETCHAT_FILES = 2000
REPLY_SECONDS = 15.0  # how long a click waits for the bot's reply at response_url
HISTORY_WEEKS = 11  # with this week's, the trend chart's 12
RECORDED_REQUESTS = 2000  # the emulators keep only their latest requests: a demo may run for days
_PNG_START, _PNG_END = b"\x89PNG\r\n\x1a\n", b"IEND"


class UnknownName(LookupError):
    """A platform, person or conversation the demo does not have."""


@dataclass(frozen=True)
class Conversation:
    id: str
    name: str  # a channel's name ("design"), or "@omar" for a DM with omar
    kind: str  # "public" | "private" | "dm"


class Sandbox:
    """Use as a context manager: `with Sandbox(data_dir) as box: box.command("slack", "ada", …)`."""

    def __init__(
        self,
        data_dir: Path,
        *,
        slack_files: int = SLACK_FILES,
        rocketchat_files: int = ROCKETCHAT_FILES,
    ) -> None:
        self.data_dir = data_dir
        self._counts = (slack_files, rocketchat_files)
        self._stack = contextlib.ExitStack()
        self._weekly_lock = threading.Lock()
        self.slack = FakeSlack(max_recorded=RECORDED_REQUESTS)
        self.rocketchat = FakeRocketChat(max_recorded=RECORDED_REQUESTS)
        self.bot_url = ""
        self.settings: Settings | None = None

    # -- lifecycle ------------------------------------------------------------------------------------
    def __enter__(self) -> Sandbox:
        try:
            self._start()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _start(self) -> None:
        now = time.time()
        self._stack.enter_context(self.slack)
        self._stack.enter_context(self.rocketchat)
        workspaces.seed_slack(self.slack, self._counts[0], now)
        rc_bot = workspaces.seed_rocketchat(self.rocketchat, self._counts[1], now)
        env = {
            "SLACK_SIGNING_SECRET": secrets.token_hex(16),
            "SLACK_CLIENT_ID": self.slack.client_id,
            "SLACK_CLIENT_SECRET": self.slack.client_secret,
            "SLACK_API_URL": self.slack.api_url,
            "ROCKETCHAT_URL": self.rocketchat.base_url,
            "ROCKETCHAT_APP_SECRET": secrets.token_hex(16),
            "ROCKETCHAT_OAUTH_CLIENT_ID": self.rocketchat.client_id,
            "ROCKETCHAT_OAUTH_CLIENT_SECRET": self.rocketchat.client_secret,
            "ROCKETCHAT_BOT_USER_ID": rc_bot,
            "ROCKETCHAT_BOT_TOKEN": self.rocketchat.personal_access_token(rc_bot),
            "FILES_BOT_DATA_DIR": str(self.data_dir),
        }
        self.bot_url = self._stack.enter_context(running_bot(env))
        self.settings = Settings.from_env({"FILES_BOT_PUBLIC_URL": self.bot_url, **env})
        self._slack = SlackDriver(
            bot_url=self.bot_url, fake=self.slack, team_id=workspaces.TEAM_ID, secret=env["SLACK_SIGNING_SECRET"]
        )
        self._rc = BridgeDriver(bot_url=self.bot_url, fake=self.rocketchat, secret=env["ROCKETCHAT_APP_SECRET"])
        # Everyone approves the bot once, through each platform's real OAuth round trip.
        for person in workspaces.PEOPLE:
            self._slack.authorize(workspaces.slack_user_id(person.key))
            self._rc.authorize(workspaces.rc_user_id(person.key))
        self.sync()
        self._backfill_history()

    # -- who and where ---------------------------------------------------------------------------------
    def people(self) -> list[dict[str, Any]]:
        return [{"key": p.key, "name": p.name, "admin": p.admin} for p in workspaces.PEOPLE]

    def conversations(self, platform: str, person: str) -> list[Conversation]:
        """What `person`'s chat client lists: the channels they are in, then their DMs."""
        self._platform(platform)
        self._person(person)
        found: list[Conversation] = []
        for channel in workspaces.CHANNELS:
            if person in channel.members:
                kind = "private" if channel.private else "public"
                found.append(Conversation(self._conversation_id(platform, channel.key), channel.name, kind))
        for a, b, _ in workspaces.DMS:
            if person in (a, b):
                other = b if person == a else a
                found.append(Conversation(self._conversation_id(platform, f"dm:{a}:{b}"), f"@{other}", "dm"))
        return found

    # -- what people do --------------------------------------------------------------------------------
    def command(self, platform: str, person: str, conversation: str, text: str) -> list[dict[str, Any]]:
        """`person` types `/files <text>` in `conversation`; returns the messages the bot showed them."""
        self._conversation(platform, person, conversation)
        if platform == "slack":
            ack, response_url = self._slack.command(workspaces.slack_user_id(person), conversation, text)
            return self._slack_reply(ack, response_url)
        return [self._rc.command(workspaces.rc_user_id(person), conversation, text)]

    def act(self, platform: str, person: str, conversation: str, action: dict[str, Any]) -> list[dict[str, Any]]:
        """`person` clicks a button or picks a menu option of a reply the bot showed them. `action` is what
        the client sends: action id, block id, value (or the selected option), taken from the reply."""
        self._conversation(platform, person, conversation)
        action_id = str(action.get("action_id") or "")
        block_id = action.get("block_id")
        value = action.get("value")
        if platform == "slack":
            element: dict[str, Any] = {"action_id": action_id, "block_id": block_id}
            if action.get("selected"):
                element.update(type="static_select", selected_option={"value": action["selected"]})
            else:
                element.update(type="button", value=value)
            ack, response_url = self._slack.click(workspaces.slack_user_id(person), element, conversation)
            return self._slack_reply(ack, response_url)
        chosen = action.get("selected") or value
        return [
            self._rc.action(
                workspaces.rc_user_id(person),
                action_id,
                value=str(chosen) if chosen is not None else None,
                block_id=str(block_id) if block_id is not None else None,
                room=conversation,
            )
        ]

    def inbox(self, platform: str, person: str) -> list[dict[str, Any]]:
        """What the bot sent `person` directly (weekly reports), oldest first: a message's text and blocks,
        or a chart's id when one was shared into the DM as a file of its own."""
        self._platform(platform)
        self._person(person)
        if platform == "slack":
            uid = workspaces.slack_user_id(person)
            dm = f"D{uid}"  # the emulator's conversations.open names a DM after the user
            items = [_message(m) for m in list(self.slack.messages) if m["to"] == [uid]]
            items += [
                {"seq": u["seq"], "chart": fid, "text": u.get("title") or ""}
                for fid, u in list(self.slack.uploads.items())
                if u.get("channel_id") == dm and "seq" in u
            ]
        else:
            uid = workspaces.rc_user_id(person)
            items = [_message(m) for m in list(self.rocketchat.messages) if m["to"] == [uid]]
            dms = {rid for rid, room in self.rocketchat.rooms.items() if room.t == "d" and uid in room.members}
            items += [
                {"seq": m["seq"], "chart": fid, "text": m.get("msg") or ""}
                for fid, m in list(self.rocketchat.media.items())
                if m["rid"] in dms and m.get("confirmed")
            ]
        return sorted(items, key=lambda item: int(item["seq"]))

    def chart(self, platform: str, file_id: str) -> bytes:
        """The PNG bytes of a chart the bot uploaded (the emulators keep what they were sent)."""
        self._platform(platform)
        upload = (self.slack.uploads if platform == "slack" else self.rocketchat.media).get(file_id)
        if upload is None:
            raise UnknownName(file_id)
        raw: bytes = upload["bytes"]
        start = raw.find(_PNG_START)
        end = raw.find(_PNG_END, start)
        if start < 0 or end < 0:
            raise UnknownName(file_id)
        return raw[start : end + 8]  # IEND and its CRC

    def run_weekly(self) -> dict[str, int]:
        """What the schedule does on Monday morning: sync, then the weekly reports. A second run in the same
        week sends nothing new: the ledger already holds every report."""
        settings = self._settings()
        with self._weekly_lock:  # two clicks at once: the second waits, then finds every report sent
            jobs.sync_all(settings=settings)
            summary = jobs.weekly_reports(settings)
        return {"sent": summary.sent, "failed": summary.failed, "skipped": summary.skipped, "already": summary.already}

    def sync(self) -> None:
        jobs.sync_all(settings=self._settings())

    # -- helpers ---------------------------------------------------------------------------------------
    def _backfill_history(self, weeks: int = HISTORY_WEEKS) -> None:
        """The weekly snapshots the bot would have recorded had it run these past weeks (its files carry
        their upload dates), so that the first report already shows growth and a trend chart."""
        settings = self._settings()
        store = open_store(settings.data_dir)
        now = datetime.now(ZoneInfo(settings.timezone))
        for platform, workspace in store.workspaces():
            kept = store.workspace(platform, workspace)
            stats = kept.reports()
            for back in range(weeks, 0, -1):
                then = now - timedelta(weeks=back)
                week = iso_week(then.date())
                for conv, (count, total) in stats.totals_before(then).items():
                    kept.record_snapshot(week, conversation=conv, file_count=count, total_bytes=total, by_type={})

    def _settings(self) -> Settings:
        if self.settings is None:
            raise RuntimeError("the sandbox is not running")
        return self.settings

    def _slack_reply(self, ack: requests.Response, response_url: str) -> list[dict[str, Any]]:
        # Help and usage errors come back in the ack itself; listings and reports at response_url.
        if ack.status_code != 200:
            raise RuntimeError(f"the bot answered {ack.status_code}")
        if ack.content and ack.headers.get("Content-Type", "").startswith("application/json"):
            return [ack.json()]
        try:
            return self._slack.wait_for(response_url, timeout=REPLY_SECONDS)
        finally:
            self.slack.forget_responses(response_url)

    @staticmethod
    def _platform(platform: str) -> None:
        if platform not in PLATFORMS:
            raise UnknownName(platform)

    def _person(self, person: str) -> None:
        if person not in workspaces.EVERYONE:
            raise UnknownName(person)

    def _conversation(self, platform: str, person: str, conversation: str) -> None:
        """Any id may be typed into `/files #…`, but a person can only type in a conversation they are in."""
        if conversation not in {c.id for c in self.conversations(platform, person)}:
            raise UnknownName(conversation)

    @staticmethod
    def _conversation_id(platform: str, where: str) -> str:
        return workspaces.slack_channel_id(where) if platform == "slack" else workspaces.rc_room_id(where)


def _message(recorded: dict[str, Any]) -> dict[str, Any]:
    return {"seq": recorded["seq"], "text": recorded["text"], "blocks": recorded.get("blocks") or []}
