"""Bulk actions on the queue: several rows assigned or moved in one POST, each with its own
version check, refusal report and audit (issue 17, part 2)."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, text, update

from app.models import AuditEvent, StaffUser, Submission
from tests.conftest import csrf_token
from tests.review.test_queue import queue


def bulk(client: FlaskClient, rows: list[Submission], **data: Any) -> Any:
    """POST the queue's bulk form with ``rows`` ticked, as the page showed them."""
    token = csrf_token(queue(client))
    return client.post(
        "/review/bulk",
        data={
            "csrf_token": token,
            "selected": [f"{s.id}:{s.version}" for s in rows],
            "status": "",
            "assignee": "keep",
            **data,
        },
    )


def test_the_queue_has_a_labelled_checkbox_per_row_and_a_fieldset(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    made = make_submission()
    login(client)
    page = queue(client)
    assert f'name="selected" value="{made.id}:{made.version}"' in page
    label = re.search(r'<label for="select-first">(.*?)</label>', page)
    assert label
    assert re.sub(r"<[^>]+>", "", label.group(1)) == f"Select {made.reference}"
    assert "<legend>With the selected cases</legend>" in page
    assert 'action="/review/bulk"' in page


def test_bulk_move_and_assign_changes_each_and_audits_each(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
    audit_entries: Callable[..., list[AuditEvent]],
) -> None:
    rows = [make_submission() for _ in range(3)]
    me = login(client)
    response = bulk(client, rows[:2], status="in_review", assignee=str(me.id))
    assert response.status_code == 302
    for s in rows[:2]:
        stored = fetch(s.id)
        assert (stored.status, stored.assigned_to_id) == ("in_review", me.id)
        assert stored.version == s.version + 2  # two changes, each through its service
    assert fetch(rows[2].id).status == "new"
    moved = audit_entries("change_status")
    assert sorted(e.target_id for e in moved) == sorted(s.id for s in rows[:2])
    assert sorted(e.target_id for e in audit_entries("assign")) == sorted(s.id for s in rows[:2])
    page = htmllib.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "2 cases changed" in page
    assert rows[0].reference in page
    assert rows[1].reference in page


def test_a_stale_row_is_reported_by_reference_and_the_others_applied(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    fresh, stale, closed = make_submission(), make_submission(), make_submission(status="closed")
    login(client)
    token = csrf_token(queue(client))
    with app.app_context():  # someone else changes one case after the page was loaded
        db.session.execute(
            update(Submission).where(Submission.id == stale.id).values(version=stale.version + 1)
        )
        db.session.commit()
    response = client.post(
        "/review/bulk",
        data={
            "csrf_token": token,
            "selected": [f"{s.id}:{s.version}" for s in (fresh, stale, closed)],
            "status": "in_review",
            "assignee": "keep",
        },
        follow_redirects=True,
    )
    page = htmllib.unescape(response.get_data(as_text=True))
    assert fetch(fresh.id).status == "in_review"
    assert fetch(stale.id).status == "new"
    assert fetch(closed.id).status == "closed"
    assert f"{stale.reference} not changed: This submission was changed by" in page
    assert f"{closed.reference} not changed: A submission that is “Closed”" in page
    assert f"1 case changed: {fresh.reference}." in page


def test_declining_in_bulk_needs_a_reason_and_nothing_changes_without(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    made = make_submission()
    login(client)
    response = bulk(client, [made], status="declined")
    assert response.status_code == 400
    page = htmllib.unescape(response.get_data(as_text=True))
    assert 'class="error-summary"' in page
    assert "Give the reason for declining" in page
    assert fetch(made.id).status == "new"
    # The ticked row stays ticked for the retry.
    assert f'value="{made.id}:{made.version}" id="select-first" checked' in page
    assert bulk(client, [made], status="declined", reason="Out of area").status_code == 302
    assert fetch(made.id).status == "declined"


def test_nothing_selected_or_nothing_chosen_is_refused(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    made = make_submission()
    login(client)
    none_ticked = bulk(client, [], status="in_review")
    assert none_ticked.status_code == 400
    assert "Select at least one case." in none_ticked.get_data(as_text=True)
    no_action = bulk(client, [made])
    assert no_action.status_code == 400
    assert "Choose a status or an assignment to apply." in no_action.get_data(as_text=True)
    assert fetch(made.id).version == made.version


def test_bulk_unassign_and_unknown_staff(
    client: FlaskClient,
    login: Callable[..., Any],
    make_staff: Callable[..., StaffUser],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    colleague = make_staff()
    made = make_submission(assigned_to_id=colleague.id)
    login(client)
    assert bulk(client, [made], assignee="999999").status_code == 400
    assert fetch(made.id).assigned_to_id == colleague.id
    assert bulk(client, [made], assignee="").status_code == 302
    assert fetch(made.id).assigned_to_id is None


def test_a_bulk_change_commits_once_for_all_its_cases(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
    audit_entries: Callable[..., list[AuditEvent]],
) -> None:
    """One transaction (one write to the log), not one a case; each case still audited."""
    rows = [make_submission() for _ in range(3)]
    me = login(client)
    token = csrf_token(queue(client))
    commits: list[Any] = []

    def count(connection: Any) -> None:
        commits.append(connection)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", count)
    try:
        response = client.post(
            "/review/bulk",
            data={
                "csrf_token": token,
                "selected": [f"{s.id}:{s.version}" for s in rows],
                "status": "in_review",
                "assignee": str(me.id),
            },
        )
    finally:
        event.remove(engine, "commit", count)
    assert response.status_code == 302
    assert len(commits) == 1
    assert {fetch(s.id).status for s in rows} == {"in_review"}
    assert sorted(e.target_id for e in audit_entries("change_status")) == [s.id for s in rows]
    assert sorted(e.target_id for e in audit_entries("assign")) == [s.id for s in rows]


def test_a_case_changed_while_the_bulk_change_writes_is_rolled_back_alone(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
    audit_entries: Callable[..., list[AuditEvent]],
) -> None:
    """Someone else's change lands between the read and the UPDATE of one case: the UPDATE,
    guarded by the version read, changes nothing, that case's savepoint (its timeline entry
    and audit row too) is rolled back and it is reported by reference; the others commit."""
    first, raced, last = (make_submission() for _ in range(3))
    login(client)
    token = csrf_token(queue(client))

    raced_at: list[int] = []

    def other_writer(session: Any, _context: Any, _instances: Any) -> None:
        if not raced_at and any(getattr(o, "id", None) == raced.id for o in session.dirty):
            raced_at.append(raced.id)
            session.connection().execute(
                text("UPDATE submission SET version = version + 5 WHERE id = :id"),
                {"id": raced.id},
            )

    event.listen(db.session, "before_flush", other_writer)
    try:
        response = client.post(
            "/review/bulk",
            data={
                "csrf_token": token,
                "selected": [f"{s.id}:{s.version}" for s in (first, raced, last)],
                "status": "in_review",
                "assignee": "keep",
            },
            follow_redirects=True,
        )
    finally:
        event.remove(db.session, "before_flush", other_writer)
    assert raced_at == [raced.id]
    page = htmllib.unescape(response.get_data(as_text=True))
    assert f"{raced.reference} not changed: This submission was changed by" in page
    assert f"2 cases changed: {first.reference}, {last.reference}." in page
    assert (fetch(first.id).status, fetch(last.id).status) == ("in_review", "in_review")
    assert fetch(raced.id).status == "new"
    assert sorted(e.target_id for e in audit_entries("change_status")) == [first.id, last.id]
