"""The admin settings page: grouped fields, errors by the field, review with a reason, history."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

from app import clinic
from app.admin.models import SettingsVersion
from tests.conftest import csrf_token

URL = "/admin/settings"


def _form(html: str) -> dict[str, Any]:
    """The form's fields as a browser would send them (checked boxes only)."""
    data: dict[str, Any] = {}
    for match in re.finditer(r"<input([^>]*)>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match.group(1)))
        name = attrs.get("name")
        if not name or name == "csrf_token":
            continue
        if attrs.get("type") in ("checkbox", "radio"):
            if " checked" in match.group(1):
                data.setdefault(name, []).append(attrs.get("value", "y"))
            continue
        value = _unescape(attrs.get("value", ""))
        if name in data:  # a repeated name (the chosen languages, as hidden inputs)
            data[name] = [*(data[name] if isinstance(data[name], list) else [data[name]]), value]
        else:
            data[name] = value
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = _unescape(text.lstrip("\n"))
    return data


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _post(client: FlaskClient, page: str, **changes: Any) -> Any:
    data = _form(page) | changes
    return client.post(URL, data={"csrf_token": csrf_token(page), **data})


def _versions(app: Flask) -> int:
    with app.app_context():
        return int(
            SettingsVersion.query.session.scalar(select(func.count()).select_from(SettingsVersion))
        )


def test_only_admins_open_the_page(client: FlaskClient, login: Callable[..., Any]) -> None:
    login(client, role="clinician")
    assert client.get(URL).status_code == 403


def test_a_change_is_reviewed_with_a_reason_then_saved(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    audit_log: Callable[..., list[dict[str, Any]]],
) -> None:
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    for heading in ("Who can be a candidate", "Blood pressure", "Queue priority"):
        assert heading in page
    assert "A whole number from 4 to 12." in page
    assert "[ATRQ] [ATHF]" in page
    assert 'href="/admin/settings"' in page  # in the staff menu

    review = _post(client, page, rules__min_trial_weeks="8", step="review")
    html = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "Check the change" in html
    assert "Weeks for an adequate medicine trial" in html
    assert "Save as version 2" in html
    assert _versions(app) == 1  # nothing saved yet

    no_reason = _post(client, html, step="save")
    assert "Give a reason" in no_reason.get_data(as_text=True)
    assert _versions(app) == 1

    saved = _post(client, html, step="save", reason="Align with ATRQ 8 weeks")
    assert saved.status_code == 302
    with app.app_context():
        current = clinic.current()
        row = SettingsVersion.query.session.get(SettingsVersion, 2)
        assert row is not None
        assert (row.reason, row.created_by.role) == ("Align with ATRQ 8 weeks", "admin")
    assert (current.version, current.rules.min_trial_weeks) == (2, 8)
    (entry,) = audit_log("settings_saved")
    assert entry["detail"] == {"version": 2, "based_on": 1, "changed": ["rules.min_trial_weeks"]}


def test_an_open_question_is_a_choice_on_the_page(
    app: Flask, client: FlaskClient, login: Callable[..., Any]
) -> None:
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    assert "Fewer adequate trials than needed" in page
    assert _form(page)["rules__too_few_trials_outcome"] == ["needs_clinician_review"]
    review = _post(client, page, rules__too_few_trials_outcome="not_a_candidate_now", step="review")
    html = review.get_data(as_text=True)
    assert "Not a candidate now" in html
    _post(client, html, step="save", reason="Our clinic does not review these")
    with app.app_context():
        assert clinic.current().rules.too_few_trials_outcome == "not_a_candidate_now"


def test_bad_values_are_refused_by_the_field(
    app: Flask, client: FlaskClient, login: Callable[..., Any]
) -> None:
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    table = _form(page)["rules__dose_table"] + "\nmadeupzine: 20"
    response = _post(
        client,
        page,
        rules__min_trial_weeks="3",
        rules__min_failed_trials="two",
        rules__dose_table=table,
        step="review",
    )
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert 'id="rules__min_trial_weeks-error"' in html
    assert "Enter a whole number from 4 to 12." in html
    assert 'id="rules__min_failed_trials-error"' in html
    assert "madeupzine is not a medicine of the questionnaire" in html
    assert _versions(app) == 1


def test_values_checked_together_are_refused_by_the_field(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    response = _post(client, page, rules__bp_crisis_systolic="140", step="review")
    html = response.get_data(as_text=True)
    assert 'id="rules__bp_crisis_systolic-error"' in html
    assert "greater than bp_caution_systolic (140)" in html


def test_a_second_admin_on_an_old_version_is_told(
    app: Flask, client: FlaskClient, login: Callable[..., Any], make_staff: Callable[..., Any]
) -> None:
    login(client, role="admin")
    first_page = client.get(URL).get_data(as_text=True)
    other = app.test_client()
    login(other, role="admin")
    other_page = other.get(URL).get_data(as_text=True)
    review = _post(other, other_page, crisis_line="555-0100", step="review")
    saved = _post(other, review.get_data(as_text=True), step="save", reason="new line")
    assert saved.status_code == 302

    # The first admin's form was based on version 1.
    review = _post(client, first_page, clinic_name="Another name", step="review")
    html = review.get_data(as_text=True)
    assert "Another administrator saved version 2" in html
    assert _versions(app) == 2
    stale_save = _post(client, first_page, clinic_name="Another name", step="save", reason="x")
    assert "Another administrator saved version 2" in stale_save.get_data(as_text=True)
    with app.app_context():
        assert clinic.current().crisis_line == "555-0100"  # not overwritten
        assert clinic.current().clinic_name != "Another name"
    assert _versions(app) == 2


def test_history_reads_and_restores_an_old_version(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    post_form: Callable[..., Any],
) -> None:
    login(client, role="admin")
    page = client.get(URL).get_data(as_text=True)
    review = _post(client, page, rules__pcl5_cutoff="35", step="review")
    _post(client, review.get_data(as_text=True), step="save", reason="PCL-5 35")
    history = client.get("/admin/settings/history").get_data(as_text=True)
    assert "PCL-5 35" in history
    assert "Version 1" in history
    old = client.get("/admin/settings/versions/1").get_data(as_text=True)
    assert "Restore as version 3" in old
    assert "PCL-5 total suggesting PTSD" in old
    refused = post_form(client, "/admin/settings/versions/1", {"based_on": "2", "reason": ""})
    assert "Give a reason" in refused.get_data(as_text=True)
    restored = post_form(
        client, "/admin/settings/versions/1", {"based_on": "2", "reason": "Back to 33"}
    )
    assert restored.status_code == 302
    with app.app_context():
        current = clinic.current()
    assert (current.version, current.rules.pcl5_cutoff) == (3, 33)
    assert client.get("/admin/settings/versions/99").status_code == 404


def test_the_page_is_in_spanish(
    client: FlaskClient, login: Callable[..., Any], db: SQLAlchemy
) -> None:
    login(client, role="admin")
    page = client.get(URL, headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Ajustes de la clínica" in page
    assert "Un número entero de 4 a 12." in page  # the allowed values too
