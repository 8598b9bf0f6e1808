"""Recorded Slack payloads (first and last page of a files.list, cursor style, errors) parse as expected,
and the fake's answers have the same shape as the recorded ones."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.platforms.slack.files_source import to_file_info
from bot.sandbox.emulators.slack_api import FakeSlack
from handlers.query import Kind
from tests.slack_harness import fixture


def test_first_page_files_become_neutral_records():
    page = fixture("files.list.first_page.json")
    first = to_file_info(page["files"][0])
    assert first.id == "F0S43P1CZ" and first.name == "billair.gif" and first.size == 144538
    assert first.kind is Kind.IMAGES and first.type_label == "GIF" and first.uploader_id == "U061F7AUR"
    assert first.created == datetime(2018, 7, 16, 17, 47, 34, tzinfo=UTC)
    assert first.link == "https://example.slack.com/files/U061F7AUR/F0S43P1CZ/billair.gif"
    assert page["paging"] == {"count": 2, "total": 3, "page": 1, "pages": 2}


def test_last_page_private_file_keeps_its_group():
    last = to_file_info(fixture("files.list.last_page.json")["files"][0])
    assert last.kind is Kind.PDFS and last.conversations == ("G0PRIV1234",) and last.title == "Roadmap"


def test_missing_fields_get_harmless_defaults():
    info = to_file_info({"id": "F1"})
    assert info.name == "untitled" and info.size == 0 and info.link == "" and info.kind is None


def test_fake_speaks_the_recorded_shape():
    recorded = fixture("files.list.first_page.json")
    with FakeSlack() as fake:
        from tests.conftest import ANA, seed

        seed(fake)
        token = fake.issue_token("T0ACME", ANA, "user", ("files:read",))
        import requests

        page = requests.get(
            f"{fake.api_url}files.list", params={"count": 2}, headers={"Authorization": f"Bearer {token}"}, timeout=5
        ).json()
        assert set(page) == set(recorded)
        assert set(page["paging"]) == set(recorded["paging"])
        required = set(recorded["files"][0]) - {
            "thumb_64",
            "thumb_360_w",
            "thumb_360_h",
            "image_exif_rotation",
            "original_w",
            "original_h",
        }  # image-only fields
        assert required <= set(page["files"][0])
        cursor = requests.get(
            f"{fake.api_url}files.list", params={"limit": 2}, headers={"Authorization": f"Bearer {token}"}, timeout=5
        ).json()
        assert set(cursor) == set(fixture("files.list.cursor_page.json"))
        bad = requests.get(f"{fake.api_url}files.list", headers={"Authorization": "Bearer nope"}, timeout=5).json()
        assert bad == fixture("files.list.invalid_auth.json")
