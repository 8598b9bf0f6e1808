"""`files-bot demo` without a browser: the README's run command falls back to it, the seeded workspaces are
realistic, the page's API drives the real bot, and what a person sees changes with who they are."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.process.config import Settings
from bot.sandbox.demo import workspaces
from bot.sandbox.demo.sandbox import Sandbox
from bot.sandbox.demo.web import create_page
from bot.services import ratelimit
from bot.services.ratelimit import RateLimiter
from tests.clocks import ManualClock
from tests.demo_process import demo_process
from tests.readable import readable

ROOT = Path(__file__).resolve().parents[1]
LEADERSHIP_SLACK = workspaces.slack_channel_id("leadership")
LEADERSHIP_RC = workspaces.rc_room_id("leadership")


@pytest.fixture(scope="module")
def rc_minutes() -> ManualClock:
    """The clock of the emulated Rocket.Chat's rate limiter and of the bot's model of it."""
    return ManualClock()


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory, rc_minutes: ManualClock) -> Iterator[Sandbox]:
    ratelimit._shared = RateLimiter(clock=rc_minutes, sleep=rc_minutes.sleep)  # the demo bot's, from its start
    with Sandbox(tmp_path_factory.mktemp("demo")) as sandbox:
        sandbox.rocketchat.rate_limiter.clock = rc_minutes
        yield sandbox


@pytest.fixture(autouse=True)
def a_minute_apart(rc_minutes: ManualClock) -> None:
    """The tests share one demo, as a visitor's clicks would, but a minute apart: Rocket.Chat's default
    rate limiter (10 calls a minute per endpoint, for everyone the bot acts for) starts afresh for each."""
    rc_minutes.advance(61)


@pytest.fixture(scope="module")
def page(box: Sandbox):  # the demo page's Flask app, in-process
    return create_page(box).test_client()


def file_ids(messages: list[dict]) -> set[str]:
    """The ids of the files linked in replies (names repeat across channels; ids don't)."""
    return set(re.findall(r"\b(F0\d{7}|rcFile\d{11})\b", str(messages)))


# -- the README's first command ---------------------------------------------------------------------------
def test_serve_without_credentials_starts_the_demo_in_a_temporary_data_dir():
    with demo_process(["serve", "--port", "0"]) as demo:
        assert "no Slack or Rocket.Chat credentials are set, so this is the demo" in demo.output
        assert "files-bot-demo-" in demo.data_dir.name and demo.data_dir.is_dir()
        world = requests.get(f"{demo.url}api/world", timeout=10).json()
        assert [p["key"] for p in world["people"] if p["admin"]] == ["ada"]
    assert not demo.data_dir.exists(), "the temporary data dir outlived the demo"


def test_a_taken_port_gets_a_clear_message_not_a_traceback(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "bot", "demo", "--port", str(port), "--data-dir", str(tmp_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_any_platform_setting_means_serve_the_platforms_not_the_demo():
    assert not Settings.from_env({}).has_credentials
    assert Settings.from_env({"SLACK_SIGNING_SECRET": "x"}).has_credentials
    assert Settings.from_env({"ROCKETCHAT_URL": "https://chat.example"}).has_credentials
    assert not Settings.from_env({"FILES_BOT_DATA_DIR": "/tmp/x", "PORT": "3001"}).has_credentials


# -- the seeded workspaces --------------------------------------------------------------------------------
def test_the_seed_is_a_realistic_workspace_and_the_same_every_time(box: Sandbox):
    assert workspaces.files(300) == workspaces.files(300)
    ws = box.slack.workspaces[workspaces.TEAM_ID]
    kinds = Counter(c.kind for c in ws.conversations.values())
    assert kinds["public"] == 5 and kinds["private"] == 2 and kinds["im"] >= 2
    assert len(ws.files) == 3000 and len(box.rocketchat.files) == 2000
    assert len({f.filetype for f in ws.files}) >= 8
    sizes = sorted(f.size for f in ws.files)
    assert sizes[0] < 50_000 and sizes[-1] > 500_000_000  # small notes to very large videos
    ages = sorted(f.created for f in ws.files)
    assert ages[-1] - ages[0] > 180 * 86_400  # months of history
    assert [u.name for u in ws.users.values() if u.is_admin] == ["ada"]


# -- what a person sees -------------------------------------------------------------------------------------
@pytest.mark.parametrize("platform, leadership", [("slack", LEADERSHIP_SLACK), ("rocketchat", LEADERSHIP_RC)])
def test_visibility_changes_with_the_person(box: Sandbox, platform: str, leadership: str):
    general = workspaces.slack_channel_id("general") if platform == "slack" else workspaces.rc_room_id("general")
    assert leadership in {c.id for c in box.conversations(platform, "ada")}
    assert leadership not in {c.id for c in box.conversations(platform, "jo")}
    as_ada = box.command(platform, "ada", leadership, "largest")
    seen = file_ids(as_ada)
    assert len(seen) == 10, as_ada
    ref = f"<#{leadership}>" if platform == "slack" else "#leadership"
    as_jo = box.command(platform, "jo", general, f"{ref} largest")
    assert file_ids(as_jo) == set() and "can't find" in str(as_jo)
    everywhere = box.command(platform, "jo", general, "everywhere largest")
    assert file_ids(everywhere) and not file_ids(everywhere) & seen
    with pytest.raises(LookupError):  # Jo cannot type in a channel she is not in
        box.command(platform, "jo", leadership, "")


@pytest.mark.parametrize("platform", ["slack", "rocketchat"])
def test_next_and_the_type_menu_go_through_the_bot(box: Sandbox, platform: str):
    where = workspaces.slack_channel_id("design") if platform == "slack" else workspaces.rc_room_id("design")
    [first] = box.command(platform, "omar", where, "")
    blocks = first["blocks"]
    actions = next(b for b in blocks if b["type"] == "actions")
    block_id = actions.get("block_id") or actions.get("blockId")
    button = next(e for e in actions["elements"] if (e.get("action_id") or e.get("actionId")) == "files_next")
    [second] = box.act(
        platform, "omar", where, {"action_id": "files_next", "block_id": block_id, "value": button["value"]}
    )
    assert "page 2 of" in str(second) and file_ids([second]) != file_ids([first])
    [images] = box.act(platform, "omar", where, {"action_id": "files_type", "block_id": block_id, "selected": "images"})
    assert "image" in str(images).lower() and file_ids([images])
    # A button value is untrusted: the same click by someone else is refused, not replayed as Omar.
    [stolen] = box.act(platform, "jo", workspaces.slack_channel_id("general") if platform == "slack" else "GENERAL",
                       {"action_id": "files_next", "block_id": block_id, "value": button["value"]})  # fmt: skip
    assert not file_ids([stolen])


def test_the_weekly_schedule_sends_reports_with_a_chart_once_per_week(box: Sandbox):
    first = box.run_weekly()
    assert first["sent"] > 0 and first["failed"] == 0
    assert box.run_weekly() == {"sent": 0, "failed": 0, "skipped": 0, "already": first["sent"]}
    for platform in ("slack", "rocketchat"):
        inbox = box.inbox(platform, "ada")
        texts = " ".join(readable(item) for item in inbox)
        assert "Workspace storage report" in texts and "Weekly storage report for #leadership" in texts
        assert re.search(r"\+[\d.]+ [kMG]?B", texts), "the backfilled history gives growth"
        [image] = [block for item in inbox for block in item["blocks"] if block["type"] == "image"]
        if platform == "slack":  # an upload of the bot's, named by id; the bot serves Rocket.Chat's itself
            png = box.chart(platform, image["slack_file"]["id"])
        else:
            png = requests.get(image["imageUrl"], timeout=30).content
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        jo = " ".join(readable(item) for item in box.inbox(platform, "jo"))
        assert "leadership" not in jo  # Jo is no admin and owns nothing: no reports, and none about it


# -- the page's API -----------------------------------------------------------------------------------------
def test_the_page_api_translates_and_refuses_what_a_client_could_not_do(page):
    assert page.get("/").status_code == 200 and b"files-bot demo" in page.get("/").data
    assert page.get("/static/app.js").status_code == 200
    people = page.get("/api/world").get_json()["people"]
    assert {p["key"] for p in people} == set(workspaces.EVERYONE)
    convs = page.get("/api/conversations?platform=slack&person=jo").get_json()["conversations"]
    assert {c["kind"] for c in convs} == {"public"}
    reply = page.post(
        "/api/command",
        json={"platform": "slack", "person": "jo", "conversation": "C0GENERAL", "text": "/files help"},
    )
    assert reply.status_code == 200 and "lists the files you can see" in str(reply.get_json())
    hidden = page.post(
        "/api/command", json={"platform": "slack", "person": "jo", "conversation": LEADERSHIP_SLACK, "text": ""}
    )
    assert hidden.status_code == 404
    assert page.get("/api/conversations?platform=irc&person=jo").status_code == 404
    assert page.get("/api/inbox?platform=slack&person=mallory").status_code == 404
    assert page.post("/api/command", json={"platform": "irc", "person": "jo"}).status_code == 404
    assert page.post("/api/action", json={"platform": "slack", "person": "jo", "action": "x"}).status_code == 404
    assert page.get("/api/chart/slack/F0NOPE").status_code == 404
