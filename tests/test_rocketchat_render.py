from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.platforms.rocketchat import render
from bot.platforms.rocketchat.protocol import validate
from handlers.listing_views import Listing, listing_view
from handlers.names import Names, named
from handlers.query import Kind
from handlers.source import FileInfo, SourceQuery
from handlers.views import Notice


def listing(**kw: object) -> Listing:
    f = FileInfo(
        id="F1",
        name="[click](http://evil) *bold* @all.png",
        title="",
        size=1_234_567,
        mimetype="image/png",
        extension="png",
        type_label="PNG",
        uploader_id="U1",
        uploader_name="ana",
        created=datetime(2026, 3, 4, tzinfo=UTC),
        link="http://chat.example/ufs/F1/x.png",
        conversations=("R1",),
    )
    base = dict(
        query=SourceQuery(conversation_id="R1", kinds=frozenset({Kind.IMAGES})),
        rows=[f],
        page=1,
        pages=2,
        total=11,
        bytes_shown=f.size,
        total_bytes=None,
        scanned=None,
        partial=False,
        prev_token=None,
        next_token="n.q",
        menu_token="m.q",
    )
    base.update(kw)
    return Listing(**base)  # type: ignore[arg-type]


def names(room_id: str) -> str | None:
    return {"R1": "design"}.get(room_id)


def users(user_id: str) -> str | None:
    return {"U1": "ana"}.get(user_id)


def rendered(page: Listing) -> dict:
    return render.render(named(listing_view(page), Names(conversation=names, person=users)))


def test_listing_is_a_valid_answer_with_header_rows_and_controls():
    out = rendered(listing())
    validate("answer", out)
    assert out["surface"] == "contextualBar"
    assert out["text"] == "Images in #design · newest first — page 1 of 2 · 11 files · 1.2 MB on this page"
    row = out["blocks"][2]["text"]["text"]
    assert "@ana" in row and "2026-03-04" in row and "#design" in row and "1.2 MB" in row
    actions = out["blocks"][-1]
    assert actions["blockId"] == "m.q"
    assert [e["actionId"] for e in actions["elements"]] == ["files_next", "files_type"]
    assert actions["elements"][1]["initialValue"] == "images"
    assert all("appId" not in e for e in actions["elements"])  # the App stamps its own


def test_file_names_cannot_inject_links_or_formatting():
    # Rocket.Chat's parser has no escape that works in a link's label (`\\*` still opens bold there):
    # the characters it would read as markup become their fullwidth twins, which it reads as text.
    row = rendered(listing())["blocks"][2]["text"]["text"]
    label = "\uff3bclick\uff3d(http://evil) \uff0abold\uff0a \uff20all.png"
    assert f"*[{label}](http://chat.example/ufs/F1/x.png)*" in row


def test_notice_is_a_notification_with_an_authorize_button():
    out = render.render(Notice("Please *authorize*", authorize_url="https://bot/rocketchat/install"))
    validate("answer", out)
    assert out["surface"] == "notification" and out["text"] == "Please authorize"
    assert out["blocks"][1]["elements"][0]["url"] == "https://bot/rocketchat/install"


def test_unknown_rooms_are_not_named():
    out = rendered(listing(query=SourceQuery(conversation_id="R9")))
    assert "Files in this conversation" in out["text"] and "R9" not in json.dumps(out)


def test_the_name_searched_for_is_escaped_in_the_title_like_any_name():
    out = rendered(listing(query=SourceQuery(conversation_id="R1", name="*x* @all [a](http://evil)")))
    for text in (out["text"], out["blocks"][0]["text"]["text"]):
        assert "named “\uff0ax\uff0a \uff20all \uff3ba\uff3d(http://evil)”" in text  # fullwidth: inert
