"""Stored clinic settings: version 1 from the defaults, one truth for every app, cached."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

from app import clinic, rules
from app.admin.document import from_document, to_document
from app.admin.models import SettingsVersion
from app.admin.services import store
from app.admin.store import StaleVersionError
from app.clinic import ClinicSettings
from app.submissions import decide
from tests.rules.builders import AS_OF, baseline


def _save(app: Flask, settings: ClinicSettings, based_on: int, reason: str = "test") -> int:
    with app.app_context():
        row = store().save(settings, based_on=based_on, reason=reason, actor_id=None)
        SettingsVersion.query.session.commit()
        store().saved(row)
        return row.version


def test_the_first_read_stores_version_1_from_the_defaults(
    app: Flask, db: SQLAlchemy, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO), app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SettingsVersion)) == 0
        db.session.rollback()  # end the read above: see what the store wrote
        settings = clinic.current()
        row = db.session.get(SettingsVersion, 1)
    assert settings.version == 1
    assert settings.rules.settings_version == 1
    assert settings.rules.ruleset_version == f"c{rules.CATALOGUE_VERSION}.s1"
    assert row is not None
    assert row.created_by_id is None
    assert "First start" in row.reason
    assert row.document["rules"]["min_trial_weeks"] == 6
    assert row.document["crisis_line"] == app.config["CRISIS_LINE"]
    assert "version" not in row.document
    assert "settings_version" not in row.document["rules"]
    assert any("version 1" in r.getMessage() for r in caplog.records)


def test_the_moved_variables_are_named_in_the_notice(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    other = make_app(RULES_MIN_TRIAL_WEEKS="8", MOVED_SETTINGS_VARIABLES=("RULES_MIN_TRIAL_WEEKS",))
    with caplog.at_level(logging.WARNING), other.app_context():
        assert clinic.current().rules.min_trial_weeks == 8  # version 1 takes the variable
    assert any("RULES_MIN_TRIAL_WEEKS" in r.getMessage() for r in caplog.records)


def test_a_document_lacking_a_field_takes_its_default() -> None:
    base = ClinicSettings(
        version=0, rules=rules.Settings(), clinic_name="A", crisis_line="988",
        crisis_chat="chat", emergency_number="911", contact_business_days=3,
        draft_expiry_days=7, staff_idle_minutes=15, languages=("en", "es"),
    )  # fmt: skip
    document = to_document(base)
    del document["crisis_line"]
    del document["rules"]["pcl5_cutoff"]
    document["rules"]["min_trial_weeks"] = 9
    document["clinic_name"] = "B"
    document["a_setting_removed_since"] = 1
    loaded = from_document(ClinicSettings, document, base)
    assert loaded.crisis_line == "988"
    assert loaded.rules.pcl5_cutoff == 33
    assert (loaded.rules.min_trial_weeks, loaded.clinic_name) == (9, "B")
    assert loaded.languages == ("en", "es")
    assert dict(loaded.rules.dose_table) == dict(base.rules.dose_table)
    assert from_document(ClinicSettings, to_document(base), base) == base


def test_a_stored_value_out_of_range_is_refused() -> None:
    document = {"min_trial_weeks": 2}
    with pytest.raises(rules.SettingsError, match="min_trial_weeks"):
        from_document(rules.Settings, document, rules.Settings())


def test_decisions_name_the_version_in_force(app: Flask, db: SQLAlchemy) -> None:
    with app.app_context():
        first = clinic.current()
        before = decide(baseline(), AS_OF)
    changed = dataclasses.replace(first, rules=dataclasses.replace(first.rules, min_trial_weeks=10))
    assert _save(app, changed, based_on=1) == 2
    with app.app_context():
        after = decide(baseline(), AS_OF)
        assert clinic.current().rules.min_trial_weeks == 10
    assert before.ruleset_version.endswith(".s1")
    assert after.ruleset_version.endswith(".s2")


def test_saving_on_an_old_version_is_refused(app: Flask, db: SQLAlchemy) -> None:
    with app.app_context():
        first = clinic.current()
    renamed = dataclasses.replace(first, clinic_name="First admin's clinic")
    assert _save(app, renamed, based_on=1) == 2
    with pytest.raises(StaleVersionError) as refused:
        _save(app, dataclasses.replace(first, clinic_name="Second admin's"), based_on=1)
    assert (refused.value.based_on, refused.value.newest) == (1, 2)
    with app.app_context():
        assert clinic.current().clinic_name == "First admin's clinic"
        assert db.session.scalar(select(func.max(SettingsVersion.version))) == 2


def test_another_app_sees_a_new_version_after_its_check_interval(
    app: Flask, make_app: Callable[..., Flask]
) -> None:
    other = make_app(SETTINGS_CHECK_SECONDS=3600.0)
    with app.app_context():
        first = clinic.current()
    with other.app_context():
        assert clinic.current().version == 1  # read once, then cached for an hour
    changed = dataclasses.replace(first, rules=dataclasses.replace(first.rules, pcl5_cutoff=35))
    _save(app, changed, based_on=1)
    with other.app_context():
        assert clinic.current().version == 1  # no query within the interval
        fresh = clinic.current(fresh=True)
        assert (fresh.version, fresh.rules.pcl5_cutoff) == (2, 35)
        assert clinic.current().version == 2
    quick = make_app(SETTINGS_CHECK_SECONDS=0.0)
    with quick.app_context():
        assert clinic.current().rules.pcl5_cutoff == 35  # the same truth, not its own env


def test_version_1_is_not_written_inside_a_transaction(app: Flask, db: SQLAlchemy) -> None:
    # A command half-way through its own transaction must not wait for its own lock (SQLite):
    # the unstored defaults (version 0) until a moment without one.
    with app.app_context():
        db.session.execute(select(func.count()).select_from(SettingsVersion))
        assert db.session().in_transaction()
        inside = clinic.current()
        db.session.commit()
        after = clinic.current()
        db.session.rollback()
        stored = db.session.scalar(select(func.count()).select_from(SettingsVersion))
    assert inside.version == 0
    assert inside.rules.ruleset_version == f"c{rules.CATALOGUE_VERSION}.s0"
    assert (after.version, stored) == (1, 1)
