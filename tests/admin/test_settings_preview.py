"""The settings page's preview: a dry run of the proposed rule settings, nothing saved."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app import clinic
from app.reevaluation import runs
from tests.admin.test_settings_page import URL, _post, _versions
from tests.review.conftest import fetch, make_submission

__all__ = ["fetch", "make_submission"]  # the review tests' fixtures, used here too
AGREEMENT = r'<th scope="row">1</th>\s*<td class="num">(\d+) .*?<td class="num">(\d+) '


def test_a_rule_change_is_previewed_on_stored_decisions_before_saving(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Any],
    fetch: Callable[[int], Any],
) -> None:
    likely = make_submission(evaluation_decision="proceed_to_evaluation")
    assert likely.outcome == "likely_candidate"
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    review = _post(client, page, rules__min_failed_trials="4", step="review")
    html = review.get_data(as_text=True)
    assert "Preview the effect on stored decisions" in html

    shown = _post(client, html, step="preview", reason="Stricter")
    preview = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "1 of 1 stored decisions would change (1 a different outcome)" in preview
    assert likely.reference in preview
    assert "Agreeing before" in preview
    agreement = re.search(AGREEMENT, preview, re.S)  # 1 decision: agreeing 1 before, 0 after
    assert agreement is not None
    assert agreement.groups() == ("1", "0")
    assert "Save as version 2" in preview  # still the review step, reason kept
    assert "Stricter" in preview
    assert _versions(app) == 1  # nothing saved
    assert fetch(likely.id).version == likely.version  # no decision changed
    with app.app_context():
        assert clinic.current(fresh=True).rules.min_failed_trials == 2

    saved = _post(client, preview, step="save")
    assert saved.status_code == 302
    assert _versions(app) == 2
    assert fetch(likely.id).outcome == "likely_candidate"  # the apply is still to confirm


def test_no_preview_is_offered_when_no_rule_setting_changes(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    review = _post(client, page, clinic_name="Another clinic", step="review")
    html = review.get_data(as_text=True)
    assert "Check the change" in html
    assert "Preview the effect" not in html


def test_a_preview_waits_while_another_dry_run_runs(
    app: Flask, client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Any]
) -> None:
    make_submission()
    with app.app_context():
        other = runs.start("dry_run", "c1.s1", None, via="test").id
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    html = _post(client, page, rules__min_failed_trials="4", step="review").get_data(as_text=True)
    preview = _post(client, html, step="preview").get_data(as_text=True)
    assert "Another dry run is running" in preview
    assert f"/review/reevaluate/runs/{other}" in preview
    assert "stored decisions would change" not in preview
    with app.app_context():
        assert runs.running("dry_run").id == other  # no second run started
