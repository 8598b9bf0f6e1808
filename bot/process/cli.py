"""`files-bot` — the command line."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from pathlib import Path

from bot.platforms.registry import Registry, rocketchat_setup_check
from bot.process import logs
from bot.process.config import Settings

DEMO_PORT = 8080


def main(argv: list[str] | None = None) -> int:
    # Everything files-bot writes (SQLite files with tokens and file metadata) is private to its user.
    os.umask(0o077)
    parser = argparse.ArgumentParser(prog="files-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve Slack (and later Rocket.Chat) over HTTP")
    serve.add_argument("--port", type=int, help="listen port (default: $PORT or 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="listen address (default: 0.0.0.0)")
    demo = commands.add_parser(
        "demo", help="try files-bot without a workspace: the real bot on emulated Slack and Rocket.Chat, in a web page"
    )
    demo.add_argument(
        "--port", type=int, default=DEMO_PORT, help="the demo page's port (default: 8080; 0: any free one)"
    )
    demo.add_argument("--host", default="127.0.0.1", help="the demo page's address (default: 127.0.0.1)")
    demo.add_argument("--data-dir", type=Path, help="keep the demo's data here (default: a temporary directory)")
    sync = commands.add_parser("sync", help="bring the file cache up to date (incremental; --full reconciles)")
    sync.add_argument("--full", action="store_true", help="re-read everything; vanished files leave their conversation")
    forget = commands.add_parser(
        "forget", help="delete everything the cache keeps about a workspace (files, reports' data, subscriptions)"
    )
    forget.add_argument("--workspace", required=True, help="the Slack team id or the Rocket.Chat host")
    commands.add_parser("doctor", help="check configuration, data-dir permissions, platforms and token scopes")
    report = commands.add_parser("report", help="storage reports from the cache")
    report.add_argument(
        "--dry-run",
        action="store_true",
        required=True,
        help="print the reports and write the chart instead of sending (sending comes with the scheduler)",
    )
    report.add_argument("--workspace", help="only this workspace (Slack team id / Rocket.Chat host)")
    report.add_argument("--conversation", help="the channel report of this conversation id")
    report.add_argument("--chart-dir", default=".", help="where to write the admin report's chart (default: .)")
    rocketchat = commands.add_parser("rocketchat", help="Rocket.Chat set-up tools")
    rc_commands = rocketchat.add_subparsers(dest="rc_command", required=True)
    rc_commands.add_parser("check", help="check the URL, bot token and OAuth app; print what is left to do")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    if args.command == "demo":
        from bot.sandbox.demo.run import run_demo

        return run_demo(settings, host=args.host, port=args.port, data_dir=args.data_dir or settings.data_dir_setting)
    if args.command == "serve":
        if not settings.has_credentials:
            # A fresh clone with no platform set up: show what the bot does instead of serving nothing.
            from bot.sandbox.demo.run import run_demo

            print("files-bot: no Slack or Rocket.Chat credentials are set, so this is the demo.", flush=True)
            print("  (set the variables in the README's Configuration to serve real platforms)", flush=True)
            port = args.port if args.port is not None else DEMO_PORT
            return run_demo(settings, host="127.0.0.1", port=port, data_dir=settings.data_dir_setting)
        if args.port is not None:
            settings = settings.with_port(args.port)
        return _serve(settings, args.host)
    if args.command == "rocketchat" and args.rc_command == "check":
        return _rocketchat_check(settings)
    if args.command == "sync":
        return _sync(settings, full=args.full)
    if args.command == "forget":
        return _forget(settings, args.workspace)
    if args.command == "doctor":
        from bot.process.doctor import diagnose

        checks = diagnose(settings)
        for check in checks:
            print(f"[{'ok' if check.ok else 'FIX'}] {check.name}: {check.detail}")
        return 0 if all(c.ok for c in checks) else 1
    if args.command == "report":
        from bot.services.report_preview import preview
        from bot.storage import open_store

        store = open_store(settings.data_dir)
        print(preview(store, workspace=args.workspace, conversation=args.conversation, chart_dir=Path(args.chart_dir)))
        return 0
    return 2


def _sync(settings: Settings, *, full: bool) -> int:
    from bot.services.ratelimit import RateLimiter
    from bot.services.sync import describe
    from bot.services.sync_runner import run_sync
    from bot.storage import open_store
    from bot.storage.model import StorageUnavailable
    from handlers.errors import SourceError

    logs.configure(settings.log_level, settings.log_format)
    store = open_store(settings.data_dir)
    try:
        results = run_sync(settings, store, RateLimiter(), full=full)
    except SourceError as error:
        # Everything synced so far is committed, with the cursor to resume from.
        print(f"sync stopped: {error}; run it again to resume where it stopped")
        return 1
    except StorageUnavailable as error:  # the cache is locked by another process, or the disk is full
        print(
            f"sync stopped: the cache could not be written ({error}); nothing half-written was kept — "
            "free some space or wait for the other process, then run it again"
        )
        return 1
    if not results:
        print("nothing to sync: no platform is configured with bot credentials")
    for where, result in results.items():
        print(f"{where}: {describe(result)}")
    # Whatever failed was skipped (the rest is synced); the next run resumes it.
    return 1 if any(r.error or r.failed for r in results.values()) else 0


def _forget(settings: Settings, workspace: str) -> int:
    from bot.storage import open_store

    store = open_store(settings.data_dir)
    platforms = [p for p, w in store.workspaces() if w == workspace]
    if not platforms:
        print(f"nothing is kept for {workspace} (known: {', '.join(w for _, w in store.workspaces()) or 'none'})")
        return 1
    for platform in platforms:
        deleted = store.workspace(platform, workspace).forget()
        print(
            f"{platform}:{workspace}: deleted {deleted.files} file(s), {deleted.conversations} "
            f"conversation(s), {deleted.subscriptions} subscription(s), {deleted.reports} report "
            f"record(s) and {deleted.snapshots} weekly snapshot(s)"
        )
        if _still_served(Registry.build(settings), platform, workspace):
            print(
                f"  files-bot is still installed in {workspace}: the next sync reads it again. "
                "Uninstall the app there (or remove the server from the configuration) to keep it forgotten."
            )
    return 0


def _still_served(registry: Registry, platform: str, workspace: str) -> bool:
    served = registry.get(platform)
    return served is not None and workspace in served.workspaces()


def _rocketchat_check(settings: Settings) -> int:
    setup = rocketchat_setup_check(settings)
    for check in setup.checks:
        print(f"[{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
    print("\nOn the Rocket.Chat side (the bot cannot check these):")
    for n, step in enumerate(setup.todo, 1):
        print(f"  {n}. {step}")
    return 0 if all(c.ok for c in setup.checks) else 1


def _serve(settings: Settings, host: str) -> int:
    logs.configure(settings.log_level, settings.log_format)
    from bot.process.ack_priority import AckPriority
    from bot.process.collector import QuietCollector
    from bot.process.server import create_app, make_server, shutdown

    priority = AckPriority()
    registry = Registry.build(settings)
    server = make_server(settings, host=host, app=create_app(settings, priority, registry))
    scheduler = None
    if registry.platforms:
        from bot.process import scheduler as scheduling

        scheduler = scheduling.build(settings)
    # Everything is loaded now: freeze it and run the full garbage collections between bursts of requests,
    # not in the middle of one (bot/process/collector.py).
    QuietCollector(priority).start()

    def stop(*_: object) -> None:
        # SIGTERM: finish in-flight requests and stop, from a thread (the loop runs in this one).
        threading.Thread(target=shutdown, args=(server,), daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    configured = [platform.name for platform in registry.platforms]
    logging.getLogger("files-bot").info(
        "files-bot listening on http://%s:%s (platforms: %s; data: %s)",
        host,
        server.effective_port,
        ", ".join(configured) or "none",
        settings.data_dir,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        # Listings acknowledged but still queued go to their pool now, which finishes them before the
        # process ends.
        priority.drain()
        if scheduler is not None:
            scheduler.shutdown(wait=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
