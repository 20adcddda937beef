"""CSV export of the filtered queue: streamed row by row, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import StaffUser, Submission
from app.review.queries import record_view
from app.review.search import QueueFilters, in_queue_order

BOM = "\ufeff"
COLUMNS = (
    "reference",
    "submitted_at",
    "status",
    "outcome",
    "priority",
    "urgent",
    "assigned_to",
    "first_name",
    "last_name",
    "email",
    "phone",
    "phq9_total",
    "adequate_failed_trials",
    "rules",
)
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets."""
YIELD_PER = 200  # rows decoded at a time: keeps the export's memory flat
LINES_PER_CHUNK = 200


def neutralise(value: object) -> str:
    """The cell as text, made inert (a leading apostrophe) if a spreadsheet would run it."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


def row_cells(row: Any) -> list[object]:
    """One submission's cells. What people typed (names, contact details, the assignee's
    email) is neutralised; the rest is made by Prescreen (references, times, codes, numbers)
    and never starts with a formula character."""
    summary: Mapping[str, Any] = row.summary
    return [
        row.reference,
        row.submitted_at.isoformat(timespec="seconds") + "Z",
        row.status,
        row.outcome,
        row.priority,
        "yes" if row.is_urgent else "no",
        neutralise(row.email),
        neutralise(summary["first_name"]),
        neutralise(summary["last_name"]),
        neutralise(summary["email"]),
        neutralise(summary["phone"]),
        summary["phq9_total"],
        summary["adequate_failed_trials"],
        " ".join(summary["rules"]),
    ]


def start_export(filters: QueueFilters, user: StaffUser) -> Iterator[str]:
    """Audit the export (filters only, no PHI), then return the lines to stream."""
    record_view("export_csv", **filters.audit_detail())
    return _lines(filters, user.id)


def _lines(filters: QueueFilters, user_id: int) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    statement = select(
        Submission.reference,
        Submission.submitted_at,
        Submission.status,
        Submission.outcome,
        Submission.priority,
        Submission.is_urgent,
        StaffUser.email,
        Submission.summary,
    ).outerjoin(StaffUser, Submission.assigned_to_id == StaffUser.id)
    statement = in_queue_order(statement, filters, user_id).execution_options(yield_per=YIELD_PER)
    for number, row in enumerate(db.session.execute(statement), start=1):
        writer.writerow(row_cells(row))
        if number % LINES_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
