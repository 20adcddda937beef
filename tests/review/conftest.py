"""Submissions and drafts for the staff-side tests, stored as a patient's are
(``submissions.store``, ``drafts.save``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select

from app import submissions
from app.models import AuditEvent, Submission, utcnow
from tests.factories import save_draft, store_submission
from tests.review.treatment_docs import WithTreatments
from tests.rules.builders import baseline


@pytest.fixture
def make_submission(app: Flask, db: SQLAlchemy) -> Callable[..., Submission]:
    """``make_submission(answers=None, *, submitted_at=None, **columns)``: a stored submission.

    ``answers`` defaults to the E1 document (a likely candidate); ``columns`` are set on the row
    after the rules decided (status, assigned_to_id, ...), then it is stored as a patient's
    submit stores it. Returned detached, attributes loaded.
    """

    def make(
        answers: dict[str, Any] | None = None,
        *,
        submitted_at: dt.datetime | None = None,
        **columns: Any,
    ) -> Submission:
        with app.app_context():
            submission_id = store_submission(
                answers if answers is not None else baseline(),
                columns=columns,
                submitted_at=submitted_at or utcnow() - dt.timedelta(hours=1),
            )
            submission = db.session.get_one(Submission, submission_id)
            db.session.expunge(submission)
        return submission

    return make


@pytest.fixture
def make_draft(app: Flask, db: SQLAlchemy) -> Callable[..., int]:
    """``make_draft(answers=URGENT_DRAFT, *, steps=..., **columns)``: a stored draft's id,
    saved as a patient's step saves it (``tests.factories.save_draft``)."""

    def make(*args: Any, **kwargs: Any) -> int:
        with app.app_context():
            return save_draft(*args, **kwargs)

    return make


@pytest.fixture
def fetch(app: Flask, db: SQLAlchemy) -> Callable[[int], Submission]:
    """The submission as stored now (detached)."""

    def get(submission_id: int) -> Submission:
        with app.app_context():
            submission = db.session.get(Submission, submission_id)
            assert submission is not None
            db.session.expunge(submission)
        return submission

    return get


@pytest.fixture
def audit_entries(app: Flask, db: SQLAlchemy) -> Callable[..., list[AuditEvent]]:
    """``audit_entries(action=None)``: the audit log, oldest first (detached)."""

    def entries(action: str | None = None) -> list[AuditEvent]:
        with app.app_context():
            query = select(AuditEvent).order_by(AuditEvent.id)
            if action:
                query = query.where(AuditEvent.action == action)
            rows = list(db.session.scalars(query))
            db.session.expunge_all()
        return rows

    return entries


@pytest.fixture
def treatments_decided(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any], None]:
    """``treatments_decided(blocks)``: submissions stored from now on carry ``blocks`` as
    their decision's ``treatments`` (None: none, as before issue 21); until it is called, what
    the rules decide."""
    decide = submissions.decide
    chosen: dict[str, Any] = {}

    def patched(answers: Mapping[str, Any], as_of: dt.date) -> Any:
        decision = decide(answers, as_of)
        return decision if not chosen else WithTreatments(decision, chosen["blocks"])

    monkeypatch.setattr(submissions, "decide", patched)

    def choose(blocks: Any) -> None:
        chosen["blocks"] = blocks

    return choose
