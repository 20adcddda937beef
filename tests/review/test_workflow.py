"""Status changes, assignment, notes and the evaluation decision, and concurrent edits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select, update

from app.models import STATUSES, Note, StaffUser, Submission, TimelineEvent
from app.review import operations, workflow
from tests.review.helpers import form_fields

# The transition table of docs/SPEC.md §2, written out again so a change to it is noticed.
ALLOWED = {
    ("new", "in_review"),
    ("new", "evaluation_scheduled"),
    ("new", "needs_more_info"),
    ("new", "declined"),
    ("new", "referred_elsewhere"),
    ("in_review", "evaluation_scheduled"),
    ("in_review", "needs_more_info"),
    ("in_review", "declined"),
    ("in_review", "referred_elsewhere"),
    ("evaluation_scheduled", "needs_more_info"),
    ("evaluation_scheduled", "declined"),
    ("evaluation_scheduled", "closed"),
    ("needs_more_info", "in_review"),
    ("needs_more_info", "evaluation_scheduled"),
    ("needs_more_info", "declined"),
    ("needs_more_info", "closed"),
    ("declined", "closed"),
    ("referred_elsewhere", "closed"),
}
REFUSED = sorted(
    (old, new) for old in STATUSES for new in STATUSES if old != new and (old, new) not in ALLOWED
)


def page(client: FlaskClient, submission_id: int) -> str:
    response = client.get(f"/review/submissions/{submission_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(
    client: FlaskClient,
    submission_id: int,
    action: str,
    data: dict[str, Any],
    html: str | None = None,
) -> Any:
    """POST one of the page's forms with the token and version read from the page."""
    html = html if html is not None else page(client, submission_id)
    return client.post(
        f"/review/submissions/{submission_id}/{action}", data={**form_fields(html), **data}
    )


def evaluate(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    status: str,
    **data: str,
) -> tuple[Submission, Any]:
    """A clinician's evaluation POSTed on a new submission in ``status``: (it, the response)."""
    login(client, role="clinician")
    submission = make_submission(status=status)
    return submission, post(client, submission.id, "evaluation", data)


def decision_and_status(fetch: Callable[[int], Submission], submission_id: int) -> tuple[Any, str]:
    stored = fetch(submission_id)
    return stored.evaluation_decision, stored.status


def events(app: Flask, submission_id: int) -> list[tuple[str, dict[str, Any]]]:
    with app.app_context():
        from app.extensions import db

        rows = db.session.scalars(
            select(TimelineEvent)
            .where(TimelineEvent.submission_id == submission_id)
            .order_by(TimelineEvent.id)
        )
        return [(e.kind, dict(e.detail)) for e in rows]


@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED))
def test_allowed_transitions(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
    old: str,
    new: str,
) -> None:
    user = login(client)
    submission = make_submission(status=old)
    reason = {"reason": "Outside our area."} if new in workflow.NEEDS_REASON else {}
    response = post(client, submission.id, "status", {"status": new, **reason})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/review/submissions/{submission.id}"
    stored = fetch(submission.id)
    assert stored.status == new
    assert stored.version == submission.version + 1
    assert stored.first_action_at is not None
    kind, detail = events(app, submission.id)[-1]
    assert kind == "status_changed"
    assert {k: detail[k] for k in ("old", "new")} == {"old": old, "new": new}
    assert ("note_id" in detail) == bool(reason)
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Status changed to" in followed
    assert user.email in followed  # the timeline says who


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_refused_transitions_change_nothing(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
    old: str,
    new: str,
) -> None:
    login(client)
    submission = make_submission(status=old)
    response = post(client, submission.id, "status", {"status": new})
    assert response.status_code in (400, 409)
    assert "There is a problem" in response.get_data(as_text=True)
    stored = fetch(submission.id)
    assert (stored.status, stored.version, stored.first_action_at) == (old, 1, None)


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_the_service_refuses_invalid_transitions_too(
    app: Flask,
    db: SQLAlchemy,
    make_submission: Callable[..., Submission],
    make_staff: Callable[..., StaffUser],
    old: str,
    new: str,
) -> None:
    """Even a request that bypasses the form's choices is refused by the workflow."""
    staff = make_staff("coordinator")
    submission = make_submission(status=old)
    with app.app_context():
        target = db.session.get(Submission, submission.id)
        actor = db.session.get(StaffUser, staff.id)
        with pytest.raises(workflow.WorkflowError):
            operations.change_status(target, new, 1, actor, reason="A reason.")


def test_declining_needs_a_reason_next_to_its_field(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    login(client)
    submission = make_submission(status="new")
    response = post(client, submission.id, "status", {"status": "declined", "reason": "  "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count("Give the reason for declining") == 2  # in the summary and by the field
    assert 'href="#reason"' in html
    assert fetch(submission.id).status == "new"


def test_a_decline_keeps_its_reason_as_a_note(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    login(client)
    submission = make_submission(status="new")
    response = post(
        client, submission.id, "status", {"status": "declined", "reason": "Lives abroad."}
    )
    assert response.status_code == 302
    assert fetch(submission.id).status == "declined"
    kind, detail = events(app, submission.id)[-1]
    assert kind == "status_changed"
    assert detail["note_id"] is not None
    assert "Lives abroad." in page(client, submission.id)


def test_the_evaluation_decision_moves_the_status_in_the_same_change(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    submission, response = evaluate(
        client,
        login,
        make_submission,
        "new",
        decision="proceed_to_evaluation",
        then_status="evaluation_scheduled",
    )
    assert response.status_code == 302
    assert decision_and_status(fetch, submission.id) == (
        "proceed_to_evaluation",
        "evaluation_scheduled",
    )
    assert fetch(submission.id).version == submission.version + 1  # one change, one version
    kinds = [kind for kind, _ in events(app, submission.id)]
    assert kinds[-2:] == ["evaluation", "status_changed"]
    assert "status changed to “Evaluation scheduled”" in page(client, submission.id)


def test_an_evaluation_that_declines_needs_its_note_as_the_reason(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    submission, refused = evaluate(
        client, login, make_submission, "in_review", decision="not_suitable", then_status="declined"
    )
    assert refused.status_code == 400
    assert "Give the reason for declining" in refused.get_data(as_text=True)
    assert decision_and_status(fetch, submission.id) == (None, "in_review")
    accepted = post(
        client,
        submission.id,
        "evaluation",
        {"decision": "not_suitable", "then_status": "declined", "note": "Psychosis history."},
    )
    assert accepted.status_code == 302
    assert fetch(submission.id).status == "declined"


def test_an_evaluation_cannot_make_an_impossible_move(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    submission, response = evaluate(
        client,
        login,
        make_submission,
        "in_review",
        decision="proceed_to_evaluation",
        then_status="closed",
    )
    assert response.status_code == 400
    assert decision_and_status(fetch, submission.id) == (None, "in_review")


def test_next_case_goes_through_the_open_cases_of_the_same_view(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
) -> None:
    login(client)
    first = make_submission(status="new", outcome="likely_candidate", priority=500)
    second = make_submission(status="in_review", outcome="likely_candidate", priority=400)
    make_submission(status="closed", outcome="likely_candidate", priority=450)
    other_view = make_submission(status="new", outcome="needs_clinician_review", priority=900)
    view = "outcome=likely_candidate"
    queue = client.get(f"/review/?{view}").get_data(as_text=True)
    assert f"/review/submissions/{first.id}?view=outcome%3Dlikely_candidate" in queue
    found = client.get(f"/review/next?after={first.id}&view=outcome%3Dlikely_candidate")
    assert (
        found.headers["Location"]
        == f"/review/submissions/{second.id}?view=outcome%3Dlikely_candidate"
    )
    # Opened from elsewhere (or the case left the view): the view's first open case.
    start = client.get("/review/next?after=0&view=outcome%3Dlikely_candidate")
    assert (
        start.headers["Location"]
        == f"/review/submissions/{first.id}?view=outcome%3Dlikely_candidate"
    )
    # An action keeps the view, so "Next case" still knows it.
    response = post(
        client, first.id, "status?view=outcome%3Dlikely_candidate", {"status": "in_review"}
    )
    assert response.headers["Location"].endswith("?view=outcome%3Dlikely_candidate")
    # After the view's last open case: back to the view, with a message.
    ended = client.get(f"/review/next?after={second.id}&view=outcome%3Dlikely_candidate")
    assert ended.headers["Location"] == "/review/?outcome=likely_candidate"
    assert "No more open cases in this view." in client.get(ended.headers["Location"]).get_data(
        as_text=True
    )
    # Without a view: the whole queue's open cases, in its order.
    everything = client.get("/review/next?after=0")
    assert everything.headers["Location"] == f"/review/submissions/{other_view.id}"
    assert client.get(f"/review/next?after={other_view.id}").headers["Location"] == (
        f"/review/submissions/{first.id}"
    )


def test_the_status_form_offers_only_allowed_next_statuses(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    login(client)
    submission = make_submission(status="in_review")
    html = page(client, submission.id)
    select_html = html[
        html.index('name="status"') : html.index("</select>", html.index('name="status"'))
    ]
    assert 'value="declined"' in select_html
    assert 'value="evaluation_scheduled"' in select_html
    assert 'value="closed"' not in select_html
    assert 'value="new"' not in select_html


def test_a_closed_submission_offers_no_status_change_to_coordinators(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    login(client)
    submission = make_submission(status="closed")
    assert "No further status change is possible" in page(client, submission.id)


def test_admins_may_reopen_a_closed_submission(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    login(client, role="admin")
    submission = make_submission(status="closed")
    assert post(client, submission.id, "status", {"status": "in_review"}).status_code == 302
    assert fetch(submission.id).status == "in_review"


def test_concurrent_edit_the_second_is_told_and_nothing_is_overwritten(
    app: Flask,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    first, second = app.test_client(), app.test_client()
    ana = login(first, role="coordinator")
    login(second, role="coordinator")
    submission = make_submission(status="in_review")
    first_page = page(first, submission.id)
    second_page = page(second, submission.id)

    done = post(
        first, submission.id, "status", {"status": "declined", "reason": "Moved away."}, first_page
    )
    assert done.status_code == 302
    late = post(second, submission.id, "status", {"status": "evaluation_scheduled"}, second_page)

    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert f"This submission was changed by {ana.email} at " in html
    assert "while you were looking at it; review the change and try again" in html
    stored = fetch(submission.id)
    assert stored.status == "declined"
    assert stored.version == 2
    assert [kind for kind, _ in events(app, submission.id)] == ["status_changed"]
    # The page shown again carries the current version: trying again now works.
    retry = post(second, submission.id, "status", {"status": "closed"}, html)
    assert retry.status_code == 302
    assert fetch(submission.id).status == "closed"


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("notes", {"body": "Called, no answer."}),
        ("assign", {"assignee": ""}),
        ("evaluation", {"decision": "not_suitable"}),
    ],
)
def test_every_change_is_refused_from_a_stale_page(
    app: Flask,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    make_staff: Callable[..., StaffUser],
    fetch: Callable[[int], Submission],
    action: str,
    data: dict[str, Any],
) -> None:
    first, second = app.test_client(), app.test_client()
    login(first, role="clinician")
    login(second, role="clinician")
    colleague = make_staff("coordinator")
    submission = make_submission(status="in_review", assigned_to_id=colleague.id)
    stale = page(second, submission.id)
    assert post(first, submission.id, "notes", {"body": "First!"}).status_code == 302

    response = post(second, submission.id, action, data, stale)

    assert response.status_code == 409
    assert "while you were looking at it" in response.get_data(as_text=True)
    stored = fetch(submission.id)
    assert stored.version == 2
    assert (stored.assigned_to_id, stored.evaluation_decision) == (colleague.id, None)
    if action == "notes":
        assert "Called, no answer." in response.get_data(as_text=True)  # what was typed is kept


def test_a_lost_race_at_commit_is_a_conflict_not_an_overwrite(
    app: Flask,
    db: SQLAlchemy,
    make_submission: Callable[..., Submission],
    make_staff: Callable[..., StaffUser],
    fetch: Callable[[int], Submission],
) -> None:
    """Both requests passed the version check; the database refuses the second UPDATE."""
    staff = make_staff("coordinator")
    submission = make_submission(status="in_review")
    with app.app_context():
        # This request read version 1 ...
        target = db.session.get(Submission, submission.id)
        assert target is not None
        db.session.expunge(target)
        db.session.rollback()
        # ... then someone else's change lands before this request writes.
        with db.engine.begin() as other:
            other.execute(
                update(Submission)
                .where(Submission.id == submission.id)
                .values(status="declined", version=2)
            )
        db.session.add(target)
        actor = db.session.get(StaffUser, staff.id)
        assert actor is not None
        with pytest.raises(workflow.ConflictError):
            operations.change_status(target, "needs_more_info", 1, actor)
        db.session.remove()
    stored = fetch(submission.id)
    assert (stored.status, stored.version) == ("declined", 2)


def test_notes(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    user = login(client)
    submission = make_submission()
    body = "Left a voicemail.\nWill try again <tomorrow>."
    response = post(client, submission.id, "notes", {"body": body})
    assert response.status_code == 302
    with app.app_context():
        from app.extensions import db

        notes = list(db.session.scalars(select(Note).where(Note.submission_id == submission.id)))
        assert [(n.body, n.author_id) for n in notes] == [(body, user.id)]
        note_id = notes[0].id
    assert events(app, submission.id) == [("note", {"note_id": note_id})]
    stored = fetch(submission.id)
    assert stored.version == 2
    assert stored.first_action_at is not None
    html = page(client, submission.id)
    assert "Will try again &lt;tomorrow&gt;." in html


def test_an_empty_note_is_refused_next_to_its_field(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    login(client)
    submission = make_submission()
    response = post(client, submission.id, "notes", {"body": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'href="#body"' in html
    assert 'id="body-error"' in html
    assert fetch(submission.id).version == 1


def test_assignment_to_me_to_a_colleague_and_back_to_nobody(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    make_staff: Callable[..., StaffUser],
    fetch: Callable[[int], Submission],
) -> None:
    me = login(client)
    colleague = make_staff("clinician")
    submission = make_submission()
    assert post(client, submission.id, "assign", {"assignee": str(me.id)}).status_code == 302
    assert fetch(submission.id).assigned_to_id == me.id
    assert post(client, submission.id, "assign", {"assignee": str(colleague.id)}).status_code == 302
    assert fetch(submission.id).assigned_to_id == colleague.id
    assert colleague.email in page(client, submission.id)
    assert post(client, submission.id, "assign", {"assignee": ""}).status_code == 302
    assert fetch(submission.id).assigned_to_id is None
    assert events(app, submission.id) == [
        ("assigned", {"old": None, "new": me.id}),
        ("assigned", {"old": me.id, "new": colleague.id}),
        ("assigned", {"old": colleague.id, "new": None}),
    ]


def test_assignment_to_a_disabled_or_unknown_account_is_refused(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    make_staff: Callable[..., StaffUser],
    fetch: Callable[[int], Submission],
) -> None:
    login(client)
    gone = make_staff("coordinator", enabled=False)
    submission = make_submission()
    for assignee in (str(gone.id), "999999", "abc"):
        assert post(client, submission.id, "assign", {"assignee": assignee}).status_code == 400
    assert fetch(submission.id).assigned_to_id is None


def test_a_clinician_records_the_evaluation_decision(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    login(client, role="clinician")
    submission = make_submission(status="in_review")
    response = post(
        client, submission.id, "evaluation", {"decision": "proceed_to_evaluation", "note": "Fit."}
    )
    assert response.status_code == 302
    assert fetch(submission.id).evaluation_decision == "proceed_to_evaluation"
    kind, detail = events(app, submission.id)[-1]
    assert kind == "evaluation"
    assert detail["new"] == "proceed_to_evaluation"
    assert detail["note_id"] is not None
    html = page(client, submission.id)
    assert "Evaluation decision: Proceed to evaluation" in html
    assert "Fit." in html


def test_a_coordinator_cannot_record_the_evaluation_decision(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    login(client, role="coordinator")
    submission = make_submission(status="in_review")
    html = page(client, submission.id)
    assert "Only a clinician records the evaluation decision." in html
    assert 'name="decision"' not in html
    response = post(client, submission.id, "evaluation", {"decision": "not_suitable"}, html)
    assert response.status_code == 403
    assert fetch(submission.id).evaluation_decision is None


def test_an_unknown_evaluation_decision_is_refused(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    login(client, role="admin")
    submission = make_submission()
    response = post(client, submission.id, "evaluation", {"decision": "prescribe"})
    assert response.status_code == 400
    assert fetch(submission.id).evaluation_decision is None


def test_posts_without_the_csrf_token_are_refused(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    login(client)
    submission = make_submission()
    response = client.post(
        f"/review/submissions/{submission.id}/status", data={"status": "in_review", "version": "1"}
    )
    assert response.status_code == 400
    assert fetch(submission.id).status == "new"


def test_first_action_time_is_kept_from_the_first_change(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    fetch: Callable[[int], Submission],
) -> None:
    login(client)
    submission = make_submission()
    page(client, submission.id)
    assert fetch(submission.id).first_action_at is None  # looking is not acting
    post(client, submission.id, "notes", {"body": "one"})
    first = fetch(submission.id).first_action_at
    assert first is not None
    post(client, submission.id, "status", {"status": "in_review"})
    assert fetch(submission.id).first_action_at == first
    assert first - submission.submitted_at > dt.timedelta(0)
