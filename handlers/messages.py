"""Everything files-bot says to people, in one place: one message, one name.

Plain constants are said as they are; templates (`{…}`) and the small functions below fill in numbers,
dates and the words people typed (already defused by the grammar). Names from the platform never go in
here: views carry them as typed values, and each renderer escapes them for its platform.

Said elsewhere, on purpose: the Rocket.Chat App's own answer when it cannot reach the bot at all
(`UNREACHABLE` in rocketchat-app/src/bridge.ts: the bot is not there to say it).
"""

from __future__ import annotations

import humanize

from handlers.query import Kind

# -- `/files`: help and usage --------------------------------------------------------------------------------
USAGE = (
    "Usage: `/files [#channel | everywhere] [mine | @user] [images|video|audio|pdfs|docs|spreadsheets|"
    'presentations|snippets|zips|text] [name:report | "quoted phrase"] [since:2026-01-01] [until:2026-02-01] '
    "[last 30d] [largest]` — or `/files help`."
)

HELP = "\n".join(
    [
        "*`/files`* lists the files you can see, newest first. Only you see the reply.",
        "• `/files` — files in this conversation",
        "• `/files #channel` — another conversation · `/files everywhere` — every conversation you can see",
        "• `/files mine` / `/files @user` — files you / they uploaded (everywhere, unless you add a #channel)",
        "• type: `images` `video` `audio` `pdfs` `docs` `spreadsheets` `presentations` `snippets` `zips` `text`",
        '• name: `name:report` or `"quarterly report"`',
        "• dates: `since:2026-01-01` `until:2026-03-31` `last 30d` (also `4w`, `6m`, `1y`)",
        "• `largest` — biggest first",
        "Words combine in any order: `/files #design images last 90d largest`",
        "• `/files report` — this conversation's storage report, now · `/files report weekly on|off` — "
        "subscribe (owners and admins) · `/files admin report` — the workspace report (admins)",
    ]
)

REPORT_USAGE = "Reports: `/files report` · `/files report weekly on|off` · `/files admin report`"

# -- `/files`: what the grammar could not understand (`{word}`: the person's word, defused) ------------------
TOO_LONG = "That's too long — keep `/files` arguments under {limit} characters."
NOT_UNDERSTOOD = "I don't understand “{word}”."
LAST_NEEDS_PERIOD = "`last` needs a period, like `last 30d`."
MINE_OR_USER = "Use either `mine` or `@user`, not both."
CHANNEL_OR_EVERYWHERE = "Use either `#channel` or `everywhere`, not both."
SINCE_AFTER_UNTIL = "The `since:` date is after the `until:` date."
ONLY_ONE = "Give only one {what} (“{word}” is the second)."
ONE_ORDER = "Choose one order: `largest` or `newest`."
UNCLOSED_QUOTE = "A quoted name is missing its closing quote."
EMPTY_NAME = "`name:` needs some text, like `name:report`."
NAME_TOO_LONG = "Keep the name under {limit} characters."
NOT_A_DATE = "“{word}” isn't a date — use YYYY-MM-DD, like `since:2026-01-31`."
NOT_A_REAL_DATE = "“{word}” isn't a real date."
TOO_EARLY = "“{word}” is too early — dates start at {earliest}."
NOT_A_PERIOD = "“{word}” isn't a period — try `last 30d`, `last 4w`, `last 6m`."
PERIOD_TOO_LONG = "That period is too long — go back at most 100 years."

# -- `/files`: buttons, authorization and failures -----------------------------------------------------------
TAMPERED = "That button doesn't look like one of mine. Run `/files` again to get a fresh list."
STALE = "That list has expired. Run `/files` again to get a fresh one."
NOT_YOURS = "Those buttons belong to someone else's `/files`. Run `/files` to see your own list."
NOT_AUTHORIZED = (
    "To list files, I need to act as you, so you only ever see files you can already see. "
    "Authorize me once and run `/files` again."
)
MISSING_PERMISSION = "I'm missing a permission for that. Ask a workspace admin to reinstall files-bot, then try again."
UNAVAILABLE = "Sorry — I couldn't reach the chat server just now. Please try again in a minute."
CONVERSATION_UNAVAILABLE = "I can't find {ref}, or you're not a member of it."
THIS_CONVERSATION = "this conversation"
UNKNOWN_USER = "I can't find the user {ref}."
THAT_USER = "that user"
RATE_LIMITED = "The chat server is busy and asked me to slow down. Please try again {wait}."
SORRY = "Sorry — something went wrong on my side. Please try again in a minute."
STORAGE_BUSY = "Sorry — my storage is busy or full right now. Please try again in a minute."
BUSY = "I'm busy with other people's requests right now. Please try again in a moment."
NO_BOT_ACCOUNT = "Reports need files-bot's own account on this server. Ask an admin to set it up."

# -- controls ------------------------------------------------------------------------------------------------
AUTHORIZE_BUTTON = "Authorize files-bot"
PREV_BUTTON = "◀ Prev"
NEXT_BUTTON = "Next ▶"
TYPE_MENU = "Type"
ALL_TYPES = "All types"
ANSWER_TITLE = "Files"  # the title of the panel an answer opens in, where the platform has one

# -- listings ------------------------------------------------------------------------------------------------
ALL_FILES = "Files"
KINDS_JOINED = " and "
IN = "in "
EVERYWHERE = "everywhere you can see"
UPLOADED_BY = "uploaded by "
NAMED = ("named “", "”")
SINCE = "since {day}"
UNTIL = "until {day}"
LARGEST_FIRST = "largest first"
NEWEST_FIRST = "newest first"
UNKNOWN_UPLOADER = "unknown uploader"
SOMEONE = "someone"  # a person the platform gave no name for
EMPTY = "No files match. {hint}"
WIDER_DATES = "Try a wider date range, or drop the type or name."
WIDER_FILTER = "Try a wider filter: drop the type or name."
WIDER_FILTER_OR_EVERYWHERE = "Try a wider filter: drop the type or name, or use `everywhere`."
PARTIAL_WALK = "Partial results: I checked {checked:,} of your {total:,} conversations"
PARTIAL_SCAN = "Partial results: I checked the {scanned:,} newest matching files"
PARTIAL_SLOWED = " before the chat server asked me to slow down (try again in about {seconds} seconds)"
PARTIAL_ADVICE = "{note}. Narrow it down (a #channel, `since:`, a type) for a complete answer."

# A kind as a menu entry and a heading ("Images"), and as a file's type in a row ("image").
KIND_NAMES: dict[Kind, str] = {
    Kind.IMAGES: "Images",
    Kind.VIDEO: "Video",
    Kind.AUDIO: "Audio",
    Kind.PDFS: "PDFs",
    Kind.DOCS: "Documents",
    Kind.SPREADSHEETS: "Spreadsheets",
    Kind.PRESENTATIONS: "Presentations",
    Kind.SNIPPETS: "Snippets",
    Kind.ZIPS: "Archives",
    Kind.TEXT: "Text",
}
KIND_LABELS: dict[Kind, str] = {
    Kind.IMAGES: "image",
    Kind.VIDEO: "video",
    Kind.AUDIO: "audio",
    Kind.PDFS: "PDF",
    Kind.DOCS: "document",
    Kind.SPREADSHEETS: "spreadsheet",
    Kind.PRESENTATIONS: "presentation",
    Kind.SNIPPETS: "snippet",
    Kind.ZIPS: "archive",
    Kind.TEXT: "text",
}
A_FILE = "file"  # a file of none of the kinds

# -- reports -------------------------------------------------------------------------------------------------
NOT_TRACKED = (
    "I don't keep track of this conversation yet. Invite me to it, and it will be in the reports after the next sync."
)
NOT_OWNER = "Only this conversation's owners and workspace admins can change its weekly report."
NOT_ADMIN = "Only workspace admins can see the workspace report."
CHANNEL_TITLE = "Weekly storage report"
ADMIN_TITLE = "Workspace storage report"
FILES = "Files"
STORED = "Stored"
CHANGE = "Change since last week"
FIRST_REPORT = "first report"
BY_TYPE = "By type"
LARGEST = "Largest files"
CLEANUP = "Cleanup candidates (≥ {size}, older than {days} days)"
BY_CONVERSATION = "By conversation"
BY_UPLOADER = "By uploader"
GROWERS = "Biggest growers this week"
PRIVATE_AGGREGATE = "private conversations (other)"
PRIVATE_NOTE = "Private conversations you are not in are counted together, never named."
CHART_TITLE = "Storage, last 12 weeks"
CHART_ALT = "Line chart of the total storage of the conversations files-bot is in, week by week."
CHART_UNAVAILABLE = "The chart could not be shown this time; the figures above are complete."
OTHER_KIND = "Other"
MORE_ROWS = "… and {rest:,} more"
SUBSCRIBED = ("Done: you'll get ", "'s storage report every week, privately.")
UNSUBSCRIBED = ("Done: no more weekly storage reports for ", ".")
SUBSCRIBED_SUMMARY = "Done: you'll get this conversation's storage report every week, privately."
UNSUBSCRIBED_SUMMARY = "Done: no more weekly storage reports for this conversation."


# -- filled in -----------------------------------------------------------------------------------------------
def size(num_bytes: int) -> str:
    return humanize.naturalsize(num_bytes)


def files(count: int) -> str:
    return f"{count:,} file{'' if count == 1 else 's'}"


def kind_label(kind: Kind | None) -> str:
    """A file's type in a row, when the platform gives none of its own."""
    return KIND_LABELS[kind] if kind is not None else A_FILE


def rate_limited(retry_after: int | None) -> str:
    return RATE_LIMITED.format(wait=f"in about {retry_after} seconds" if retry_after else "in a minute")


def page_stats(page: int, pages: int | None, more: bool, total: int | None, total_bytes: int | None, shown: int) -> str:
    """ "page 2 of 7 · 63 files · 1.2 GB" — saying "on this page" when the total size is not known."""
    parts = [f"page {page} of {pages}" if pages else f"page {page}" + (" of many" if more else "")]
    if total is not None:
        parts.append(files(total))
    parts.append(size(total_bytes) if total_bytes is not None else f"{size(shown)} on this page")
    return " · ".join(parts)


def partial(scanned: int, walk: tuple[int, int] | None, retry_after: int | None) -> str:
    """How far a bounded scan got, and how to get a complete answer."""
    if walk is not None:
        note = PARTIAL_WALK.format(checked=walk[0], total=walk[1])
    else:
        note = PARTIAL_SCAN.format(scanned=scanned)
    if retry_after:
        note += PARTIAL_SLOWED.format(seconds=retry_after)
    return PARTIAL_ADVICE.format(note=note)


def empty(*, dated: bool, everywhere: bool) -> str:
    if dated:
        hint = WIDER_DATES
    elif everywhere:  # already everywhere: suggesting `everywhere` would add nothing
        hint = WIDER_FILTER
    else:
        hint = WIDER_FILTER_OR_EVERYWHERE
    return EMPTY.format(hint=hint)
