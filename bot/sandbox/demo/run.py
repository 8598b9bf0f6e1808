"""`files-bot demo`: the sandbox and its web page in one process, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
import signal
import tempfile
import threading
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

from waitress.server import create_server

from bot.process import logs
from bot.process.config import Settings
from bot.process.server import shutdown
from bot.sandbox.demo.sandbox import Sandbox
from bot.sandbox.demo.web import create_page

log = logging.getLogger("files-bot")
PAGE_THREADS = 8


def run_demo(settings: Settings, *, host: str, port: int, data_dir: Path | None) -> int:
    """Start the emulated platforms, the real bot and the demo page on `host:port` (0: any free port);
    print the page's URL. Data goes to `data_dir`, else a temporary directory removed at exit."""
    logs.configure(settings.log_level, settings.log_format)
    with ExitStack() as stack:
        where = data_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="files-bot-demo-")))
        print("files-bot demo: starting emulated Slack and Rocket.Chat, seeding Northwind …", flush=True)
        box = stack.enter_context(Sandbox(where))
        try:
            server: Any = create_server(
                create_page(box, host), host=host, port=port, threads=PAGE_THREADS, ident="files-bot-demo"
            )
        except OSError as error:  # most often: the port is taken
            print(f"files-bot demo: cannot listen on {host}:{port} ({error.strerror}); try --port", flush=True)
            return 1
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{server.effective_port}/"
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=shutdown, args=(server,), daemon=True).start())
        print(f"files-bot demo: open {url}  (data: {where}; Ctrl-C to stop)", flush=True)
        with suppress(KeyboardInterrupt):
            server.run()
    return 0
