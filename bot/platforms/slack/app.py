"""Builds the Bolt app: OAuth with SQLite stores in the data dir, per-user authorization, listeners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot import storage
from bot.platforms.contract import Host, Services
from bot.platforms.slack import events, interactions, scopes
from bot.platforms.slack.authorize import UserTokenAuthorize
from bot.platforms.slack.client import web_client
from bot.platforms.slack.paths import INSTALL_PATH, REDIRECT_PATH
from bot.platforms.slack.settings import SlackSettings
from bot.process.replay import ReplayGuard
from handlers.state import StateCodec

OAUTH_STATE_SECONDS = 600


def build_app(settings: SlackSettings, host: Host, services: Services) -> App:
    """The Slack side of files-bot, on the server's `services`."""
    kept = storage.backend(host.data_dir)
    installation_store = kept.slack_installations(settings.client_id)
    oauth_settings = OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(scopes.BOT_SCOPES),
        user_scopes=list(scopes.USER_SCOPES),
        redirect_uri=f"{host.public_url}{REDIRECT_PATH}",
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        # Users arrive here from the "Authorize" button: send them straight to Slack's consent page.
        install_page_rendering_enabled=False,
        authorization_url=settings.authorize_url,
        installation_store=installation_store,
        state_store=kept.slack_oauth_states(expiration_seconds=OAUTH_STATE_SECONDS),
    )
    app = App(
        signing_secret=settings.signing_secret,
        client=web_client(settings.api_url),
        oauth_settings=oauth_settings,
        # Our own lookup: per request and per user, no auth.test round trip before the ack.
        authorize=UserTokenAuthorize(installation_store),  # type: ignore[arg-type]  # Bolt accepts Authorize
        # Acks are computed in the request thread (instant: parsing only); the listeners hand the slow
        # work to their own pool, so a busy pool never delays an ack.
        process_before_response=True,
        user_facing_authorize_error_message=(
            "files-bot is no longer installed in this workspace. "
            f"Ask an admin to reinstall it: {host.public_url}{INSTALL_PATH}"
        ),
    )

    app.use(RefuseReplays(ReplayGuard()))

    @app.error
    def malformed(error: Exception, logger: Any) -> BoltResponse:
        # Whatever fails while handling a request (signed, yet unusable: no response_url, odd shapes) is
        # answered 400, never 500; the error class goes to the log, the payload does not.
        logger.warning("request failed: %s", type(error).__name__)
        return BoltResponse(status=400, body="malformed request")

    # Bolt tries listeners in the order they were added: `/files` and its buttons, the requests that
    # wait for an ack, come first.
    codec = StateCodec(settings.signing_secret, purpose="slack")
    files = interactions.SlackInteractions(
        settings, host.public_url, codec, services.limiter, services.cache, services.priority
    )
    interactions.register(app, files)
    events.register(app, services.cache)  # with Bolt's token-revocation listeners (see there why not enable_…())
    return app


class RefuseReplays(Middleware):
    """Runs after Bolt has verified signature and timestamp: a correctly signed request is accepted once.
    (A `Middleware` class, not a decorated function: Bolt calls it directly, without resolving arguments
    by name on every request.)"""

    def __init__(self, guard: ReplayGuard) -> None:
        self._guard = guard

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        signature = (req.headers.get("x-slack-signature") or [""])[0]
        if signature and not self._guard.first_time(signature):
            return BoltResponse(status=401, body='{"error": "replayed request"}')
        return next()
