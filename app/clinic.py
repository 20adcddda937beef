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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, has_app_context

from app import questionnaire, rules

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
    weight_unit: str = "lb"  # the unit offered first on the form: "kg" or "lb"
    height_unit: str = "ft_in"  # "cm" or "ft_in"
    # Who is told of a safety signal (app/alerts), and what the patient is promised. Every one
    # has a default, so a stored settings document older than these fields still loads.
    oncall_emails: tuple[str, ...] = ()
    secondary_emails: tuple[str, ...] = ()
    oncall_webhook_url: str = ""
    oncall_webhook_secret: str = ""
    escalation_minutes: float = 15
    escalation_repeats: int = 2
    oncall_hours: str = ""
    callbacks_enabled: bool = False
    urgent_next_step: str = ""
    # The queue's "Waiting over N days" view (app/review).
    waiting_days: int = 5
    # Days without activity after which `flask retention purge` deletes unsubmitted drafts and
    # closed submissions when no --older-than is given; 0: only when an operator says how old.
    retention_days: int = 0

    @property
    def oncall_configured(self) -> bool:
        """Somebody is told at once of a safety signal: an on-call email or a webhook."""
        return bool(self.oncall_emails or self.oncall_webhook_url)


def from_config(config: Mapping[str, Any] | Flask) -> ClinicSettings:
    """The settings given by the config keys: version 1's values, and every default."""
    values: Mapping[str, Any] = config.config if isinstance(config, Flask) else config
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
        weight_unit=_choice(values.get("WEIGHT_UNIT"), ("lb", "kg")),
        height_unit=_choice(values.get("HEIGHT_UNIT"), ("ft_in", "cm")),
        oncall_emails=_addresses(values.get("ONCALL_EMAILS")),
        secondary_emails=_addresses(values.get("SECONDARY_EMAILS")),
        oncall_webhook_url=str(values.get("ONCALL_WEBHOOK_URL") or ""),
        oncall_webhook_secret=str(values.get("ONCALL_WEBHOOK_SECRET") or ""),
        escalation_minutes=float(values.get("ESCALATION_MINUTES") or 15),  # type: ignore[arg-type]
        escalation_repeats=int(values.get("ESCALATION_REPEATS") or 0),  # type: ignore[call-overload]
        oncall_hours=str(values.get("ONCALL_HOURS") or ""),
        callbacks_enabled=bool(values.get("CALLBACKS_ENABLED")),
        urgent_next_step=str(values.get("URGENT_NEXT_STEP") or ""),
        waiting_days=int(values.get("WAITING_DAYS") or 5),  # type: ignore[call-overload]
        retention_days=int(values.get("RETENTION_DAYS") or 0),  # type: ignore[call-overload]
    )


def _choice(value: object, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed`` (the first is the default); else stop start-up."""
    if value is None:
        return allowed[0]
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _addresses(value: object) -> tuple[str, ...]:
    """A comma-separated list of email addresses (or a list), blanks dropped."""
    items = value.split(",") if isinstance(value, str) else list(value or ())  # type: ignore[call-overload]
    return tuple(item.strip() for item in items if item.strip())


def init_app(app: Flask) -> None:
    from app.admin.store import SettingsStore

    app.extensions[EXTENSION_KEY] = SettingsStore(app)  # bad values stop start-up
    # First thing in each request, before it opens a transaction: a new version (or the very
    # first, written on an empty table) is read on a connection of its own, never waiting for
    # the request's own write lock on SQLite.
    app.before_request(_check_settings)
    app.context_processor(lambda: {"clinic": current()})
    # The questions only one treatment needs are asked where the clinic offers it.
    questionnaire.offer_source(_offered)


def _offered() -> tuple[str, ...] | None:
    """The treatments the clinic offers now (for the questionnaire's ``Offered`` conditions)."""
    return current().rules.treatments_offered if has_app_context() else None


def _check_settings() -> None:
    current()


def current(*, fresh: bool = False) -> ClinicSettings:
    """The clinic settings in force for this request, command or job.

    ``fresh`` reads the newest stored version now rather than within the re-check interval
    (for a stale-decision check, which must compare with the stored newest version).
    """
    settings: ClinicSettings = current_app.extensions[EXTENSION_KEY].current(fresh=fresh)
    return settings
