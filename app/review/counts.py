"""The queue's counts per status, read from the counts the database keeps wherever they serve.

Counting rows grows with the table (a million submissions: hundreds of milliseconds a view on
PostgreSQL); ``queue_count`` (status × outcome, kept by triggers) does not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, union, union_all

from app import submissions, treatment_index
from app.extensions import db
from app.models import STATUSES, AssigneeCount, QueueCount, Submission, SubmissionSearchTerm
from app.review.search import (
    ALL_STATUSES,
    URGENT_OUTCOME,
    QueueFilters,
    by_blind_indexes,
    name_only_terms,
    reference_or_name,
    waited_until,
)
from app.review.workflow import OPEN_STATUSES


def status_counts(
    filters: QueueFilters, conditions: Sequence[ColumnElement[bool]], user_id: int | None
) -> dict[str, int]:
    """Submissions per status under the filters other than status, in one query.

    With no filter but the outcome or the assignee and the end date, the counts the database
    triggers keep serve (``kept_counts``); with a name search alone (or a word of letters that
    can be a reference too), the search terms (which carry their submission's status) are
    counted. Otherwise one conditional count per status
    lets the database walk the index that serves the filter (each ends with the status column).
    """
    if (by_treatment := treatment_index.status_counts(filters)) is not None:
        return by_treatment  # a treatment's outcome alone: its own index (issue 21)
    if filters.q and len(conditions) == 1 and (terms := name_only_terms(filters.q)):
        rows = db.session.execute(
            select(SubmissionSearchTerm.status, func.count())
            .where(*submissions.every_term(terms))
            .group_by(SubmissionSearchTerm.status)
        ).tuples()
        return _counted(rows)
    if filters.q and len(conditions) == 1 and (both := reference_or_name(filters.q)):
        # The name's terms and the reference's row, each with its status (a union: once each).
        return _counted_found(
            submissions.with_every_term_and_status(both[1]),
            select(Submission.id, Submission.status).where(Submission.reference == both[0]),
        )
    if filters.q and len(conditions) == 1 and by_blind_indexes(filters.q):
        # An email or a phone number: likewise, each alternative with its status, instead of
        # every open case joined with the few found (100,000 submissions: 15 -> 1 ms).
        return _counted_found(*submissions.search_parts(filters.q))
    if (kept := kept_counts(filters, conditions, user_id)) is not None:
        return _counted(db.session.execute(kept).tuples())
    counts = db.session.execute(
        select(*(func.count().filter(Submission.status == status) for status in STATUSES)).where(
            *conditions
        )
    ).one()
    return {status: int(count) for status, count in zip(STATUSES, counts, strict=True) if count}


def kept_counts(
    filters: QueueFilters, conditions: Sequence[ColumnElement[bool]], user_id: int | None
) -> Select[Any] | None:
    """The statement of the counts per status from the kept counts, when the filters are only
    what they count by, else None: ``queue_count`` for an outcome (the outcome filter, the
    "Urgent" view), ``assignee_count`` for "My open cases"; and either with an end date
    ("Waiting over N days").

    Submitted before a date is all of them minus those submitted since, which are the last
    days' few rows (an index range), not the years before: the kept counts minus the counts of
    the rows since, in one statement, so both are read at the same moment.
    """
    outcomes = {o for o in (filters.outcome, URGENT_OUTCOME if filters.urgent else "") if o}
    served = bool(filters.outcome) + filters.urgent + filters.mine + bool(filters.submitted_to)
    if len(outcomes) > 1 or len(conditions) != served or (filters.mine and outcomes):
        return None
    narrowed: ColumnElement[bool] | None = None
    if filters.mine:
        kept = select(AssigneeCount.status, AssigneeCount.submissions)
        kept = kept.where(AssigneeCount.assigned_to_id == user_id)
        narrowed = Submission.assigned_to_id == user_id
    else:
        kept = select(QueueCount.status, QueueCount.submissions)
        if outcome := next(iter(outcomes), None):
            kept = kept.where(QueueCount.outcome == outcome)
            narrowed = Submission.outcome == outcome
    parts = kept.subquery()
    if filters.submitted_to:
        since = select(Submission.status, -func.count()).where(
            Submission.submitted_at >= waited_until(filters.submitted_to)
        )
        if narrowed is not None:
            since = since.where(narrowed)
        parts = union_all(kept, since.group_by(Submission.status)).subquery()
    return select(parts.c.status, func.sum(parts.c.submissions)).group_by(parts.c.status)


def _counted_found(*parts: Select[Any]) -> dict[str, int]:
    """Counted per status: the submissions ``parts`` find (``id``, ``status``), once each."""
    found = union(*parts).subquery()
    counted = select(found.c.status, func.count()).group_by(found.c.status)
    return _counted(db.session.execute(counted).tuples())


def _counted(rows: Any) -> dict[str, int]:
    return {str(status): int(count) for status, count in rows if count}


def queue_total(filters: QueueFilters, counts: Mapping[str, int]) -> int:
    """How many submissions the filters show: a status's, all, or the open ones (default)."""
    if filters.status == ALL_STATUSES:
        return sum(counts.values())
    if filters.status:
        return counts.get(filters.status, 0)
    return sum(counts.get(status, 0) for status in OPEN_STATUSES)
