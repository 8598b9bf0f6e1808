"""The packaged Rocket.Chat App in the real Apps-Engine server runtime, against the real files-bot server.

`npm run package` builds the zip an admin uploads; `rocketchat-app/engine-test/harness.js` loads it into the
engine's AppManager (package parser, compiler, Deno sandbox, permission checks on), enables it, and plays the
Rocket.Chat server and client around it: `/files` goes through the engine's slash-command manager, clicks
and a closed contextual bar through its listener manager, exactly as Rocket.Chat's client sends them. The
App's HTTP requests reach the real bot server (with the emulated Rocket.Chat behind it); what the engine
hands to the UI and notification bridges is recorded and checked here.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.emulators.rocketchat_api import FakeRocketChat
from bot.sandbox.emulators.rocketchat_driver import BridgeDriver
from tests.apps_engine import VIEW_CONTAINER, EngineError, EngineHost, Outcome, engine_host
from tests.rocketchat_app_build import APP, ENGINE_TEST
from tests.rocketchat_harness import ANA, APP_SECRET, BEN, DESIGN, GENERAL, USERNAMES

UNREACHABLE = "files-bot could not be reached just now. Please try again in a minute."


def rooms_of(fake: FakeRocketChat) -> list[dict[str, Any]]:
    return [{"id": room.id, "name": room.name or None, "type": room.t} for room in fake.rooms.values()]


@pytest.fixture
def engine(engine_installed: None) -> Iterator[EngineHost]:
    with engine_host() as host:
        yield host


def install(engine: EngineHost, zip_path: Path, rc: BridgeDriver, **kwargs: Any) -> Outcome:
    return engine.install(
        zip_path,
        users=USERNAMES,
        rooms=rooms_of(rc.fake),
        settings={"bot_url": rc.bot_url, "shared_secret": APP_SECRET},
        **kwargs,
    )


def only(items: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(items) == 1, items
    return items[0]


def file_names(blocks: list[dict[str, Any]]) -> list[str]:
    texts = json.dumps([b.get("text", {}).get("text", "") for b in blocks], ensure_ascii=False)
    return re.findall(r"\*\[((?:[^\]\\]|\\.)+)\]\(", texts)


def element(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for el in block.get("elements", []) if block["type"] == "actions" else []:
            if el.get("actionId") == action_id:
                return el
    raise KeyError(action_id)


# -- loading --------------------------------------------------------------------------------------------------
def test_the_engine_loads_and_enables_the_packaged_app(engine, app_zip, rc):
    installed = install(engine, app_zip, rc)
    info = installed.result
    assert info["status"] in ("auto_enabled", "manually_enabled")
    assert info["requiredApiVersion"] == "^1.53.1"
    assert info["granted"] == info["declared"]  # what the upload dialog showed, nothing more
    assert not installed.of("refused")


def test_an_exact_api_pin_is_refused_and_the_declared_range_admits_later_engines(engine, app_zip, rc, tmp_path):
    pinned = tmp_path / "pinned.zip"
    with zipfile.ZipFile(app_zip) as original, zipfile.ZipFile(pinned, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "app.json":
                data = json.dumps({**json.loads(data), "requiredApiVersion": "1.66.0"}).encode()
            copy.writestr(item, data)
    with pytest.raises(EngineError, match="RequiredApiVersion"):
        install(engine, pinned, rc)
    admitted = semver_satisfies(["1.53.1", "1.62.0", "1.66.0", "1.66.1", "1.67.0", "1.53.0", "2.0.0"], "^1.53.1")
    assert admitted == [True, True, True, True, True, False, False]


def semver_satisfies(versions: list[str], declared: str) -> list[bool]:
    """The engine's own check (`semver.satisfies(engineVersion, requiredApiVersion)`), with its semver."""
    script = (
        "const s = require('semver'); const [versions, range] = [JSON.parse(process.argv[1]), process.argv[2]];"
        "console.log(JSON.stringify(versions.map((v) => s.satisfies(v, range))))"
    )
    result = subprocess.run(
        ["node", "-e", script, json.dumps(versions), declared],
        cwd=ENGINE_TEST,
        capture_output=True,
        text=True,
        check=True,
    )
    answer: list[bool] = json.loads(result.stdout)
    return answer


# -- /files, clicks and a closed bar --------------------------------------------------------------------------
def test_files_opens_the_contextual_bar_and_clicks_update_it(engine, app_zip, rc):
    install(engine, app_zip, rc)
    rc.authorize(ANA)
    opened = engine.command(ANA, GENERAL)
    ui = only(opened.of("ui"))
    assert ui["user"] == ANA and ui["interaction"]["type"] == "contextual_bar.open"
    view = ui["interaction"]["view"]
    assert view["id"] == "files-bot-files" and view["appId"] == engine.app_id
    assert file_names(view["blocks"]) == [f"notes-{i:02d}.txt" for i in range(24, 14, -1)]
    assert [h["url"] for h in opened.of("http")] == [f"{rc.bot_url}/rocketchat/command"]
    assert not opened.of("notification") and not opened.of("refused")
    in_bar = {"type": VIEW_CONTAINER, "id": view["id"]}

    nxt = element(view["blocks"], "files_next")
    assert nxt["appId"] == engine.app_id  # stamped, so the click comes back to this App
    page2 = engine.block_action(
        ANA, GENERAL, action_id="files_next", block_id=nxt["blockId"], value=nxt["value"], container=in_bar
    )
    assert page2.result["type"] == "contextual_bar.update" and page2.result["success"] is True
    assert file_names(page2.result["view"]["blocks"]) == [f"notes-{i:02d}.txt" for i in range(14, 4, -1)]
    assert not page2.of("ui") and not page2.of("notification")

    prev = element(page2.result["view"]["blocks"], "files_prev")
    page1 = engine.block_action(
        ANA, GENERAL, action_id="files_prev", block_id=prev["blockId"], value=prev["value"], container=in_bar
    )
    assert file_names(page1.result["view"]["blocks"]) == file_names(view["blocks"])

    design = only(engine.command(ANA, DESIGN).of("ui"))["interaction"]["view"]
    menu = element(design["blocks"], "files_type")
    images = engine.block_action(
        ANA, DESIGN, action_id="files_type", block_id=menu["blockId"], value="images", container=in_bar
    )
    assert file_names(images.result["view"]["blocks"]) == ["logo.png"]

    closed = engine.view_closed(ANA, page1.result["view"])
    assert closed.result == {"success": True}
    assert not closed.of("http") and not closed.of("ui") and not closed.of("notification")


def test_a_person_not_yet_authorized_gets_a_notification_and_the_authorize_click_shows_nothing(engine, app_zip, rc):
    install(engine, app_zip, rc)
    offered = engine.command(BEN, GENERAL)
    note = only(offered.of("notification"))
    assert note["user"] == BEN and "Authorize me once" in note["message"]["text"]
    assert note["message"]["room"]["id"] == GENERAL
    button = element(note["message"]["blocks"], "files_authorize")
    assert button["url"] == f"{rc.bot_url}/rocketchat/install" and button["appId"] == engine.app_id

    clicked = engine.block_action(
        BEN,
        GENERAL,
        action_id="files_authorize",
        block_id=button["blockId"],
        value=None,
        container={"type": "message", "id": "ephemeral-notification"},
    )
    assert clicked.result == {"success": True}
    assert not clicked.of("notification") and not clicked.of("ui")
    assert not clicked.logged("error")


# -- permissions ------------------------------------------------------------------------------------------------
DECLARED = ["slashcommand", "networking", "ui.interact", "message.write"]


def test_the_app_declares_exactly_the_permissions_it_uses():
    app_json = json.loads((APP / "app.json").read_text())
    assert [p["name"] for p in app_json["permissions"]] == DECLARED


@pytest.mark.parametrize("withheld", DECLARED)
def test_without_any_one_declared_permission_the_engine_refuses_a_call(engine, app_zip, rc, withheld):
    granted = [{"name": name} for name in DECLARED if name != withheld]
    installed = install(engine, app_zip, rc, permissions=granted)
    if withheld == "slashcommand":
        refusals = installed.of("refused")
        assert refusals and all(e["permissions"] == [withheld] for e in refusals), refusals
        assert installed.result["commands"] == []  # Rocket.Chat was never asked to register /files
        with pytest.raises(EngineError, match="knows no /files command"):
            engine.command(ANA, GENERAL)
        return
    assert installed.result["commands"] == ["files"] and not installed.of("refused")
    rc.authorize(ANA)
    listing = engine.command(ANA, GENERAL)  # HTTP, then the contextual bar
    offer = engine.command(BEN, GENERAL)  # HTTP, then a notification
    refused = [e["permissions"] for step in (listing, offer) for e in step.of("refused")]
    assert refused and all(missing == [withheld] for missing in refused), refused
    if withheld == "networking":
        assert not listing.of("http") and only(listing.of("notification"))["message"]["text"] == UNREACHABLE
    if withheld == "ui.interact":
        assert listing.of("http") and not listing.of("ui")
    if withheld == "message.write":
        assert offer.of("http") and not offer.of("notification")


# -- failures ---------------------------------------------------------------------------------------------------
@pytest.fixture
def silent_bot() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


def test_a_bot_that_never_answers_gets_the_person_the_unreachable_notice(engine, app_zip, rc, silent_bot):
    engine.install(
        app_zip,
        users=USERNAMES,
        rooms=rooms_of(rc.fake),
        settings={"bot_url": silent_bot, "shared_secret": APP_SECRET},
    )
    waited = engine.command(ANA, GENERAL)
    assert only(waited.of("notification"))["message"]["text"] == UNREACHABLE
    assert any("did not answer" in line for line in waited.logged("error"))


def test_when_the_bar_cannot_open_the_first_page_comes_as_a_notification(engine, app_zip, rc):
    install(engine, app_zip, rc)
    rc.authorize(ANA)
    engine.call("fault", ui="Invalid app provided")
    fallback = engine.command(ANA, GENERAL)
    note = only(fallback.of("notification"))
    assert note["user"] == ANA and "page 1 of 3" in note["message"]["text"]
    blocks = note["message"]["blocks"]
    assert file_names(blocks) == [f"notes-{i:02d}.txt" for i in range(24, 14, -1)]
    assert not any(b["type"] == "actions" for b in blocks)
