"""Saving, comparing and restoring clinic settings versions (views stay thin)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, clinic, rules
from app.admin.fields import CRITERIA, SETTINGS, Setting, shown, treatment_of, value_at
from app.admin.models import SettingsVersion
from app.admin.store import SettingsStore, StaleVersionError
from app.clinic import ClinicSettings
from app.extensions import db
from app.rules import payers

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
        if setting.kind in ("dose_table", "drug_classes"):
            value = dict(value)
        elif setting.kind in ("languages", "treatments", "implants"):
            value = list(value)
        elif setting.kind == "payer_criteria":  # shown whole: the preset with the edits
            value = criteria(settings.rules, treatment_of(setting))
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
    entered: dict[str, dict[str, Any]] = {}  # each payer profile's criteria, as typed
    for setting in SETTINGS:
        value = form[setting.name].data
        if setting.kind in ("languages", "emails", "treatments", "implants"):
            value = tuple(value or ())
        if setting.kind == "payer_criteria":
            entered[treatment_of(setting)] = dict(value or {})
            continue
        scope, _, name = setting.path.rpartition(".")
        (rule_values if scope == "rules" else clinic_values)[name] = value
    rule_values["payer_profile_edits"] = _payer_edits(base.rules, rule_values, entered)
    try:
        rule_settings = dataclasses.replace(base.rules, **rule_values)
    except rules.SettingsError as error:
        field = _field_of(form, error)
        field.errors = [*field.errors, _why(error)]
        return None
    return dataclasses.replace(base, rules=rule_settings, **clinic_values)


def criteria(settings: rules.Settings, treatment: str) -> dict[str, Any]:
    """The criteria of the payer profile in force for a treatment (preset and edits)."""
    profile = payers.profile_for(settings, treatment)
    return {name: getattr(profile, name) for name in CRITERIA}


def _payer_edits(
    base: rules.Settings, chosen: dict[str, Any], entered: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The clinic's edits: the typed criteria that differ from the chosen preset's.

    A preset chosen anew starts from its own criteria when the typed ones are still those of
    the profile in force (the page showed the old preset's): edit them once it is chosen.
    """
    edits: dict[str, dict[str, Any]] = {}
    for treatment, typed in entered.items():
        setting = f"payer_profile_{treatment}"
        presets = payers.PRESETS[treatment]
        preset = presets.get(chosen[setting])
        if preset is None:
            continue  # the preset field says what is wrong
        changed_preset = chosen[setting] != getattr(base, setting)
        if changed_preset and typed == criteria(base, treatment):
            continue
        mine = {k: v for k, v in typed.items() if getattr(preset, k) != v}
        kept = base.payer_profile_edits.get(treatment) or {}
        if "label" in kept and not changed_preset:
            mine["label"] = kept["label"]  # a label edit stays (the page does not show it)
        if mine:
            edits[treatment] = mine
    return edits


def _field_of(form: Any, error: rules.SettingsError) -> Any:
    """The form field of a refused setting (``payer_profile_edits.tms.min_failed_trials``:
    the TMS criteria), or the reason field if the page has none."""
    parts = (error.field or str(error).split(" ", 1)[0]).split(".")
    for key in ("rules__" + "__".join(parts[:2]), f"rules__{parts[0]}"):
        if key in form:
            return form[key]
    return form.reason


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
