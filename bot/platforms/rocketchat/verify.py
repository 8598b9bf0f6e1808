"""Verifies requests from the files-bot Rocket.Chat App, signed like Slack's (see protocol/bridge.schema.json)."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable

TOLERANCE_SECONDS = 300
TIMESTAMP_HEADER = "X-FilesBot-Request-Timestamp"
SIGNATURE_HEADER = "X-FilesBot-Signature"
# ASCII digits only: `str.isdigit()` also accepts "²", which `int()` then refuses.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class BridgeVerifier:
    def __init__(self, secret: str, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret.encode()
        self._clock = clock

    def sign(self, timestamp: str, body: bytes) -> str:
        base = b"v0:" + timestamp.encode() + b":" + body
        return "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()

    def is_valid(self, timestamp: str | None, signature: str | None, body: bytes) -> bool:
        """True for a correct signature on a timestamp within five minutes (either way) of now."""
        if not timestamp or not signature or not _TIMESTAMP.fullmatch(timestamp):
            return False
        if abs(self._clock() - int(timestamp)) > TOLERANCE_SECONDS:
            return False
        # `compare_digest` raises on a str with non-ASCII characters; no signature we make has one.
        return signature.isascii() and hmac.compare_digest(self.sign(timestamp, body), signature)
