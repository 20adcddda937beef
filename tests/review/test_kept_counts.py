"""The saved views' counts per status at scale: read from counts the database keeps, not by
counting rows (issue 17: a million submissions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import flask_migrate
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select, text, update

from app.extensions import db
from app.models import AssigneeCount, QueueCount, StaffUser, Submission, utcnow
from app.review import operations
from tests.review.test_queue import PREGNANT, URGENT, queue
from tests.rules.builders import baseline

BEFORE_ASSIGNEE_COUNTS = "d7e2a9c4b815"


def test_waiting_view_counts_the_rows_submitted_up_to_the_end_of_its_day(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    login(client)
    day = utcnow().date() - dt.timedelta(days=5)
    day_after = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    make_submission(submitted_at=day_after - dt.timedelta(seconds=1))  # the day's last second
    make_submission(submitted_at=day_after)  # the next day's first: not waiting long enough
    make_submission(
        baseline(**PREGNANT), status="closed", submitted_at=day_after - dt.timedelta(days=400)
    )
    make_submission(
        baseline(**URGENT), status="in_review", submitted_at=day_after - dt.timedelta(days=9)
    )
    make_submission(baseline(**URGENT), submitted_at=utcnow() - dt.timedelta(hours=1))

    html = queue(client, f"?submitted_to={day}&sort=waiting")
    assert "All: 3<" in html
    assert "New: 1<" in html
    assert "In review: 1<" in html
    assert "Closed: 1<" in html

    html = queue(client, f"?urgent=y&submitted_to={day}")
    assert "All: 1<" in html
    assert "In review: 1<" in html
    assert "New: 0<" in html

    html = queue(client, f"?outcome=not_a_candidate_now&submitted_to={day}")
    assert "All: 1<" in html
    assert "Closed: 1<" in html


def test_waiting_view_counts_are_the_kept_counts_minus_the_rows_since(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
) -> None:
    """Not a count of the rows before the day, which grows with the years of submissions: a
    kept count off by ten (as no trigger leaves it) shows through."""
    login(client)
    day = utcnow().date() - dt.timedelta(days=5)
    make_submission(status="closed", submitted_at=utcnow() - dt.timedelta(days=300))
    make_submission(status="closed", submitted_at=utcnow() - dt.timedelta(days=1))
    assert "Closed: 1<" in queue(client, f"?submitted_to={day}")
    with app.app_context():
        db.session.execute(
            update(QueueCount)
            .where(QueueCount.status == "closed")
            .values(submissions=QueueCount.submissions + 10)
        )
        db.session.commit()
    assert "Closed: 11<" in queue(client, f"?submitted_to={day}")
    # With a filter the kept counts do not count by, the rows are counted.
    since = day - dt.timedelta(days=400)
    assert "Closed: 1<" in queue(client, f"?submitted_from={since}&submitted_to={day}")


def kept_by_assignee() -> dict[tuple[int, str], int]:
    rows = select(AssigneeCount.assigned_to_id, AssigneeCount.status, AssigneeCount.submissions)
    return {(a, s): n for a, s, n in db.session.execute(rows).tuples() if n}


def real_by_assignee() -> dict[tuple[int, str], int]:
    rows = (
        select(Submission.assigned_to_id, Submission.status, func.count())
        .where(Submission.assigned_to_id.is_not(None))
        .group_by(Submission.assigned_to_id, Submission.status)
    )
    return {(a, s): n for a, s, n in db.session.execute(rows).tuples()}


def test_assignee_counts_follow_assignments_status_changes_and_deletes(
    app: Flask,
    db: SQLAlchemy,
    make_staff: Callable[..., StaffUser],
    make_submission: Callable[..., Submission],
) -> None:
    ana, ben = make_staff(), make_staff()
    old = utcnow() - dt.timedelta(days=400)
    made = [
        make_submission(assigned_to_id=ana.id),
        make_submission(assigned_to_id=ana.id, status="in_review"),
        make_submission(assigned_to_id=ben.id, status="closed", submitted_at=old),
        make_submission(),  # unassigned: counted nowhere
    ]
    with app.app_context():
        assert kept_by_assignee() == real_by_assignee()
        assert kept_by_assignee() == {
            (ana.id, "new"): 1,
            (ana.id, "in_review"): 1,
            (ben.id, "closed"): 1,
        }

        # Through the ORM: a status change, a reassignment, an assignment.
        first = db.session.get_one(Submission, made[0].id)
        first.status = "in_review"
        db.session.get_one(Submission, made[1].id).assigned_to_id = ben.id
        db.session.get_one(Submission, made[3].id).assigned_to_id = ben.id
        db.session.commit()
        assert kept_by_assignee() == real_by_assignee()
        assert kept_by_assignee()[(ben.id, "in_review")] == 1
        assert kept_by_assignee()[(ben.id, "new")] == 1

        # By plain SQL: both at once, then unassigned.
        db.session.execute(
            update(Submission)
            .where(Submission.id == made[1].id)
            .values(assigned_to_id=ana.id, status="needs_more_info")
        )
        db.session.execute(
            update(Submission).where(Submission.id == made[3].id).values(assigned_to_id=None)
        )
        db.session.commit()
        assert kept_by_assignee() == real_by_assignee()
        assert kept_by_assignee()[(ana.id, "needs_more_info")] == 1
        assert (ben.id, "new") not in kept_by_assignee()

        # An update that changes neither changes no count; the retention purge deletes.
        db.session.execute(update(Submission).values(priority=Submission.priority + 1))
        db.session.commit()
        assert kept_by_assignee() == real_by_assignee()
        assert operations.purge(365, apply=True).submissions == 1
        assert kept_by_assignee() == real_by_assignee()
        assert (ben.id, "closed") not in kept_by_assignee()


def test_my_open_cases_counts_are_the_assignee_counts(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    make_staff: Callable[..., StaffUser],
    make_submission: Callable[..., Submission],
) -> None:
    """Not a count of every case ever assigned to the person: a kept count off by ten (as no
    trigger leaves it) shows through; the waiting days narrow it by the rows since."""
    me, other = login(client), make_staff()
    make_submission(assigned_to_id=me.id)
    make_submission(
        assigned_to_id=me.id, status="closed", submitted_at=utcnow() - dt.timedelta(days=90)
    )
    make_submission(
        assigned_to_id=me.id, status="closed", submitted_at=utcnow() - dt.timedelta(days=1)
    )
    make_submission(assigned_to_id=other.id, status="closed")
    make_submission(status="closed")
    html = queue(client, "?mine=y")
    assert "All: 3<" in html
    assert "New: 1<" in html
    assert "Closed: 2<" in html
    day = utcnow().date() - dt.timedelta(days=5)
    html = queue(client, f"?mine=y&submitted_to={day}")
    assert "All: 1<" in html
    assert "Closed: 1<" in html

    with app.app_context():
        db.session.execute(
            update(AssigneeCount)
            .where(AssigneeCount.assigned_to_id == me.id, AssigneeCount.status == "closed")
            .values(submissions=AssigneeCount.submissions + 10)
        )
        db.session.commit()
    assert "Closed: 12<" in queue(client, "?mine=y")
    assert "Closed: 11<" in queue(client, f"?mine=y&submitted_to={day}")
    # Mine and an outcome: not what the kept counts count by, so the rows are counted.
    assert "Closed: 2<" in queue(client, "?mine=y&outcome=likely_candidate")


def test_the_upgrade_counts_the_assigned_rows_stored_before(
    app: Flask,
    db: SQLAlchemy,
    make_staff: Callable[..., StaffUser],
    make_submission: Callable[..., Submission],
) -> None:
    ana = make_staff()
    make_submission(assigned_to_id=ana.id, status="in_review")
    make_submission()
    with app.app_context():
        db.session.remove()
        flask_migrate.downgrade(revision=BEFORE_ASSIGNEE_COUNTS)
        # Written while the counts did not exist.
        db.session.execute(text("UPDATE submission SET assigned_to_id = :id"), {"id": ana.id})
        db.session.commit()
        flask_migrate.upgrade()
        assert kept_by_assignee() == real_by_assignee()
        assert kept_by_assignee() == {(ana.id, "in_review"): 1, (ana.id, "new"): 1}
