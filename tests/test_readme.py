"""The README's two commands are the project's contract; CI must run exactly the second."""

from __future__ import annotations

import re
from pathlib import Path

from bot.process import config

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def test_exactly_two_commands_and_ci_runs_the_second():
    run, test = quick_start_commands()
    assert run.endswith("files-bot serve") and "pytest" in test
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert test in ci_lines


def test_every_environment_variable_the_code_reads_is_documented():
    source = Path(config.__file__).read_text()
    read = set(re.findall(r'env\.get\("([A-Z_]+)"\)', source))
    assert read, "expected config.py to read variables"
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README, re.MULTILINE))
    assert read == documented, (read - documented, documented - read)
