"""Re-evaluation: a dry run lists the decisions a target rule set would change and changes
nothing; the confirmed apply (a background job) stores them, with timeline and audit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

from app import jobs, rules
from app.models import AuditEvent, Submission, TimelineEvent
from app.reevaluation import plan as plans
from app.reevaluation import runs, tasks
from app.reevaluation.models import ReevaluationRun
from tests.conftest import csrf_token
from tests.i18n.pages import english_leaks
from tests.rules.builders import baseline

PREGNANT = {"pregnancy_applicable": "yes", "pregnant_now": "yes", "breastfeeding": "no"}
OLD = "0ld-ruleset-version"


@pytest.fixture
def stale(make_submission: Callable[..., Submission]) -> Submission:
    """A decision made by an older rule set that the current rules decide differently; the
    clinician sent it on (which agrees with the old outcome, not the new one)."""
    return make_submission(
        baseline(**PREGNANT),
        outcome="likely_candidate",
        priority=312,
        ruleset_version=OLD,
        evaluation_decision="proceed_to_evaluation",
        summary={"rules": ["INC-PHQ9-MODERATE"]},  # what the old rule set had fired
    )


@pytest.fixture
def current(make_submission: Callable[..., Submission]) -> Submission:
    """Decided by the current rules: it cannot change, so it is not evaluated again."""
    return make_submission()


@pytest.fixture
def rules_differ(make_submission: Callable[..., Submission]) -> Submission:
    """Same outcome and priority under the current rules, but another rule fired then."""
    return make_submission(ruleset_version=OLD, summary={"rules": ["INC-PHQ9-MODERATE"]})


@pytest.fixture
def turned_18_since(make_submission: Callable[..., Submission]) -> Submission:
    """17 on the day they submitted, 18 today: the stored as_of date must be used. Made by
    another version, but decided the same: no visible difference, so not a change."""
    submitted = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=30)
    born = submitted.date().replace(year=submitted.year - 18) + dt.timedelta(days=10)
    submission = make_submission(
        baseline(date_of_birth=born.isoformat()), submitted_at=submitted, ruleset_version=OLD
    )
    assert submission.outcome == "not_a_candidate_now"
    return submission


def test_the_dry_run_lists_only_visible_changes_and_changes_nothing(
    app: Flask,
    db: SQLAlchemy,
    stale: Submission,
    current: Submission,
    turned_18_since: Submission,
    fetch: Callable[[int], Submission],
) -> None:
    with app.app_context():
        plan = plans.dry_run()
    assert (plan.stale, plan.checked, plan.changed, plan.reconfirmed) == (2, 2, 1, 1)
    assert plan.ruleset_version == current.ruleset_version
    assert [c.reference for c in plan.changes] == [stale.reference]
    change = plan.changes[0]
    assert (change.old_outcome, change.new_outcome) == ("likely_candidate", "not_a_candidate_now")
    assert change.old_priority == 312
    assert change.new_priority != 312
    assert "EXC-PREGNANT" in change.rules_added
    assert plan.outcome_changed == 1
    assert (plan.agreement.decided, plan.agreement.before, plan.agreement.after) == (1, 1, 0)
    assert (fetch(stale.id).outcome, fetch(stale.id).ruleset_version) == ("likely_candidate", OLD)


def test_a_change_of_fired_rules_alone_is_a_change(
    app: Flask, db: SQLAlchemy, rules_differ: Submission
) -> None:
    with app.app_context():
        plan = plans.dry_run()
    (change,) = plan.changes
    assert change.old_outcome == change.new_outcome == rules_differ.outcome
    assert change.old_priority == change.new_priority
    assert change.rules_removed == ()
    assert len(change.rules_added) >= 1
    assert plan.outcome_changed == 0


def test_a_proposed_settings_document_is_previewed_against_current_decisions(
    app: Flask,
    db: SQLAlchemy,
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    likely = make_submission()  # E1: two adequate failed trials
    assert likely.outcome == "likely_candidate"
    stricter = plans.proposed(rules.Settings(min_failed_trials=5))
    with app.app_context():
        plan = plans.dry_run(stricter)
        same = plans.dry_run(plans.proposed(rules.DEFAULTS, likely.ruleset_version))
    assert plan.stale == 1
    assert [c.reference for c in plan.changes] == [likely.reference]
    assert plan.changes[0].new_outcome != "likely_candidate"
    assert plan.changes[0].new_ruleset_version == stricter.version
    assert (same.stale, same.changed) == (0, 0)
    assert fetch(likely.id).version == likely.version


def test_a_preview_of_proposed_settings_runs_as_a_job_and_cannot_be_applied(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    likely = make_submission()
    login(client, role="admin")
    with app.app_context():
        run_id = tasks.start_dry_run(plans.proposed(rules.Settings(min_failed_trials=5)), None).id
    html = client.get(f"/review/reevaluate/runs/{run_id}").get_data(as_text=True)
    assert likely.reference in html
    assert "1 decisions change" in html
    assert "These settings are not the ones in force" in html
    assert "confirm_count" not in html
    assert fetch(likely.id).version == likely.version


def test_apply_stores_the_new_decisions_with_timeline_and_audit(
    app: Flask,
    db: SQLAlchemy,
    stale: Submission,
    current: Submission,
    turned_18_since: Submission,
    fetch: Callable[[int], Submission],
) -> None:
    with app.app_context():
        target = plans.in_force()
        run = runs.start("apply", target.version, None, via="test", reason="new catalogue")
        plan = runs.run_apply(run.id)
        events = list(db.session.scalars(select(TimelineEvent).order_by(TimelineEvent.id)))
        entries = list(db.session.scalars(select(AuditEvent)))
        finished = db.session.get(ReevaluationRun, run.id)
        again = plans.dry_run()
    assert plan is not None
    assert (plan.changed, plan.reconfirmed) == (1, 1)
    assert finished is not None
    assert (finished.state, finished.checked) == ("done", 2)
    fixed = fetch(stale.id)
    assert (fixed.outcome, fixed.ruleset_version) == ("not_a_candidate_now", target.version)
    assert fixed.priority == fixed.decision["priority"]
    assert fixed.decision["ruleset_version"] == target.version
    assert "EXC-PREGNANT" in fixed.summary["rules"]
    assert fixed.version == stale.version + 1
    young = fetch(turned_18_since.id)
    assert (young.outcome, young.ruleset_version) == ("not_a_candidate_now", target.version)
    assert young.version == turned_18_since.version  # no visible change: open pages stay valid
    assert fetch(current.id).version == current.version
    assert [(e.submission_id, e.kind, e.detail["changed"]) for e in events] == [
        (stale.id, "reevaluated", True),
        (turned_18_since.id, "reevaluated", False),
    ]
    assert (events[0].detail["old_ruleset_version"], events[0].detail["new_ruleset_version"]) == (
        OLD,
        target.version,
    )
    assert [(e.action, e.detail["checked"], e.detail["changed"]) for e in entries] == [
        ("reevaluate_apply", 2, 1)
    ]
    assert entries[0].detail["reason"] == "new catalogue"
    assert (again.stale, again.changes) == (0, [])


def test_an_apply_for_settings_no_longer_in_force_changes_nothing(
    app: Flask, db: SQLAlchemy, stale: Submission, fetch: Callable[[int], Submission]
) -> None:
    with app.app_context():
        run = runs.start("apply", "some-other-version", None, via="test")
        assert runs.run_apply(run.id) is None
        failed = db.session.get(ReevaluationRun, run.id)
        assert failed is not None
        assert failed.state == "failed"
    assert fetch(stale.id).outcome == "likely_candidate"


def test_the_database_lets_one_apply_run_at_a_time(app: Flask, db: SQLAlchemy) -> None:
    with app.app_context():
        first = runs.start("apply", "v", None, via="test")
        with pytest.raises(runs.AlreadyRunningError) as refused:
            runs.start("apply", "v", None, via="test")
        assert refused.value.run.id == first.id
        dry = runs.start("dry_run", "v", None, via="test")  # another kind may run beside it
        count = db.session.scalar(select(func.count()).select_from(ReevaluationRun))
        assert dry.id != first.id
    assert count == 2


def test_a_run_with_no_progress_for_long_no_longer_blocks(app: Flask, db: SQLAlchemy) -> None:
    """A worker that died mid-run leaves it "running": after 15 minutes without progress a new
    start ends it as failed instead of being refused for ever."""
    with app.app_context():
        dead = runs.start("apply", "v", None, via="test")
        dead.updated_at = dead.updated_at - dt.timedelta(minutes=16)
        db.session.commit()
        fresh = runs.start("apply", "v", None, via="test")
        db.session.refresh(dead)
        assert (dead.state, dead.error) == ("failed", "stopped: no progress for 15 minutes")
        assert fresh.state == "running"
        assert fresh.id != dead.id


def _number(text: str, html: str) -> int:
    match = re.search(text, html)
    assert match, f"{text!r} not on the page"
    return int(match.group(1).replace(",", ""))


def test_the_admin_pages_show_the_dry_run_then_apply_only_once_confirmed(
    client: FlaskClient,
    login: Callable[..., Any],
    post_form: Callable[..., Any],
    stale: Submission,
    current: Submission,
    fetch: Callable[[int], Submission],
    audit_entries: Callable[..., list[AuditEvent]],
) -> None:
    admin = login(client, role="admin")
    index = client.get("/review/reevaluate").get_data(as_text=True)
    assert "1 stored decisions carry another rule-set version" in index
    started = post_form(client, "/review/reevaluate", follow_redirects=True)
    page = started.get_data(as_text=True)
    assert "1 decisions change (1 a different outcome)" in page
    assert stale.reference in page
    assert current.reference not in page
    assert "+EXC-PREGNANT" in page
    assert "Agreement with the clinicians" in page
    run_url = started.request.path
    apply_url = f"{run_url}/apply"

    refused = post_form(client, apply_url, {"confirm_count": "2", "reason": ""}, get_url=run_url)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "The dry run found 1 decisions that will change." in html
    assert "Give a reason." in html
    assert fetch(stale.id).outcome == "likely_candidate"
    assert audit_entries("reevaluate_apply") == []

    done = post_form(
        client,
        apply_url,
        {"confirm_count": "1", "reason": "Clinical team, 2 Dec"},
        get_url=run_url,
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    assert "Apply of rule set" in html
    assert _number(r"Finished [\d-]+ [\d:]+: ([\d,]+) checked", html) == 1
    assert fetch(stale.id).outcome == "not_a_candidate_now"
    applied = audit_entries("reevaluate_apply")
    assert [(e.actor_id, e.detail["via"], e.detail["reason"]) for e in applied] == [
        (admin.id, "web", "Clinical team, 2 Dec")
    ]
    assert audit_entries("reevaluate_dry_run")[0].detail["changed"] == 1
    timeline = client.get(f"/review/submissions/{stale.id}").get_data(as_text=True)
    version = fetch(stale.id).ruleset_version
    assert (
        f"Re-evaluated: Likely candidate → Not a candidate now (rule set {OLD} → {version})"
        in timeline
    )


def test_a_second_apply_click_is_told_it_is_already_running(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    post_form: Callable[..., Any],
    stale: Submission,
    fetch: Callable[[int], Submission],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jobs, "last_heartbeat", lambda: None)  # no worker has run
    login(client, role="admin")
    run_url = post_form(client, "/review/reevaluate", follow_redirects=True).request.path
    with app.app_context():
        busy = runs.start("apply", plans.in_force().version, None, via="test").id
    response = post_form(
        client,
        f"{run_url}/apply",
        {"confirm_count": "1", "reason": "again"},
        get_url=run_url,
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "The apply is already running: here is its progress." in html
    assert response.request.path == f"/review/reevaluate/runs/{busy}"
    assert 'http-equiv="refresh"' in html
    assert "0 of 1 checked" in html
    assert "No background worker has said it is alive" in html
    with app.app_context():
        applies = db.session.scalar(select(func.count()).where(ReevaluationRun.kind == "apply"))
    assert applies == 1
    assert fetch(stale.id).outcome == "likely_candidate"


def test_the_command_line_dry_run_and_apply(
    runner: FlaskCliRunner,
    stale: Submission,
    current: Submission,
    turned_18_since: Submission,
    fetch: Callable[[int], Submission],
    audit_entries: Callable[..., list[AuditEvent]],
) -> None:
    dry = runner.invoke(args=["rules", "reevaluate"])
    assert dry.exit_code == 0, dry.output
    assert stale.reference in dry.output
    assert "likely_candidate" in dry.output
    assert "not_a_candidate_now" in dry.output
    assert current.reference not in dry.output
    assert turned_18_since.reference not in dry.output
    assert "Agreement with 1 clinician decisions: 1 before -> 0 after." in dry.output
    assert "Dry run" in dry.output
    assert fetch(stale.id).outcome == "likely_candidate"

    no_reason = runner.invoke(args=["rules", "reevaluate", "--apply", "--yes"])
    assert no_reason.exit_code != 0
    declined = runner.invoke(args=["rules", "reevaluate", "--apply", "--reason", "x"], input="n\n")
    assert declined.exit_code != 0
    assert "Apply to 2 submissions, 1 decisions changing?" in declined.output
    assert fetch(stale.id).outcome == "likely_candidate"

    applied = runner.invoke(
        args=["rules", "reevaluate", "--apply", "--reason", "catalogue 2"], input="y\n"
    )
    assert applied.exit_code == 0, applied.output
    assert "Applied: 1 decisions changed, 1 unchanged" in applied.output
    assert fetch(stale.id).outcome == "not_a_candidate_now"
    assert [e.detail["via"] for e in audit_entries("reevaluate_apply")] == ["cli"]
    again = runner.invoke(args=["rules", "reevaluate"])
    assert "0 stored decisions carry another rule-set version" in again.output


def test_the_pages_in_spanish_leave_no_english(
    client: FlaskClient,
    login: Callable[..., Any],
    post_form: Callable[..., Any],
    stale: Submission,
) -> None:
    login(client, role="admin")
    html = client.get("/review/").get_data(as_text=True)
    client.post(
        "/language",
        data={"csrf_token": csrf_token(html), "lang": "es", "next": "/review/"},
    )
    run_url = post_form(client, "/review/reevaluate", follow_redirects=True).request.path
    refused = post_form(client, f"{run_url}/apply", get_url=run_url)
    for page in (
        client.get("/review/reevaluate").get_data(as_text=True),
        client.get(run_url).get_data(as_text=True),
        refused.get_data(as_text=True),
        client.get("/review/rules-performance").get_data(as_text=True),
    ):
        assert 'lang="es"' in page
        assert english_leaks(page) == []
    assert "Escriba el número de decisiones que cambiarán." in refused.get_data(as_text=True)
