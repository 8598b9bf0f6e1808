"""Logging: plain or JSON lines (`FILES_BOT_LOG_FORMAT=json`), a request id on every line, and secrets
scrubbed from every message on the way out.

The code never logs tokens, secrets, OAuth codes and states or file contents on purpose; the scrubber is the
second line of defence for what libraries log (slack_sdk at DEBUG prints request headers and bodies, urllib3
the URLs it requests, for instance).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
from typing import Any

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_SECRETS = [
    re.compile(r"xox[a-z]-[A-Za-z0-9-]+"),  # Slack tokens
    re.compile(r"(?i)(bearer\s+)[^\s'\",}]+"),  # Authorization headers
    re.compile(
        r"(?i)((?:x-auth-token|access_token|refresh_token|client_secret|signing_secret|"
        r"\btoken)['\"]?\s*[:=]\s*['\"]?)[^\s'\",&}]+"
    ),
    # OAuth authorization codes and states, which libraries log at DEBUG: in URLs, form bodies and cookies
    # (`?code=…&state=…`, `…-oauth-state=…`) and in dicts and JSON (`'code': '…'`, `"state": "…"`). Only
    # a parameter or a quoted key counts, so prose such as "button state: stale" stays readable.
    re.compile(r"(?i)((?:^|(?<=[?&\s;,(]))(?:code|state|[\w-]*oauth[-_]state)=)[^\s'\"&;,)}]+"),
    re.compile(r"(?i)(['\"](?:code|state)['\"]\s*:\s*['\"]?)[^\s'\",{}\[\]]+"),
    # A response_url (and any Slack webhook URL) is its own credential: whoever holds it can post into the
    # conversation. slack_sdk's WebhookClient logs the URL it posts to at DEBUG.
    re.compile(r"(?i)(hooks\.slack(?:-gov)?\.com\\?/(?:[a-z]+\\?/)?)[^\s'\",)}]+"),  # also as JSON, `\/`
]


def scrub(text: str) -> str:
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    return text


class _Context(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


def configure(level: str, fmt: str) -> None:
    """Root logging for the process: one handler on stderr, with the request-id and scrubbing filter."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_Context())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def install_filter(handler: logging.Handler) -> None:
    """Give another handler (tests' capture, say) the same request id and scrubbing."""
    handler.addFilter(_Context())
