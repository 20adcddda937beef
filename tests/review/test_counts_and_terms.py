"""The queue's counts kept by database triggers, and name search through one row per word."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, insert, select, text, update

from app import crypto
from app.extensions import db
from app.models import QueueCount, Submission, SubmissionSearchTerm, utcnow
from app.review import operations, search
from app.submissions import search_condition
from tests.review.test_queue import PREGNANT, URGENT, listed, queue
from tests.rules.builders import baseline

BEFORE = "7b31f891f600"  # the migration before queue_count and submission_search_term
WHOLE_WORDS = "8a4e6b2c1f70"  # the last migration with whole-word name terms


def kept_counts() -> dict[tuple[str, str], int]:
    rows = select(QueueCount.status, QueueCount.outcome, QueueCount.submissions)
    return {(s, o): n for s, o, n in db.session.execute(rows).tuples() if n}


def real_counts() -> dict[tuple[str, str], int]:
    rows = select(Submission.status, Submission.outcome, func.count()).group_by(
        Submission.status, Submission.outcome
    )
    return {(s, o): n for s, o, n in db.session.execute(rows).tuples()}


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
        plan = operations.purge(365, apply=True)
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


def test_a_name_is_stored_as_the_prefixes_of_its_folded_words(
    app: Flask, db: SQLAlchemy, make_submission: Callable[..., Submission]
) -> None:
    made = make_submission(
        baseline(first_name="Ana María", last_name="ANA", phone="(555) 010-4242")
    )
    with app.app_context():
        terms = db.session.scalars(
            select(SubmissionSearchTerm.term).where(SubmissionSearchTerm.submission_id == made.id)
        ).all()
        index = crypto.keyring().blind_index
        # "ana" once; "maría" folded to "maria" and stored by its prefixes; the phone's last 4.
        wanted = {index(word) for word in ("ana", "mar", "mari", "maria")} | {index("tel:4242")}
        assert sorted(terms) == sorted(wanted)
        assert all(len(term) == 32 and "ana" not in term for term in terms)


def test_name_search_matches_each_word_by_its_first_three_letters_or_more(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    login(client)
    sam = make_submission(baseline(first_name="Sam", last_name="Rivera"))
    jones = make_submission(baseline(first_name="Sam", last_name="Jones"))
    assert listed(queue(client, "?q=Rivera+Sam")) == [sam.id]
    assert listed(queue(client, "?q=Sam+Rivera+Sam")) == [sam.id]
    assert listed(queue(client, "?q=Riv")) == [sam.id]
    assert listed(queue(client, "?q=riv+sa")) == []  # two letters are not a prefix search
    assert listed(queue(client, "?q=Rive+Jon")) == []  # every word must match
    assert listed(queue(client, "?q=Sam+Smith")) == []
    assert listed(queue(client, "?q=Riverasss")) == []
    assert sorted(listed(queue(client, "?q=sam"))) == sorted([sam.id, jones.id])


@pytest.mark.parametrize(
    "typed", ["Nunez", "nuñ", "NÚÑEZ", "nun garcia", "José", "jose-luis", "GARC", "luis nunez"]
)
def test_name_search_ignores_case_and_accents(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    typed: str,
) -> None:
    login(client)
    wanted = make_submission(baseline(first_name="José Luis", last_name="Núñez García"))
    make_submission(baseline(first_name="Nora", last_name="Garrido"))
    assert listed(queue(client, "?" + urlencode({"q": typed}))) == [wanted.id]


def test_phone_search_by_the_last_four_digits_or_in_full(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    login(client)
    wanted = make_submission(baseline(phone="+1 (555) 555-0142"))
    make_submission(baseline(phone="555-555-0199"))
    for typed in ("0142", "5555550142", "+1 555 555 0142", "555.555.0142"):
        assert listed(queue(client, "?" + urlencode({"q": typed}))) == [wanted.id], typed
    assert listed(queue(client, "?q=4201")) == []


def test_phone_and_email_searches_count_each_case_once_by_its_status(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    """Counted from what each alternative finds (the email's index, the phone's, the terms),
    with the status each carries."""
    login(client)
    make_submission(baseline(phone="555-555-0142", email="kim@example.org"))
    make_submission(baseline(phone="555-123-0142"), status="in_review")
    make_submission(baseline(phone="555-555-0199", email="ana@example.org"), status="closed")
    html = queue(client, "?q=0142")
    expected = ("All: 2<", "New: 1<", "In review: 1<", "Closed: 0<")
    assert [n for n in expected if n not in html] == []
    html = queue(client, "?" + urlencode({"q": "555 555 0142"}))
    assert "All: 1<" in html
    assert "New: 1<" in html
    html = queue(client, "?q=ANA@example.org&status=all")
    assert "All: 1<" in html
    assert "Closed: 1<" in html
    assert "All: 0<" in queue(client, "?q=4201")


@pytest.mark.parametrize("typed", ["{ref}", "{ref_lower}", "{bare}", "{bare_lower}", "{compact}"])
def test_reference_search_with_or_without_ps(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    typed: str,
) -> None:
    login(client)
    wanted = make_submission(baseline())
    make_submission(baseline())
    ref = wanted.reference
    q = typed.format(
        ref=ref,
        ref_lower=ref.lower(),
        bare=ref.removeprefix("PS-"),
        bare_lower=ref.removeprefix("PS-").lower(),
        compact=ref.removeprefix("PS-").replace("-", "").lower(),
    )
    assert listed(queue(client, "?" + urlencode({"q": q}))) == [wanted.id]


def test_an_eight_letter_search_finds_a_name_as_well(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    """Eight letters could be a reference without "PS-": a name is looked up too."""
    login(client)
    wanted = make_submission(baseline(first_name="Jo", last_name="Anderson"))
    assert listed(queue(client, "?q=Anderson")) == [wanted.id]
    assert listed(queue(client, "?q=ANDERSON")) == [wanted.id]


def test_an_eight_letter_search_lists_and_counts_the_name_and_the_reference_once_each(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
) -> None:
    """Under each status filter, and counted per status from the terms and the reference."""
    login(client)
    new = make_submission(baseline(first_name="Jo", last_name="Anderson"))
    in_review = make_submission(baseline(first_name="Al", last_name="Anderson"), status="in_review")
    by_reference = make_submission(
        baseline(first_name="Kim", last_name="Lee"), status="closed", reference="PS-ANDE-RS0N"
    )
    make_submission(baseline(first_name="Ann", last_name="Anders"), status="closed")
    html = queue(client, "?q=anderson")
    assert sorted(listed(html)) == sorted([new.id, in_review.id])  # open cases by default
    counts = ("All: 3<", "New: 1<", "In review: 1<", "Closed: 1<")
    assert [count for count in counts if count not in html] == []
    assert listed(queue(client, "?q=anderson&status=closed")) == [by_reference.id]
    assert listed(queue(client, "?q=anderson&status=in_review")) == [in_review.id]
    assert len(listed(queue(client, "?q=anderson&status=all"))) == 3
    with app.app_context():  # the reference on a case the name finds too: counted once
        for submission_id, reference in (
            (by_reference.id, "PS-2222-3333"),
            (new.id, "PS-ANDE-RS0N"),
        ):
            db.session.execute(
                update(Submission).where(Submission.id == submission_id).values(reference=reference)
            )
        db.session.commit()
    html = queue(client, "?q=anderson")
    assert "All: 2<" in html
    assert "New: 1<" in html


def test_stored_names_get_prefix_terms_on_upgrade(
    app: Flask, db: SQLAlchemy, make_submission: Callable[..., Submission]
) -> None:
    """A submission stored under whole-word terms is found by prefix after the upgrade."""
    made = make_submission(baseline(first_name="Lucía", last_name="Núñez", phone="555 010 7788"))
    with app.app_context():
        db.session.remove()
        flask_migrate.downgrade(revision=WHOLE_WORDS)
        assert list(db.session.scalars(select(Submission.id).where(search_condition("nun")))) == []
        db.session.commit()
        flask_migrate.upgrade()
        for typed in ("nun", "luc", "NUNEZ lucia", "7788"):
            hits = db.session.scalars(select(Submission.id).where(search_condition(typed)))
            assert list(hits) == [made.id], typed


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
    monkeypatch.setattr(search, "WALK_FROM_MATCHES", 1)
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


def _plan(statement: str, **values: str) -> str:
    """The plan of ``statement``, with PostgreSQL told to use an index wherever it can (on a
    table this small it would rather read the table)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        db.session.execute(text("SET LOCAL enable_bitmapscan = off"))
        rows = db.session.execute(text(f"EXPLAIN {statement}"), values).scalars()
        return "\n".join(rows)
    rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {statement}"), values).all()
    return "\n".join(str(row[-1]) for row in rows)


def test_an_eight_letter_search_counts_from_the_terms_key_alone(
    app: Flask, make_submission: Callable[..., Submission]
) -> None:
    """The union of a name's terms and a reference needs each term's submission id and status:
    both are in the terms' key, so the search reads that key alone: on SQLite the table is its
    key (no rowid), on PostgreSQL an index-only scan of it (at 1,000,000 submissions, fetching
    a common name's 16,000 rows from the table cost 30 ms)."""
    make_submission(baseline(first_name="Jo", last_name="Anderson"))
    with app.app_context():
        statement = (
            "SELECT status, count(*) FROM (SELECT submission_id, status FROM "
            "submission_search_term WHERE term = :term UNION SELECT id, status FROM "
            "submission WHERE reference = :reference) AS found GROUP BY status"
        )
        term = crypto.keyring().blind_index("anderson")
        plan = _plan(statement, term=term, reference="PS-ANDE-RS0N")
        db.session.rollback()
    scans = [line for line in plan.splitlines() if re.search("Scan|SEARCH|SCAN", line)]
    reads = [line for line in scans if "submission_search_term" in line]
    assert reads, plan
    by_key = ("SEARCH submission_search_term USING PRIMARY KEY", "Index Only Scan using pk_")
    assert all(any(way in line for way in by_key) for line in reads), plan
