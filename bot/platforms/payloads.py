"""Reading what the platforms send, the same way for each: numbers that may be missing or malformed, and
the `Retry-After` header."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_int(value: object) -> int:
    """A number from a platform's JSON (a size, a timestamp); 0 when it is missing or not a number."""
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return 0


def retry_after(headers: Mapping[str, Any] | None) -> int | None:
    """Seconds from a `Retry-After` header (any case; one value or a list of them); None if absent or not a
    number of seconds."""
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(0, int(str(raw).strip()))
            except ValueError:
                return None
    return None
