"""What the `/files` flow answers, with its outcome explicit, for the adapters to carry: a view to show
now, work to do once the platform has been acknowledged, a request to authorize first, or nothing.

The adapters act on the outcome's type alone — never on what a view happens to contain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.report_views import ReportNotice, ReportView
from handlers.views import ListingView, Notice

View = Notice | ListingView | ReportNotice | ReportView


@dataclass(frozen=True)
class Answered:
    """`view` is the answer. `replace`: it takes the place of the message the click came from. `chart`: where
    the platform shows a report's chart (a file id, a URL), found before rendering; None: not shown."""

    view: View
    replace: bool = False
    chart: str | None = None


@dataclass(frozen=True)
class NeedsAuthorization:
    """The person must authorize files-bot first: `notice` offers the button. Any token kept for them is no
    longer accepted by the platform (or there never was one)."""

    notice: Notice


@dataclass(frozen=True)
class Nothing:
    """Nothing to show: a click on a link button, which the client opens by itself."""


Settled = Answered | NeedsAuthorization | Nothing


@dataclass(frozen=True)
class Later:
    """The answer needs calls to the platform: acknowledge the request first, then run `work`."""

    work: Callable[[], Settled]


Answer = Settled | Later
