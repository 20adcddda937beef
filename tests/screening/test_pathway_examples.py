"""The worked examples P1-P7 of clinical-pathways.md §7 through the web form (issue 21): each
walked over HTTP with the example's clinic settings, the stored decision gives the draft's
outcome per treatment (``treatments``), its rules, and the top-level outcome and priority."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from app.extensions import db as _db
from app.models import Submission
from app.screening import services
from tests.rules.pathways import AS_OF, EXACT, PATHWAYS
from tests.screening.walk import fill_in, submit


@pytest.mark.parametrize("name", sorted(PATHWAYS))
def test_pathway_example_through_the_form(
    app: Flask,
    client: FlaskClient,
    set_clinic: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    example = PATHWAYS[name]
    set_clinic(rules=dataclasses.replace(example.settings, settings_version=0))
    monkeypatch.setattr(services, "today", lambda: AS_OF)
    fill_in(client, example.answers)
    assert submit(client).status_code == 302
    with app.app_context():
        submission = _db.session.scalars(select(Submission)).one()
        decision = submission.decision
        # The TMS questions were asked (the clinic offers TMS) and their answers kept.
        assert submission.answers["head_implants"] == example.answers["head_implants"]
    treatments = decision["treatments"]
    assert set(treatments) == set(example.settings.treatments_offered)
    for treatment, (outcome, rule_ids) in example.treatments.items():
        fired = treatments[treatment]["rules"]
        assert treatments[treatment]["outcome"] == outcome, (treatment, fired)
        if (name, treatment) in EXACT:
            assert fired == rule_ids, treatment
        else:
            assert set(rule_ids) <= set(fired), (treatment, set(rule_ids) - set(fired))
    assert (decision["outcome"], decision["priority"]) == (example.outcome, example.priority)
    assert (submission.outcome, submission.priority) == (example.outcome, example.priority)


@pytest.mark.parametrize("name", sorted(PATHWAYS))
def test_pathway_example_through_the_command_line(
    runner: FlaskCliRunner, set_clinic: Callable[..., None], name: str
) -> None:
    example = PATHWAYS[name]
    set_clinic(rules=dataclasses.replace(example.settings, settings_version=0))
    result = runner.invoke(
        args=["screening", "evaluate", "-", "--as-of", AS_OF.isoformat()],
        input=json.dumps(example.answers),
    )
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    outcomes = {x: t["outcome"] for x, t in decision["treatments"].items()}
    assert outcomes == {x: outcome for x, (outcome, _) in example.treatments.items()}
    assert (decision["outcome"], decision["priority"]) == (example.outcome, example.priority)


def test_offering_tms_only_changes_the_questions_and_the_outcomes(
    app: Flask,
    client: FlaskClient,
    set_clinic: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """P1 ("Kai", an aneurysm) at a clinic that offers TMS only: no IV ketamine question, one
    evaluation (TMS, likely), and the submission's outcome is TMS's."""
    example = PATHWAYS["P1"]
    tms_only = dataclasses.replace(example.settings, treatments_offered=("tms",))
    set_clinic(rules=dataclasses.replace(tms_only, settings_version=0))
    monkeypatch.setattr(services, "today", lambda: AS_OF)
    answers = {**example.answers, "thyroid_overactive_untreated": "no"}
    fill_in(client, answers)
    assert 'name="thyroid_overactive_untreated"' not in client.get("/screening/health").get_data(
        as_text=True
    )
    assert submit(client).status_code == 302
    with app.app_context():
        submission = _db.session.scalars(select(Submission)).one()
    assert "thyroid_overactive_untreated" not in submission.answers  # dropped, not asked
    assert list(submission.decision["treatments"]) == ["tms"]
    assert submission.decision["treatments"]["tms"]["outcome"] == example.treatments["tms"][0]
    assert submission.outcome == example.treatments["tms"][0]
