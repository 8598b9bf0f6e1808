"""The OAuth scopes files-bot asks Slack for, derived from the Web API methods it calls.

`manifest.yml` must request exactly these (a test checks it), so adding a method call means adding its
scopes here and in the manifest — and nothing is requested that the code doesn't use.
"""

from __future__ import annotations

# Methods called with the invoking user's own token (`/files`), and the user scopes each needs.
USER_TOKEN_METHODS: dict[str, tuple[str, ...]] = {
    "files.list": ("files:read",),
}

# Methods called with the bot token (the cache sync, only in conversations the bot is in; reports).
BOT_TOKEN_METHODS: dict[str, tuple[str, ...]] = {
    "users.conversations": ("channels:read", "groups:read"),
    "files.list": ("files:read",),
    # Weekly reports: membership re-check, admins, a DM per recipient, the admin chart (files_upload_v2).
    "conversations.members": ("channels:read", "groups:read"),
    "users.list": ("users:read",),
    "users.info": ("users:read",),
    "conversations.open": ("im:write",),
    "chat.postMessage": ("chat:write",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "files.info": ("files:read",),  # is the chart's upload processed, so an image block may show it?
}

# slack_sdk helpers that call several Web API methods.
COMPOSITE_METHODS: dict[str, tuple[str, ...]] = {
    "files.upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal"),
}

# Scopes needed by features rather than methods: the `/files` slash command; the `file_deleted` and
# `file_unshared` events.
BOT_FEATURE_SCOPES: tuple[str, ...] = ("commands", "files:read")

# Methods that need no scope (OAuth exchange, token introspection after install).
UNSCOPED_METHODS: frozenset[str] = frozenset({"oauth.v2.access", "auth.test"})

USER_SCOPES: tuple[str, ...] = tuple(sorted({s for scopes in USER_TOKEN_METHODS.values() for s in scopes}))
BOT_SCOPES: tuple[str, ...] = tuple(
    sorted({s for scopes in BOT_TOKEN_METHODS.values() for s in scopes} | set(BOT_FEATURE_SCOPES))
)
