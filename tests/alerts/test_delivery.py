"""Safety alerts: written with the flag (outbox), delivered by email and signed webhook to
real local receivers, retried, escalated and acknowledged."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.alerts import delivery, outbox, tasks
from app.alerts.models import Alert, AlertAttempt, AlertDelivery
from app.extensions import db as _db
from app.models import utcnow
from tests.alerts.receivers import Mailbox, Webhook
from tests.conftest import csrf_token
from tests.screening.test_questionnaire_flow import e1
from tests.screening.walk import fill_in, submit

ACUTE = {"asq_wish_dead": "yes", "asq_thoughts_now": "yes"}
NAME_AND_ANSWERS = ("first_name", "last_name", "email", "phone", "asq_attempt_details")


def alerts(app: Flask) -> list[Alert]:
    with app.app_context():
        return list(_db.session.scalars(select(Alert).order_by(Alert.id)))


def deliveries(app: Flask) -> list[AlertDelivery]:
    with app.app_context():
        return list(_db.session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)))


def personal_values(answers: dict[str, Any]) -> list[str]:
    return [str(answers[key]) for key in NAME_AND_ANSWERS if answers.get(key)]


def test_an_acute_answer_reaches_email_and_webhook_without_name_or_answers(
    app: Flask, client: FlaskClient, on_call: tuple[Mailbox, Webhook]
) -> None:
    mailbox, hook = on_call
    answers = e1(**ACUTE)
    fill_in(client, answers)
    # The ASQ step raised a signal, "right now" = yes raised it to acute: two alerts, each
    # to the on-call email and the webhook, at once.
    assert [(a.severity, a.kind) for a in alerts(app)] == [
        ("signal", "safety"),
        ("acute", "safety"),
    ]
    messages = mailbox.wait(2)
    received = hook.wait(2)
    assert len(messages) == 2
    assert len(received) == 2
    acute_mail = messages[1]
    assert acute_mail["To"] == "oncall@clinic.example"
    assert "acute" in acute_mail["Subject"]
    text = acute_mail.as_string()
    assert "DRAFT-" in text
    assert "/review/alerts/drafts/" in text
    assert "/review/alerts/ack/" in text
    for value in personal_values(answers):
        assert value not in text
    assert all(item["verified"] for item in received)
    body = received[1]["json"]
    assert body["severity"] == "acute"
    assert body["event"] == "prescreen.safety_alert"
    assert set(body) == {
        "event", "kind", "severity", "reference", "signal_at", "level", "escalated", "url",
        "acknowledge_url",
    }  # fmt: skip
    for value in personal_values(answers):
        assert value not in str(received)
    assert received[0]["key"] != received[1]["key"]
    assert all(d.status == "sent" and d.attempts == 1 for d in deliveries(app))

    # The submission takes over the draft's alerts: no new page for the same signal.
    submit(client)
    assert len(alerts(app)) == 2
    assert all(a.reference.startswith("PS-") and a.submission_id for a in alerts(app))


def test_a_signature_made_with_another_secret_does_not_verify(
    app: Flask, client: FlaskClient, on_call: tuple[Mailbox, Webhook]
) -> None:
    _mailbox, hook = on_call
    hook.secret = "not-the-clinic-secret"
    fill_in(client, e1(**ACUTE))
    received = hook.wait(2)
    assert received
    assert not any(item["verified"] for item in received)


def test_no_contact_configured_writes_the_alert_and_promises_nothing(
    app: Flask, client: FlaskClient, db: Any
) -> None:
    responses = fill_in(client, e1(**ACUTE))
    assert [a.severity for a in alerts(app)] == ["signal", "acute"]
    assert deliveries(app) == []
    help_url = next(r.location for r in responses if r.location.endswith("/help"))
    page = client.get(help_url).get_data(as_text=True)
    assert "has been alerted" not in page
    assert "Nobody is watching this form right now" in page


def test_the_alert_is_in_the_outbox_even_when_the_wake_up_fails(
    app: Flask, client: FlaskClient, on_call: tuple[Mailbox, Webhook], monkeypatch: Any
) -> None:
    mailbox, _hook = on_call

    def broken(*_args: Any) -> None:
        raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "deliver_alert", broken)
    responses = fill_in(client, e1(**ACUTE))  # the patient never sees an error
    assert all(r.status_code == 302 for r in responses)
    assert {d.status for d in deliveries(app)} == {"pending"}
    assert mailbox.messages == []
    with app.app_context():
        tasks.sweep.call_local()  # what the worker does once a minute
    assert len(mailbox.wait(2)) == 2
    assert {d.status for d in deliveries(app)} == {"sent"}


def test_smtp_down_retries_then_fails_and_admins_see_it(
    app: Flask,
    client: FlaskClient,
    on_call: tuple[Mailbox, Webhook],
    set_clinic: Any,
    login: Any,
) -> None:
    set_clinic({"SMTP_URL": "smtp://127.0.0.1:1"})  # nothing listens there
    responses = fill_in(client, e1(**ACUTE))
    assert all(r.status_code == 302 for r in responses)
    emails = [d for d in deliveries(app) if d.channel == "email"]
    assert all(d.status == "pending" and d.attempts == 1 for d in emails)
    assert all("ConnectionRefusedError" in (d.last_error or "") for d in emails)
    with app.app_context():
        for _ in range(3):  # retries after the back-off, up to ALERT_MAX_ATTEMPTS (3)
            later = utcnow() + dt.timedelta(minutes=5)
            for delivery_id in delivery.due_deliveries(later):
                delivery.deliver(delivery_id, later)
        attempts = _db.session.scalar(
            select(_db.func.count()).select_from(AlertAttempt).where(AlertAttempt.ok.is_(False))
        )
    emails = [d for d in deliveries(app) if d.channel == "email"]
    assert all(d.status == "failed" and d.attempts == 3 for d in emails)
    assert attempts == 6  # every try recorded: two alerts, three tries each
    staff = app.test_client()
    login(staff, "admin")
    queue = staff.get("/review/").get_data(as_text=True)
    assert "Some safety alerts could not be delivered" in queue
    failed = staff.get("/review/alerts/failed").get_data(as_text=True)
    assert failed.count("ConnectionRefusedError") == 2


def test_a_webhook_answering_500_is_retried(
    app: Flask, client: FlaskClient, on_call: tuple[Mailbox, Webhook]
) -> None:
    _mailbox, hook = on_call
    hook.answers = [500, 500]
    fill_in(client, e1(**ACUTE))
    hooks = [d for d in deliveries(app) if d.channel == "webhook"]
    assert [d.status for d in hooks] == ["pending", "pending"]
    with app.app_context():
        later = utcnow() + dt.timedelta(minutes=5)
        for delivery_id in delivery.due_deliveries(later):
            delivery.deliver(delivery_id, later)
    hooks = [d for d in deliveries(app) if d.channel == "webhook"]
    assert [(d.status, d.attempts) for d in hooks] == [("sent", 2), ("sent", 2)]
    keys = [item["key"] for item in hook.received]
    assert len(keys) == 4
    assert len(set(keys)) == 2


def test_two_workers_never_claim_one_delivery(
    app: Flask, client: FlaskClient, on_call: tuple[Mailbox, Webhook], monkeypatch: Any
) -> None:
    monkeypatch.setattr(tasks, "deliver_alert", lambda *_: None)  # leave them pending
    fill_in(client, e1(**ACUTE))
    first = deliveries(app)[0]
    with app.app_context():
        now = utcnow()
        assert delivery._claim(first.id, now) is not None
        assert delivery._claim(first.id, now) is None  # the other worker gets nothing
        # ... until the claim is older than ALERT_CLAIM_SECONDS (its worker died).
        assert delivery._claim(first.id, now + dt.timedelta(minutes=3)) is not None


def acknowledge(staff: FlaskClient, alert_id: int, back: str) -> Any:
    page = staff.get(back).get_data(as_text=True)
    return staff.post(
        f"/review/alerts/{alert_id}/acknowledge",
        data={"csrf_token": csrf_token(page), "next": back},
    )


def test_escalation_goes_to_the_secondary_contacts_and_an_acknowledgement_stops_it(
    app: Flask,
    client: FlaskClient,
    on_call: tuple[Mailbox, Webhook],
    set_clinic: Any,
    login: Any,
) -> None:
    mailbox, _hook = on_call
    set_clinic(escalation_minutes=0.02)  # 1.2 seconds
    fill_in(client, e1(**ACUTE))
    mailbox.wait(2)
    acute = alerts(app)[1]
    assert acute.next_escalation_at is not None
    with app.app_context():
        assert delivery.escalate(acute.id) is False  # not due yet
        due = utcnow() + dt.timedelta(seconds=2)
        for alert_id in delivery.escalations_due(due):
            delivery.escalate(alert_id, due)
        tasks.sweep.call_local()
    escalated = [m for m in mailbox.wait(4) if m["To"] == "backup@clinic.example"]
    assert len(escalated) == 2
    assert "escalated" in escalated[-1]["Subject"]

    staff = app.test_client()
    user = login(staff, "coordinator")
    back = f"/review/alerts/drafts/{acute.draft_id}"
    time.sleep(max(0.0, 1.3 - (utcnow() - acute.created_at).total_seconds()))
    assert "Overdue: not acknowledged" in staff.get(back).get_data(as_text=True)
    response = acknowledge(staff, acute.id, back)
    assert response.status_code == 302
    assert response.location == back
    [acute] = [a for a in alerts(app) if a.id == acute.id]
    assert acute.acknowledged_by_id == user.id
    assert acute.next_escalation_at is None
    with app.app_context():
        much_later = utcnow() + dt.timedelta(hours=1)
        assert acute.id not in delivery.escalations_due(much_later)
        assert delivery.escalate(acute.id, much_later) is False
        audited = _db.session.scalar(
            select(_db.text("count(*)"))
            .select_from(_db.text("audit_event"))
            .where(_db.text("action = 'alert_acknowledged'"))
        )
    assert audited == 1
    page = staff.get(back).get_data(as_text=True)
    assert f"Acknowledged by {user.email}" in page


def test_the_signed_link_needs_sign_in_and_acknowledges_once(
    app: Flask, client: FlaskClient, on_call: tuple[Mailbox, Webhook], login: Any
) -> None:
    _mailbox, hook = on_call
    fill_in(client, e1(**ACUTE))
    link = hook.wait(2)[1]["json"]["acknowledge_url"]
    path = link.split("127.0.0.1:5000", 1)[1]
    staff = app.test_client()
    assert staff.get(path).status_code == 302  # to the sign-in page
    login(staff, "clinician")
    page = staff.get(path).get_data(as_text=True)
    assert "Acknowledge" in page
    assert staff.get(path[:-3] + "xyz").status_code == 404  # a forged token
    alert_id = alerts(app)[1].id
    acknowledge(staff, alert_id, path)
    again = acknowledge(staff, alert_id, path)
    assert again.status_code == 302
    assert "Acknowledge</button>" not in staff.get(path).get_data(as_text=True)


def test_a_call_back_request_asks_for_a_number_and_alerts_without_it(
    app: Flask, client: FlaskClient, on_call: tuple[Mailbox, Webhook]
) -> None:
    mailbox, _hook = on_call
    answers = e1(**ACUTE)
    assert not answers.get("phone")  # none given yet: the page asks for one
    fill_in(client, answers)
    page = client.get("/screening/help").get_data(as_text=True)
    assert "Please call me back" in page
    assert 'name="phone"' in page
    assert 'inputmode="tel"' in page
    refused = client.post("/screening/help", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 400
    assert "Enter the number we should call." in refused.get_data(as_text=True)
    response = client.post(
        "/screening/help", data={"csrf_token": csrf_token(page), "phone": "(555) 123-4567"}
    )
    assert response.status_code == 302
    callback = alerts(app)[-1]
    assert (callback.kind, callback.callback_phone) == ("callback", "5551234567")
    messages = mailbox.wait(3)
    assert "Call-back request" in messages[-1]["Subject"]
    assert "5551234567" not in messages[-1].as_string()
    assert "asked our on-call clinician to call you back" in client.get("/screening/help").get_data(
        as_text=True
    )


def test_severity_from_the_decision() -> None:
    assert outbox.severity_of({"rules": [{"id": "SAFE-SI-ITEM9"}]}) == "signal"
    assert outbox.severity_of({"rules": [{"id": "SAFE-ASQ-ACUTE"}]}) == "acute"
    assert outbox.severity_of({"rules": [{"id": "INC-X"}]}) is None
    assert outbox.rank("acute") > outbox.rank("signal") > outbox.rank(None)


def test_the_dashboard_shows_time_to_acknowledgement_and_contact(
    app: Flask, client: FlaskClient, db: Any, login: Any
) -> None:
    from app.alerts import figures

    now = utcnow()
    monday = now.date() - dt.timedelta(days=now.weekday())
    with app.app_context():
        for minutes_to_ack in (2, 4, 6, 8, 10, 12, 14, 16, 18, 100):
            created = dt.datetime.combine(monday, dt.time(1))
            _db.session.add(
                Alert(
                    key=f"k{minutes_to_ack}",
                    kind="safety",
                    severity="acute",
                    reference="PS-X",
                    created_at=created,
                    acknowledged_at=created + dt.timedelta(minutes=minutes_to_ack),
                    contacted_at=created + dt.timedelta(minutes=2 * minutes_to_ack),
                )
            )
        _db.session.add(Alert(key="open", kind="safety", severity="signal", reference="PS-Y",
                              created_at=dt.datetime.combine(monday, dt.time(2))))  # fmt: skip
        _db.session.commit()
        [week] = figures.safety_weeks(monday, 1)
    assert (week.signals, week.unacknowledged) == (11, 1)
    assert week.ack_median == 11 * 60  # the middle of 2, 4, ... 18, 100 minutes
    assert week.ack_p90 == 18 * 60  # nearest rank: the 9th of 10
    assert (week.contact_median, week.contact_p90) == (22 * 60, 36 * 60)
    login(client)
    page = client.get("/review/dashboard").get_data(as_text=True)
    assert "To acknowledgement, median" in page
    assert "11 minutes" in page
    assert "36 minutes" in page


def test_admins_are_warned_on_every_staff_page_when_nobody_is_on_call(
    app: Flask, client: FlaskClient, db: Any, login: Any
) -> None:
    admin = app.test_client()
    login(admin, "admin")
    for path in ("/review/", "/review/dashboard", "/auth/account"):
        assert "No on-call contact is set" in admin.get(path).get_data(as_text=True), path
    coordinator = app.test_client()
    login(coordinator, "coordinator")
    assert "No on-call contact is set" not in coordinator.get("/review/").get_data(as_text=True)


def test_the_urgent_panel_acknowledges_every_alert_of_the_draft(
    app: Flask, client: FlaskClient, on_call: tuple[Mailbox, Webhook], login: Any
) -> None:
    fill_in(client, e1(**ACUTE))
    staff = app.test_client()
    login(staff, "coordinator")
    queue = staff.get("/review/").get_data(as_text=True)
    panel = queue[queue.index("drafts-title") : queue.index("</section>")]
    assert "not acknowledged" in panel
    form_action = panel.split('<form method="post" action="', 1)[1].split('"', 1)[0]
    response = staff.post(form_action, data={"csrf_token": csrf_token(queue), "next": "/review/"})
    assert response.location == "/review/"
    assert all(a.acknowledged_at is not None for a in alerts(app))  # the signal and the acute
    queue = staff.get("/review/").get_data(as_text=True)
    panel = queue[queue.index("drafts-title") : queue.index("</section>")]
    assert "Acknowledge</button>" not in panel


def test_the_escalation_task_pages_the_next_level_and_schedules_the_one_after(
    app: Flask, client: FlaskClient, on_call: tuple[Mailbox, Webhook]
) -> None:
    mailbox, _hook = on_call
    fill_in(client, e1(**ACUTE))
    mailbox.wait(2)
    acute = alerts(app)[1]
    with app.app_context():
        _db.session.execute(
            _db.text("UPDATE alert SET next_escalation_at = :at WHERE id = :id"),
            {"at": utcnow() - dt.timedelta(seconds=1), "id": acute.id},
        )
        _db.session.commit()
        tasks.escalate_alert.call_local(acute.id)
    [acute] = [a for a in alerts(app) if a.id == acute.id]
    assert acute.level == 1
    assert acute.next_escalation_at is not None  # one repeat (escalation_repeats = 1) to come
    assert [m["To"] for m in mailbox.wait(3)][-1] == "backup@clinic.example"
    with app.app_context():
        tasks.escalate_alert.call_local(acute.id)  # not due yet: nothing happens
    assert len(mailbox.wait(4, seconds=1)) == 3
