"""The safety alerts in the Prometheus metrics (/metrics, app/ops/metrics.py)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from app.alerts import outbox
from app.alerts.models import AlertDelivery
from app.extensions import db as database
from tests.ops.test_metrics import families, scrape


def test_alert_deliveries_waiting_and_failed_are_metrics(
    app: Flask, client: FlaskClient, set_clinic: Any
) -> None:
    """/metrics counts the deliveries waiting to be sent and those that failed for good."""
    set_clinic(oncall_emails=("oncall@clinic.example",))
    with app.app_context():
        connection = database.session.connection()
        outbox.write_alert(connection, kind="safety", severity="acute", reference="PS-TEST-0001")
        outbox.write_alert(connection, kind="safety", severity="signal", reference="PS-TEST-0002")
        database.session.commit()
        count = database.session.query(AlertDelivery).count()
        first = database.session.query(AlertDelivery.id).order_by(AlertDelivery.id).first()
        assert first is not None
        database.session.execute(
            update(AlertDelivery).where(AlertDelivery.id == first.id).values(status="failed")
        )
        database.session.commit()
    found = families(scrape(client)[1])
    assert found["prescreen_safety_alerts_failed"] == [({}, 1.0)]
    assert found["prescreen_safety_alerts_pending"] == [({}, float(count - 1))]
