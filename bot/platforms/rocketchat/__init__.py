"""The Rocket.Chat adapter: the signed bridge from our Apps-Engine app, per-user OAuth, a `FileSource` over
the REST files endpoints, and UIKit rendering."""
