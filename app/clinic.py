"""The clinic's settings in force: one object that every page, service and worker reads.

``clinic.current()`` is the one way to read a clinic-facing setting (crisis line, contact days,
rule thresholds, ...). The settings are a versioned document in the database (app/admin/store.py:
the newest version, cached in each process and re-checked every few seconds), changed on the
admin settings page. The config keys of the same names are only the defaults of version 1.
Infrastructure and secrets (database, keys, Redis, public URL) stay in ``app.config``.

A new setting is one field here, with its default (a stored version without it takes the
default), plus its form field in app/admin/fields.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from app import rules

EXTENSION_KEY = "prescreen.clinic"


@dataclass(frozen=True)
class ClinicSettings:
    """Everything a clinic decides for itself, with the version it was saved under."""

    version: int
    rules: rules.Settings
    clinic_name: str
    crisis_line: str
    crisis_chat: str
    emergency_number: str
    contact_business_days: int
    draft_expiry_days: int
    staff_idle_minutes: int
    languages: tuple[str, ...]


def from_config(config: dict[str, object] | Flask) -> ClinicSettings:
    """The settings given by the config keys: version 1's values, and every default."""
    values = config.config if isinstance(config, Flask) else config
    rule_settings = dict(values["RULES"])  # type: ignore[call-overload]
    rule_settings.update({k: v for k, v in values.items() if k.startswith("RULES_")})
    return ClinicSettings(
        version=0,
        rules=rules.Settings.from_config(rule_settings),  # bad values stop start-up
        clinic_name=str(values["CLINIC_NAME"]),
        crisis_line=str(values["CRISIS_LINE"]),
        crisis_chat=str(values["CRISIS_CHAT"]),
        emergency_number=str(values["EMERGENCY_NUMBER"]),
        contact_business_days=int(values["CONTACT_BUSINESS_DAYS"]),  # type: ignore[call-overload]
        draft_expiry_days=int(values["DRAFT_EXPIRY_DAYS"]),  # type: ignore[call-overload]
        staff_idle_minutes=int(values["STAFF_IDLE_MINUTES"]),  # type: ignore[call-overload]
        languages=tuple(values["LANGUAGES"]),  # type: ignore[call-overload]
    )


def init_app(app: Flask) -> None:
    from app.admin.store import SettingsStore

    app.extensions[EXTENSION_KEY] = SettingsStore(app)  # bad values stop start-up
    # First thing in each request, before it opens a transaction: a new version (or the very
    # first, written on an empty table) is read on a connection of its own, never waiting for
    # the request's own write lock on SQLite.
    app.before_request(_check_settings)
    app.context_processor(lambda: {"clinic": current()})


def _check_settings() -> None:
    current()


def current(*, fresh: bool = False) -> ClinicSettings:
    """The clinic settings in force for this request, command or job.

    ``fresh`` reads the newest stored version now rather than within the re-check interval
    (for a stale-decision check, which must compare with the stored newest version).
    """
    settings: ClinicSettings = current_app.extensions[EXTENSION_KEY].current(fresh=fresh)
    return settings
