from __future__ import annotations

import json
from datetime import UTC, date, datetime

from slack_sdk.models.blocks import Block

from bot.platforms.slack import render
from handlers.listing_views import Listing, listing_view
from handlers.query import Kind
from handlers.source import FileInfo, SourceQuery
from handlers.views import Notice


def listing(**kw: object) -> Listing:
    f = FileInfo(
        id="F1",
        name="<!channel> a|b & <@U9>.png",
        title="",
        size=1_234_567,
        mimetype="image/png",
        extension="png",
        type_label="PNG",
        uploader_id="U1",
        uploader_name=None,
        created=datetime(2026, 3, 4, tzinfo=UTC),
        link="https://x.example/f",
        conversations=("C1",),
    )
    base = dict(
        query=SourceQuery(conversation_id="C1", kinds=frozenset({Kind.IMAGES}), since=date(2026, 1, 1)),
        rows=[f],
        page=2,
        pages=7,
        total=63,
        bytes_shown=f.size,
        total_bytes=1_200_000_000,
        scanned=None,
        partial=False,
        prev_token="p.q",
        next_token="n.q",
        menu_token="m.q",
    )
    base.update(kw)
    return Listing(**base)  # type: ignore[arg-type]


def rendered(page: Listing) -> dict:
    return render.render(listing_view(page))


def test_listing_header_rows_and_controls():
    out = rendered(listing())
    assert out["text"].endswith("page 2 of 7 · 63 files · 1.2 GB")
    assert out["text"].startswith("Images in <#C1> · since 2026-01-01 · newest first")
    blocks = out["blocks"]
    row = blocks[2]["text"]["text"]
    assert "1.2 MB" in row and "PNG" in row and "<@U1>" in row and "<#C1>" in row and "<!date^" in row
    actions = blocks[-1]
    assert actions["block_id"] == "m.q"
    assert [e["action_id"] for e in actions["elements"]] == ["files_prev", "files_next", "files_type"]
    assert actions["elements"][2]["initial_option"]["value"] == "images"
    for b in blocks:
        assert Block.parse(b) is not None


def test_file_names_cannot_inject_mentions_or_links():
    row = rendered(listing())["blocks"][2]["text"]["text"]
    assert "<!channel>" not in row and "<@U9>" not in row
    assert "&lt;!channel&gt; a¦b &amp; &lt;@U9&gt;.png" in row


def test_non_https_links_are_not_linked():
    f = listing().rows[0]
    from dataclasses import replace

    row = rendered(listing(rows=[replace(f, link="javascript:alert(1)")]))["blocks"][2]["text"]["text"]
    assert "javascript:" not in row


def test_menu_is_left_out_when_its_state_is_too_long_for_a_block_id():
    actions = rendered(listing(menu_token="x" * 300))["blocks"][-1]
    assert "block_id" not in actions and [e["action_id"] for e in actions["elements"]] == ["files_prev", "files_next"]


def test_unknown_total_size_says_on_this_page_and_partial_is_explained():
    out = rendered(listing(total_bytes=None, pages=None, total=None, partial=True, scanned=1000))
    assert "page 2 of many · 1.2 MB on this page" in out["text"]
    assert "Partial results: I checked the 1,000 newest" in json.dumps(out, ensure_ascii=False)


def test_empty_listing_suggests_wider_filter():
    out = rendered(listing(rows=[], total=0, pages=1, prev_token=None, next_token=None))
    assert "No files match. Try a wider date range" in json.dumps(out, ensure_ascii=False)


def test_empty_listing_suggests_everywhere_only_when_not_already_everywhere():
    empty = dict(rows=[], total=0, pages=1, prev_token=None, next_token=None)
    in_channel = rendered(listing(query=SourceQuery(conversation_id="C1", name="x"), **empty))
    assert "drop the type or name, or use `everywhere`" in json.dumps(in_channel)
    everywhere = rendered(listing(query=SourceQuery(conversation_id=None, name="x"), **empty))
    assert "drop the type or name." in json.dumps(everywhere) and "everywhere`" not in json.dumps(everywhere)


def test_notice_with_authorize_button():
    out = render.render(Notice("Please authorize", authorize_url="https://bot.example/slack/install"))
    button = out["blocks"][1]["elements"][0]
    assert button["url"] == "https://bot.example/slack/install" and button["action_id"] == "files_authorize"
