"""The Slack adapter: Bolt app, OAuth, a `FileSource` over `files.list`, and Block Kit rendering."""
