"""The queue's counts kept by database triggers, and name search through one row per word."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import flask_migrate
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, insert, select, text, update

from app import crypto
from app.models import QueueCount, Submission, SubmissionSearchTerm, utcnow
from app.review import services
from app.submissions import search_condition
from tests.review.test_queue import PREGNANT, URGENT, listed, queue
from tests.rules.builders import baseline

BEFORE = "7b31f891f600"  # the migration before queue_count and submission_search_term


def kept_counts() -> dict[tuple[str, str], int]:
    rows = select(QueueCount.status, QueueCount.outcome, QueueCount.submissions)
    return {(s, o): n for s, o, n in services.db.session.execute(rows).tuples() if n}


def real_counts() -> dict[tuple[str, str], int]:
    rows = select(Submission.status, Submission.outcome, func.count()).group_by(
        Submission.status, Submission.outcome
    )
    return {(s, o): n for s, o, n in services.db.session.execute(rows).tuples()}


def test_counts_follow_inserts_changes_and_deletes(
    app: Flask, db: SQLAlchemy, make_submission: Callable[..., Submission]
) -> None:
    old = utcnow() - dt.timedelta(days=400)
    made = [
        make_submission(),
        make_submission(baseline(**URGENT)),
        make_submission(baseline(**PREGNANT), status="closed", submitted_at=old),
        make_submission(baseline(**PREGNANT)),
    ]
    with app.app_context():
        assert kept_counts() == real_counts()
        assert sum(kept_counts().values()) == 4
        assert kept_counts()[("new", "likely_candidate")] == 1

        # Through the ORM, then by plain SQL: both count.
        submission = db.session.get(Submission, made[0].id)
        submission.status = "in_review"
        db.session.commit()
        db.session.execute(
            update(Submission)
            .where(Submission.id == made[1].id)
            .values(status="closed", outcome="needs_clinician_review")
        )
        db.session.commit()
        assert kept_counts() == real_counts()
        assert kept_counts()[("in_review", "likely_candidate")] == 1
        assert kept_counts()[("closed", "needs_clinician_review")] == 1

        # An update that leaves status and outcome alone changes no count.
        db.session.execute(update(Submission).values(priority=Submission.priority + 1))
        db.session.commit()
        assert kept_counts() == real_counts()

        # The retention purge deletes in bulk.
        plan = services.purge(365, apply=True)
        assert plan.submissions == 1
        assert kept_counts() == real_counts()
        assert sum(kept_counts().values()) == 3


def test_queue_counts_with_an_outcome_filter_come_from_the_kept_counts(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    login(client)
    make_submission(baseline(**PREGNANT))
    make_submission(baseline(**PREGNANT), status="in_review")
    make_submission()
    html = queue(client, "?outcome=not_a_candidate_now")
    assert "All: 2<" in html
    assert "New: 1<" in html
    assert "In review: 1<" in html
    html = queue(client, "?outcome=not_a_candidate_now&status=in_review")
    assert "All: 2<" in html  # the counts ignore the status filter: they are its choices


def test_a_name_is_stored_as_one_term_per_distinct_word(
    app: Flask, db: SQLAlchemy, make_submission: Callable[..., Submission]
) -> None:
    made = make_submission(baseline(first_name="Ana María", last_name="Ana"))
    with app.app_context():
        terms = db.session.scalars(
            select(SubmissionSearchTerm.term).where(SubmissionSearchTerm.submission_id == made.id)
        ).all()
        assert len(terms) == 2  # "ana" once, "maría"
        assert all(len(term) == 32 and "ana" not in term for term in terms)


def test_name_search_needs_every_word_whole(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    login(client)
    sam = make_submission(baseline(first_name="Sam", last_name="Rivera"))
    make_submission(baseline(first_name="Sam", last_name="Jones"))
    assert listed(queue(client, "?q=Rivera+Sam")) == [sam.id]
    assert listed(queue(client, "?q=Sam+Rivera+Sam")) == [sam.id]
    assert listed(queue(client, "?q=Riv")) == []
    assert listed(queue(client, "?q=Sam+Smith")) == []
    assert sorted(listed(queue(client, "?q=sam"))) == sorted([sam.id, sam.id + 1])


def test_migration_moves_names_to_terms_and_back(
    app: Flask, db: SQLAlchemy, make_submission: Callable[..., Submission]
) -> None:
    """Downgrade to the first schema and upgrade again: search, counts and summaries survive."""
    sam = make_submission(baseline(first_name="Sam", last_name="Rivera"), status="in_review")
    make_submission(baseline(**PREGNANT))
    with app.app_context():
        db.session.remove()
        flask_migrate.downgrade(revision=BEFORE)
        names = db.session.execute(text("SELECT id, search_name FROM submission")).tuples().all()
        db.session.commit()
        index = crypto.keyring().blind_index
        assert sorted(dict(names)[sam.id].split()) == sorted([index("sam"), index("rivera")])
        # Rows written while the counts did not exist are counted by the upgrade.
        db.session.execute(text("UPDATE submission SET status = 'closed'"))
        db.session.commit()
        flask_migrate.upgrade()
        hits = db.session.scalars(select(Submission.id).where(search_condition("rivera sam")))
        assert list(hits) == [sam.id]
        assert kept_counts() == real_counts()
        assert {status for status, _ in kept_counts()} == {"closed"}
        # The summary the queue and export read is made for rows stored before it existed.
        summaries = {s.id: s.summary for s in db.session.scalars(select(Submission))}
        assert summaries[sam.id]["last_name"] == "Rivera"
        assert all(summary and summary["rules"] is not None for summary in summaries.values())


def test_a_name_search_counts_by_the_status_its_terms_carry(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
) -> None:
    login(client)
    first = make_submission(baseline(first_name="Sam", last_name="Rivera"))
    make_submission(baseline(first_name="Ana", last_name="Rivera"), status="in_review")
    make_submission(baseline(first_name="Sam", last_name="Jones"))
    html = queue(client, "?q=rivera")
    assert "All: 2<" in html
    assert "New: 1<" in html
    assert "In review: 1<" in html
    with app.app_context():
        db.session.execute(
            update(Submission).where(Submission.id == first.id).values(status="closed")
        )
        db.session.commit()
        carried = db.session.execute(
            select(SubmissionSearchTerm.status, Submission.status).join(
                Submission, Submission.id == SubmissionSearchTerm.submission_id
            )
        ).tuples()
        assert all(term == row for term, row in carried)
    html = queue(client, "?q=rivera")
    assert "Closed: 1<" in html
    assert "New: 1<" not in html
    assert "All: 1<" in queue(client, "?q=sam+rivera")
    assert "All: 2<" in queue(client, "?q=sam")


def test_a_popular_name_lists_in_the_same_order_either_way(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    monkeypatch: Any,
) -> None:
    """Many matches walk the queue index (SQLite); few are fetched and sorted: same list."""
    login(client)
    now = utcnow()
    for hours, extra in enumerate([{}, URGENT, PREGNANT, {}, URGENT]):
        make_submission(
            baseline(first_name="Sam", last_name="Rivera", **extra),
            submitted_at=now - dt.timedelta(hours=hours + 1),
        )
    make_submission(baseline(first_name="Ana", last_name="Jones", **URGENT))
    fetched = listed(queue(client, "?q=rivera"))
    monkeypatch.setattr(services, "WALK_FROM_MATCHES", 1)
    walked = listed(queue(client, "?q=rivera"))
    assert len(fetched) == 5
    assert walked == fetched


def test_a_term_written_without_its_status_gets_it_from_the_database(
    app: Flask, db: SQLAlchemy, make_submission: Callable[..., Submission]
) -> None:
    """Rows written by SQL (a copy, an import) get the status from the trigger."""
    made = make_submission(status="declined")
    with app.app_context():
        db.session.execute(
            insert(SubmissionSearchTerm), [{"term": "f" * 32, "submission_id": made.id}]
        )
        db.session.commit()
        status = db.session.scalar(
            select(SubmissionSearchTerm.status).where(SubmissionSearchTerm.term == "f" * 32)
        )
        assert status == "declined"
