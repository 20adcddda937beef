"""Checks of the per-treatment settings of issue 21 (clinical-pathways.md §5.1).

Kept apart from settings.py (the thresholds of clinical-rules.md §1): treatments offered, the TMS
implant list, drug classes and payer profiles, and how configuration text becomes each of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from . import payers
from .errors import setting_error
from .frozen import FrozenMap, freeze
from .treatment_data import DRUG_CLASS_NAMES, DRUG_CLASSES, IMPLANTS, TREATMENTS

if TYPE_CHECKING:
    from .settings import Settings

TUPLE_SETTINGS: Final = ("treatments_offered", "tms_contraindicated_implants")
MAPPING_SETTINGS: Final = ("drug_classes", "payer_profile_edits")
BOOL_SETTINGS: Final = ("coverage_affects_outcome", "tms_count_intolerance")
TEXT_SETTINGS: Final = ("payer_profile_tms", "payer_profile_esketamine")
_ALLOWED: Final = {
    "treatments_offered": (TREATMENTS, "a non-empty list of " + ", ".join(TREATMENTS)),
    "tms_contraindicated_implants": (IMPLANTS, "a list of " + ", ".join(IMPLANTS)),
}


def freeze_settings(s: Settings) -> None:
    """Store the list and mapping settings read-only (a frozen Settings never changes)."""
    for name in TUPLE_SETTINGS:
        value = getattr(s, name)
        if isinstance(value, list | tuple | frozenset | set):
            allowed = _ALLOWED[name][0]
            # One order whatever the caller's: equal offers are equal settings (same hash).
            ordered = sorted(
                value, key=lambda v: allowed.index(v) if v in allowed else len(allowed)
            )
            object.__setattr__(s, name, tuple(dict.fromkeys(ordered)))
    for name in MAPPING_SETTINGS:
        value = getattr(s, name)
        if isinstance(value, Mapping) and not isinstance(value, FrozenMap):
            object.__setattr__(s, name, freeze(value))
        elif isinstance(value, FrozenMap) and name == "payer_profile_edits":
            object.__setattr__(s, name, freeze(value.to_dict()))


def validate(s: Settings) -> None:
    """Refuse, by the setting's name, a value §5.1 does not allow."""
    for name in TUPLE_SETTINGS:
        allowed, text = _ALLOWED[name]
        value = getattr(s, name)
        if not isinstance(value, tuple) or any(v not in allowed for v in value):
            raise setting_error(name, value, text)
    if not s.treatments_offered:
        raise setting_error("treatments_offered", s.treatments_offered, "at least one treatment")
    for name in BOOL_SETTINGS:
        if not isinstance(getattr(s, name), bool):
            raise setting_error(name, getattr(s, name), "true or false")
    classes = s.drug_classes
    if not isinstance(classes, Mapping):
        raise setting_error("drug_classes", classes, "an object of drug to class or null")
    for drug, kind in classes.items():
        if drug not in s.dose_table:
            raise setting_error(
                "drug_classes",
                {drug: kind},
                f"keyed by medicines of the dose table ({drug} is not one)",
            )
        if kind is not None and kind not in DRUG_CLASS_NAMES:
            raise setting_error(
                "drug_classes",
                {drug: kind},
                f"a known drug class ({kind!r} is not one: use "
                + ", ".join(DRUG_CLASS_NAMES)
                + ") or null",
                field=f"drug_classes.{drug}",
            )
    for name in TEXT_SETTINGS:
        if not isinstance(getattr(s, name), str):
            raise setting_error(name, getattr(s, name), "the name of a payer profile preset")
    payers.validate(s)


def coerce(name: str, value: Any) -> Any:
    """Configuration text (environment variables) as the setting's type; None if not ours."""
    if name in TUPLE_SETTINGS:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return _json(name, text)
            return tuple(part.strip().lower() for part in text.split(",") if part.strip())
        return value
    if name == "drug_classes":
        rows = _json(name, value) if isinstance(value, str) else value
        if not isinstance(rows, Mapping):
            raise setting_error(name, value, "a JSON object of drug to class or null")
        # Rows given in the configuration replace the default rows; the others stay.
        return {
            **DRUG_CLASSES,
            **{k: (None if v in ("", "null", "none") else v) for k, v in rows.items()},
        }
    if name == "payer_profile_edits":
        return _json(name, value) if isinstance(value, str) else value
    if name in TEXT_SETTINGS:
        return value.strip().lower() if isinstance(value, str) else value
    return None


def _json(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise setting_error(name, text, "valid JSON") from None
