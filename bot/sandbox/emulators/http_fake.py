"""What every platform fake shares: a real threaded HTTP server on 127.0.0.1 (port 0), request recording,
injectable faults (status, headers, body, n times), latency, and calls held until released, per method."""

from __future__ import annotations

import itertools
import json
import random
import sys
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Fault:
    status: int
    body: str
    headers: dict[str, str]
    times: int
    after: int = 0  # let this many calls through first


@dataclass
class Request:
    """One request as the fake saw it."""

    verb: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    raw_query: str = ""
    raw_body: bytes = b""
    client: str = ""  # the peer's address, as the server's socket sees it


class Hold:
    """Calls of one method wait here until `release()`: a test can see what the bot does meanwhile."""

    def __init__(self, after: int = 0) -> None:
        self._after = after  # let this many calls through first
        self._released = threading.Event()
        self._changed = threading.Condition()
        self.waiting = 0

    def enter(self) -> None:
        with self._changed:
            if self._after > 0:
                self._after -= 1
                return
            self.waiting += 1
            self._changed.notify_all()
        self._released.wait()
        with self._changed:
            self.waiting -= 1
            self._changed.notify_all()

    def wait_for(self, waiting: int, timeout: float = 30.0) -> bool:
        """Block until at least `waiting` calls are held here (False if `timeout` passes first)."""
        with self._changed:
            return self._changed.wait_for(lambda: self.waiting >= waiting, timeout)

    def release(self) -> None:
        self._released.set()


class _Server(ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a burst of concurrent calls would overflow it, and the
    # kernel's SYN retries (1 s, then 3 s) would show up as platform latency no real platform has.
    request_queue_size = 1024

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client gave up on a held or slow call before the answer: nothing to report
        super().handle_error(request, client_address)


@dataclass
class Answer:
    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
        return cls(status, json.dumps(data), headers or {})


class HTTPFake:
    """Subclasses implement `handle(request) -> Answer` and name the method a request is for."""

    def __init__(self, max_recorded: int | None = None) -> None:
        # Tests read every request back; a long-running demo keeps only the latest `max_recorded`.
        self.requests: deque[Request] = deque(maxlen=max_recorded)
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self.latency = 0.0
        self.random_faults: dict[str, tuple[float, float]] = {}  # method → (p(429), p(503)), for soak runs
        self.holds: dict[str, Hold] = {}
        self._random = random.Random(7)
        self._lock = threading.Lock()
        self._sequence = itertools.count(1)  # orders what a fake records (messages, uploads) across kinds
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle -----------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        for hold in list(self.holds.values()):
            hold.release()
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- faults --------------------------------------------------------------------------------------
    def inject(
        self,
        method: str,
        status: int,
        *,
        body: Any = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Make `times` calls of `method` — after letting `after` through — answer with `status` instead."""
        text = body if isinstance(body, str) else json.dumps(body if body is not None else {})
        with self._lock:
            self.faults[method].append(Fault(status, text, headers or {}, times, after))

    def hold(self, method: str, *, after: int = 0) -> Hold:
        """Make calls of `method` — after letting `after` through — wait until the returned hold is released."""
        hold = self.holds[method] = Hold(after)
        return hold

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            queue = self.faults.get(method)
            if not queue:
                return None
            fault = queue[0]
            if fault.after > 0:
                fault.after -= 1
                return None
            fault.times -= 1
            if fault.times <= 0:
                queue.pop(0)
            return fault

    # -- to implement --------------------------------------------------------------------------------
    def method_of(self, request: Request) -> str | None:
        """The API method a request calls (for faults and latency), or None for plumbing routes."""
        raise NotImplementedError

    def handle(self, request: Request) -> Answer:
        raise NotImplementedError

    # -- plumbing ------------------------------------------------------------------------------------
    def _serve(self, request: Request) -> Answer:
        method = self.method_of(request)
        with self._lock:
            self.requests.append(request)
        if method is not None and method in self.random_faults:
            p429, p5xx = self.random_faults[method]
            with self._lock:
                roll = self._random.random()
            if roll < p429:
                return Answer.json({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": "1"})
            if roll < p429 + p5xx:
                return Answer(503, "<html>Service Unavailable</html>", content_type="text/html")
        if method is not None and (hold := self.holds.get(method)) is not None:
            hold.enter()
        if method is not None:
            fault = self._take_fault(method)
            if self.latency:
                time.sleep(self.latency)
            if fault is not None:
                return Answer(fault.status, fault.body, fault.headers)
        return self.handle(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _do(self) -> None:
                url = urlparse(self.path)
                params = {k: v[-1] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body: Any = None
                raw_bytes = self.rfile.read(length) if length else b""
                content_type = self.headers.get("Content-Type") or ""
                if raw_bytes and "json" in content_type:
                    try:
                        body = json.loads(raw_bytes.decode() or "null")
                    except ValueError:
                        body = None
                elif raw_bytes and "x-www-form-urlencoded" in content_type:
                    params.update({k: v[-1] for k, v in parse_qs(raw_bytes.decode("utf-8", "replace")).items()})
                request = Request(
                    self.command,
                    url.path,
                    params,
                    dict(self.headers.items()),
                    body,
                    url.query,
                    raw_bytes,
                    str(self.client_address[0]),
                )
                answer = fake._serve(request)
                raw_out = answer.body.encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(raw_out)))
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw_out)

            do_GET = _do
            do_POST = _do

        return Handler
