"""Queue rows that triage: age, language, contact, days waiting and the top reason, read from
the encrypted summary; the waiting sort and the saved views (issue 17, part 1)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as htmllib
import re
from collections.abc import Callable
from typing import Any

import flask_migrate
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import update

from app import clinic
from app.admin.services import store
from app.models import Submission, utcnow
from app.rules.decision import top_reason
from tests.review import test_queue
from tests.review.test_queue import NO_RIDE, PREGNANT, listed, queue, row_of
from tests.rules.builders import baseline

NEW_FIELDS = ("age_years", "preferred_language", "preferred_contact", "top_reason")
mixed = test_queue.mixed  # the queue tests' submissions, one per outcome


def facts(row: str) -> str:
    """The age, language and contact line under the name, spaces made single."""
    found = re.search(r'<span class="row-facts">(.*?)</span>', row, re.S)
    assert found
    return " ".join(found.group(1).split())


def deciding_reason(submission: Submission, categories: set[str]) -> str:
    return next(r["reason"] for r in submission.decision["rules"] if r["category"] in categories)


def test_top_reason_is_the_first_rule_of_the_deciding_category() -> None:
    fired = [
        {"id": "INC-A", "category": "inclusion_evidence", "reason": "Depression"},
        {"id": "EXC-A", "category": "exclusion", "reason": "Pregnant now"},
        {"id": "EXC-B", "category": "exclusion", "reason": "Second exclusion"},
        {"id": "REV-A", "category": "review", "reason": "No ride home"},
    ]
    assert top_reason("not_a_candidate_now", fired) == "Pregnant now"
    assert top_reason("needs_clinician_review", fired) == "No ride home"
    assert top_reason("likely_candidate", fired) == "Depression"
    assert top_reason("urgent_safety_review", fired) is None


def test_rows_show_age_language_contact_waiting_and_top_reason(
    client: FlaskClient, login: Callable[..., Any], make_submission: Callable[..., Submission]
) -> None:
    now = utcnow()
    spanish = make_submission(
        baseline(**PREGNANT, preferred_language="es", preferred_contact="phone"),
        submitted_at=now - dt.timedelta(days=3),
    )
    english = make_submission(
        baseline(**NO_RIDE, preferred_language="en", preferred_contact="email"),
        submitted_at=now - dt.timedelta(minutes=5),
    )
    assert spanish.summary["top_reason"] == deciding_reason(spanish, {"exclusion"})
    login(client)
    page = htmllib.unescape(queue(client))

    row = row_of(page, spanish.reference)
    born = dt.date(1984, 3, 2)
    on = spanish.submitted_at.date()
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    assert f"Age {age}" in facts(row)
    assert "Speaks Spanish" in facts(row)
    assert "Contact by Phone" in facts(row)
    assert "3 days" in row
    assert f'<td class="top-reason">{deciding_reason(spanish, {"exclusion"})}</td>' in row

    other = row_of(page, english.reference)
    assert "Speaks English" in facts(other)
    assert "Contact by Email" in facts(other)
    assert "today" in other
    review_reason = deciding_reason(english, {"caution", "review", "missing_info"})
    assert f'<td class="top-reason">{review_reason}</td>' in other


def test_the_waiting_sort_lists_the_oldest_submitted_first(
    client: FlaskClient, login: Callable[..., Any], mixed: dict[str, Submission]
) -> None:
    login(client)
    by_age = sorted(mixed.values(), key=lambda s: (s.submitted_at, s.id))
    assert listed(queue(client, "?sort=waiting")) == [s.id for s in by_age]
    assert listed(queue(client))[0] == mixed["urgent"].id  # the default order is unchanged
    assert re.search(r'<option (selected )?value="waiting"( selected)?', queue(client))
    chosen = re.search(
        r'<option (selected )?value="waiting"( selected)?', queue(client, "?sort=waiting")
    )
    assert chosen
    assert "selected" in chosen.group(0)


def test_saved_views_are_links_with_filter_values(
    app: Flask,
    db: SQLAlchemy,
    client: FlaskClient,
    login: Callable[..., Any],
    mixed: dict[str, Submission],
) -> None:
    user = login(client)
    page = htmllib.unescape(queue(client))
    today = utcnow().date()
    waiting_link = f"/review/?submitted_to={(today - dt.timedelta(days=5)).isoformat()}"
    assert 'href="/review/?mine=y">My open cases</a>' in page
    assert 'href="/review/?urgent=y">Urgent</a>' in page
    assert f'href="{waiting_link}&sort=waiting">Waiting over 5 days</a>' in page

    # Five days or more: only the case submitted five days ago, oldest first.
    waiting = queue(client, f"?submitted_to={today - dt.timedelta(days=5)}&sort=waiting")
    assert listed(waiting) == [mixed["not_now"].id]
    assert 'aria-current="page">Waiting over 5 days' in waiting

    with app.app_context():
        current = clinic.current(fresh=True)
        row = store().save(
            dataclasses.replace(current, waiting_days=2),
            based_on=current.version,
            reason="test",
            actor_id=user.id,
        )
        db.session.commit()
        store().saved(row)
    page = htmllib.unescape(queue(client))
    assert "Waiting over 2 days" in page
    assert f"submitted_to={(today - dt.timedelta(days=2)).isoformat()}" in page


def test_waiting_days_is_a_setting_with_default_five(app: Flask) -> None:
    with app.app_context():
        assert clinic.from_config(app).waiting_days == 5
    from app.admin.fields import SETTINGS

    assert "waiting_days" in {setting.name for setting in SETTINGS}


def test_the_upgrade_fills_the_new_summary_fields_of_stored_rows(
    app: Flask, db: SQLAlchemy, make_submission: Callable[..., Submission]
) -> None:
    """Rows stored with the older summary get age, language, contact and top reason."""
    made = make_submission(baseline(**PREGNANT, preferred_language="es"))
    older = {k: v for k, v in made.summary.items() if k not in NEW_FIELDS}
    with app.app_context():
        db.session.execute(update(Submission).values(summary=older))
        db.session.commit()
        db.session.remove()
        flask_migrate.downgrade(revision="c5e1a7d93b20")
        flask_migrate.upgrade()
        stored = db.session.get(Submission, made.id)
        assert stored is not None
        assert stored.summary == made.summary
        assert stored.summary["preferred_language"] == "es"
        assert stored.summary["top_reason"] == deciding_reason(made, {"exclusion"})
