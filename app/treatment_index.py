"""Each treatment's outcome of a submission, as indexed rows the queue filters by (issue 21).

A decision document carries ``treatments`` (clinical-pathways.md §5.5): one outcome per treatment
the clinic offers. The decision is encrypted, so the queue cannot filter on it; the outcomes are
copied into ``submission_treatment`` (one row per treatment) whenever a decision is stored or
replaced — by ``app/submissions.py`` and by the re-evaluation apply — and read back through the
index ``(treatment, outcome, submission_id)``. A decision without ``treatments`` (stored before
issue 21) has no rows: it matches no treatment filter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, event, insert, select

from app.models import Submission, SubmissionTreatment
from app.rules import TREATMENTS

OUTCOMES = ("likely_candidate", "needs_clinician_review", "not_a_candidate_now")
"""The outcomes of one treatment (ECT referral uses likely and not_a_candidate_now only)."""

_TABLE = SubmissionTreatment.__table__
INSERT = insert(_TABLE)


def outcomes_of(decision: Mapping[str, Any] | None) -> dict[str, str]:
    """``{treatment: outcome}`` of a decision document, in TREATMENTS order; empty without
    ``treatments``. Unknown treatments or malformed entries are left out."""
    treatments = (decision or {}).get("treatments")
    if not isinstance(treatments, Mapping):
        return {}
    found: dict[str, str] = {}
    for code in TREATMENTS:
        entry = treatments.get(code)
        if isinstance(entry, Mapping) and isinstance(entry.get("outcome"), str):
            found[code] = entry["outcome"]
    return found


def rows_of(submission_id: int, decision: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [
        {"submission_id": submission_id, "treatment": code, "outcome": outcome}
        for code, outcome in outcomes_of(decision).items()
    ]


def insert_rows(connection: Connection, submission_id: int, decision: Mapping[str, Any]) -> None:
    """A new submission's rows, on the connection of the transaction that inserts it."""
    rows = rows_of(submission_id, decision)
    if rows:
        connection.execute(INSERT, rows)


def replace_rows(
    connection: Connection, decisions: Iterable[tuple[int, Mapping[str, Any]]]
) -> None:
    """The rows of submissions whose decision was replaced (re-evaluation), in the caller's
    transaction: ``decisions`` is ``(submission_id, decision document)`` pairs."""
    pairs = list(decisions)
    if not pairs:
        return
    connection.execute(delete(_TABLE).where(_TABLE.c.submission_id.in_([i for i, _ in pairs])))
    rows = [row for submission_id, decision in pairs for row in rows_of(submission_id, decision)]
    if rows:
        connection.execute(INSERT, rows)


@event.listens_for(Submission, "after_insert")
def store_treatments(_mapper: Any, connection: Connection, submission: Submission) -> None:
    """Insert a new submission's rows in the flush that inserts it (the ORM path)."""
    insert_rows(connection, submission.id, submission.decision)


def parse_filter(value: str | None) -> tuple[str, str | None] | None:
    """``"tms"`` → ("tms", None) (offered: any outcome); ``"tms:likely_candidate"`` →
    ("tms", "likely_candidate"); anything else → None."""
    code, _, outcome = (value or "").partition(":")
    if code not in TREATMENTS:
        return None
    if not outcome:
        return code, None
    return (code, outcome) if outcome in OUTCOMES else None


def filter_condition(value: str | None) -> ColumnElement[bool] | None:
    """The queue condition of a treatment filter (None when ``value`` is not one): the
    submissions with a row for the treatment (and outcome), found by the index."""
    parsed = parse_filter(value)
    if parsed is None:
        return None
    code, outcome = parsed
    matching = select(SubmissionTreatment.submission_id).where(
        SubmissionTreatment.treatment == code
    )
    if outcome is not None:
        matching = matching.where(SubmissionTreatment.outcome == outcome)
    return Submission.id.in_(matching)
