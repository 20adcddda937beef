"""The queue for urgent work: open work only by default, acute signals first and newest
first, the time since the signal and whether it was acknowledged, overdue in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event

from app.alerts import outbox
from app.models import Submission, utcnow
from tests.review.test_queue import listed, queue, row_of
from tests.rules.builders import baseline, phq9_total

ACUTE_WORST = {**phq9_total(27, item9=3), "asq_wish_dead": "yes", "asq_thoughts_now": "yes"}
ACUTE_MILD = {**phq9_total(12, item9=0), "asq_wish_dead": "yes", "asq_thoughts_now": "yes"}
SIGNAL = {**phq9_total(17, item9=1), "asq_thoughts_now": "no"}


def add_alert(app: Flask, submission: Submission, minutes_ago: int) -> None:
    with app.app_context():
        from app.extensions import db

        connection = db.session.connection()
        alert_id = outbox.write_alert(
            connection,
            kind="safety",
            severity=outbox.severity_of(submission.decision) or "signal",
            reference=submission.reference,
            submission_id=submission.id,
        )
        db.session.execute(
            db.text("UPDATE alert SET created_at = :at WHERE id = :id"),
            {"at": utcnow() - dt.timedelta(minutes=minutes_ago), "id": alert_id},
        )
        db.session.commit()


def test_todays_acute_case_comes_first_and_closed_cases_are_hidden(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    db: SQLAlchemy,
) -> None:
    now = utcnow()
    older_acute = make_submission(
        baseline(**ACUTE_WORST), submitted_at=now - dt.timedelta(days=2), status="in_review"
    )
    today_acute = make_submission(baseline(**ACUTE_MILD), submitted_at=now - dt.timedelta(hours=1))
    signal = make_submission(baseline(**SIGNAL), submitted_at=now - dt.timedelta(days=1))
    likely = make_submission(baseline(), submitted_at=now - dt.timedelta(days=3))
    closed = make_submission(
        baseline(**ACUTE_WORST), submitted_at=now - dt.timedelta(minutes=5), status="closed"
    )
    declined = make_submission(baseline(**SIGNAL), status="declined")
    referred = make_submission(baseline(), status="referred_elsewhere")
    assert older_acute.priority > today_acute.priority  # the old order put it first
    login(client)
    order = listed(queue(client))
    assert order == [today_acute.id, older_acute.id, signal.id, likely.id]
    everything = listed(queue(client, "?status=all"))
    assert {closed.id, declined.id, referred.id} <= set(everything)
    assert everything[0] == closed.id  # "All" still puts the newest acute signal first
    page = queue(client)
    assert "Open work: 4" in page
    assert "All: 7" in page


def test_acute_first_across_pages(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    db: SQLAlchemy,
) -> None:
    app.config["QUEUE_PAGE_SIZE"], size = 2, app.config["QUEUE_PAGE_SIZE"]
    try:
        now = utcnow()
        acute = [
            make_submission(baseline(**ACUTE_MILD), submitted_at=now - dt.timedelta(hours=h))
            for h in (1, 2, 3)
        ]
        others = [
            make_submission(baseline(), submitted_at=now - dt.timedelta(days=d)) for d in (1, 2)
        ]
        login(client)
        pages = [listed(queue(client, f"?page={n}")) for n in (1, 2, 3)]
    finally:
        app.config["QUEUE_PAGE_SIZE"] = size
    assert pages == [
        [acute[0].id, acute[1].id],
        [acute[2].id, others[1].id],
        [others[0].id],
    ]


def test_rows_show_the_time_since_the_signal_and_overdue_in_words(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    db: SQLAlchemy,
) -> None:
    late = make_submission(baseline(**ACUTE_MILD))
    fresh = make_submission(baseline(**SIGNAL))
    add_alert(app, late, minutes_ago=40)
    add_alert(app, fresh, minutes_ago=5)
    login(client)
    page = queue(client)
    assert "signal 40 min ago" in row_of(page, late.reference)
    assert "overdue, not acknowledged" in row_of(page, late.reference)
    fresh_row = row_of(page, fresh.reference)
    assert "signal 5 min ago" in fresh_row
    assert "overdue" not in fresh_row
    assert "not acknowledged" in fresh_row


def test_the_submission_page_shows_contact_details_at_the_top(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
) -> None:
    submission = make_submission(baseline(**ACUTE_MILD, phone="555 123 4567"))
    login(client)
    html = client.get(f"/review/submissions/{submission.id}").get_data(as_text=True)
    assert '<a href="tel:5551234567">555 123 4567</a>' in html
    assert html.index("Contact details") < html.index("decision-title")


def test_the_urgent_drafts_panel_is_on_the_default_view_only(
    app: Flask, client: FlaskClient, login: Callable[..., Any], db: SQLAlchemy
) -> None:
    from tests.screening.test_questionnaire_flow import e1
    from tests.screening.walk import fill_in

    patient = app.test_client()
    fill_in(patient, e1(asq_wish_dead="yes", asq_thoughts_now="yes"))
    login(client)
    page = queue(client)
    assert "Urgent unfinished questionnaires" in page
    assert "/review/alerts/drafts/" in page
    assert "Urgent unfinished questionnaires" not in queue(client, "?q=Alex")


def test_the_urgent_drafts_panel_reads_their_alerts_in_one_query(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    db: SQLAlchemy,
    make_draft: Callable[..., int],
) -> None:
    drafts = [make_draft() for _ in range(3)]
    with app.app_context():
        for draft_id in drafts:
            outbox.write_alert(
                db.session.connection(),
                kind="safety",
                severity="acute",
                reference=outbox.draft_reference(draft_id),
                draft_id=draft_id,
            )
        db.session.execute(
            db.text("UPDATE alert SET acknowledged_at = :now WHERE draft_id = :id"),
            {"now": utcnow(), "id": drafts[0]},
        )
        db.session.commit()
        engine = db.engine
    login(client)
    alert_reads: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM alert" in statement:
            alert_reads.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        page = queue(client)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(alert_reads) == 1
    panel = page[page.index("drafts-title") : page.index("</section>")]
    rows = panel.split('<tr class="is-urgent">')[1:]  # oldest first: drafts[0] first
    assert len(rows) == 3
    assert "acknowledged" in rows[0]
    assert "Acknowledge</button>" not in rows[0]
    assert all("not acknowledged" in row and "Acknowledge</button>" in row for row in rows[1:])


def test_every_acute_case_is_listed_however_many_there_are(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    db: SQLAlchemy,
) -> None:
    """Acute cases are counted, and each page reads its part of them: none is left out past
    a fixed number read up front (1,089 open acute cases at 1,000,000 submissions)."""
    app.config["QUEUE_PAGE_SIZE"], size = 2, app.config["QUEUE_PAGE_SIZE"]
    try:
        now = utcnow()
        acute = [
            make_submission(baseline(**ACUTE_MILD), submitted_at=now - dt.timedelta(hours=h))
            for h in (1, 2, 3, 4, 5)
        ]
        others = [
            make_submission(baseline(), submitted_at=now - dt.timedelta(days=d)) for d in (1, 2)
        ]
        login(client)
        default = [i for n in (1, 2, 3, 4) for i in listed(queue(client, f"?page={n}"))]
        urgent = [i for n in (1, 2, 3) for i in listed(queue(client, f"?urgent=y&page={n}"))]
    finally:
        app.config["QUEUE_PAGE_SIZE"] = size
    assert default == [s.id for s in acute] + [others[1].id, others[0].id]
    assert urgent == [s.id for s in acute]
