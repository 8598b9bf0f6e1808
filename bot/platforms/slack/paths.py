"""The bot's Slack URLs (one place, used by the OAuth settings, the server and the manifest test)."""

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
