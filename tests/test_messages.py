"""Everything files-bot says to people is in `handlers/messages.py`, each message under one name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from handlers import messages

ROOT = Path(__file__).resolve().parents[1]
# Where messages used to be written: the flow, its views and the adapters that carry them. (Not reports.py:
# the report data, whose keys — `PRIVATE_OTHER` — are never said to anyone as they are.)
SPEAKERS = [
    *sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "handlers").glob("*.py")
        if p.name not in ("messages.py", "reports.py")
    ),
    "bot/process/safe_reply.py",
    "bot/platforms/slack/interactions.py",
    "bot/platforms/slack/render.py",
    "bot/platforms/rocketchat/interactions.py",
    "bot/platforms/rocketchat/render.py",
]


def sentences(value: object) -> list[str]:
    """The sentences (three words or more) in a message: a string, or a tuple of a sentence's pieces."""
    pieces = value if isinstance(value, tuple) else (value,)
    text = "".join(p for p in pieces if isinstance(p, str))
    return [text] if len(text.split()) >= 3 else []


def test_one_message_one_name():
    names_of: dict[str, list[str]] = {}
    for name, value in vars(messages).items():
        if name.isupper():
            for text in sentences(value):
                names_of.setdefault(text, []).append(name)
    assert {text: names for text, names in names_of.items() if len(names) > 1} == {}


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except ValueError:  # not a literal: computed from something else
        return None


@pytest.mark.parametrize("path", SPEAKERS)
def test_no_module_of_the_flow_keeps_messages_of_its_own(path: str):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    own = [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and sentences(_literal(node.value))
    ]
    assert own == [], f"{path}: move {own} to handlers/messages.py"
