"""The saved views' counts per status at scale: read from counts the database keeps, not by
counting rows (issue 17: a million submissions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import update

from app.models import QueueCount, Submission, utcnow
from tests.review.test_queue import PREGNANT, URGENT, queue
from tests.rules.builders import baseline


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
