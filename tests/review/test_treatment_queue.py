"""The queue's per-treatment verdicts and filters (issue 21), read from the indexed
``submission_treatment`` rows written with each decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select, update

from app import submissions, treatment_index
from app.models import Submission, SubmissionTreatment, utcnow
from tests.review.test_queue import listed, queue, row_of
from tests.review.treatment_docs import P1_LIKE, TMS_LIKELY
from tests.rules.builders import baseline, phq9_total


def stored_rows(app: Flask, db: SQLAlchemy, submission_id: int) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(
            select(SubmissionTreatment.treatment, SubmissionTreatment.outcome).where(
                SubmissionTreatment.submission_id == submission_id
            )
        )
        return dict(rows.tuples().all())


@pytest.fixture
def three(
    make_submission: Callable[..., Submission], treatments_decided: Callable[[Any], None]
) -> dict[str, Submission]:
    now = utcnow()
    treatments_decided(None)  # decided before issue 21
    made = {"old": make_submission(baseline(), submitted_at=now - dt.timedelta(days=2))}
    treatments_decided(P1_LIKE)
    made["p1"] = make_submission(baseline(), submitted_at=now - dt.timedelta(hours=3))
    treatments_decided(TMS_LIKELY)
    made["tms"] = make_submission(baseline(), submitted_at=now - dt.timedelta(hours=2))
    return made


def test_each_treatment_outcome_is_stored_as_an_indexed_row(
    app: Flask, db: SQLAlchemy, three: dict[str, Submission]
) -> None:
    assert stored_rows(app, db, three["old"].id) == {}
    assert stored_rows(app, db, three["p1"].id) == {
        "esketamine": "not_a_candidate_now",
        "iv_ketamine": "not_a_candidate_now",
        "tms": "needs_clinician_review",
        "ect_referral": "not_a_candidate_now",
    }
    assert stored_rows(app, db, three["tms"].id) == {
        "esketamine": "likely_candidate",
        "tms": "likely_candidate",
        "ect_referral": "likely_candidate",
    }
    assert three["tms"].summary["treatments"]["tms"] == "likely_candidate"


def test_the_submit_path_and_a_new_decision_write_the_rows_too(
    app: Flask, db: SQLAlchemy, treatments_decided: Callable[[Any], None]
) -> None:
    treatments_decided(P1_LIKE)
    with app.app_context():
        row = submissions.submission_row(baseline())
        with db.engine.begin() as connection:
            submission_id = submissions.store(connection, row)
    assert stored_rows(app, db, submission_id)["tms"] == "needs_clinician_review"
    treatments_decided(TMS_LIKELY)
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        submissions.apply_decision(
            submission, submissions.decide(submission.answers, submission.as_of)
        )
        db.session.commit()
    assert stored_rows(app, db, submission_id) == {
        "esketamine": "likely_candidate",
        "tms": "likely_candidate",
        "ect_referral": "likely_candidate",
    }
    treatments_decided(None)  # a decision without per-treatment results: no rows
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert submission is not None
        submissions.apply_decision(
            submission, submissions.decide(submission.answers, submission.as_of)
        )
        db.session.commit()
    assert stored_rows(app, db, submission_id) == {}


def test_each_row_gives_a_one_line_verdict_per_treatment(
    client: FlaskClient, login: Callable[..., Any], three: dict[str, Submission]
) -> None:
    login(client)
    html = queue(client)
    p1 = row_of(html, three["p1"].reference)
    assert '<span class="verdict-name">TMS</span>: review' in p1
    assert '<span class="verdict-name">Esketamine</span>: not now' in p1
    assert '<span class="verdict-name">IV ketamine</span>: not now' in p1
    assert '<span class="verdict-name">ECT referral</span>: no trigger' in p1
    tms = row_of(html, three["tms"].reference)
    assert '<span class="verdict-name">TMS</span>: likely' in tms
    assert '<span class="verdict-name">ECT referral</span>: discuss referral' in tms
    assert "IV ketamine" not in tms
    assert "treatment-verdicts" not in row_of(html, three["old"].reference)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("tms", ["p1", "tms"]),  # same priority: the older first
        ("tms:likely_candidate", ["tms"]),
        ("tms:needs_clinician_review", ["p1"]),
        ("tms:not_a_candidate_now", []),
        ("iv_ketamine", ["p1"]),
        ("esketamine:not_a_candidate_now", ["p1"]),
        ("ect_referral:likely_candidate", ["tms"]),
        ("ect_referral:not_a_candidate_now", ["p1"]),
    ],
)
def test_the_queue_filters_by_treatment_and_by_its_outcome(
    client: FlaskClient,
    login: Callable[..., Any],
    three: dict[str, Submission],
    value: str,
    expected: list[str],
) -> None:
    login(client)
    names = {submission.id: name for name, submission in three.items()}
    html = queue(client, f"?treatment={value}")
    assert [names[i] for i in listed(html)] == expected
    assert f"Open work: {len(expected)}" in html  # the counts follow the filter
    assert f'<option selected value="{value}"' in html or f'value="{value}" selected' in html


def test_an_unknown_treatment_filter_is_ignored(
    client: FlaskClient, login: Callable[..., Any], three: dict[str, Submission]
) -> None:
    login(client)
    assert len(listed(queue(client, "?treatment=tms:maybe"))) == 3
    assert len(listed(queue(client, "?treatment=acupuncture"))) == 3


def test_the_filter_is_kept_by_the_status_links_and_the_export(
    client: FlaskClient, login: Callable[..., Any], three: dict[str, Submission]
) -> None:
    login(client)
    html = queue(client, "?treatment=tms:likely_candidate")
    assert "?status=all&amp;treatment=tms:likely_candidate" in html
    exported = client.get("/review/export.csv?treatment=tms:likely_candidate").get_data(
        as_text=True
    )
    assert three["tms"].reference in exported
    assert three["p1"].reference not in exported


def test_the_filter_condition_parses_only_known_values() -> None:
    assert treatment_index.parse_filter("tms") == ("tms", None)
    assert treatment_index.parse_filter("ect_referral:likely_candidate") == (
        "ect_referral",
        "likely_candidate",
    )
    assert treatment_index.parse_filter("tms:urgent_safety_review") is None
    assert treatment_index.parse_filter("") is None
    assert treatment_index.filter_condition("nope") is None


def test_a_reevaluation_apply_replaces_the_rows(
    app: Flask,
    db: SQLAlchemy,
    make_submission: Callable[..., Submission],
    treatments_decided: Callable[[Any], None],
) -> None:
    from app.reevaluation import plan, runs

    treatments_decided(P1_LIKE)
    made = make_submission(baseline(), ruleset_version="old")
    assert "tms" in stored_rows(app, db, made.id)
    with app.app_context():
        target = plan.in_force()
        run = runs.start("apply", target.version, None, via="test", reason="issue 21 test")
        runs.run_apply(run.id)
    # The rules in force offer esketamine and IV ketamine only (the default).
    assert stored_rows(app, db, made.id) == {
        "esketamine": "likely_candidate",
        "iv_ketamine": "likely_candidate",
    }


def test_the_upgrade_fills_the_rows_and_summaries_of_stored_decisions(
    app: Flask, db: SQLAlchemy, make_submission: Callable[..., Submission]
) -> None:
    import flask_migrate

    made = make_submission(baseline())
    assert made.summary["treatments"] == {
        "esketamine": "likely_candidate",
        "iv_ketamine": "likely_candidate",
    }
    older = {k: v for k, v in made.summary.items() if k != "treatments"}
    with app.app_context():
        db.session.execute(update(Submission).values(summary=older))
        db.session.commit()
        db.session.remove()
        flask_migrate.downgrade(revision="a4c8e2f61d37")
        flask_migrate.upgrade()
        stored = db.session.get(Submission, made.id)
        assert stored is not None
        assert stored.summary == made.summary
    assert stored_rows(app, db, made.id) == made.summary["treatments"]


URGENT_ANSWERS = {**phq9_total(17, item9=1), "asq_thoughts_now": "no"}


def test_a_treatment_outcome_alone_lists_in_queue_order_from_its_own_index(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    treatments_decided: Callable[[Any], None],
) -> None:
    """The fast path (a treatment's outcome alone) gives the order of the general one (the
    same filter with a date range that holds every case): acute first, then priority, oldest."""
    treatments_decided(TMS_LIKELY)
    now = utcnow()
    for hours, answers in enumerate(
        [baseline(), baseline(**URGENT_ANSWERS), baseline(transport_home="no"), baseline()]
    ):
        make_submission(answers, submitted_at=now - dt.timedelta(hours=hours + 1))
    login(client)
    fast = listed(queue(client, "?treatment=tms:likely_candidate"))
    general = listed(queue(client, "?treatment=tms:likely_candidate&submitted_from=2000-01-01"))
    assert len(fast) == 4
    assert fast == general


def test_a_status_change_follows_into_the_treatment_rows(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    three: dict[str, Submission],
) -> None:
    with app.app_context():
        db.session.execute(
            update(Submission).where(Submission.id == three["tms"].id).values(status="in_review")
        )
        db.session.commit()
        status = db.session.scalar(
            select(SubmissionTreatment.status).where(
                SubmissionTreatment.submission_id == three["tms"].id,
                SubmissionTreatment.treatment == "tms",
            )
        )
    assert status == "in_review"
    login(client)
    html = queue(client, "?treatment=tms:likely_candidate&status=in_review")
    assert listed(html) == [three["tms"].id]
    assert "In review: 1" in html
    assert listed(queue(client, "?treatment=tms:likely_candidate&status=new")) == []


def test_a_name_search_with_a_treatment_outcome_lists_as_the_general_query(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    treatments_decided: Callable[[Any], None],
) -> None:
    now = utcnow()
    treatments_decided(TMS_LIKELY)
    rivera = [
        make_submission(
            baseline(last_name="Rivera", **extra), submitted_at=now - dt.timedelta(hours=hours)
        )
        for hours, extra in enumerate([{}, URGENT_ANSWERS, {"transport_home": "no"}], start=1)
    ]
    make_submission(baseline(last_name="Okafor"), submitted_at=now - dt.timedelta(hours=5))
    treatments_decided(P1_LIKE)  # TMS needs review: not listed under "TMS: likely"
    make_submission(baseline(last_name="Rivera"), submitted_at=now - dt.timedelta(hours=6))
    login(client)
    fast = listed(queue(client, "?q=riv&treatment=tms:likely_candidate"))
    general = listed(
        queue(client, "?q=riv&treatment=tms:likely_candidate&submitted_from=2000-01-01")
    )
    assert sorted(fast) == sorted(s.id for s in rivera)
    assert fast == general
