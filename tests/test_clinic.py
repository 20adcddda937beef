"""The clinic settings in force: one object, read by pages and services alike."""

from __future__ import annotations

import pytest

from app import clinic, create_app, rules
from config import TestingConfig


def test_settings_come_from_the_config_and_reach_the_pages() -> None:
    app = create_app(
        TestingConfig,
        CRISIS_LINE="555-0100",
        CLINIC_NAME="North Clinic",
        RULES_MIN_TRIAL_WEEKS="8",
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )
    with app.app_context():
        settings = clinic.current()
        assert settings.crisis_line == "555-0100"
        assert settings.rules.min_trial_weeks == 8
        assert settings.rules != rules.Settings()
    page = app.test_client().get("/").get_data(as_text=True)
    assert "555-0100" in page
    assert "North Clinic" in page


def test_a_bad_rule_setting_stops_the_start() -> None:
    with pytest.raises(rules.SettingsError, match="min_trial_weeks"):
        create_app(TestingConfig, RULES_MIN_TRIAL_WEEKS="2", SQLALCHEMY_DATABASE_URI="sqlite://")
