"""The real Apps-Engine server runtime, driven from the tests: `rocketchat-app/engine-test/harness.js` in a child
process (one JSON object per line each way), playing the Rocket.Chat server and client around the App.

The engine's permission checks are on: NODE_ENV is removed from the child's environment (the engine skips
every check when it is "test", and the harness refuses to start then anyway).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tests.rocketchat_app_build import ENGINE_TEST

# Longer than any one engine call can take (it abandons an App call after 30 s), so a hung harness fails.
REPLY_TIMEOUT = 120
VIEW_CONTAINER = "view"


class EngineError(RuntimeError):
    """The engine (or the host around it) refused or failed an operation."""

    def __init__(self, message: str, events: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.events = events


@dataclass
class Outcome:
    result: Any
    events: list[dict[str, Any]]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["kind"] == kind]

    def logged(self, severity: str) -> list[str]:
        return [json.dumps(e["args"]) for e in self.of("log") if e["severity"] == severity]


@dataclass
class EngineHost:
    process: subprocess.Popen[str]
    stderr: IO[str]
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    next_id: int = 1
    app_id: str = ""

    def call(self, op: str, **args: Any) -> Outcome:
        request_id = self.next_id
        self.next_id += 1
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"id": request_id, "op": op, **args}) + "\n")
        self.process.stdin.flush()
        answer = self._read()
        assert answer["id"] == request_id, answer
        if not answer["ok"]:
            raise EngineError(answer["error"], answer["events"])
        return Outcome(answer["result"], answer["events"])

    def install(
        self,
        zip_path: Path,
        *,
        users: dict[str, str],
        rooms: list[dict[str, Any]],
        settings: dict[str, str],
        permissions: list[dict[str, Any]] | None = None,
    ) -> Outcome:
        """As an admin uploads the zip (granting what it declares, or `permissions`), then sets its settings."""
        args: dict[str, Any] = {
            "zip": str(zip_path),
            "users": [{"id": uid, "username": name} for uid, name in users.items()],
            "rooms": rooms,
            "settings": settings,
        }
        if permissions is not None:
            args["permissions"] = permissions
        outcome = self.call("install", **args)
        self.app_id = outcome.result["appId"]
        return outcome

    def command(self, user: str, room: str, text: str = "") -> Outcome:
        return self.call("command", user=user, room=room, text=text, triggerId=uuid.uuid4().hex)

    def block_action(
        self,
        user: str,
        room: str,
        *,
        action_id: str,
        block_id: str | None,
        value: str | None,
        container: dict[str, str],
    ) -> Outcome:
        """The body Rocket.Chat's client POSTs to /api/apps/ui.interaction/<appId> for a click."""
        body = {
            "type": "blockAction",
            "actionId": action_id,
            "triggerId": uuid.uuid4().hex,
            "rid": room,
            "payload": {"blockId": block_id, "value": value},
            "container": container,
        }
        return self.call("interaction", user=user, body=body)

    def view_closed(self, user: str, view: dict[str, Any]) -> Outcome:
        body = {"type": "viewClosed", "actionId": view.get("id"), "payload": {"view": view, "isCleared": False}}
        return self.call("interaction", user=user, body=body)

    def log(self) -> str:
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read()[-5000:]

    def _read(self) -> dict[str, Any]:
        try:
            line = self.lines.get(timeout=REPLY_TIMEOUT)
        except queue.Empty:
            raise RuntimeError(f"the engine harness did not answer:\n{self.log()}") from None
        if line is None:
            raise RuntimeError(f"the engine harness exited:\n{self.log()}")
        answer: dict[str, Any] = json.loads(line)
        return answer


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


@contextmanager
def engine_host() -> Iterator[EngineHost]:
    env = {k: v for k, v in os.environ.items() if k != "NODE_ENV"}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            ["node", "harness.js"],
            cwd=ENGINE_TEST,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
        )
        host = EngineHost(process, stderr)
        assert process.stdout is not None
        threading.Thread(target=_pump, args=(process.stdout, host.lines), daemon=True).start()
        try:
            hello = host._read()
            assert hello["ok"], hello
            yield host
        finally:
            assert process.stdin is not None
            process.stdin.close()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
