"""Prometheus metrics, served at `GET /metrics`."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "files_bot_requests_total", "HTTP requests by platform and outcome", ["platform", "outcome"], registry=REGISTRY
)
ACK_SECONDS = Histogram(
    "files_bot_ack_seconds",
    "Time to answer a platform request (the ack)",
    ["platform"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5),
    registry=REGISTRY,
)
API_CALLS = Counter(
    "files_bot_api_calls_total",
    "Platform API calls by method and result",
    ["platform", "method", "result"],
    registry=REGISTRY,
)
SYNC_FILES = Counter(
    "files_bot_sync_files_total", "Files written to the cache by sync", ["platform"], registry=REGISTRY
)
SYNC_PAGES = Counter("files_bot_sync_pages_total", "Pages read by sync", ["platform"], registry=REGISTRY)
SYNC_LAST_SUCCESS = Gauge(
    "files_bot_sync_last_success_timestamp", "When a sync last finished", ["platform"], registry=REGISTRY
)
REPORTS = Counter(
    "files_bot_reports_total", "Weekly report deliveries by status", ["platform", "status"], registry=REGISTRY
)
# One unit of work that failed on its own and was skipped while the rest went on: `job` is "sync" or
# "reports"; `scope` is "conversation", "recipient", "workspace" or "platform". (A report delivery that
# failed is also counted in files_bot_reports_total{status="failed"}.)
FAILURES = Counter(
    "files_bot_failures_total",
    "Work that failed on its own and was skipped, the rest going on",
    ["job", "platform", "scope"],
    registry=REGISTRY,
)
CONVERSATIONS_LOST = Counter(
    "files_bot_conversations_lost_total",
    "Conversations the bot was found to be no longer in (removed, archived, deleted)",
    ["platform"],
    registry=REGISTRY,
)


def exposition() -> bytes:
    return generate_latest(REGISTRY)


def outcome(status: int) -> str:
    return "ok" if status < 400 else "rejected" if status < 500 else "error"
