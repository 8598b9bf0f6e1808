"""The OAuth scopes files-bot asks Slack for, derived from the Web API methods it calls.

`manifest.yml` must request exactly these (a test checks it), so adding a method call means adding its
scope here and in the manifest — and nothing is requested that the code doesn't use.
"""

from __future__ import annotations

# Methods called with the invoking user's own token, and the user scope each needs.
USER_TOKEN_METHODS: dict[str, str] = {
    "files.list": "files:read",
}

# Methods called with the bot token, and the bot scope each needs.
BOT_TOKEN_METHODS: dict[str, str] = {}

# Scopes needed by features rather than methods: registering the `/files` slash command.
BOT_FEATURE_SCOPES: tuple[str, ...] = ("commands",)

# Methods that need no scope (OAuth exchange, token introspection after install).
UNSCOPED_METHODS: frozenset[str] = frozenset({"oauth.v2.access", "auth.test"})

USER_SCOPES: tuple[str, ...] = tuple(sorted(set(USER_TOKEN_METHODS.values())))
BOT_SCOPES: tuple[str, ...] = tuple(sorted(set(BOT_TOKEN_METHODS.values()) | set(BOT_FEATURE_SCOPES)))
