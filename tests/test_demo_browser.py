"""`files-bot demo` in a real browser: headless Debian Chromium driven by Playwright, as a person would use it.

Skipped (with the reason) where no Chromium is installed; `python -m tests.browser` in the README's test
command installs it where it can. Screenshots go to `test-artifacts/` (or $FILES_BOT_TEST_ARTIFACTS).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sandbox.demo import workspaces
from tests import browser
from tests.demo_process import demo_process

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(os.environ.get("FILES_BOT_TEST_ARTIFACTS") or ROOT / "test-artifacts")
CHROMIUM = browser.find()
# Without the background-networking flags Chromium keeps dialling Google on a machine with no internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STEP_MS = 20_000
WEEKLY_MS = 120_000  # a sync of both workspaces, then every report and the charts

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on this machine: install Debian's chromium package (`python -m tests.browser` does, as root)",
)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`files-bot demo --port 0` as its own process, with no platform credentials in its environment."""
    data = str(tmp_path_factory.mktemp("demo-data"))
    with demo_process(["demo", "--port", "0"], {"FILES_BOT_DATA_DIR": data}) as demo:
        yield demo.url


def _largest_file_in(channel: str) -> str:
    """The name of the largest file the demo seeds into `channel` on Slack and nowhere else under that name
    (the seed is deterministic)."""
    seeded = workspaces.files(3000)
    elsewhere = {f.name for f in seeded if f.where != channel}
    return max((f for f in seeded if f.where == channel and f.name not in elsewhere), key=lambda f: f.size).name


def test_the_demo_in_chromium(demo_url: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    secret_file = _largest_file_in("leadership")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(STEP_MS)
            page.goto(demo_url)
            page.wait_for_selector("body[data-ready=true]")
            expect = sync_api.expect
            expect.set_options(timeout=STEP_MS)

            def type_files(text: str) -> None:
                count = page.get_by_test_id("bot-message").count()
                page.get_by_test_id("message").fill(text)
                page.get_by_test_id("send").click()
                expect(page.get_by_test_id("bot-message")).to_have_count(count + 1)

            def last_reply() -> str:
                return str(page.get_by_test_id("bot-message").last.inner_text())

            # Ada, an admin and a member of the private #leadership, lists it and pages through it.
            page.get_by_test_id("channel-leadership").click()
            expect(page.get_by_test_id("title")).to_have_text("leadership")
            expect(page.get_by_test_id("title")).to_have_attribute("data-kind", "private")
            type_files("/files")
            first_page = last_reply()
            assert "Files in #leadership" in first_page and "page 1 of" in first_page
            page.get_by_test_id("bot-message").last.get_by_role("button", name=re.compile("Next")).click()
            expect(page.get_by_test_id("bot-message").last).to_contain_text("page 2 of")
            assert last_reply() != first_page
            type_files(f'/files name:"{secret_file}"')
            assert page.get_by_test_id("bot-message").last.locator("a", has_text=secret_file).count() >= 1
            page.screenshot(path=str(ARTIFACTS / "demo-slack-ada-leadership.png"), full_page=True)

            # Jo, the new hire, is in no private channel: #leadership is not in the sidebar, and its files
            # are gone from every answer, even when asked for by name from #general.
            page.get_by_test_id("person").select_option("jo")
            expect(page.get_by_test_id("channel-general")).to_be_visible()
            expect(page.get_by_test_id("channel-leadership")).to_have_count(0)
            page.get_by_test_id("channel-general").click()
            type_files(f'/files everywhere name:"{secret_file}"')
            expect(page.get_by_test_id("bot-message").last.locator("a", has_text=secret_file)).to_have_count(0)
            assert "0 files" in last_reply()  # the name is only in the echo of Jo's own question
            type_files("/files #leadership")
            assert "can't find #leadership" in last_reply()
            page.screenshot(path=str(ARTIFACTS / "demo-slack-jo.png"), full_page=True)

            # The weekly schedule, run now: Ada's DMs from the bot hold her reports and the trend chart.
            page.get_by_test_id("run-weekly").click()
            expect(page.get_by_test_id("weekly-result")).to_contain_text("Reports sent:", timeout=WEEKLY_MS)
            page.get_by_test_id("person").select_option("ada")
            page.get_by_test_id("inbox").click()
            expect(page.get_by_test_id("transcript")).to_contain_text("Workspace storage report")
            chart = page.get_by_test_id("chart").first
            expect(chart).to_be_visible()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
            page.screenshot(path=str(ARTIFACTS / "demo-slack-ada-reports.png"), full_page=True)

            # The same on Rocket.Chat: its own rendering, its own ids, the same bot.
            page.get_by_test_id("platform-rocketchat").click()
            page.get_by_test_id("channel-general").click()
            type_files("/files largest")
            assert "largest first" in last_reply()
            page.get_by_test_id("bot-message").last.get_by_role("button", name=re.compile("Next")).click()
            expect(page.get_by_test_id("bot-message").last).to_contain_text("page 2 of")
            page.screenshot(path=str(ARTIFACTS / "demo-rocketchat.png"), full_page=True)
        finally:
            chromium.close()
    print(f"\nscreenshots: {ARTIFACTS}")
