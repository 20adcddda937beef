"""Rule-set settings (clinical-rules.md §1): every threshold is a named, validated setting."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from types import MappingProxyType
from typing import Any, Final

from . import pathway_settings, payers
from .data import DOSE_TABLE
from .errors import CONFIG_PREFIX, SettingsError, config_key
from .errors import setting_error as _error
from .frozen import FrozenMap
from .payers import PayerProfile
from .treatment_data import DRUG_CLASSES, TMS_CONTRAINDICATED_IMPLANTS, TREATMENTS

__all__ = ["CONFIG_PREFIX", "TREATMENTS", "DoseTable", "Settings", "SettingsError", "config_key"]
# The number of the stored clinic settings version the values come from (0: not stored). It is
# not a threshold: no config key, no range, not in non_default(); it names the decisions.
VERSION_FIELD: Final = "settings_version"
PHQ9_MAX: Final = 27
TRIAL_CAP: Final = 6  # §6.3: adequate failed trials count towards priority up to 6


DoseTable = FrozenMap  # the dose table's read-only mapping (the name other modules know)


def _default_dose_table() -> Mapping[str, float | None]:
    return DoseTable(DOSE_TABLE)


def _default_drug_classes() -> Mapping[str, str | None]:
    return FrozenMap(DRUG_CLASSES)


def _no_edits() -> Mapping[str, Mapping[str, Any]]:
    return FrozenMap()


# (low, high) inclusive for the plain integer settings; None = no bound of its own.
_INT_RANGES: Final[Mapping[str, tuple[int | None, int | None, str]]] = MappingProxyType(
    {
        "min_age_years": (18, 120, "a whole number from 18 to 120 (may be raised, never lowered)"),
        "max_age_years": (0, 120, "0 (no upper limit) or a whole number above min_age_years"),
        "min_trial_weeks": (4, 12, "a whole number from 4 to 12"),
        "min_failed_trials": (1, 5, "a whole number from 1 to 5"),
        "min_phq9_for_candidate": (0, 27, "a whole number from 0 to 27"),
        "si_item9_threshold": (1, 1, "exactly 1 (safety cannot be weakened)"),
        "bp_caution_systolic": (100, 200, "a whole number from 100 to 200"),
        "bp_caution_diastolic": (60, 130, "a whole number from 60 to 130"),
        "bp_crisis_systolic": (None, None, "a whole number above bp_caution_systolic"),
        "bp_crisis_diastolic": (None, None, "a whole number above bp_caution_diastolic"),
        "min_tms_sessions": (10, 60, "a whole number from 10 to 60"),
        "min_psychotherapy_sessions": (4, 30, "a whole number from 4 to 30"),
        "pcl5_cutoff": (31, 38, "a whole number from 31 to 38"),
        "priority_base_urgent": (None, None, "a whole number (see the priority band rules)"),
        "priority_base_likely": (None, None, "a whole number (see the priority band rules)"),
        "priority_base_review": (None, None, "a whole number (see the priority band rules)"),
        "priority_base_not_now": (None, None, "a whole number (see the priority band rules)"),
        "priority_acute_bonus": (0, 500, "a whole number from 0 to 500"),
        "priority_item9_weight": (0, 50, "a whole number from 0 to 50"),
        "priority_trial_weight": (0, 10, "a whole number from 0 to 10"),
        "priority_high_caution_bonus": (0, 50, "a whole number from 0 to 50"),
        "tms_min_failed_trials": (1, 4, "a whole number from 1 to 4"),
        "ect_suggest_after_failed_trials": (2, 10, "a whole number from 2 to 10"),
    }
)

# Settings that choose between named behaviours (clinical-rules.md §10): allowed values, the
# default first.
CHOICES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "too_few_trials_outcome": ("needs_clinician_review", "not_a_candidate_now"),
        "benzodiazepine_stimulant_category": ("info", "caution"),
        "psychosis_mania_ketamine_outcome": ("needs_clinician_review", "not_a_candidate_now"),
        "bipolar_depression_outcome": ("needs_clinician_review", "likely_candidate"),
        "remote_attempt_outcome": ("urgent_safety_review", "needs_clinician_review"),
    }
)

_TRUE: Final = frozenset({"true", "1", "yes", "on"})
_FALSE: Final = frozenset({"false", "0", "no", "off"})
_INT_TEXT: Final = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class Settings:
    """Thresholds and weights of the rule set; the defaults are clinical-rules.md §1."""

    min_age_years: int = 18
    max_age_years: int = 0  # §10.5: no upper age limit unless a clinic sets one
    min_trial_weeks: int = 6
    min_failed_trials: int = 2
    require_current_episode: bool = True
    min_phq9_for_candidate: int = 10
    si_item9_threshold: int = 1
    bp_caution_systolic: int = 140
    bp_caution_diastolic: int = 90
    bp_crisis_systolic: int = 180
    bp_crisis_diastolic: int = 120
    min_tms_sessions: int = 20
    min_psychotherapy_sessions: int = 8
    pcl5_cutoff: int = 33
    dose_table: Mapping[str, float | None] = field(default_factory=_default_dose_table)
    priority_base_urgent: int = 1000
    priority_base_likely: int = 300
    priority_base_review: int = 200
    priority_base_not_now: int = 100
    priority_acute_bonus: int = 200
    priority_item9_weight: int = 30
    priority_trial_weight: int = 3
    priority_high_caution_bonus: int = 20
    # §10.2: too few adequate trials means review (as drafted) or not a candidate now.
    too_few_trials_outcome: str = "needs_clinician_review"
    # §10.4: benzodiazepines and stimulants are information (as drafted) or cautions.
    benzodiazepine_stimulant_category: str = "info"
    # Current psychosis, current mania, non-medical ketamine use in the past year: clinician
    # review (as drafted) or not a candidate now.
    psychosis_mania_ketamine_outcome: str = "needs_clinician_review"
    # §10.6: bipolar depression / past mania always needs review (as drafted), or may be a
    # likely candidate (for IV ketamine) when nothing else needs review.
    bipolar_depression_outcome: str = "needs_clinician_review"
    # §10.1: a suicide attempt over 3 months ago with no current ideation is urgent (as drafted,
    # per ASQ) or a high-priority review (per C-SSRS triage: past behaviour is non-imminent).
    remote_attempt_outcome: str = "urgent_safety_review"
    # Issue 21 (clinical-pathways.md §5.1): the treatments the clinic offers, each decided apart.
    treatments_offered: tuple[str, ...] = ("esketamine", "iv_ketamine")
    # A payer criterion reported but short (coverage_not_met) moves that treatment to review.
    coverage_affects_outcome: bool = True
    tms_min_failed_trials: int = 1  # FDA clearance: >=1 failed antidepressant in this episode
    tms_count_intolerance: bool = True  # a trial stopped for side effects counts for TMS
    tms_contraindicated_implants: tuple[str, ...] = TMS_CONTRAINDICATED_IMPLANTS
    ect_suggest_after_failed_trials: int = 4
    drug_classes: Mapping[str, str | None] = field(default_factory=_default_drug_classes)
    payer_profile_tms: str = "typical_commercial"
    payer_profile_esketamine: str = "typical_commercial"
    # Per treatment ("tms", "esketamine"): the clinic's changes to its preset's fields.
    payer_profile_edits: Mapping[str, Mapping[str, Any]] = field(default_factory=_no_edits)
    settings_version: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.dose_table, Mapping):
            raise _error("dose_table", self.dose_table, "a mapping of drug to mg/day or null")
        # Copy into a read-only mapping so a frozen Settings cannot change under a caller.
        object.__setattr__(self, "dose_table", DoseTable(self.dose_table))
        pathway_settings.freeze_settings(self)
        _validate(self)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f.name) for f in fields(self)))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Read ``RULES_<SETTING>`` keys (strings from the environment are coerced)."""
        known = {config_key(f.name): f.name for f in fields(cls) if f.name != VERSION_FIELD}
        unknown = sorted(
            key for key in config if key.startswith(CONFIG_PREFIX) and key not in known
        )
        if unknown:
            raise SettingsError(
                f"unknown rule setting(s) {', '.join(unknown)}: allowed keys are "
                + ", ".join(sorted(known))
            )
        values: dict[str, Any] = {}
        for key, name in known.items():
            if key in config:
                values[name] = _coerce(name, config[key])
        return cls(**values)

    def non_default(self) -> dict[str, Any]:
        """Return the settings that differ from the defaults (dose table: the differing rows)."""
        defaults = DEFAULTS
        changed: dict[str, Any] = {}
        for f in fields(self):
            if f.name == VERSION_FIELD:
                continue
            mine, theirs = getattr(self, f.name), getattr(defaults, f.name)
            if f.name == "dose_table":
                rows = {
                    drug: dose
                    for drug in sorted(set(mine) | set(theirs))
                    if (dose := mine.get(drug, "absent")) != theirs.get(drug, "absent")
                }
                if rows:
                    changed[f.name] = rows
            elif mine != theirs:
                changed[f.name] = mine.to_dict() if isinstance(mine, FrozenMap) else mine
        return changed

    @cached_property
    def payer_profiles(self) -> Mapping[str, PayerProfile]:
        """The payer profile in force per treatment (``payers.profile_for`` reads it): the
        chosen preset with the clinic's edits, worked out once per settings."""
        return payers.profiles(self)

    @cached_property
    def ruleset_version(self) -> str:
        """The catalogue's version and the settings version: ``c<catalogue>.s<settings>``.

        Settings that were never stored (version 0) and differ from the defaults add a hash of
        the differences, so two different unstored settings never share a version.
        """
        from .version import ruleset_version, settings_suffix

        version = ruleset_version(self.settings_version)
        if self.settings_version:
            return version
        suffix = settings_suffix(self)
        return version if not suffix else f"{version}+{suffix}"


def setting_as_json(settings: Settings) -> str:
    """Serialise settings canonically (sorted keys, dose values as floats) for hashing."""
    values: dict[str, Any] = {}
    for f in fields(settings):
        if f.name == VERSION_FIELD:
            continue
        value = getattr(settings, f.name)
        if f.name == "dose_table":
            value = {k: None if v is None else float(v) for k, v in sorted(value.items())}
        elif isinstance(value, FrozenMap):
            value = value.to_dict()
        values[f.name] = value
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate(s: Settings) -> None:
    for name, (low, high, allowed) in _INT_RANGES.items():
        value = getattr(s, name)
        if not _is_int(value):
            raise _error(name, value, allowed)
        if (low is not None and value < low) or (high is not None and value > high):
            raise _error(name, value, allowed)
    if s.max_age_years and s.max_age_years <= s.min_age_years:
        raise _error(
            "max_age_years",
            s.max_age_years,
            f"0 (no upper limit) or greater than min_age_years ({s.min_age_years})",
        )
    for choice, values in CHOICES.items():
        if getattr(s, choice) not in values:
            raise _error(choice, getattr(s, choice), "one of " + ", ".join(values))
    if not _is_int(s.settings_version) or s.settings_version < 0:
        raise _error(VERSION_FIELD, s.settings_version, "a whole number from 0")
    if not isinstance(s.require_current_episode, bool):
        raise _error("require_current_episode", s.require_current_episode, "true or false")
    if s.bp_crisis_systolic <= s.bp_caution_systolic:
        raise _error(
            "bp_crisis_systolic",
            s.bp_crisis_systolic,
            f"greater than bp_caution_systolic ({s.bp_caution_systolic})",
        )
    if s.bp_crisis_diastolic <= s.bp_caution_diastolic:
        raise _error(
            "bp_crisis_diastolic",
            s.bp_crisis_diastolic,
            f"greater than bp_caution_diastolic ({s.bp_caution_diastolic})",
        )
    for drug, dose in s.dose_table.items():
        if not isinstance(drug, str) or not drug:
            raise _error("dose_table", drug, "keyed by drug names (non-empty text)")
        if dose is None:
            continue
        if not isinstance(dose, int | float) or isinstance(dose, bool):
            raise _error("dose_table", {drug: dose}, "mg/day values that are numbers > 0 or null")
        if not math.isfinite(dose) or dose <= 0:
            raise _error("dose_table", {drug: dose}, "mg/day values that are numbers > 0 or null")
    _validate_bands(s)
    pathway_settings.validate(s)


def _validate_bands(s: Settings) -> None:
    """§6.3 bands must not overlap, so the outcome alone orders the queue."""
    trials = TRIAL_CAP * s.priority_trial_weight
    likely_top = s.priority_base_likely + PHQ9_MAX + trials
    review_top = s.priority_base_review + PHQ9_MAX + trials + s.priority_high_caution_bonus
    not_now_top = s.priority_base_not_now + PHQ9_MAX
    if s.priority_base_urgent <= likely_top:
        raise _error(
            "priority_base_urgent",
            s.priority_base_urgent,
            f"greater than priority_base_likely + 27 + 6 * priority_trial_weight ({likely_top})",
        )
    if s.priority_base_likely <= review_top:
        raise _error(
            "priority_base_likely",
            s.priority_base_likely,
            "greater than priority_base_review + 27 + 6 * priority_trial_weight"
            f" + priority_high_caution_bonus ({review_top})",
        )
    if s.priority_base_review <= not_now_top:
        raise _error(
            "priority_base_review",
            s.priority_base_review,
            f"greater than priority_base_not_now + 27 ({not_now_top})",
        )


def _coerce(name: str, value: Any) -> Any:
    """Turn configuration text (environment variables) into the setting's type."""
    if name in ("require_current_episode", *pathway_settings.BOOL_SETTINGS):
        return _coerce_bool(name, value)
    pathway_value = pathway_settings.coerce(name, value)
    if pathway_value is not None:
        return pathway_value
    if name == "dose_table":
        return _coerce_dose_table(value)
    if name in CHOICES:
        return value.strip().lower() if isinstance(value, str) else value
    return _coerce_int(name, value)


def _coerce_bool(name: str, value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _error(name, value, "true or false")
    if _is_int(value) and value in (0, 1):
        return bool(value)
    return value


def _coerce_int(name: str, value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if not _INT_TEXT.fullmatch(text):
            raise _error(name, value, _INT_RANGES[name][2])
        return int(text)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _coerce_dose_table(value: Any) -> Mapping[str, float | None]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _error("dose_table", value, "a JSON object of drug to mg/day or null") from None
    if not isinstance(value, Mapping):
        raise _error("dose_table", value, "a mapping of drug to mg/day or null")
    # Rows given in the configuration replace the default rows; the others stay.
    table: dict[str, float | None] = dict(DOSE_TABLE)
    for drug, dose in value.items():
        table[drug] = _coerce_dose(drug, dose)
    return table


def _coerce_dose(drug: object, dose: Any) -> Any:
    if isinstance(dose, str):
        text = dose.strip().lower()
        if text in ("", "null", "none"):
            return None
        try:
            return float(text)
        except ValueError:
            raise _error(
                "dose_table", {drug: dose}, "mg/day values that are numbers > 0 or null"
            ) from None
    return dose


DEFAULTS: Final = Settings()
