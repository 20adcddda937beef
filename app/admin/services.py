"""Saving, comparing and restoring clinic settings versions (views stay thin)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, clinic, rules
from app.admin.fields import SETTINGS, Setting, shown, value_at
from app.admin.models import SettingsVersion
from app.admin.store import SettingsStore, StaleVersionError
from app.clinic import ClinicSettings
from app.extensions import db

__all__ = ["StaleVersionError"]


@dataclass(frozen=True)
class Change:
    setting: Setting
    before: str
    after: str


def store() -> SettingsStore:
    found: SettingsStore = current_app.extensions[clinic.EXTENSION_KEY]
    return found


def form_data(settings: ClinicSettings) -> dict[str, Any]:
    """The form's initial values: the settings as they are."""
    data: dict[str, Any] = {}
    for setting in SETTINGS:
        value = value_at(settings, setting.path)
        if setting.kind == "dose_table":
            value = dict(value)
        elif setting.kind == "languages":
            value = list(value)
        elif setting.kind == "emails":
            value = tuple(value)
        data[setting.name] = value
    return data


def from_form(form: Any, base: ClinicSettings) -> ClinicSettings | None:
    """The settings the valid form describes; None (errors by the fields) if they are refused.

    Each field is checked by its form field; then ``rules.Settings`` checks the values
    together (crisis above caution, priority bands that do not overlap).
    """
    rule_values: dict[str, Any] = {}
    clinic_values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = form[setting.name].data
        if setting.kind in ("languages", "emails"):
            value = tuple(value or ())
        scope, _, name = setting.path.rpartition(".")
        (rule_values if scope == "rules" else clinic_values)[name] = value
    try:
        rule_settings = dataclasses.replace(base.rules, **rule_values)
    except rules.SettingsError as error:
        name = str(error).split(" ", 1)[0]
        key = f"rules__{name}"
        field = form[key] if key in form else form.reason  # noqa: SIM401 (a form has no get)
        field.errors = [*field.errors, _why(error)]
        return None
    return dataclasses.replace(base, rules=rule_settings, **clinic_values)


def _why(error: rules.SettingsError) -> str:
    """The part of the message that says what is allowed (after 'is not allowed: ')."""
    text = str(error)
    _, found, allowed = text.partition("is not allowed: ")
    return f"This {allowed}." if found else text


def diff(before: ClinicSettings, after: ClinicSettings) -> list[Change]:
    changes = []
    for setting in SETTINGS:
        old_value, new_value = value_at(before, setting.path), value_at(after, setting.path)
        if old_value == new_value:  # 15 minutes and 15.0 are the same setting
            continue
        old, new = shown(setting, old_value), shown(setting, new_value)
        if old == new:  # a secret is never shown: say it changed
            new = str(_l("(changed)"))
        changes.append(Change(setting, old, new))
    return changes


def save(
    settings: ClinicSettings, *, based_on: int, reason: str, actor_id: int | None, action: str
) -> SettingsVersion:
    """Store the next version (raises StaleVersionError on an old base), audited."""
    before = store().load(_document(based_on), based_on) if based_on else clinic.current()
    row = store().save(settings, based_on=based_on, reason=reason, actor_id=actor_id)
    changed = [c.setting.path for c in diff(before, store().load(row.document, row.version))]
    audit.record(action, None, version=row.version, based_on=based_on, changed=changed)
    db.session.commit()
    store().saved(row)
    return row


def _document(version: int) -> dict[str, Any]:
    row = db.session.get(SettingsVersion, version)
    return dict(row.document) if row is not None else {}


def history() -> list[SettingsVersion]:
    return list(
        db.session.scalars(select(SettingsVersion).order_by(SettingsVersion.version.desc()))
    )


def version(number: int) -> tuple[SettingsVersion, ClinicSettings] | None:
    row = db.session.get(SettingsVersion, number)
    if row is None:
        return None
    return row, store().load(row.document, row.version)
