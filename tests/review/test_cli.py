"""`flask demo seed` and `flask retention purge`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

from app import questionnaire
from app.models import (
    STATUSES,
    AuditEvent,
    Draft,
    Note,
    StaffUser,
    Submission,
    TimelineEvent,
    utcnow,
)
from app.review import demo, demo_answers

OUTCOMES = {
    "urgent_safety_review",
    "not_a_candidate_now",
    "needs_clinician_review",
    "likely_candidate",
}


def test_demo_seed_makes_valid_varied_submissions(
    app: Flask, db: SQLAlchemy, runner: FlaskCliRunner, make_staff: Callable[..., StaffUser]
) -> None:
    make_staff("coordinator")
    make_staff("clinician")
    result = runner.invoke(args=["demo", "seed", "--count", "50"])
    assert result.exit_code == 0, result.output
    assert "Created 50 submissions" in result.output
    with app.app_context():
        submissions = list(db.session.scalars(select(Submission)))
        assert len(submissions) == 50
        assert {s.outcome for s in submissions} == OUTCOMES
        assert {s.status for s in submissions} == set(STATUSES)
        now = utcnow()
        for s in submissions:
            _, errors = questionnaire.validate_document(s.answers, s.as_of)
            assert errors == [], (s.reference, [e.to_dict() for e in errors])
            assert s.answers["email"].endswith(("@example.org", "@example.com"))
            assert "555" in s.answers.get("phone", "555")
            assert now - dt.timedelta(weeks=17) < s.submitted_at < now
            assert s.as_of == s.submitted_at.date()
            if s.status == "new":
                assert s.first_action_at is None
            else:
                assert s.submitted_at < s.first_action_at <= now
                assert s.assigned_to_id is not None
        kinds = Counter(db.session.scalars(select(TimelineEvent.kind)))
        assert kinds["status_changed"] >= 40
        assert kinds["assigned"] >= 1
        drafts = list(db.session.scalars(select(Draft)))
        assert drafts
        assert all(d.is_urgent and d.submitted_at is None for d in drafts)
        assert all(d.safety_decision["outcome"] == "urgent_safety_review" for d in drafts)


def test_demo_seed_is_deterministic(app: Flask, db: SQLAlchemy) -> None:
    now = dt.datetime(2026, 11, 25, 12)

    def outcomes() -> list[tuple[str, str, int]]:
        with app.app_context():
            demo.seed(30, seed=7, now=now, drafts=0)
            rows = db.session.execute(
                select(Submission.outcome, Submission.status, Submission.priority).order_by(
                    Submission.id
                )
            )
            found = [tuple(r) for r in rows]
            for table in (TimelineEvent, Note, Submission):
                db.session.execute(db.delete(table))
            db.session.commit()
        return found

    assert outcomes() == outcomes()


def test_every_profile_gives_a_valid_document() -> None:
    import random

    rng = random.Random(3)
    for profile in demo_answers.PROFILES:
        for _ in range(25):
            answers = demo_answers.make_answers(rng, profile, dt.date(2026, 11, 25))
            _, errors = questionnaire.validate_document(answers, dt.date(2026, 11, 25))
            assert errors == [], (profile, [e.to_dict() for e in errors])


def _draft(make_draft: Callable[..., int], *, days_idle: int, submitted: bool = False) -> int:
    moment = utcnow() - dt.timedelta(days=days_idle)
    return make_draft(
        {"first_name": "Old"},
        steps=("about_you",),
        created_at=moment,
        updated_at=moment,
        expires_at=moment + dt.timedelta(days=7),
        submitted_at=moment if submitted else None,
    )


def test_retention_purge_is_a_dry_run_until_applied(
    app: Flask,
    db: SQLAlchemy,
    runner: FlaskCliRunner,
    make_submission: Callable[..., Submission],
    make_staff: Callable[..., StaffUser],
    make_draft: Callable[..., int],
) -> None:
    staff = make_staff("coordinator")
    long_ago = utcnow() - dt.timedelta(days=400)
    old_closed = make_submission(submitted_at=long_ago, status="closed")
    recently_closed = make_submission(submitted_at=long_ago, status="closed")
    old_open = make_submission(submitted_at=long_ago, status="declined")
    new_closed = make_submission(status="closed")
    with app.app_context():
        db.session.add(Note(submission_id=old_closed.id, author_id=staff.id, body="x"))
        db.session.add(
            TimelineEvent(
                submission_id=old_closed.id,
                kind="status_changed",
                detail={},
                created_at=long_ago,
            )
        )
        db.session.add(
            TimelineEvent(submission_id=recently_closed.id, kind="status_changed", detail={})
        )
        db.session.commit()
    _draft(make_draft, days_idle=400)
    fresh_draft = _draft(make_draft, days_idle=2)

    def count(model: Any) -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(model)) or 0

    dry = runner.invoke(args=["retention", "purge", "--older-than", "365"])
    assert dry.exit_code == 0, dry.output
    assert "Would delete 1 drafts and 1 closed submissions" in dry.output
    assert (count(Submission), count(Draft)) == (4, 2)

    applied = runner.invoke(args=["retention", "purge", "--older-than", "365", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "Deleted 1 drafts and 1 closed submissions" in applied.output
    with app.app_context():
        left = set(db.session.scalars(select(Submission.id)))
        assert left == {recently_closed.id, old_open.id, new_closed.id}
        assert set(db.session.scalars(select(Draft.id))) == {fresh_draft}
        assert db.session.scalar(select(func.count()).select_from(Note)) == 0
        assert list(db.session.scalars(select(TimelineEvent.submission_id))) == [recently_closed.id]
        entry = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention_purge")
        ).one()
        assert entry.detail == {"older_than_days": 365, "drafts": 1, "submissions": 1}


def test_retention_purge_needs_a_number_of_days(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["retention", "purge"])
    assert result.exit_code == 2
    assert "--older-than" in result.output


def test_demo_seed_if_empty_seeds_only_an_empty_database(
    app: Flask, runner: FlaskCliRunner, db: SQLAlchemy
) -> None:
    first = runner.invoke(args=["demo", "seed", "--count", "4", "--if-empty"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo", "seed", "--count", "4", "--if-empty"])
    assert "exist already" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 4


def test_retention_purge_takes_the_call_back_number_with_the_draft(
    app: Flask, db: SQLAlchemy, runner: FlaskCliRunner, make_draft: Callable[..., int]
) -> None:
    """An alert outlives its purged draft, but the phone number given for a call-back does not."""
    from app.alerts import outbox
    from app.alerts.models import Alert

    old = _draft(make_draft, days_idle=400)
    fresh = _draft(make_draft, days_idle=2)
    with app.app_context():
        connection = db.session.connection()
        for draft_id in (old, fresh):
            outbox.write_alert(
                connection,
                kind="callback",
                severity="acute",
                reference="",
                draft_id=draft_id,
                callback_phone="+15550104242",
            )
        db.session.commit()
    applied = runner.invoke(args=["retention", "purge", "--older-than", "365", "--apply"])
    assert applied.exit_code == 0, applied.output
    with app.app_context():
        phones = {a.id: (a.draft_id, a.callback_phone) for a in db.session.scalars(select(Alert))}
    assert sorted(phones.values(), key=str) == sorted(
        [(None, None), (fresh, "+15550104242")], key=str
    )


def test_retention_purge_takes_its_age_from_the_clinic_settings(
    app: Flask,
    db: SQLAlchemy,
    runner: FlaskCliRunner,
    set_clinic: Any,
    make_draft: Callable[..., int],
) -> None:
    old = _draft(make_draft, days_idle=40)
    fresh = _draft(make_draft, days_idle=20)
    refused = runner.invoke(args=["retention", "purge", "--apply"])
    assert refused.exit_code == 2  # retention_days is 0 by default: nothing without an age
    assert "retention_days" in refused.output
    set_clinic(retention_days=30)
    applied = runner.invoke(args=["retention", "purge", "--apply"])
    assert applied.exit_code == 0, applied.output
    with app.app_context():
        left = set(db.session.scalars(select(Draft.id)))
    assert old not in left
    assert fresh in left
