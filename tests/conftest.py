from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sandbox.emulators.rocketchat_api import FakeRocketChat
from bot.sandbox.emulators.slack_api import Conversation, FakeSlack, File, User
from bot.services import ratelimit
from bot.services.ratelimit import RateLimiter
from tests.clocks import ManualClock
from tests.rocketchat_app_build import app_installed, app_zip, engine_installed  # noqa: F401 (session fixtures)
from tests.rocketchat_harness import APP_SECRET, BridgeDriver
from tests.slack_harness import SIGNING_SECRET, SlackDriver, running_bot

TEAM = "T0ACME"
ANA, BEN, CAT = "U0ANA", "U0BEN", "U0CAT"
GENERAL, DESIGN, SECRET, DM = "C0GENERAL", "C0DESIGN", "G0SECRET", "D0ANABEN"
DAY = 86_400
BASE_TS = 1_780_000_000  # 2026-05-28


def seed(fake: FakeSlack) -> None:
    """A small workspace: 25 files in #general (three pages), typed files in #design, a private group
    with recognisable file names, and a DM."""
    ws = fake.add_workspace(TEAM, "acme")
    for uid, name, admin in ((ANA, "ana", True), (BEN, "ben", False), (CAT, "cat", False)):
        ws.users[uid] = User(uid, name, admin)
    bot = fake.bot_user_id(TEAM)  # the bot is in #general and #design, not in the private #secret
    ws.conversations[GENERAL] = Conversation(GENERAL, "general", "public", {ANA, BEN, CAT, bot}, creator=ANA)
    ws.conversations[DESIGN] = Conversation(DESIGN, "design", "public", {ANA, BEN, bot}, creator=BEN)
    ws.conversations[SECRET] = Conversation(SECRET, "secret", "private", {ANA, BEN}, creator=ANA)
    ws.conversations[DM] = Conversation(DM, "", "im", {ANA, BEN})
    for i in range(25):
        ws.files.append(
            File(
                f"F0GEN{i:03d}",
                f"notes-{i:02d}.txt",
                [ANA, BEN, CAT][i % 3],
                BASE_TS + i * DAY,
                1_000 * (i + 1),
                "text/plain",
                "text",
                "Plain Text",
                [GENERAL],
            )
        )
    design = [
        ("F0DES001", "logo.png", ANA, 2_400_000, "image/png", "png", "PNG"),
        ("F0DES002", "spec.pdf", BEN, 800_000, "application/pdf", "pdf", "PDF"),
        ("F0DES003", "mockups.zip", ANA, 95_000_000, "application/zip", "zip", "Zip"),
        ("F0DES004", "demo.mp4", BEN, 40_000_000, "video/mp4", "mp4", "MPEG 4 Video"),
        ("F0DES005", "Quarterly Report.pdf", ANA, 3_100_000, "application/pdf", "pdf", "PDF"),
    ]
    for n, (fid, name, user, size, mime, ftype, pretty) in enumerate(design):
        ws.files.append(File(fid, name, user, BASE_TS + (30 + n) * DAY, size, mime, ftype, pretty, [DESIGN]))
    for n in range(3):
        ws.files.append(
            File(
                f"F0SEC00{n}",
                f"secret-plan-{n}.pdf",
                ANA,
                BASE_TS + (40 + n) * DAY,
                7_000_000 + n,
                "application/pdf",
                "pdf",
                "PDF",
                [SECRET],
            )
        )
    ws.files.append(
        File("F0DM0001", "just-for-ben.png", ANA, BASE_TS + 50 * DAY, 12_345, "image/png", "png", "PNG", [DM])
    )


SECRET_MARKERS = ("secret-plan", "F0SEC", "just-for-ben", "F0DM0001")


@pytest.fixture(autouse=True)
def fresh_rate_limiter() -> Iterator[None]:
    """The process-wide limiter is per bot process; each test is a fresh bot."""
    ratelimit._shared = None
    yield
    ratelimit._shared = None


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        seed(fake)
        yield fake


@pytest.fixture
def bot_env(fake_slack: FakeSlack, tmp_path: Path) -> dict[str, str]:
    return {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_CLIENT_ID": fake_slack.client_id,
        "SLACK_CLIENT_SECRET": fake_slack.client_secret,
        "SLACK_API_URL": fake_slack.api_url,
        "FILES_BOT_DATA_DIR": str(tmp_path / "data"),
    }


@pytest.fixture
def slack(fake_slack: FakeSlack, bot_env: dict[str, str]) -> Iterator[SlackDriver]:
    with running_bot(bot_env) as url:
        yield SlackDriver(bot_url=url, fake=fake_slack, team_id=TEAM, secret=SIGNING_SECRET)


# -- Rocket.Chat ------------------------------------------------------------------------------------------
@pytest.fixture
def rc_clock() -> ManualClock:
    """The clock of Rocket.Chat's rate limiter (the emulator's) and of the bot's model of it: windows open
    and reset for both at once, when a test advances it."""
    return ManualClock()


@pytest.fixture
def fake_rc(rc_clock: ManualClock) -> Iterator[FakeRocketChat]:
    """The emulated Rocket.Chat, with its default rate limiter on (10 calls a minute per route)."""
    from tests.rocketchat_harness import seed as seed_rc

    with FakeRocketChat() as fake:
        fake.rate_limiter.clock = rc_clock
        seed_rc(fake)
        yield fake


@pytest.fixture
def rc_env(fake_rc: FakeRocketChat, tmp_path: Path) -> dict[str, str]:
    from tests.rocketchat_harness import ADMIN, APP_SECRET

    return {
        "ROCKETCHAT_URL": fake_rc.base_url,
        "ROCKETCHAT_APP_SECRET": APP_SECRET,
        "ROCKETCHAT_OAUTH_CLIENT_ID": fake_rc.client_id,
        "ROCKETCHAT_OAUTH_CLIENT_SECRET": fake_rc.client_secret,
        "ROCKETCHAT_BOT_USER_ID": ADMIN,
        "ROCKETCHAT_BOT_TOKEN": fake_rc.personal_access_token(ADMIN),
        "FILES_BOT_DATA_DIR": str(tmp_path / "data"),
    }


@pytest.fixture
def rc(fake_rc: FakeRocketChat, rc_env: dict[str, str], rc_clock: ManualClock) -> Iterator[BridgeDriver]:
    ratelimit._shared = RateLimiter(clock=rc_clock, sleep=rc_clock.sleep)  # the bot process's limiter
    with running_bot(rc_env) as url:
        yield BridgeDriver(bot_url=url, fake=fake_rc, secret=APP_SECRET)
