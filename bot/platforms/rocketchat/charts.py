"""The admin report's chart on Rocket.Chat: a PNG the bot itself serves, at a signed URL under
`FILES_BOT_PUBLIC_URL` (where browsers already reach the bot for OAuth).

Why not an upload to Rocket.Chat: a UIKit `image` block shows an image by URL, in a DM as in the contextual
bar of `/files admin report`, but an upload needs a room and is only kept once confirmed — and confirming
(`rooms.mediaConfirm`) posts a message of its own, so the chart would appear twice in a DM and the
contextual bar has no room at all.

The token *is* the chart (its title, text alternative and weekly totals), signed with a key derived from
`ROCKETCHAT_APP_SECRET`: the route draws only charts the bot issued, and a URL shows nothing but the totals
already in the report it came with. It does not expire: a report read months later still shows its chart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from functools import lru_cache

from bot.platforms.rocketchat.paths import CHART_PATH
from bot.services import chart as charts
from handlers.report_views import Chart

MAX_TOKEN = 4000
_MAX_POINTS = 60
_MAX_TEXT = 300
_WEEK = re.compile(r"\d{4}-W\d{2}")


class InvalidChart(Exception):
    """Not a chart the bot issued."""


class ChartLinks:
    def __init__(self, secret: str, public_url: str) -> None:
        # A key for this purpose only: the bridge's signing secret is never used directly.
        self._key = hmac.new(secret.encode(), b"files-bot chart", hashlib.sha256).digest()
        self._base = public_url.rstrip("/")

    def url(self, chart: Chart) -> str:
        body = {"t": chart.title, "a": chart.alt, "p": [list(point) for point in chart.points]}
        payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
        return f"{self._base}{CHART_PATH}/{payload}.{_b64(self._sign(payload))}.png"

    def png(self, token: str) -> bytes:
        """The PNG for a token from `url()` (without `.png`); raises `InvalidChart`."""
        return _drawn(self.chart(token))

    def chart(self, token: str) -> Chart:
        if len(token) > MAX_TOKEN or token.count(".") != 1:
            raise InvalidChart("malformed")
        payload, signature = token.split(".")
        try:
            valid = hmac.compare_digest(_unb64(signature), self._sign(payload))
            body = json.loads(_unb64(payload)) if valid else None
        except ValueError:
            raise InvalidChart("malformed") from None
        if body is None:
            raise InvalidChart("bad signature")
        return _validated(body)

    def _sign(self, payload: str) -> bytes:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:16]


@lru_cache(maxsize=64)
def _drawn(chart: Chart) -> bytes:
    # The same chart is fetched by every reader of a report (and again on each view): draw it once.
    return charts.png(chart)


def _validated(body: object) -> Chart:
    if not isinstance(body, dict):
        raise InvalidChart("not an object")
    title, alt, points = body.get("t"), body.get("a"), body.get("p")
    if not all(isinstance(text, str) and len(text) <= _MAX_TEXT for text in (title, alt)):
        raise InvalidChart("bad text")
    if not isinstance(points, list) or len(points) > _MAX_POINTS:
        raise InvalidChart("bad points")
    parsed: list[tuple[str, int]] = []
    for point in points:
        if not (isinstance(point, list) and len(point) == 2):
            raise InvalidChart("bad point")
        week, total = point
        if not (isinstance(week, str) and _WEEK.fullmatch(week) and type(total) is int and total >= 0):
            raise InvalidChart("bad point")
        parsed.append((week, total))
    return Chart(str(title), str(alt), tuple(parsed))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
