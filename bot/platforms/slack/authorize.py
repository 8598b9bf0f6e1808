"""Per-request token lookup from the installation store, with no Web API call.

Bolt's default `InstallationStoreAuthorize` calls `auth.test` on every request (one or two round trips
before the ack) and can cache results by bot token, which would hand one user's token to another. This
asks the store on every request: the workspace's bot installation plus *this* user's own token. (The
store answers repeat questions from memory, keyed by user and forgotten on every write: bot/storage/sqlite/slack.py.)
"""

from __future__ import annotations

from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk.oauth.installation_store import InstallationStore


class UserTokenAuthorize(Authorize):
    def __init__(self, installation_store: InstallationStore) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.installation_store = installation_store

    def __call__(
        self,
        *,
        context: Any,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        is_enterprise_install = bool(context.is_enterprise_install)
        bot = self.installation_store.find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        if bot is None:
            return None  # not installed in this workspace: Bolt answers with its "reinstall" message
        user_token: str | None = None
        user_scopes: list[str] | None = None
        if user_id:
            mine = self.installation_store.find_installation(
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
            )
            # find_installation(user_id=…) only returns rows saved for that user.
            if mine is not None and mine.user_id == user_id:
                user_token = mine.user_token
                user_scopes = list(mine.user_scopes or [])
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=list(bot.bot_scopes or []),
            user_id=user_id,
            user_token=user_token,
            user_scopes=user_scopes,
        )
