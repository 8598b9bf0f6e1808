"""`files-bot report --dry-run`: build the weekly reports from the cache and print them, writing the admin
report's chart to a file — nothing is sent. For admins trying it out.

The reports are the views the weekly job sends (assembled by `handlers.this_week`), printed as plain text:
people by id (the dry run asks no platform for names), conversations by name.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.services import chart as charts
from bot.storage.interface import Store
from handlers.messages import PRIVATE_AGGREGATE, size
from handlers.report_views import FileList, ReportView, Subject, admin_view, channel_view
from handlers.this_week import assemble
from handlers.views import Conversation, Person, PrivateConversations, one_line, sentence_text


def preview(
    store: Store, *, workspace: str | None, conversation: str | None, chart_dir: Path, now: datetime | None = None
) -> str:
    now = now or datetime.now(UTC)
    out: list[str] = []
    for platform, ws in store.workspaces():
        if workspace and ws != workspace:
            continue
        this_week = assemble(store.workspace(platform, ws).reports(), now=now)
        if conversation:
            for conv in (c for c in this_week.conversations if c.id == conversation):
                out.append(as_text(channel_view(this_week.channel(conv))))
            continue
        # A dry run has no reader: every private conversation is shown as an aggregate.
        view = admin_view(this_week.admin(lambda c: False), this_week.conversations)
        text = as_text(view)
        if view.chart:
            name = f"storage-{platform}-{ws}-{this_week.week}.png".replace(":", "_")
            text += f"\n(chart written to {charts.write(view.chart, chart_dir / name)})"
        out.append(text)
    return "\n\n".join(out) or "The cache is empty: run `files-bot sync` first."


def as_text(view: ReportView) -> str:
    """A report view as plain text, one line per row."""
    lines = [sentence_text(view.heading), " · ".join(f"{fact.label}: {fact.value}" for fact in view.facts)]
    for section in view.sections:
        lines.append(section.title)
        if isinstance(section, FileList):
            for row in section.files:
                uploader = _subject(row.uploader) if row.uploader else "unknown uploader"
                link = f" <{row.file.url}>" if row.file.url else ""
                lines.append(f"• {one_line(row.file.name)}{link} · {row.size} · {uploader} · {row.created}")
        else:
            lines += [f"• {_subject(row.subject)}: {row.value}" for row in section.rows]
            lines += [section.more] if section.more else []
    if view.chart:
        lines.append(f"{view.chart.title}: " + " · ".join(f"{week} {size(total)}" for week, total in view.chart.points))
    return "\n".join(lines + list(view.notes))


def _subject(subject: Subject) -> str:
    if isinstance(subject, Person):
        return f"@{subject.id}"
    if isinstance(subject, Conversation):
        return sentence_text([subject])
    if isinstance(subject, PrivateConversations):
        return PRIVATE_AGGREGATE
    return subject
