"""Payer profiles (clinical-pathways.md §5.1): what a payer asks before it covers TMS or esketamine.

A clinic chooses one preset per treatment (``payer_profile_tms``, ``payer_profile_esketamine``)
and may edit its fields (``payer_profile_edits``); ``profile_for`` gives the profile in force.
The PAY-* rules (coverage.py) read it. Every number is to be re-checked against the current
policy before release (the draft's [S]/[R] marks).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from .errors import setting_error
from .frozen import FrozenMap
from .treatment_data import ESKETAMINE, PAYER_TREATMENTS, TMS

if TYPE_CHECKING:
    from .settings import Settings

EDITS_SETTING: Final = "payer_profile_edits"
PROFILE_SETTINGS: Final = MappingProxyType(
    {TMS: "payer_profile_tms", ESKETAMINE: "payer_profile_esketamine"}
)


@dataclass(frozen=True, slots=True)
class PayerProfile:
    """The criteria of one payer policy for one treatment (the columns of the §5.1 table)."""

    name: str  # the preset's key, e.g. "typical_commercial"
    label: str  # how staff see it, e.g. "Aetna CPB 0469 (2026)"
    treatment: str  # "tms" or "esketamine"
    min_failed_trials: int = 2  # adequate failed trials (plus intolerance if counted)
    count_intolerance: bool = False  # a trial stopped for side effects counts
    min_classes: int = 2  # distinct antidepressant classes among the failed trials (0: any)
    min_weeks: int | None = None  # weeks at dose per failed trial (None: min_trial_weeks)
    augmentation_kinds: int = 0  # augmentation kinds required (0: none)
    psychotherapy: bool = False  # a failed psychotherapy trial required
    augmentation_or_psychotherapy: bool = False  # either satisfies the augmentation requirement
    min_phq9: int | None = None  # "severe" expected (a gap below it, never an outcome)
    oral_ad_required: bool = False  # on an oral antidepressant now (esketamine)
    oral_ad_not_failed: bool = False  # the current antidepressant is not a failed agent
    max_age: int | None = None  # upper age limit of the policy
    nonresponse_max_pct: int | None = None  # "nonresponse" = at most this % improvement
    excludes_active_si: bool = False  # no cover with active suicidal thoughts
    excludes_bipolar: bool = False  # no cover for bipolar disorder
    excludes_untreated_sud: bool = False  # no cover with untreated substance use disorder

    def weeks(self, settings: Settings) -> int:
        """The weeks at dose the payer wants of each failed trial."""
        return self.min_weeks if self.min_weeks is not None else settings.min_trial_weeks


# Fields a clinic may edit, with (low, high) for the numbers; None = may be null.
_INT_FIELDS: Final[Mapping[str, tuple[int, int, bool]]] = MappingProxyType(
    {
        "min_failed_trials": (1, 10, False),
        "min_classes": (0, 10, False),
        "min_weeks": (1, 52, True),
        "augmentation_kinds": (0, 5, False),
        "min_phq9": (0, 27, True),
        "max_age": (18, 120, True),
        "nonresponse_max_pct": (0, 100, True),
    }
)
_BOOL_FIELDS: Final = frozenset(
    f.name
    for f in fields(PayerProfile)
    if f.type in ("bool", bool)  # annotations are strings (from __future__ import annotations)
)
EDITABLE: Final = frozenset(_INT_FIELDS) | _BOOL_FIELDS | {"label"}
"""The fields ``payer_profile_edits`` may change (not ``name`` or ``treatment``)."""


def _tms(name: str, label: str, **criteria: Any) -> PayerProfile:
    return PayerProfile(name, label, TMS, **criteria)


def _esk(name: str, label: str, **criteria: Any) -> PayerProfile:
    return PayerProfile(name, label, ESKETAMINE, **criteria)


_TMS_PRESETS: Final = (
    _tms(
        "typical_commercial",
        "Typical commercial policy",
        count_intolerance=True,
        min_weeks=6,
        psychotherapy=True,
        min_phq9=15,
    ),
    _tms(
        "medicare_novitas_fcso_2022",
        "Medicare Novitas / First Coast LCD (L34998, L34522)",
        min_failed_trials=1,
        count_intolerance=True,
        min_classes=1,
        min_phq9=20,
    ),
    _tms(
        "legacy_4_trial",
        "Legacy 4-trial policy (pre-2022 LCD wording, Centene 2018, QualChoice)",
        min_failed_trials=4,
        count_intolerance=True,
        min_weeks=6,
        psychotherapy=True,
        min_phq9=15,
    ),
    _tms(
        "aetna_cpb0469_2026",
        "Aetna CPB 0469 (2026)",
        min_weeks=8,
        augmentation_kinds=1,
        min_phq9=20,
        excludes_active_si=True,
    ),
    _tms(
        "centene_cpbh200",
        "Centene CP.BH.200",
        count_intolerance=True,
        min_weeks=6,
        psychotherapy=True,
        min_phq9=15,
        excludes_active_si=True,
        excludes_bipolar=True,
    ),
)
_ESK_PRESETS: Final = (
    _esk("typical_commercial", "Typical commercial policy", min_weeks=6),
    _esk("cigna_spravato_2025", "Cigna Spravato (2025)", min_weeks=6, nonresponse_max_pct=25),
    _esk(
        "evicore_spravato",
        "eviCore Spravato",
        min_weeks=6,
        oral_ad_required=True,
        nonresponse_max_pct=25,
    ),
    _esk(
        "carefirst_spravato",
        "CareFirst Spravato",
        min_weeks=8,
        augmentation_kinds=1,
        augmentation_or_psychotherapy=True,
        min_phq9=20,
        excludes_untreated_sud=True,
    ),
    _esk(
        "qualchoice_spravato",
        "QualChoice Spravato",
        count_intolerance=True,
        min_weeks=4,
        augmentation_kinds=2,
        min_phq9=16,  # the policy text: "PHQ-9 >15 within 4 weeks" (the draft's table: 15)
        oral_ad_required=True,
        oral_ad_not_failed=True,
        max_age=64,
    ),
)

PRESETS: Final[Mapping[str, Mapping[str, PayerProfile]]] = MappingProxyType(
    {
        TMS: MappingProxyType({p.name: p for p in _TMS_PRESETS}),
        ESKETAMINE: MappingProxyType({p.name: p for p in _ESK_PRESETS}),
    }
)
"""Every preset of §5.1, by treatment then name."""

DEFAULT_PRESET: Final = "typical_commercial"


def preset(treatment: str, name: str) -> PayerProfile:
    """The named preset of a treatment; SettingsError naming the setting if there is none."""
    presets = PRESETS.get(treatment)
    if presets is None:
        raise setting_error(
            EDITS_SETTING, treatment, "keyed by a treatment with a payer profile: tms, esketamine"
        )
    found = presets.get(name)
    if found is None:
        setting = PROFILE_SETTINGS[treatment]
        raise setting_error(setting, name, "one of " + ", ".join(presets))
    return found


def profile_for(settings: Settings, treatment: str) -> PayerProfile:
    """The payer profile in force for ``treatment`` ("tms" or "esketamine"): the chosen preset
    with the clinic's edits (KeyError for a treatment without a payer profile)."""
    return settings.payer_profiles[treatment]


def profiles(settings: Settings) -> Mapping[str, PayerProfile]:
    """Every treatment's payer profile in force (``Settings.payer_profiles``)."""
    return FrozenMap(
        {
            treatment: _profile(
                treatment,
                getattr(settings, PROFILE_SETTINGS[treatment]),
                settings.payer_profile_edits.get(treatment),
            )
            for treatment in PAYER_TREATMENTS
        }
    )


def _profile(treatment: str, name: str, edits: Mapping[str, Any] | None) -> PayerProfile:
    base = preset(treatment, name)
    if not edits:
        return base
    return dataclasses.replace(base, **_checked_edits(treatment, edits))


def validate(settings: Settings) -> None:
    """Check the payer settings: known presets, edits of known fields with allowed values."""
    edits = settings.payer_profile_edits
    if not isinstance(edits, Mapping):
        raise setting_error(EDITS_SETTING, edits, "an object of treatment to field changes")
    for treatment in edits:
        if treatment not in PAYER_TREATMENTS:
            raise setting_error(
                EDITS_SETTING,
                treatment,
                "keyed by a treatment with a payer profile: " + ", ".join(PAYER_TREATMENTS),
            )
    for treatment in PAYER_TREATMENTS:  # raises on an unknown preset or a bad edit
        _profile(
            treatment,
            getattr(settings, PROFILE_SETTINGS[treatment]),
            edits.get(treatment),
        )


def _checked_edits(treatment: str, edits: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(edits, Mapping):
        raise setting_error(
            EDITS_SETTING, edits, f"an object of field changes for {treatment}", field=treatment
        )
    checked: dict[str, Any] = {}
    for name, value in edits.items():
        where = f"{EDITS_SETTING}.{treatment}.{name}"
        shown = {treatment: {name: value}}
        if name not in EDITABLE:
            raise setting_error(
                EDITS_SETTING,
                shown,
                f"a known field ({name} is not one: use " + ", ".join(sorted(EDITABLE)) + ")",
                field=where,
            )
        if name in _INT_FIELDS:
            low, high, nullable = _INT_FIELDS[name]
            ok = value is None and nullable
            if isinstance(value, int) and not isinstance(value, bool):
                ok = low <= value <= high
            if not ok:
                allowed = f"a whole number from {low} to {high}"
                raise setting_error(
                    EDITS_SETTING,
                    shown,
                    allowed + (" or null" if nullable else "") + f" for {treatment}.{name}",
                    field=where,
                )
        elif name in _BOOL_FIELDS:
            if not isinstance(value, bool):
                raise setting_error(
                    EDITS_SETTING, shown, f"true or false for {treatment}.{name}", field=where
                )
        elif not isinstance(value, str) or not value.strip() or len(value) > 100:
            raise setting_error(
                EDITS_SETTING,
                shown,
                f"text of 1 to 100 characters for {treatment}.{name}",
                field=where,
            )
        checked[name] = value
    return checked
