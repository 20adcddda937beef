"""Fixtures: on-call settings pointing at real local receivers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask_sqlalchemy import SQLAlchemy

from tests.alerts.receivers import Mailbox, Webhook, smtp_server, webhook_receiver

SECRET = "webhook-test-secret"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, str]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def webhook() -> Iterator[tuple[Webhook, str]]:
    with webhook_receiver(SECRET) as receiver:
        yield receiver


@pytest.fixture
def on_call(
    set_clinic: Any, mailbox: tuple[Mailbox, str], webhook: tuple[Webhook, str], db: SQLAlchemy
) -> tuple[Mailbox, Webhook]:
    box, smtp_url = mailbox
    hook, hook_url = webhook
    set_clinic(
        {"SMTP_URL": smtp_url, "ALERT_RETRY_SECONDS": 0.01, "ALERT_MAX_ATTEMPTS": 3},
        oncall_emails=("oncall@clinic.example",),
        secondary_emails=("backup@clinic.example",),
        oncall_webhook_url=hook_url,
        oncall_webhook_secret=SECRET,
        escalation_minutes=15,
        escalation_repeats=1,
        oncall_hours="9 am and 9 pm",
        callbacks_enabled=True,
    )
    return box, hook
