"""The platforms: one contract, the registry that builds them, and an adapter each for Slack and Rocket.Chat."""
