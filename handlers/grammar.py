"""The `/files` grammar: turn what a user typed into a `FileQuery`, or a short explanation of what's wrong.

Words combine in any order. Mentions arrive either escaped by the platform (Slack: `<#C123|general>`,
`<@U123|ana>`) or as plain names (Rocket.Chat: `#general`, `@ana`); both are accepted. `parse` never raises:
anything it does not understand becomes a `ParseError` naming the word.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from handlers import messages
from handlers.query import ConversationRef, FileQuery, Kind, Sort, UserRef

MAX_TEXT = 500
MAX_NAME = 100
MAX_DAYS_BACK = 36_500
# Both platforms count time in seconds since the Unix epoch (Slack's `ts_from` defaults to 0): no file is
# older, and a date before it has no timestamp to send. `date.max` is the last day a date can name.
EARLIEST = date(1970, 1, 1)

KIND_WORDS: dict[str, Kind] = {
    **dict.fromkeys(["images", "image", "img", "photos", "pictures", "pics"], Kind.IMAGES),
    **dict.fromkeys(["video", "videos", "movies"], Kind.VIDEO),
    **dict.fromkeys(["audio", "sound", "music"], Kind.AUDIO),
    **dict.fromkeys(["pdfs", "pdf"], Kind.PDFS),
    **dict.fromkeys(["docs", "doc", "documents", "gdocs"], Kind.DOCS),
    **dict.fromkeys(["spreadsheets", "sheets", "xlsx", "csv"], Kind.SPREADSHEETS),
    **dict.fromkeys(["presentations", "slides"], Kind.PRESENTATIONS),
    **dict.fromkeys(["snippets", "snippet", "code"], Kind.SNIPPETS),
    **dict.fromkeys(["zips", "zip", "archives"], Kind.ZIPS),
    **dict.fromkeys(["text", "txt"], Kind.TEXT),
}


@dataclass(frozen=True)
class ListFiles:
    query: FileQuery


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class ParseError:
    """What went wrong, in one sentence that names the offending word, plus the usage line."""

    message: str
    word: str | None = None

    @property
    def text(self) -> str:
        return f"{self.message}\n{messages.USAGE}"


class ReportAction(StrEnum):
    NOW = "now"  # `report`: this conversation's report, now
    SUBSCRIBE = "subscribe"  # `report weekly on`
    UNSUBSCRIBE = "unsubscribe"  # `report weekly off`
    ADMIN = "admin"  # `admin report`: the workspace report


@dataclass(frozen=True)
class Report:
    action: ReportAction


Command = ListFiles | ShowHelp | ParseError | Report

_TOKEN = re.compile(
    r"""
      <[^<>\s]*>                          # a platform-escaped mention: <#C123|name>, <@U123>
    | (?:name:)?"(?:[^"\\]|\\.)*"          # a quoted phrase, optionally as name:"…"
    | \S+
    """,
    re.VERBOSE | re.DOTALL,
)
# What a `#channel` or `@user` may be: a platform id (as Slack escapes mentions), or a name as typed.
REF_ID = re.compile(r"[A-Za-z0-9]{2,64}")
REF_NAME = re.compile(r"[\w.\-]{1,80}")
_SLACK_CHANNEL = re.compile(rf"<#({REF_ID.pattern})(?:\|([^<>]*))?>")
_SLACK_USER = re.compile(rf"<@({REF_ID.pattern})(?:\|([^<>]*))?>")
# ASCII digits only: `\d` also matches look-alikes (fullwidth and Arabic-Indic digits, for instance).
_RELATIVE = re.compile(r"([0-9]{1,4})([dwmy])")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})  # control and format characters (zero-width, bidi), surrogates


class _Reject(Exception):
    def __init__(self, message: str, word: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.word = word


def parse(text: str, *, today: date) -> Command:
    """Parse `/files` arguments. `today` anchors `last 30d` so results are reproducible."""
    text = text.strip()
    if len(text) > MAX_TEXT:
        return ParseError(messages.TOO_LONG.format(limit=MAX_TEXT))
    tokens = _TOKEN.findall(text)
    words = [t.lower() for t in tokens]
    if words in (["help"], ["?"]):
        return ShowHelp()
    if words[:1] == ["report"] or words[:2] == ["admin", "report"]:
        return _report(words)
    try:
        return ListFiles(_parse_tokens(tokens, today))
    except _Reject as reject:
        return ParseError(reject.message, reject.word)


def _report(words: list[str]) -> Report | ParseError:
    reports = {
        ("report",): ReportAction.NOW,
        ("report", "weekly", "on"): ReportAction.SUBSCRIBE,
        ("report", "weekly", "off"): ReportAction.UNSUBSCRIBE,
        ("admin", "report"): ReportAction.ADMIN,
    }
    action = reports.get(tuple(words))
    if action is None:
        not_understood = messages.NOT_UNDERSTOOD.format(word=_shorten(" ".join(words)))
        return ParseError(f"{not_understood}\n{messages.REPORT_USAGE}", words[-1])
    return Report(action)


def _parse_tokens(tokens: list[str], today: date) -> FileQuery:
    q = FileQuery()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token.lower()
        if word == "last":
            if i + 1 >= len(tokens):
                raise _Reject(messages.LAST_NEEDS_PERIOD, "last")
            q = _set(q, "since", _days_before(today, _relative_days(tokens[i + 1])), "last")
            i += 2
            continue
        q = _apply(q, token, word, today)
        i += 1
    if q.mine and q.uploader is not None:
        raise _Reject(messages.MINE_OR_USER, "mine")
    if q.everywhere and q.conversation is not None:
        raise _Reject(messages.CHANNEL_OR_EVERYWHERE, "everywhere")
    if q.since and q.until and q.since > q.until:
        raise _Reject(messages.SINCE_AFTER_UNTIL, f"since:{q.since.isoformat()}")
    return q


def _apply(q: FileQuery, token: str, word: str, today: date) -> FileQuery:
    if word in KIND_WORDS:
        return dataclasses.replace(q, kinds=q.kinds | {KIND_WORDS[word]})
    if word == "mine":
        return _flag(q, "mine")
    if word in ("everywhere", "all"):
        return _flag(q, "everywhere")
    if word in ("largest", "biggest"):
        return _flag_sort(q, Sort.LARGEST, word)
    if word in ("newest", "latest"):
        return _flag_sort(q, Sort.NEWEST, word)
    if token.startswith("<"):
        return _mention(q, token)
    if token.startswith("#") and REF_NAME.fullmatch(token[1:]):
        return _set(q, "conversation", ConversationRef(name=token[1:].lower()), token)
    if token.startswith("@") and REF_NAME.fullmatch(token[1:]):
        return _set(q, "uploader", UserRef(name=token[1:]), token)
    if token.startswith('"') or word.startswith("name:"):
        return _set(q, "name", _name(token), token)
    if word.startswith("since:"):
        return _set(q, "since", _date(token, today), token)
    if word.startswith("until:"):
        return _set(q, "until", _date(token, today), token)
    raise _Reject(messages.NOT_UNDERSTOOD.format(word=_shorten(token)), token)


def _mention(q: FileQuery, token: str) -> FileQuery:
    if m := _SLACK_CHANNEL.fullmatch(token):
        return _set(q, "conversation", ConversationRef(id=m.group(1)), token)
    if m := _SLACK_USER.fullmatch(token):
        return _set(q, "uploader", UserRef(id=m.group(1)), token)
    raise _Reject(messages.NOT_UNDERSTOOD.format(word=_shorten(token)), token)


def _set(q: FileQuery, field_name: str, value: object, word: str) -> FileQuery:
    if getattr(q, field_name) is not None:
        label = {"conversation": "#channel", "uploader": "@user", "name": "name"}.get(field_name, field_name)
        raise _Reject(messages.ONLY_ONE.format(what=label, word=_shorten(word)), word)
    changes: dict[str, Any] = {field_name: value}
    return dataclasses.replace(q, **changes)


def _flag(q: FileQuery, field_name: str) -> FileQuery:
    changes: dict[str, Any] = {field_name: True}
    return dataclasses.replace(q, **changes)


def _flag_sort(q: FileQuery, sort: Sort, word: str) -> FileQuery:
    if q.sort is not Sort.NEWEST and q.sort is not sort:
        raise _Reject(messages.ONE_ORDER, word)
    return dataclasses.replace(q, sort=sort)


def _name(token: str) -> str:
    raw = token[5:] if token.lower().startswith("name:") else token
    if raw.startswith('"'):
        if len(raw) < 2 or not raw.endswith('"') or (raw.endswith('\\"') and not raw.endswith('\\\\"')):
            raise _Reject(messages.UNCLOSED_QUOTE, token)
        raw = re.sub(r"\\(.)", r"\1", raw[1:-1], flags=re.DOTALL)
    name = raw.strip()
    if not name:
        raise _Reject(messages.EMPTY_NAME, token)
    if len(name) > MAX_NAME:
        raise _Reject(messages.NAME_TOO_LONG.format(limit=MAX_NAME), "name:")
    return name


def _date(token: str, today: date) -> date:
    value = token.split(":", 1)[1]
    if _RELATIVE.fullmatch(value.lower()):
        return _days_before(today, _relative_days(value))
    if not ISO_DATE.fullmatch(value):
        raise _Reject(messages.NOT_A_DATE.format(word=_shorten(token)), token)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _Reject(messages.NOT_A_REAL_DATE.format(word=_shorten(token)), token) from None
    if day < EARLIEST:
        raise _Reject(messages.TOO_EARLY.format(word=_shorten(token), earliest=EARLIEST.isoformat()), token)
    return day


def _days_before(today: date, period: timedelta) -> date:
    """`today` minus `period`, but never before `EARLIEST`: a period reaching past it covers every file."""
    if period >= today - EARLIEST:  # also keeps the subtraction inside `date`'s range
        return EARLIEST
    return today - period


def _relative_days(value: str) -> timedelta:
    m = _RELATIVE.fullmatch(value.lower())
    if not m:
        raise _Reject(messages.NOT_A_PERIOD.format(word=_shorten(value)), value)
    days = int(m.group(1)) * _UNIT_DAYS[m.group(2)]
    if days > MAX_DAYS_BACK:
        raise _Reject(messages.PERIOD_TOO_LONG, value)
    return timedelta(days=days)


def _shorten(word: str, limit: int = 40) -> str:
    """Echo at most `limit` characters of a user's word back, with backticks and mentions defused and
    invisible characters shown."""
    # Look-alike angle quotes, so an echoed word can never form a mention or link.
    word = word.replace("`", "'").replace("<", "‹").replace(">", "›")  # noqa: RUF001
    word = word if len(word) <= limit else word[: limit - 1] + "…"
    # "images" with a zero-width space after it is not understood, and must not look as if it were; a
    # right-to-left override must not turn the rest of the message around.
    return "".join(f"[U+{ord(c):04X}]" if unicodedata.category(c) in _INVISIBLE else c for c in word)
