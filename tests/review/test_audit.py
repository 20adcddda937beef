"""The audit log: an entry for every staff view, change and export, none with answer contents."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy

from app import audit
from app.models import AuditEvent, Submission, utcnow
from tests.review.helpers import form_fields
from tests.rules.builders import baseline

STAFF_ACTIONS = {
    "view_queue",
    "view_submission",
    "view_print",
    "export_csv",
    "export_fhir",
    "add_note",
    "record_evaluation",
}
PATIENT = {
    "first_name": "Quillon",
    "last_name": "Zephyrine",
    "email": "quillon.zephyrine@example.org",
    "phone": "555-0177",
}


@pytest.fixture
def patient(make_submission: Callable[..., Submission]) -> Submission:
    return make_submission(baseline(**PATIENT), status="in_review")


def test_each_staff_action_writes_one_audit_entry(
    client: FlaskClient,
    login: Callable[..., Any],
    patient: Submission,
    audit_entries: Callable[..., list[AuditEvent]],
) -> None:
    user = login(client, role="clinician")
    url = f"/review/submissions/{patient.id}"
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("view_queue", lambda: client.get("/review/?outcome=likely_candidate&q=Quillon")),
        ("view_submission", lambda: client.get(url)),
        ("view_print", lambda: client.get(url + "/print")),
        ("export_fhir", lambda: client.get(url + "/fhir")),
        ("export_csv", lambda: client.get("/review/export.csv?status=in_review").get_data()),
    ]
    for action, do in steps:
        before = len(audit_entries())
        do()
        new = audit_entries()[before:]
        assert [e.action for e in new] == [action]
        assert new[0].actor_id == user.id
        assert new[0].ip_address == "127.0.0.1"
    changes = [
        ("change_status", "status", {"status": "needs_more_info"}),
        ("assign", "assign", {"assignee": str(user.id)}),
        ("add_note", "notes", {"body": "Asked for records."}),
        ("record_evaluation", "evaluation", {"decision": "needs_more_info"}),
    ]
    for action, path, data in changes:
        html = client.get(url).get_data(as_text=True)
        before = len(audit_entries())
        response = client.post(f"{url}/{path}", data={**form_fields(html), **data})
        assert response.status_code == 302
        new = audit_entries()[before:]
        assert [e.action for e in new] == [action]
        assert (new[0].target_type, new[0].target_id, new[0].actor_id) == (
            "submission",
            patient.id,
            user.id,
        )


def test_audit_details_hold_identifiers_and_never_answers(
    client: FlaskClient,
    login: Callable[..., Any],
    patient: Submission,
    audit_entries: Callable[..., list[AuditEvent]],
) -> None:
    user = login(client, role="admin")
    url = f"/review/submissions/{patient.id}"
    for search in (PATIENT["first_name"], PATIENT["email"], PATIENT["phone"], patient.reference):
        client.get("/review/", query_string={"q": search})
        client.get("/review/export.csv", query_string={"q": search}).get_data()
    client.get(url)
    client.get(url + "/print")
    client.get(url + "/fhir")
    html = client.get(url).get_data(as_text=True)
    client.post(f"{url}/notes", data={**form_fields(html), "body": "Quillon called back."})
    html = client.get(url).get_data(as_text=True)
    client.post(f"{url}/evaluation", data={**form_fields(html), "decision": "not_suitable",
                                           "note": "Zephyrine: see notes"})  # fmt: skip
    client.get("/review/audit")
    entries = audit_entries()
    text = json.dumps([e.detail for e in entries]).lower()
    for secret in (*PATIENT.values(), "5550177", "1984-03-02", "asked", "called back", "see notes"):
        assert secret.lower() not in text
    searches = [e.detail.get("search") for e in entries if e.action == "view_queue"]
    assert searches == ["name", "email", "phone", "reference"]
    mine = [e for e in entries if e.action in STAFF_ACTIONS]
    assert len(mine) >= 14
    assert all(e.actor_id == user.id for e in mine)


def test_the_audit_log_is_append_only(
    app: Flask, db: SQLAlchemy, client: FlaskClient, login: Callable[..., Any]
) -> None:
    login(client, role="admin")
    client.get("/review/")
    with app.app_context():
        entry = db.session.query(AuditEvent).filter_by(action="view_queue").one()
        entry.action = "nothing_happened"
        with pytest.raises(PermissionError):
            db.session.commit()
        db.session.rollback()
        entry = db.session.query(AuditEvent).filter_by(action="view_queue").one()
        db.session.delete(entry)
        with pytest.raises(PermissionError):
            db.session.commit()
        db.session.rollback()


def _entry(app: Flask, db: SQLAlchemy, action: str, *, days_ago: int = 0, **kwargs: Any) -> None:
    with app.app_context():
        entry = audit.record(action, **kwargs)
        entry.created_at = utcnow() - dt.timedelta(days=days_ago)
        db.session.commit()


def test_admins_read_and_filter_the_audit_log(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    make_staff: Callable[..., Any],
    patient: Submission,
) -> None:
    coordinator = make_staff("coordinator", email="casey.coordinator@clinic.example")
    with app.app_context():
        target = db.session.get(Submission, patient.id)
        entry = audit.record("view_submission", target, actor_id=coordinator.id)
        entry.created_at = utcnow() - dt.timedelta(days=10)
        db.session.commit()
    _entry(app, db, "export_csv", days_ago=3, actor_id=coordinator.id, status="new")
    admin = login(client, role="admin")

    everything = client.get("/review/audit").get_data(as_text=True)
    assert everything.index("Exported CSV") < everything.index(
        "Viewed a submission"
    )  # newest first
    assert "casey.coordinator@clinic.example" in everything
    assert f'href="/review/submissions/{patient.id}"' in everything
    assert "status: new" in everything

    def rows(query: str) -> str:
        response = client.get("/review/audit?" + query)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return html[html.index("<tbody>") : html.index("</tbody>")] if "<tbody>" in html else ""

    assert "Exported CSV" not in rows("action=view_submission")
    assert "Viewed a submission" in rows("action=view_submission")
    assert "casey.coordinator" in rows("actor=casey")
    assert admin.email not in rows("actor=casey")
    assert "Viewed a submission" in rows(f"target_id={patient.id}")
    assert "Exported CSV" not in rows(f"target_id={patient.id}")
    since = (utcnow() - dt.timedelta(days=5)).date().isoformat()
    assert "Exported CSV" in rows(f"date_from={since}")
    assert "Viewed a submission" not in rows(f"date_from={since}")
    until = (utcnow() - dt.timedelta(days=5)).date().isoformat()
    assert "Viewed a submission" in rows(f"date_to={until}")
    assert "Exported CSV" not in rows(f"date_to={until}")


def test_the_audit_log_pages(
    app: Flask, db: SQLAlchemy, client: FlaskClient, login: Callable[..., Any]
) -> None:
    app.config["QUEUE_PAGE_SIZE"], size = 2, app.config["QUEUE_PAGE_SIZE"]
    try:
        for n in range(6):
            _entry(app, db, "export_csv", days_ago=1, marker=f"marker-{n}-end")
        login(client, role="admin")
        first = client.get("/review/audit?action=export_csv").get_data(as_text=True)
        assert "Page 1 of 2" in first
        assert "marker-5-end" in first
        assert "marker-0-end" not in first
        second = client.get("/review/audit?action=export_csv&page=2").get_data(as_text=True)
        assert "marker-0-end" in second
        assert "marker-5-end" not in second
    finally:
        app.config["QUEUE_PAGE_SIZE"] = size
