"""The Slack installation store remembers lookups (bot/storage/sqlite/slack.py): per user, never across users, and
never past a write. Real SQLite files."""

from __future__ import annotations

from pathlib import Path

from slack_sdk.oauth.installation_store import Installation

from bot.storage.sqlite.slack import SlackInstallationStore

TEAM = "T0ACME"


def installation(user_id: str, user_token: str, bot_token: str = "xoxb-bot") -> Installation:
    return Installation(
        app_id="A0FILESBOT",
        team_id=TEAM,
        user_id=user_id,
        user_token=user_token,
        user_scopes=["files:read"],
        bot_token=bot_token,
        bot_id="B0BOT",
        bot_user_id="U0BOT",
        bot_scopes=["chat:write"],
        installed_at=1.0,
    )


def store(path: Path) -> SlackInstallationStore:
    return SlackInstallationStore(database=str(path), client_id="cid")


def user_token(s: SlackInstallationStore, user_id: str) -> str | None:
    found = s.find_installation(enterprise_id=None, team_id=TEAM, user_id=user_id)
    return found.user_token if found is not None and found.user_id == user_id else None


def test_each_user_gets_their_own_token_from_memory_too(tmp_path: Path) -> None:
    s = store(tmp_path / "i.sqlite")
    s.save(installation("U0ANA", "xoxp-ana"))
    s.save(installation("U0BEN", "xoxp-ben"))
    for _ in range(2):  # the second round is answered from memory
        assert user_token(s, "U0ANA") == "xoxp-ana"
        assert user_token(s, "U0BEN") == "xoxp-ben"
        assert user_token(s, "U0CAT") is None  # never authorized: not somebody else's token


def test_a_new_token_is_seen_at_once(tmp_path: Path) -> None:
    s = store(tmp_path / "i.sqlite")
    s.save(installation("U0ANA", "xoxp-old"))
    assert user_token(s, "U0ANA") == "xoxp-old"
    s.save(installation("U0ANA", "xoxp-new"))
    assert user_token(s, "U0ANA") == "xoxp-new"


def test_a_user_who_authorizes_after_a_miss_is_seen_at_once(tmp_path: Path) -> None:
    s = store(tmp_path / "i.sqlite")
    s.save(installation("U0BEN", "xoxp-ben"))
    assert user_token(s, "U0ANA") is None
    s.save(installation("U0ANA", "xoxp-ana"))
    assert user_token(s, "U0ANA") == "xoxp-ana"


def test_deleting_forgets_the_remembered_tokens(tmp_path: Path) -> None:
    s = store(tmp_path / "i.sqlite")
    s.save(installation("U0ANA", "xoxp-ana"))
    assert user_token(s, "U0ANA") == "xoxp-ana"
    assert s.find_bot(enterprise_id=None, team_id=TEAM) is not None
    s.delete_installation(enterprise_id=None, team_id=TEAM, user_id="U0ANA")
    assert user_token(s, "U0ANA") is None
    s.delete_all(enterprise_id=None, team_id=TEAM)  # app_uninstalled
    assert s.find_bot(enterprise_id=None, team_id=TEAM) is None


def test_a_lookup_that_raced_a_write_is_not_remembered(tmp_path: Path) -> None:
    s = store(tmp_path / "i.sqlite")
    s.save(installation("U0ANA", "xoxp-old"))
    key = ("installation", None, TEAM, "U0ANA", False)

    def read_then_lose_the_race() -> Installation:
        before = installation("U0ANA", "xoxp-old")  # what the read saw ...
        s.save(installation("U0ANA", "xoxp-new"))  # ... before another thread's write landed
        return before

    assert s._remembered(key, read_then_lose_the_race).user_token == "xoxp-old"
    assert user_token(s, "U0ANA") == "xoxp-new"
