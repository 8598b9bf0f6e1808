"""One adapter per platform: Slack and Rocket.Chat."""
