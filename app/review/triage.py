"""What the queue's rows and saved views show to help coordinators triage at a glance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext, ngettext

from app.review.search import SORT_WAITING


@dataclass(frozen=True)
class SavedView:
    label: str
    args: dict[str, str]


def saved_views(today: dt.date, waiting_days: int) -> list[SavedView]:
    """The queue's saved views: each a plain set of filter values for a GET link."""
    waited_since = today - dt.timedelta(days=waiting_days)
    return [
        SavedView(gettext("My open cases"), {"mine": "y"}),
        SavedView(gettext("Urgent"), {"urgent": "y"}),
        SavedView(
            ngettext("Waiting over %(num)d day", "Waiting over %(num)d days", waiting_days),
            {"submitted_to": waited_since.isoformat(), "sort": SORT_WAITING},
        ),
    ]


def days_waiting(submitted_at: dt.datetime, today: dt.date) -> int:
    """Whole calendar days since the submission (UTC, as the date filters count them)."""
    return max(0, (today - submitted_at.date()).days)


def days_in_words(days: int) -> str:
    if days == 0:
        return gettext("today")
    return ngettext("%(num)d day", "%(num)d days", days)


def waiting_words_of_a_page() -> Callable[[dt.datetime, dt.date], str]:
    """How long a submission has waited, in words, for one page: each number of days is put
    in words once (a queue page of 25 rows has a few)."""
    words = cache(days_in_words)
    return lambda submitted_at, today: words(days_waiting(submitted_at, today))
