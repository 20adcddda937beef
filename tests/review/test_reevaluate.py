"""Re-evaluation: the dry run lists decisions the current rules would change; apply stores them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select

from app.models import AuditEvent, Submission, TimelineEvent
from app.review import services
from tests.rules.builders import baseline

PREGNANT = {"pregnancy_applicable": "yes", "pregnant_now": "yes", "breastfeeding": "no"}
OLD = "0ld-ruleset-version"


@pytest.fixture
def stale(make_submission: Callable[..., Submission]) -> Submission:
    """A decision made by an older rule set that the current rules decide differently."""
    return make_submission(
        baseline(**PREGNANT), outcome="likely_candidate", priority=312, ruleset_version=OLD
    )


@pytest.fixture
def current(make_submission: Callable[..., Submission]) -> Submission:
    """Decided by the current rules: it cannot change, so it is not evaluated again."""
    return make_submission()


@pytest.fixture
def turned_18_since(make_submission: Callable[..., Submission]) -> Submission:
    """17 on the day they submitted, 18 today: the stored as_of date must be used."""
    submitted = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=30)
    born = submitted.date().replace(year=submitted.year - 18) + dt.timedelta(days=10)
    submission = make_submission(
        baseline(date_of_birth=born.isoformat()), submitted_at=submitted, ruleset_version=OLD
    )
    assert submission.outcome == "not_a_candidate_now"
    return submission


def test_the_dry_run_lists_only_changed_decisions_and_changes_nothing(
    app: Flask,
    db: SQLAlchemy,
    stale: Submission,
    current: Submission,
    turned_18_since: Submission,
    fetch: Callable[[int], Submission],
) -> None:
    with app.app_context():
        plan = services.reevaluation_plan()
    assert (plan.stale, plan.checked, plan.reconfirmed, plan.unchecked) == (2, 2, 1, 0)
    assert plan.ruleset_version == current.ruleset_version
    assert [c.reference for c in plan.changes] == [stale.reference]
    change = plan.changes[0]
    assert (change.old_outcome, change.new_outcome) == ("likely_candidate", "not_a_candidate_now")
    assert (change.old_ruleset_version, change.new_ruleset_version) == (OLD, plan.ruleset_version)
    assert "EXC-PREGNANT" in change.new_rules
    assert plan.outcome_changes == 1
    assert fetch(stale.id).outcome == "likely_candidate"
    assert fetch(stale.id).ruleset_version == OLD


def test_apply_stores_the_new_decisions_with_timeline_and_audit(
    app: Flask,
    db: SQLAlchemy,
    stale: Submission,
    current: Submission,
    turned_18_since: Submission,
    fetch: Callable[[int], Submission],
) -> None:
    with app.app_context():
        plan = services.apply_reevaluation(None, via="test")
        events = list(db.session.scalars(select(TimelineEvent).order_by(TimelineEvent.id)))
        entries = list(db.session.scalars(select(AuditEvent)))
        again = services.reevaluation_plan()
    assert (len(plan.changes), plan.reconfirmed) == (1, 1)
    fixed = fetch(stale.id)
    assert fixed.outcome == "not_a_candidate_now"
    assert fixed.priority == fixed.decision["priority"]
    assert fixed.ruleset_version == current.ruleset_version
    assert "EXC-PREGNANT" in [r["id"] for r in fixed.decision["rules"]]
    assert fixed.version == stale.version + 1
    young = fetch(turned_18_since.id)
    assert (young.outcome, young.ruleset_version) == (
        "not_a_candidate_now",
        current.ruleset_version,
    )
    assert fetch(current.id).version == current.version
    assert [(e.submission_id, e.kind, e.detail["changed"]) for e in events] == [
        (stale.id, "reevaluated", True),
        (turned_18_since.id, "reevaluated", False),
    ]
    assert events[0].detail["old_outcome"] == "likely_candidate"
    assert [(e.action, e.detail["checked"], e.detail["changed"]) for e in entries] == [
        ("reevaluate_apply", 2, 1)
    ]
    assert (again.stale, again.changes) == (0, [])


def test_the_admin_page_shows_the_dry_run_then_applies_it(
    client: FlaskClient,
    login: Callable[..., Any],
    post_form: Callable[..., Any],
    stale: Submission,
    current: Submission,
    fetch: Callable[[int], Submission],
    audit_entries: Callable[..., list[AuditEvent]],
) -> None:
    admin = login(client, role="admin")
    page = client.get("/review/reevaluate").get_data(as_text=True)
    assert "1 stored decisions were made by another rule-set version" in page
    assert "Of the 1 checked, 1 would get a different decision" in page
    assert stale.reference in page
    assert current.reference not in page
    assert "Likely candidate" in page
    assert "Not a candidate now" in page
    assert "0ld-ruleset" in page
    assert fetch(stale.id).outcome == "likely_candidate"

    response = post_form(client, "/review/reevaluate", follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Re-evaluated 1 submissions: 1 decisions changed, 0 unchanged." in html
    assert "Nothing to apply" in html
    assert fetch(stale.id).outcome == "not_a_candidate_now"
    applied = audit_entries("reevaluate_apply")
    assert [(e.actor_id, e.detail["via"]) for e in applied] == [(admin.id, "web")]
    assert audit_entries("view_reevaluation")[0].detail["changed"] == 1
    timeline = client.get(f"/review/submissions/{stale.id}").get_data(as_text=True)
    assert "Re-evaluated: Likely candidate → Not a candidate now" in timeline


def test_the_page_works_through_many_in_turns(
    client: FlaskClient,
    login: Callable[..., Any],
    post_form: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "WEB_REEVALUATION_LIMIT", 2)
    made = [make_submission(ruleset_version=OLD) for _ in range(3)]
    login(client, role="admin")
    page = client.get("/review/reevaluate").get_data(as_text=True)
    assert "The other 1 were not checked here" in page
    first = post_form(client, "/review/reevaluate", follow_redirects=True).get_data(as_text=True)
    assert "1 more were made by another rule-set version: apply again to continue." in first
    assert [fetch(s.id).ruleset_version == OLD for s in made] == [False, False, True]
    post_form(client, "/review/reevaluate")
    assert all(fetch(s.id).ruleset_version != OLD for s in made)


def test_the_command_line_dry_run_and_apply(
    runner: FlaskCliRunner,
    stale: Submission,
    current: Submission,
    turned_18_since: Submission,
    fetch: Callable[[int], Submission],
) -> None:
    dry = runner.invoke(args=["rules", "reevaluate"])
    assert dry.exit_code == 0, dry.output
    assert stale.reference in dry.output
    assert "likely_candidate" in dry.output
    assert "not_a_candidate_now" in dry.output
    assert current.reference not in dry.output
    assert turned_18_since.reference not in dry.output
    assert "Dry run" in dry.output
    assert fetch(stale.id).outcome == "likely_candidate"

    applied = runner.invoke(args=["rules", "reevaluate", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert (
        "Applied: 1 decisions changed, 1 now carry the current rule-set version." in applied.output
    )
    assert fetch(stale.id).outcome == "not_a_candidate_now"
    again = runner.invoke(args=["rules", "reevaluate"])
    assert "0 stored decisions were made by another rule-set version" in again.output
