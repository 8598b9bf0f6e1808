"""The demo's two workspaces: one company, "Northwind", on Slack and on Rocket.Chat.

The same people and channels on both platforms, so switching platform in the demo compares like with like:
an admin, channel owners, members and a new hire who is in none of the private channels; public and private
channels, two DMs; a few thousand files of the usual kinds, sizes and ages (more recent than old, a few very
large ones). Everything comes from one seeded random generator: the same seed gives the same workspace.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.sandbox.emulators import rocketchat_api as rc
from bot.sandbox.emulators import slack_api as sl

TEAM_ID = "T0NORTHWIND"
DAY = 86_400


@dataclass(frozen=True)
class Person:
    key: str
    name: str  # the handle: @ada
    admin: bool = False


@dataclass(frozen=True)
class Channel:
    key: str
    name: str
    private: bool
    owner: str
    members: tuple[str, ...]
    share: float  # relative share of the workspace's files

    @property
    def has_bot(self) -> bool:
        """The bot is in every public channel and was invited to #leadership, not to #people-ops."""
        return not self.private or self.key == "leadership"


PEOPLE = (
    Person("ada", "ada", admin=True),  # workspace admin
    Person("omar", "omar"),  # owns #design
    Person("priya", "priya"),  # owns #engineering
    Person("lee", "lee"),  # owns #marketing
    Person("sam", "sam"),
    Person("jo", "jo"),  # the new hire: public channels only
)
EVERYONE = tuple(p.key for p in PEOPLE)
CHANNELS = (
    Channel("general", "general", False, "ada", EVERYONE, 0.14),
    Channel("random", "random", False, "sam", EVERYONE, 0.06),
    Channel("design", "design", False, "omar", ("ada", "omar", "priya", "sam"), 0.26),
    Channel("engineering", "engineering", False, "priya", ("omar", "priya", "sam", "lee"), 0.24),
    Channel("marketing", "marketing", False, "lee", ("ada", "lee", "jo", "sam"), 0.14),
    Channel("leadership", "leadership", True, "ada", ("ada", "omar", "priya", "lee"), 0.08),
    Channel("people-ops", "people-ops", True, "lee", ("ada", "lee"), 0.05),
)
DMS = (("ada", "omar", 0.02), ("priya", "sam", 0.01))

# (how often, name patterns, mime type, Slack filetype, Slack pretty type, typical size in bytes)
KINDS = (
    (18, ("screenshot {date} at {n}.png", "mockup-{word}-v{n}.png", "photo-{n}.png"), "image/png", "png", "PNG", 900e3),
    (9, ("IMG_{n}.jpg", "team-offsite-{n}.jpg", "whiteboard-{word}.jpg"), "image/jpeg", "jpg", "JPEG", 2.5e6),
    (
        14,
        ("{Word} spec v{n}.pdf", "Invoice {n}.pdf", "{Word} report {date}.pdf"),
        "application/pdf",
        "pdf",
        "PDF",
        1.2e6,
    ),
    (6, ("{word}-assets-{n}.zip", "build-{n}.zip", "export-{date}.zip"), "application/zip", "zip", "Zip", 60e6),
    (5, ("{word}-demo-{n}.mp4", "screen-recording-{date}.mp4"), "video/mp4", "mp4", "MPEG 4 Video", 180e6),
    (3, ("{word}-podcast-{n}.mp3", "voice-note-{n}.mp3"), "audio/mpeg", "mp3", "MP3", 8e6),
    (
        8,
        ("{Word} budget {date}.xlsx", "{word}-metrics-{n}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        "Excel Spreadsheet",
        300e3,
    ),
    (6, ("{word}-export-{n}.csv",), "text/csv", "csv", "CSV", 150e3),
    (
        9,
        ("{Word} proposal v{n}.docx", "Meeting notes {date}.docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "Word Document",
        250e3,
    ),
    (
        5,
        ("{Word} review {date}.pptx", "{word}-pitch-v{n}.pptx"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        "PowerPoint Presentation",
        6e6,
    ),
    (7, ("{word}-notes-{n}.txt", "{word}.log"), "text/plain", "text", "Plain Text", 20e3),
)
WORDS = (
    "atlas", "beacon", "cobalt", "delta", "ember", "falcon", "garnet", "harbor", "iris", "juniper",
    "kestrel", "lumen", "meridian", "nimbus", "onyx", "pioneer", "quartz", "redwood", "summit", "tundra",
)  # fmt: skip


@dataclass(frozen=True)
class DemoFile:
    key: int
    name: str
    owner: str
    where: str  # a channel key, or "dm:<a>:<b>"
    size: int
    age_seconds: int
    mime: str
    filetype: str
    pretty: str


def files(count: int, seed: int = 7) -> list[DemoFile]:
    """`count` files, spread over the channels and DMs by their share, uploaded by their members."""
    rng = random.Random(seed)
    places: list[tuple[str, tuple[str, ...], float]] = [(c.key, c.members, c.share) for c in CHANNELS]
    places += [(f"dm:{a}:{b}", (a, b), share) for a, b, share in DMS]
    weights = [w for w, *_ in KINDS]
    made: list[DemoFile] = []
    for key in range(count):
        where, members, _ = rng.choices(places, weights=[p[2] for p in places])[0]
        _, patterns, mime, filetype, pretty, typical = rng.choices(KINDS, weights=weights)[0]
        # Most files are recent; a long tail goes back two years. Sizes are log-normal around the kind's
        # typical size, which gives the few very large files a storage report is for.
        age = int(min(rng.expovariate(1 / 90), 730) * DAY) + rng.randrange(DAY)
        size = max(200, int(rng.lognormvariate(0, 0.9) * typical))
        word = rng.choice(WORDS)
        name = rng.choice(patterns).format(
            n=rng.randrange(1, 400),
            word=word,
            Word=word.title(),
            date=f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        )
        made.append(DemoFile(key, name, rng.choice(members), where, size, age, mime, filetype, pretty))
    return made


# -- Slack --------------------------------------------------------------------------------------------
def slack_user_id(person: str) -> str:
    return f"U0{person.upper()}"


def slack_channel_id(where: str) -> str:
    if where.startswith("dm:"):
        _, a, b = where.split(":")
        return f"D0{a.upper()}{b.upper()}"[:11]
    channel = next(c for c in CHANNELS if c.key == where)
    return f"{'G' if channel.private else 'C'}0{where.upper().replace('-', '')}"[:11]


def seed_slack(fake: sl.FakeSlack, count: int, now: float, seed: int = 7) -> None:
    """The Northwind workspace on the Slack emulator, with `count` files uploaded before `now`."""
    ws = fake.add_workspace(TEAM_ID, "northwind")
    for person in PEOPLE:
        ws.users[slack_user_id(person.key)] = sl.User(slack_user_id(person.key), person.name, person.admin)
    bot = fake.bot_user_id(TEAM_ID)
    for channel in CHANNELS:
        members = {slack_user_id(m) for m in channel.members} | ({bot} if channel.has_bot else set())
        cid = slack_channel_id(channel.key)
        kind = "private" if channel.private else "public"
        ws.conversations[cid] = sl.Conversation(cid, channel.name, kind, members, creator=slack_user_id(channel.owner))
    for a, b, _ in DMS:
        cid = slack_channel_id(f"dm:{a}:{b}")
        ws.conversations[cid] = sl.Conversation(cid, "", "im", {slack_user_id(a), slack_user_id(b)})
    for f in files(count, seed):
        ws.files.append(
            sl.File(
                f"F0{f.key:07d}",
                f.name,
                slack_user_id(f.owner),
                int(now) - f.age_seconds,
                f.size,
                f.mime,
                f.filetype,
                f.pretty,
                [slack_channel_id(f.where)],
            )
        )


# -- Rocket.Chat --------------------------------------------------------------------------------------
BOT_USER = "files.bot"


def rc_user_id(person: str) -> str:
    return f"rc{person.title()}".ljust(17, "0")


def rc_room_id(where: str) -> str:
    if where == "general":
        return "GENERAL"  # #general's id on every Rocket.Chat server
    if where.startswith("dm:"):
        _, a, b = where.split(":")
        return "".join(sorted([rc_user_id(a), rc_user_id(b)]))  # how Rocket.Chat makes DM ids
    return f"rc{where.title().replace('-', '')}".ljust(17, "0")


def seed_rocketchat(fake: rc.FakeRocketChat, count: int, now: float, seed: int = 7) -> str:
    """The Northwind server on the Rocket.Chat emulator; returns the bot account's user id."""
    for person in PEOPLE:
        fake.add_user(rc_user_id(person.key), person.name, roles=["user", "admin"] if person.admin else ["user"])
    bot = rc_user_id("bot")
    # The bot account lists the admins (roles.getUsersInRole), which takes the admin role here.
    fake.add_user(bot, BOT_USER, roles=["user", "bot", "admin"])
    for channel in CHANNELS:
        members = {rc_user_id(m) for m in channel.members} | ({bot} if channel.has_bot else set())
        rid = rc_room_id(channel.key)
        kind = "p" if channel.private else "c"
        fake.rooms[rid] = rc.Room(rid, channel.name, kind, members, owners={rc_user_id(channel.owner)})
    for a, b, _ in DMS:
        rid = rc_room_id(f"dm:{a}:{b}")
        fake.rooms[rid] = rc.Room(rid, "", "d", {rc_user_id(a), rc_user_id(b)})
    for f in files(count, seed + 1):
        fake.files.append(
            rc.File(
                f"rcFile{f.key:011d}",
                f.name,
                rc_room_id(f.where),
                rc_user_id(f.owner),
                f.size,
                f.mime,
                now - f.age_seconds,
            )
        )
    return bot
