"""Static clinical data of the rule set: the minimum-dose table and display names (§3)."""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import Final

from .treatment_data import PATHWAY_LABELS

# Lowest dose of the US-labelled usual/target range for adult MDD, in mg/day.
# None = no threshold: dose adequacy is "undetermined" and a clinician checks.
DOSE_TABLE: Final = MappingProxyType[str, float | None](
    {
        "citalopram": 20,
        "escitalopram": 10,
        "fluoxetine": 20,
        "paroxetine": 20,
        "paroxetine_cr": 25,
        "sertraline": 50,
        "fluvoxamine": None,
        "venlafaxine": 75,
        "desvenlafaxine": 50,
        "duloxetine": 40,
        "levomilnacipran": 40,
        "bupropion": 300,
        "mirtazapine": 15,
        "trazodone": 150,
        "nefazodone": 300,
        "vilazodone": 20,
        "vortioxetine": 10,
        "amitriptyline": 75,
        "nortriptyline": 75,
        "imipramine": 75,
        "desipramine": 100,
        "doxepin": 75,
        "protriptyline": 15,
        "trimipramine": 75,
        "clomipramine": None,
        "phenelzine": 60,
        "tranylcypromine": 30,
        "isocarboxazid": None,
        "selegiline_transdermal": 6,
    }
)

# Highest dose of the US label's recommended range for adult MDD, in mg/day (the label's
# maximum; inpatient maxima where the label gives them). Source: sources.LABELS, the Dosage and
# Administration section of each US prescribing information (DailyMed). A reported daily dose
# above it is implausible: the patient is asked to confirm it, and a confirmed one leaves the
# trial's adequacy unverified (MIS-TRIAL-ADEQUACY) for a clinician to check.
MAX_DOSE_TABLE: Final = MappingProxyType[str, float](
    {
        "citalopram": 40,
        "escitalopram": 20,
        "fluoxetine": 80,
        "paroxetine": 50,
        "paroxetine_cr": 62.5,
        "sertraline": 200,
        "fluvoxamine": 300,
        "venlafaxine": 375,
        "desvenlafaxine": 400,
        "duloxetine": 120,
        "levomilnacipran": 120,
        "bupropion": 450,
        "mirtazapine": 45,
        "trazodone": 600,
        "nefazodone": 600,
        "vilazodone": 40,
        "vortioxetine": 20,
        "amitriptyline": 300,
        "nortriptyline": 150,
        "imipramine": 300,
        "desipramine": 300,
        "doxepin": 300,
        "protriptyline": 60,
        "trimipramine": 300,
        "clomipramine": 250,
        "phenelzine": 90,
        "tranylcypromine": 60,
        "isocarboxazid": 60,
        "selegiline_transdermal": 12,
    }
)
DOSE_ABOVE_MAXIMUM: Final = "dose_above_maximum"
"""The gap of a trial whose confirmed daily dose is above ``MAX_DOSE_TABLE``."""

DRUG_NAMES: Final = MappingProxyType[str, str](
    {
        "citalopram": "citalopram (Celexa)",
        "escitalopram": "escitalopram (Lexapro)",
        "fluoxetine": "fluoxetine (Prozac)",
        "paroxetine": "paroxetine IR (Paxil)",
        "paroxetine_cr": "paroxetine CR (Paxil CR)",
        "sertraline": "sertraline (Zoloft)",
        "fluvoxamine": "fluvoxamine (Luvox)",
        "venlafaxine": "venlafaxine IR/XR (Effexor)",
        "desvenlafaxine": "desvenlafaxine (Pristiq)",
        "duloxetine": "duloxetine (Cymbalta)",
        "levomilnacipran": "levomilnacipran (Fetzima)",
        "bupropion": "bupropion IR/SR/XL (Wellbutrin)",
        "mirtazapine": "mirtazapine (Remeron)",
        "trazodone": "trazodone (Desyrel, Oleptro)",
        "nefazodone": "nefazodone",
        "vilazodone": "vilazodone (Viibryd)",
        "vortioxetine": "vortioxetine (Trintellix)",
        "amitriptyline": "amitriptyline",
        "nortriptyline": "nortriptyline (Pamelor)",
        "imipramine": "imipramine (Tofranil)",
        "desipramine": "desipramine (Norpramin)",
        "doxepin": "doxepin (capsules)",
        "protriptyline": "protriptyline",
        "trimipramine": "trimipramine",
        "clomipramine": "clomipramine (Anafranil)",
        "phenelzine": "phenelzine (Nardil)",
        "tranylcypromine": "tranylcypromine (Parnate)",
        "isocarboxazid": "isocarboxazid (Marplan)",
        "selegiline_transdermal": "selegiline patch (Emsam), mg/24 h",
        "other": "other",
        "unknown": "unknown",
    }
)


# Generic names without brands, e.g. "paroxetine CR" or "selegiline patch".
SHORT_DRUG_NAMES: Final = MappingProxyType[str, str](
    {drug: name.split(" (", 1)[0] for drug, name in DRUG_NAMES.items()}
)


def short_drug_name(drug: str) -> str:
    """Return the generic name without brand names, e.g. "paroxetine CR" or "selegiline patch"."""
    name = SHORT_DRUG_NAMES.get(drug)
    return name if name is not None else drug.replace("_", " ")


# Plain-English labels used when a reason lists answers back to a coordinator.
CHOICE_LABELS: Final = MappingProxyType[str, str](
    {
        "bipolar_depression": "bipolar depression",
        "chronic_pain": "chronic pain",
        "ptsd": "PTSD",
        "ocd": "OCD",
        "crps": "CRPS",
        "spinal_cord_injury": "spinal cord injury",
        "phantom_limb": "phantom limb",
        "postherpetic_neuralgia": "postherpetic neuralgia",
        "cancer_pain": "cancer pain",
        "low_back_pain": "low back pain",
        "heart_attack": "heart attack",
        "stroke_or_tia": "stroke or TIA",
        "heart_failure": "heart failure",
        "heart_valve_disease": "heart valve disease",
        "irregular_heartbeat": "irregular heartbeat",
        "atypical_antipsychotic": "atypical antipsychotic",
        "thyroid_hormone": "thyroid hormone",
        "second_antidepressant": "second antidepressant",
        "cbt": "CBT",
        "ipt": "IPT",
        "behavioral_activation": "behavioral activation",
        "dbt": "DBT",
        "act": "ACT",
        "mbct": "MBCT",
        "supportive_counseling": "supportive counseling",
        "iv_ketamine": "IV ketamine",
        "esketamine_nasal": "esketamine nasal spray",
        "oral_or_sublingual": "oral or sublingual",
        "within_1_month": "measured within 1 month",
        "1_to_6_months": "measured 1-6 months ago",
        "over_6_months": "measured over 6 months ago",
        "within_3_months": "within 3 months",
        "3_to_12_months": "3-12 months ago",
        "over_12_months": "over 12 months ago",
        "brain_injury_or_pressure": "brain injury or raised intracranial pressure",
        "glaucoma_or_eye_pressure": "glaucoma or raised eye pressure",
        "liver_disease": "liver disease",
        "bladder_problems": "bladder problems",
        "memory_disorder": "memory disorder",
        "cardio_conditions": "heart or stroke history",
        "ci_aneurysm": "aneurysm",
        "ci_avm": "arteriovenous malformation",
        "ci_brain_bleed": "bleeding in the brain",
        "ci_ketamine_allergy": "allergy to ketamine/esketamine",
        "psychosis_ever": "psychosis ever",
        "psychosis_current": "psychosis now",
        "mania_ever": "mania ever",
        "mania_current": "mania now",
    }
)


def label(value: str) -> str:
    """Return the coordinator-facing label of an answer value or field name."""
    return CHOICE_LABELS.get(value) or PATHWAY_LABELS.get(value) or value.replace("_", " ")


def sentence(text: str) -> str:
    """``text`` with its first letter in capitals (the rest kept: "Stroke or TIA")."""
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=512)
def labels(values: tuple[object, ...]) -> str:
    """Comma-separated labels of a multi-choice answer (cached: the same lists recur)."""
    return ", ".join(label(v) if isinstance(v, str) else str(v) for v in values)


PHQ9_FREQUENCY: Final = (
    "not at all",
    "several days",
    "more than half the days",
    "nearly every day",
)
