"""Every UIKit block the bot can return type-checks against @rocket.chat/ui-kit.

Each reply kind in tests/rocketchat_reply_kinds.py (worst cases included), plus listings of arbitrary names
drawn by hypothesis, is written into a generated TypeScript file as `const blocks: BotBlock[] = …` — the
App's own type: ui-kit's `LayoutBlock` less the ids the App stamps on interactive elements — and `tsc
--noEmit` checks it with the App's compiler and ui-kit version.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.platforms.rocketchat import render
from handlers.listing_views import listing_view
from handlers.names import Names, named
from handlers.records import Conversation, StoredFile
from handlers.report_views import channel_view
from handlers.reports import ChannelReport
from handlers.source import SourceQuery
from handlers.views import Notice
from tests.rocketchat_app_build import APP
from tests.rocketchat_reply_kinds import Answer, file_row, listing, reply_kinds

CHECK_DIR = APP / "build-uikit-check"


def typescript(answers: dict[str, Answer]) -> str:
    lines = ["import type { BotBlock } from '../src/bridge';", ""]
    for n, (name, answer) in enumerate(answers.items()):
        lines.append(f"// {json.dumps(name)}")
        # ASCII escapes: TypeScript 5.0 ends a string literal at a raw U+2028/U+2029, which JSON allows.
        lines.append(f"export const blocks{n}: BotBlock[] = {json.dumps(answer['blocks'])};")
    return "\n".join(lines) + "\n"


def type_check(answers: dict[str, Answer], name: str) -> subprocess.CompletedProcess[str]:
    CHECK_DIR.mkdir(exist_ok=True)
    source = CHECK_DIR / f"{name}.ts"
    source.write_text(typescript(answers), encoding="utf-8")
    return subprocess.run(
        [str(APP / "node_modules" / ".bin" / "tsc"), *TSC_OPTIONS, str(source)],
        cwd=APP,
        capture_output=True,
        text=True,
        timeout=300,
    )


TSC_OPTIONS = ["--noEmit", "--strict", "--target", "es2017", "--module", "commonjs", "--moduleResolution", "node"]
TSC_OPTIONS += ["--skipLibCheck", "--types", "node"]


def names() -> st.SearchStrategy[str]:
    return st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=255)


def hypothesis_answers(count: int) -> dict[str, Answer]:
    """`count` listings and as many channel reports of arbitrary file, user and room names (drawn once, then
    checked in one tsc run)."""
    drawn: dict[str, Answer] = {}

    @settings(max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(file_name=names(), user=names(), room=names(), link=st.sampled_from(["https://x/y", "ftp://x", ""]))
    @example(file_name="line\u2028separators\u2029", user="u\u2028", room="r\u2029", link="https://x/y")
    def draw(file_name: str, user: str, room: str, link: str) -> None:
        page = listing(SourceQuery(conversation_id="R1"), rows=[file_row(1, file_name, link=link)], pages=2)
        names = Names(conversation=lambda _: room, person=lambda _: user)
        drawn[f"hypothesis {len(drawn)}"] = render.render(named(listing_view(page), names))
        files = [StoredFile("F1", file_name, 1, "pdfs", "U1", datetime(2020, 1, 1, tzinfo=UTC), link)]
        report = ChannelReport(Conversation("R1", room, private=False), "2026-W48", 1, 1, None, {}, files, files)
        drawn[f"hypothesis {len(drawn)}"] = render.report(named(channel_view(report), names), None)

    draw()
    return drawn


def test_every_reply_kind_type_checks_as_ui_kit_blocks(app_installed: None) -> None:
    answers = {name: make() for name, make in reply_kinds().items()}
    answers.update(hypothesis_answers(25))
    result = type_check(answers, "replies")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


@pytest.mark.parametrize(
    ("malformed", "why"),
    [
        ({"type": "actions", "elements": []}, "an actions block without the blockId its elements get"),
        ({"type": "section", "text": {"type": "markdown", "text": "x"}}, "a text object of no known type"),
        ({"type": "divider", "text": "x"}, "a field the block does not have"),
        ({"type": "actions", "blockId": "b", "elements": [{"type": "button", "actionId": "a"}]}, "a button w/o text"),
    ],
)
def test_a_malformed_block_fails_the_check(app_installed: None, malformed: dict[str, Any], why: str) -> None:
    notice = render.render(Notice("x"))
    answer = {**notice, "blocks": [*notice["blocks"], malformed]}
    result = type_check({why: answer}, "malformed")
    assert result.returncode != 0, why
    assert "malformed.ts" in result.stdout


def test_the_generated_file_is_not_committed() -> None:
    assert "rocketchat-app/build-uikit-check/" in (Path(__file__).parents[1] / ".gitignore").read_text()
