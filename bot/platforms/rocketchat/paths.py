"""The bot's Rocket.Chat URLs."""

COMMAND_PATH = "/rocketchat/command"
ACTION_PATH = "/rocketchat/action"
INSTALL_PATH = "/rocketchat/install"
REDIRECT_PATH = "/rocketchat/oauth_redirect"
CHART_PATH = "/rocketchat/chart"
