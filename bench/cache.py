"""The file cache at scale, and sync under a platform rate limit.

1. Ingest: 1,000,000 synthetic file rows streamed into `cache.sqlite` in pages of 1,000 (each page one
   transaction, as the sync writes them): rows/s and the process's peak RSS.
2. Report queries over those rows (the aggregates the weekly reports run): seconds each, best of 3.
3. Sync under a Tier-3-like limit (50 calls/min, bursts allowed), simulated on a virtual clock: a sync of
   many pages runs while a person uses `/files` every few seconds; counts 429s for both and the longest
   delay a person waited, in limiter slots (one slot = 60/50 s).

Targets (issue #5): ingest ≥ 50,000 rows/s with peak RSS < 300 MB; every report query < 1 s; the sync ends
with zero failed calls and no interactive call delayed by more than one slot.

    .venv/bin/python -m bench.cache [--rows 1000000]
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.services.ratelimit import RateLimiter  # noqa: E402
from bot.services.sync import Syncer  # noqa: E402
from bot.storage import open_store  # noqa: E402
from bot.storage.interface import Store  # noqa: E402
from bot.storage.sqlite import CACHE_FILE  # noqa: E402
from handlers.errors import RateLimited  # noqa: E402
from handlers.records import Conversation  # noqa: E402
from handlers.source import Capabilities, FileInfo, Position, SourcePage, SourceQuery  # noqa: E402

MIMES = ["image/png", "application/pdf", "video/mp4", "application/zip", "text/plain", "audio/mpeg"]
CONVERSATIONS = 200
UPLOADERS = 2_000
PAGE = 1_000
START = datetime(2024, 1, 1, tzinfo=UTC)


def synthetic(i: int, conversation: str = "") -> FileInfo:
    """File `i`; listed, as Slack lists it, with the conversation it is shared in."""
    return FileInfo(
        id=f"F{i:09d}",
        name=f"file-{i}.bin",
        title="",
        size=(i * 7919) % 50_000_000,
        mimetype=MIMES[i % len(MIMES)],
        extension="",
        type_label="",
        uploader_id=f"U{i % UPLOADERS:05d}",
        uploader_name=None,
        created=START + timedelta(seconds=i * 60),
        link=f"https://x/{i}",
        conversations=(conversation,) if conversation else (),
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest(cache: Store, rows: int) -> float:
    workspace = cache.workspace("slack", "T1")
    started = time.perf_counter()
    for page_start in range(0, rows, PAGE):
        conv = f"C{(page_start // PAGE) % CONVERSATIONS:04d}"
        page = (synthetic(i, conv) for i in range(page_start, min(rows, page_start + PAGE)))
        with workspace.transaction():
            workspace.save_files(conv, page, generation=1, now=time.time())
    return rows / (time.perf_counter() - started)


def queries(cache: Store) -> list[tuple[str, float]]:
    workspace = cache.workspace("slack", "T1")
    for c in range(CONVERSATIONS):
        workspace.save_conversation(Conversation(f"C{c:04d}", f"chan-{c}", private=c % 10 == 0))
    cutoff = START + timedelta(days=180)

    def timed(name: str, run, warm=None) -> tuple[str, float]:  # type: ignore[no-untyped-def]
        best = float("inf")
        for _ in range(3):
            data = workspace.reports()  # no memo between runs
            if warm:
                warm(data)  # what an earlier reader of the same run already computed
            t0 = time.perf_counter()
            run(data)
            best = min(best, time.perf_counter() - t0)
        return name, best

    # An admin in none of the private conversations (every tenth): the worst case for what they may not see.
    shown = {f"C{c:04d}" for c in range(CONVERSATIONS) if c % 10}
    return [
        timed("totals by conversation", lambda d: d.totals()),
        timed("by type, one conversation", lambda d: d.by_type("C0007")),
        timed("workspace totals, each file once", lambda d: d.file_totals()),
        timed("by uploader and type, first admin", lambda d: d.breakdown(shown)),
        timed("by uploader and type, each further admin", lambda d: d.breakdown(shown), warm=lambda d: d.breakdown(())),
        timed("10 largest, one conversation", lambda d: d.largest("C0007", 10)),
        timed(
            "cleanup candidates, one conversation",
            lambda d: d.old_and_large("C0007", min_bytes=10_000_000, before=cutoff, limit=10),
        ),
        timed("snapshot bytes + trend", lambda d: (d.previous_bytes("2026-W47"), d.trend())),
    ]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class TierThreeServer:
    """Slack-like method limit: 50 per minute with bursts (a token bucket), on the virtual clock."""

    def __init__(self, clock: Clock, per_minute: int = 50) -> None:
        self.clock, self.capacity, self.rate = clock, float(per_minute), per_minute / 60
        self.tokens, self.updated = float(per_minute), 0.0
        self.rejected = {"sync": 0, "interactive": 0}
        self.served = {"sync": 0, "interactive": 0}

    def call(self, who: str) -> None:
        self.tokens = min(self.capacity, self.tokens + (self.clock() - self.updated) * self.rate)
        self.updated = self.clock()
        if self.tokens < 1:
            self.rejected[who] += 1
            raise RateLimited("429", retry_after=int((1 - self.tokens) / self.rate) + 1)
        self.tokens -= 1
        self.served[who] += 1


class PagedSource:
    """A conversation of `pages` pages behind the limited server; people use /files between pages."""

    capabilities = Capabilities(
        kinds=frozenset(), several_kinds=False, uploader=True, dates=True, name=False, largest=False, max_page_size=100
    )

    def __init__(
        self, server: TierThreeServer, limiter: RateLimiter, clock: Clock, pages: int, person_every: float
    ) -> None:
        self.server, self.limiter, self.clock, self.pages = server, limiter, clock, pages
        self.person_every, self.next_person = person_every, 0.0
        self.person_delays: list[float] = []

    def resolve_conversation(self, ref):  # type: ignore[no-untyped-def]
        return ref.id

    def resolve_user(self, ref):  # type: ignore[no-untyped-def]
        return ref.id

    def people_until(self, end: float) -> None:
        """Serve everyone who types /files before `end`, each at the moment they ask."""
        while self.next_person <= end:
            self.clock.now = max(self.clock.now, self.next_person)
            asked = self.clock.now
            self.limiter.acquire_interactive(("slack", "T1", "files.list"))  # never waits, by design
            self.server.call("interactive")
            self.person_delays.append(self.clock.now - asked)
            self.next_person += self.person_every

    def sleep(self, seconds: float) -> None:
        """The sync's waits pass in virtual time, with people arriving meanwhile."""
        end = self.clock.now + seconds
        self.people_until(end)
        self.clock.now = end

    def _people(self) -> None:
        self.people_until(self.clock.now)

    def fetch(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
        self._people()
        self.server.call("sync")
        files = [synthetic(position.page * count + i) for i in range(count)]
        return SourcePage(files=files, page=position.page, pages=self.pages, total=self.pages * count)


def sync_under_limit(pages: int) -> dict[str, float]:
    clock = Clock()
    server = TierThreeServer(clock)
    source = PagedSource(server, RateLimiter(), clock, pages, person_every=5.0)
    limiter = RateLimiter(clock=clock, sleep=source.sleep, per_minute={"files.list": 50})
    source.limiter = limiter
    with tempfile.TemporaryDirectory() as tmp:
        Syncer(open_store(Path(tmp)), limiter, clock=time.time).sync_conversation(
            "slack", "T1", source, "C1", full=True
        )
    slot = 60 / 50
    return {
        "pages": pages,
        "virtual seconds": clock.now,
        "sync 429s": server.rejected["sync"],
        "interactive calls": len(source.person_delays),
        "interactive 429s": server.rejected["interactive"],
        "max interactive delay (slots)": max(source.person_delays, default=0) / slot,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, SQLite via sqlite-utils")
    with tempfile.TemporaryDirectory() as tmp:
        cache = open_store(Path(tmp))
        rate = ingest(cache, args.rows)
        size_mb = (Path(tmp) / CACHE_FILE).stat().st_size / 1e6
        print(
            f"ingest: {args.rows:,} rows at {rate:,.0f} rows/s; peak RSS {peak_rss_mb():.0f} MB; "
            f"database {size_mb:,.0f} MB"
        )
        for name, seconds in queries(cache):
            print(f"query  {name:<38} {seconds * 1000:8.1f} ms")
    result = sync_under_limit(args.pages)
    print(
        "sync under 50 calls/min: "
        + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items())
    )


if __name__ == "__main__":
    main()
