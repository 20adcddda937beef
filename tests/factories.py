"""Submissions and drafts for tests, stored by the app's one write path of each.

``submissions.store`` and ``drafts.save`` are what a patient's submit and step use, so a row
made here is the row a patient would leave (search terms, safety flags and all). Call inside
an app context; each commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app import drafts, submissions
from app.extensions import db
from app.models import utcnow

URGENT_DRAFT = {"first_name": "Robin", "email": "robin@example.org", "phq9_9": 2}
"""Answers of an unfinished questionnaire with a safety signal (PHQ-9 item 9)."""
DRAFT_STEPS = ("about_you", "seeking_help", "current_symptoms")


def store_submission(
    answers: Mapping[str, Any], *, columns: Mapping[str, Any] | None = None, **decide: Any
) -> int:
    """Decide ``answers`` (``decide``: ``submitted_at``, ``as_of``, ``language``), set
    ``columns`` on the row the rules made (status, assigned_to_id, ...), store it; its id."""
    row = submissions.submission_row(answers, **decide)
    submission_id = submissions.store(db.session.connection(), {**row, **(columns or {})})
    db.session.commit()
    return submission_id


def save_draft(
    answers: Mapping[str, Any] = URGENT_DRAFT,
    *,
    steps: Iterable[str] = DRAFT_STEPS,
    **columns: Any,
) -> int:
    """A draft saved as a patient's steps save it (flagged urgent by its answers' own safety
    signal); ``columns``: ``created_at``, ``updated_at``, ``expires_at``, ``submitted_at``."""
    saved = drafts.save(
        db.session.connection(), answers, list(steps), as_of=utcnow().date(), **columns
    )
    db.session.commit()
    return saved.draft.id
