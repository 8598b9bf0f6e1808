"""The demo page shows everyone's view: it answers only its own address and acts only on its own page's JSON
calls (issue #13, item 11). The page is served here over a sandbox that is not started: whatever reaches a
route that needs the sandbox answers 502 ("the sandbox is not running"), which is how these tests see that
a request got through the guard; the browser test (test_demo_browser.py) drives the started page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from bot.sandbox.demo.sandbox import Sandbox
from bot.sandbox.demo.web import MAX_BODY_BYTES, create_page

PAGE = "http://127.0.0.1:8080"
SAME_ORIGIN = {"Origin": PAGE, "Sec-Fetch-Site": "same-origin", "Host": "127.0.0.1:8080"}


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Sandbox]:
    sandbox = Sandbox(tmp_path)  # not entered: the emulators and the bot are not running
    yield sandbox
    for fake in (sandbox.slack, sandbox.rocketchat):
        fake._server.server_close()


def page(box: Sandbox, host: str = "127.0.0.1") -> FlaskClient:
    return create_page(box, host).test_client()


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8080", "127.0.0.1.nip.io:8080", "localhost.evil.example", "", "a b"]
)
def test_a_request_by_another_name_is_refused_so_dns_rebinding_reads_nothing(box: Sandbox, host: str):
    client = page(box)
    for path in ("/", "/api/world", "/api/conversations?platform=slack&person=ada", "/static/app.js"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400, (host, path)
        assert b"ada" not in response.data.lower() and b"files-bot demo" not in response.data


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:8080", "127.0.0.1"])
def test_the_page_answers_its_own_address_and_localhost_names(box: Sandbox, host: str):
    response = page(box).get("/api/world", headers={"Host": host})
    assert response.status_code == 200 and "ada" in {p["key"] for p in response.get_json()["people"]}


def test_the_address_given_to_listen_on_is_its_own(box: Sandbox):
    assert page(box, "192.168.1.20").get("/api/world", headers={"Host": "192.168.1.20:8080"}).status_code == 200
    assert page(box, "192.168.1.20").get("/api/world", headers={"Host": "10.0.0.9:8080"}).status_code == 400
    # Listening on every address, it is reached by any of them, yet still never by a domain name.
    assert page(box, "0.0.0.0").get("/api/world", headers={"Host": "10.0.0.9:8080"}).status_code == 200
    assert page(box, "0.0.0.0").get("/api/world", headers={"Host": "evil.example:8080"}).status_code == 400


@pytest.mark.parametrize(
    "content_type, data",
    [
        ("application/x-www-form-urlencoded", "x=1"),
        ("multipart/form-data; boundary=b", "--b--"),
        ("text/plain", "{}"),
        (None, None),
    ],
)
def test_a_cross_site_form_cannot_run_the_weekly_schedule(box: Sandbox, content_type, data):
    headers = {"Host": "127.0.0.1:8080", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    if content_type:
        headers["Content-Type"] = content_type
    response = page(box).post("/api/weekly", headers=headers, data=data)
    assert response.status_code == 415
    # Without Origin and Sec-Fetch-Site (an old browser, curl), a form is still no JSON call.
    plain = {"Host": "127.0.0.1:8080", **({"Content-Type": content_type} if content_type else {})}
    assert page(box).post("/api/weekly", headers=plain, data=data).status_code == 415


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:9999"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": PAGE, "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_json_from_another_origin_is_refused(box: Sandbox, headers: dict[str, str]):
    for path in ("/api/weekly", "/api/command", "/api/action"):
        response = page(box).post(path, json={}, headers={"Host": "127.0.0.1:8080", **headers})
        assert response.status_code == 403, (path, headers)


def test_the_pages_own_json_calls_get_through(box: Sandbox):
    client = page(box)
    # The sandbox is not running, so reaching the routes shows as 502 (weekly) and 404 (an unknown platform).
    assert client.post("/api/weekly", json={}, headers=SAME_ORIGIN).status_code == 502
    unknown = {"platform": "irc", "person": "ada", "conversation": "C1", "text": "/files"}
    assert client.post("/api/command", json=unknown, headers=SAME_ORIGIN).status_code == 404
    # A client that is not a browser sends neither Origin nor Sec-Fetch-Site.
    assert client.post("/api/weekly", json={}, headers={"Host": "127.0.0.1:8080"}).status_code == 502
    charset = {"Content-Type": "application/json; charset=utf-8", **SAME_ORIGIN}
    assert client.post("/api/weekly", data="{}", headers=charset).status_code == 502


def test_an_oversized_body_is_refused_before_it_is_read(box: Sandbox):
    huge = {"platform": "irc", "person": "ada", "conversation": "C1", "text": "x" * MAX_BODY_BYTES}
    assert page(box).post("/api/command", json=huge, headers=SAME_ORIGIN).status_code == 413
