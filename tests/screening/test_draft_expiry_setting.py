"""The draft expiry is a stored setting: the draft and its cookie follow a new version at once."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import questionnaire
from app.extensions import db as _db
from app.models import Draft, utcnow
from tests.screening.test_questionnaire_flow import e1
from tests.screening.walk import post_step, step_form


def _cookie_days(response: Any) -> float:
    cookie = response.headers.get("Set-Cookie", "")
    assert "prescreen_session=" in cookie
    expires = cookie.split("Expires=", 1)[1].split(";", 1)[0]
    return (parsedate_to_datetime(expires) - dt.datetime.now(dt.UTC)).total_seconds() / 86400


def test_the_draft_and_its_cookie_last_the_stored_draft_expiry(
    app: Flask, client: FlaskClient, set_clinic: Any
) -> None:
    set_clinic(draft_expiry_days=30)
    first = questionnaire.STEPS[0]
    started = post_step(client, first, step_form(first, e1()))
    assert 29.9 < _cookie_days(started) <= 30
    with app.app_context():
        draft = _db.session.scalars(select(Draft)).one()
        assert 29.9 < (draft.expires_at - utcnow()).total_seconds() / 86400 <= 30

    set_clinic(draft_expiry_days=2)  # changed while the patient is half-way
    following = questionnaire.next_step(first.name, e1())
    assert following is not None
    saved = post_step(client, following, step_form(following, e1()))
    assert saved.status_code == 302  # the 30-day cookie is still read
    assert 1.9 < _cookie_days(saved) <= 2
