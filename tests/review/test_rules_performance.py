"""How the rules perform: the clinicians' recorded decisions by outcome, by rule and by month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy

from app.models import AuditEvent, Submission
from app.reevaluation import performance
from tests.rules.builders import baseline

PREGNANT = {"pregnancy_applicable": "yes", "pregnant_now": "yes", "breastfeeding": "no"}
NOVEMBER = dt.datetime(2026, 11, 10, 12, 0)
OCTOBER = dt.datetime(2026, 10, 3, 9, 0)


def _stored(make_submission: Callable[..., Submission]) -> dict[str, list[Submission]]:
    """November: 12 likely candidates (9 sent on, 2 more information, 1 not suitable), 3 not
    a candidate now (pregnant; 1 overridden, 2 not suitable) and one with no decision yet.
    October: 1 likely candidate, sent on."""
    likely = [
        make_submission(submitted_at=NOVEMBER, evaluation_decision=decision)
        for decision in ["proceed_to_evaluation"] * 9 + ["needs_more_info"] * 2 + ["not_suitable"]
    ]
    not_now = [
        make_submission(baseline(**PREGNANT), submitted_at=NOVEMBER, evaluation_decision=d)
        for d in ("proceed_to_evaluation", "not_suitable", "not_suitable")
    ]
    undecided = make_submission(submitted_at=NOVEMBER)
    october = make_submission(submitted_at=OCTOBER, evaluation_decision="proceed_to_evaluation")
    assert {s.outcome for s in likely} == {"likely_candidate"}
    assert {s.outcome for s in not_now} == {"not_a_candidate_now"}
    return {"likely": likely, "not_now": not_now, "other": [undecided, october]}


def test_the_report_counts_decisions_by_outcome_rule_and_month(
    app: Flask, db: SQLAlchemy, make_submission: Callable[..., Submission]
) -> None:
    _stored(make_submission)
    with app.app_context():
        everything = performance.report()
        november = performance.report(dt.date(2026, 11, 1))
        months = performance.months()
        monthly = performance.monthly_shares()
    assert everything.decided == 16
    assert november.decided == 15
    by_outcome = {row.code: row for row in november.by_outcome}
    likely = by_outcome["likely_candidate"]
    assert (likely.total, likely.small) == (12, False)
    assert likely.counts == {"proceed_to_evaluation": 9, "needs_more_info": 2, "not_suitable": 1}
    assert likely.share("proceed_to_evaluation") == 9 / 12
    not_now = by_outcome["not_a_candidate_now"]
    assert (not_now.total, not_now.small) == (3, True)
    assert (november.sent_on.part, november.sent_on.whole) == (9, 12)
    assert (november.overridden.part, november.overridden.whole) == (1, 3)
    assert november.overridden.small
    pregnant = {row.code: row for row in november.by_rule}["EXC-PREGNANT"]
    assert pregnant.counts == {"proceed_to_evaluation": 1, "not_suitable": 2}
    assert months == [dt.date(2026, 11, 1), dt.date(2026, 10, 1)]
    assert [(m, s.part, s.whole, o.part, o.whole) for m, s, o in monthly] == [
        (dt.date(2026, 11, 1), 9, 12, 1, 3),
        (dt.date(2026, 10, 1), 1, 1, 0, 0),
    ]


def test_clinicians_see_the_page_with_counts_beside_shares(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    audit_entries: Callable[..., list[AuditEvent]],
) -> None:
    _stored(make_submission)
    login(client, role="clinician")
    html = client.get("/review/rules-performance?month=2026-11").get_data(as_text=True)
    assert "Likely candidates that clinicians sent on to evaluation: 9 of 12 (75%)" in html
    assert "overrode (sent on to evaluation all the same): 1 of 3 (33%) — too few to judge" in html
    assert '<th scope="row"><span class="rule-id">EXC-PREGNANT</span></th>' in html
    assert "<caption>Clinician decisions by outcome</caption>" in html
    assert '<option value="2026-10">' in html
    assert 'href="/review/rules-performance"' in html  # the staff menu's entry
    assert [e.detail["month"] for e in audit_entries("view_rules_performance")] == ["2026-11"]


def test_coordinators_cannot_open_it(client: FlaskClient, login: Callable[..., Any]) -> None:
    login(client, role="coordinator")
    assert client.get("/review/rules-performance").status_code == 403
    queue = client.get("/review/").get_data(as_text=True)
    assert "/review/rules-performance" not in queue
