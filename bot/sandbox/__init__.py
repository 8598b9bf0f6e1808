"""Emulated Slack and Rocket.Chat, and the demo that runs the real bot on them."""
