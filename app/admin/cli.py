"""`flask settings show | set | history`: the clinic settings from the command line.

Setting names are flat: those of clinical-rules.md §1 (the rule settings) and the clinic's own
(``crisis_line``, ``contact_business_days``, ...). ``set`` makes a new version, audited like the
page; an invalid value exits with status 2 and a message naming the setting.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import typing
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from app import clinic, rules
from app.admin.document import NOT_IN_DOCUMENT, to_document
from app.admin.fields import BY_PATH, CLINIC_CHOICES, KNOWN_DRUGS
from app.admin.forms import EMAIL
from app.clinic import ClinicSettings
from app.rules.settings import config_key

settings_group = AppGroup("settings", help="The clinic settings (versioned).")


def names() -> dict[str, str]:
    """Flat setting name -> its path in ClinicSettings (``rules.<name>`` for a rule setting)."""
    found = {
        f.name: f"rules.{f.name}"
        for f in dataclasses.fields(rules.Settings)
        if f.name not in NOT_IN_DOCUMENT
    }
    for f in dataclasses.fields(ClinicSettings):
        if f.name not in NOT_IN_DOCUMENT and f.name != "rules":
            found[f.name] = f.name
    return found


def flat(settings: ClinicSettings) -> dict[str, Any]:
    document = to_document(settings)
    values = {k: v for k, v in document.items() if k != "rules"}
    return {**document["rules"], **values}


def _fail(message: str) -> typing.NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@settings_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def show_command(as_json: bool) -> None:
    """The settings in force, with their version."""
    current = clinic.current(fresh=True)
    values = flat(current)
    if as_json:
        document = {
            "version": current.version,
            "ruleset_version": current.rules.ruleset_version,
            "settings": values,
        }
        click.echo(json.dumps(document, indent=2, sort_keys=True))
        return
    click.echo(f"Settings version {current.version} (rule set {current.rules.ruleset_version})")
    for name in sorted(values):
        click.echo(f"{name} = {json.dumps(values[name])}")


@settings_group.command("history")
def history_command() -> None:
    """Every saved version, newest first: number, when (UTC), who, why."""
    from app.admin import services

    for row in services.history():
        who = row.created_by.email if row.created_by else "first start"
        click.echo(f"{row.version}\t{row.created_at:%Y-%m-%d %H:%M}\t{who}\t{row.reason}")


@settings_group.command("set")
@click.argument("assignments", nargs=-1, required=True)
@click.option("--reason", required=True, help="Why: kept with the new version.")
def set_command(assignments: tuple[str, ...], reason: str) -> None:
    """Save a new version with NAME=VALUE changes (e.g. min_trial_weeks=8)."""
    from app.admin import services

    if not reason.strip():
        _fail("--reason must say why the settings change.")
    current = clinic.current(fresh=True)
    changed = changed_settings(current, assignments)
    if changed == current:
        _fail("nothing changes: every value is already in force.")
    try:
        row = services.save(
            changed, based_on=current.version, reason=reason.strip(), actor_id=None,
            action="settings_saved",
        )  # fmt: skip
    except services.StaleVersionError as error:
        _fail(f"version {error.newest} was saved meanwhile; nothing was saved, try again.")
    version = rules.ruleset_version(row.version)
    click.echo(f"Saved settings version {row.version} (rule set {version}).")


def changed_settings(current: ClinicSettings, assignments: tuple[str, ...]) -> ClinicSettings:
    """The settings with the assignments applied; exits with status 2 on a bad one."""
    known = names()
    rule_text: dict[str, Any] = {}
    clinic_values: dict[str, Any] = {}
    for assignment in assignments:
        name, equals, text = assignment.partition("=")
        name = name.strip()
        if not equals:
            _fail(f"{assignment!r}: write NAME=VALUE.")
        if name not in known:
            _fail(f"unknown setting {name!r}: the settings are {', '.join(sorted(known))}.")
        if known[name].startswith("rules."):
            rule_text[name] = _rows(current, name, text) if name in _TABLES else text
        else:
            clinic_values[name] = _clinic_value(name, text)
    config = {config_key(k): v for k, v in to_document(current.rules).items()}
    config.update({config_key(k): v for k, v in rule_text.items()})
    try:
        rule_settings = rules.Settings.from_config(config)
    except rules.SettingsError as error:
        _fail(str(error))
    rule_settings = dataclasses.replace(rule_settings, settings_version=current.version)
    return dataclasses.replace(current, rules=rule_settings, **clinic_values)


# The tables a medicine a row; rows given as JSON change those rows of the table in force.
_TABLES = {"dose_table": "mg/day or null", "drug_classes": "its class or null"}


def _rows(current: ClinicSettings, name: str, text: str) -> dict[str, Any]:
    """Rows given as JSON change those rows of the table in force."""
    try:
        rows = json.loads(text)
    except ValueError:
        rows = None
    if not isinstance(rows, dict):
        _fail(f"{name} must be a JSON object of medicine to {_TABLES[name]}.")
    unknown = sorted(set(rows) - KNOWN_DRUGS)
    if unknown:
        _fail(f"{name}: {', '.join(unknown)} not a medicine of the questionnaire.")
    return {**dict(getattr(current.rules, name)), **rows}


def _clinic_value(name: str, text: str) -> Any:
    """A clinic setting's text as its type, checked against its allowed values."""
    kind = typing.get_type_hints(ClinicSettings)[name]
    setting = BY_PATH.get(name)
    if kind is int:
        if not text.strip().lstrip("+-").isdigit():
            _fail(f"{name} = {text!r}: must be a whole number.")
        value: Any = int(text)
        if setting is not None and not (setting.low or 0) <= value <= (setting.high or value):
            _fail(f"{name} = {value}: must be from {setting.low} to {setting.high}.")
        return value
    if kind is float:
        try:
            number = float(text)
        except ValueError:
            _fail(f"{name} = {text!r}: must be a number.")
        if setting is not None and not (setting.low or 0) <= number <= (setting.high or number):
            _fail(f"{name} = {number}: must be from {setting.low} to {setting.high}.")
        return number
    if name in CLINIC_CHOICES:
        if text not in CLINIC_CHOICES[name]:
            _fail(f"{name} = {text!r}: one of {', '.join(CLINIC_CHOICES[name])}.")
        return text
    if kind is bool:
        lowered = text.strip().lower()
        if lowered not in ("true", "false", "yes", "no", "1", "0", "on", "off"):
            _fail(f"{name} = {text!r}: must be true or false.")
        return lowered in ("true", "yes", "1", "on")
    if typing.get_origin(kind) is tuple:
        items = tuple(part.strip() for part in text.split(",") if part.strip())
        installed = tuple(current_app.extensions["languages"])
        if name == "languages" and (not items or not set(items) <= set(installed)):
            _fail(f"{name} = {text!r}: one or more of {', '.join(installed)}.")
        bad = [item for item in items if name.endswith("emails") and not EMAIL.fullmatch(item)]
        if bad:
            _fail(f"{name}: {bad[0]!r} is not an email address.")
        return items
    if setting is not None and setting.high is not None and len(text) > setting.high:
        _fail(f"{name}: at most {setting.high} characters.")
    if setting is not None and setting.kind == "optional_text":
        if name.endswith("webhook_url") and text and not text.startswith("https://"):
            _fail(f"{name} = {text!r}: an https:// address, or empty.")
        return text.strip()
    if setting is not None and not text.strip():
        _fail(f"{name}: must not be empty.")
    return text
