"""Static data of the per-treatment pathways (clinical-pathways.md §4.5, §5.1; issue 21).

The treatments a clinic may offer, the antidepressant classes payers count, and the answer values
of the TMS device and seizure questions.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

ESKETAMINE: Final = "esketamine"
IV_KETAMINE: Final = "iv_ketamine"
TMS: Final = "tms"
ECT_REFERRAL: Final = "ect_referral"

TREATMENTS: Final = (ESKETAMINE, IV_KETAMINE, TMS, ECT_REFERRAL)
"""Every treatment a clinic may offer, in the order decisions list them."""

DELIVERED: Final = (ESKETAMINE, IV_KETAMINE, TMS)
"""The treatments a clinic gives itself (ECT is a referral): the queue's outcome is their best."""

PAYER_TREATMENTS: Final = (TMS, ESKETAMINE)
"""The treatments with a payer profile (IV ketamine and ECT referral have none, §5.1)."""

TREATMENT_NAMES: Final = MappingProxyType[str, str](
    {
        ESKETAMINE: "Esketamine (Spravato)",
        IV_KETAMINE: "IV ketamine",
        TMS: "TMS",
        ECT_REFERRAL: "ECT referral",
    }
)

# Antidepressant classes as payers name them (§5.1); "other"/"unknown" drugs have no class.
DRUG_CLASS_NAMES: Final = (
    "ssri",
    "snri",
    "tca",
    "maoi",
    "ndri",
    "nassa",
    "sari",
    "serotonin_modulator",
)


def _classes(**drugs: tuple[str, ...]) -> dict[str, str]:
    return {drug: kind for kind, names in drugs.items() for drug in names}


# The default drug -> class map (the ``drug_classes`` setting; part of the rule-set hash). Whether
# payers count vilazodone/vortioxetine as a class distinct from SSRIs is not verified [R].
DRUG_CLASSES: Final = MappingProxyType[str, str | None](
    _classes(
        ssri=(
            "citalopram",
            "escitalopram",
            "fluoxetine",
            "paroxetine",
            "paroxetine_cr",
            "sertraline",
            "fluvoxamine",
        ),
        snri=("venlafaxine", "desvenlafaxine", "duloxetine", "levomilnacipran"),
        tca=(
            "amitriptyline",
            "nortriptyline",
            "imipramine",
            "desipramine",
            "doxepin",
            "protriptyline",
            "trimipramine",
            "clomipramine",
        ),
        maoi=("phenelzine", "tranylcypromine", "isocarboxazid", "selegiline_transdermal"),
        ndri=("bupropion",),
        nassa=("mirtazapine",),
        sari=("trazodone", "nefazodone"),
        serotonin_modulator=("vilazodone", "vortioxetine"),
    )
)

CLASS_LABELS: Final = MappingProxyType[str, str](
    {
        "ssri": "SSRI",
        "snri": "SNRI",
        "tca": "tricyclic",
        "maoi": "MAOI",
        "ndri": "bupropion (NDRI)",
        "nassa": "mirtazapine (NaSSA)",
        "sari": "SARI",
        "serotonin_modulator": "serotonin modulator",
    }
)

# §4.5 step 8: values of ``head_implants``, ``body_devices`` and ``seizure_history``.
HEAD_IMPLANTS: Final = (
    "aneurysm_clip_or_coil",
    "cochlear_implant",
    "brain_stimulator_or_electrodes",
    "vagus_nerve_stimulator",
    "shunt",
    "stent_head_or_neck",
    "metal_fragments",
    "eye_implant",
    "magnetic_dental_implant",
    "skull_plate_or_screws",
    "other_metal_head_or_neck",
    "none",
    "unsure",
)
IMPLANTS: Final = HEAD_IMPLANTS[:-2]
"""The head implants proper (without ``none`` and ``unsure``)."""

TMS_CONTRAINDICATED_IMPLANTS: Final = IMPLANTS[:9]
"""Default ``tms_contraindicated_implants``: every implant but plates/screws and other metal,
whose material decides (TMS-CAU-HEAD-METAL-UNCERTAIN)."""

HEAD_METAL_UNCERTAIN: Final = frozenset({"skull_plate_or_screws", "other_metal_head_or_neck"})

BODY_DEVICES: Final = (
    "pacemaker",
    "defibrillator_icd",
    "wearable_defibrillator",
    "spinal_cord_stimulator",
    "medication_pump",
    "other",
    "none",
    "unsure",
)
SEIZURE_HISTORY: Final = (
    "never",
    "febrile_in_childhood_only",
    "during_ect_only",
    "withdrawal_related",
    "epilepsy_diagnosed",
    "other_seizure",
    "unsure",
)
SEIZURE_RELEVANT: Final = frozenset({"withdrawal_related", "epilepsy_diagnosed", "other_seizure"})

WHEN_ENDED: Final = (
    "ongoing",
    "within_12_months",
    "1_to_5_years_ago",
    "over_5_years_ago",
    "unsure",
)
INSURANCE_TYPES: Final = (
    "commercial",
    "medicare",
    "medicare_advantage",
    "medicaid",
    "military_or_va",
    "self_pay",
    "unsure",
)

# Labels of the new answer values, for reasons read by coordinators.
PATHWAY_LABELS: Final = MappingProxyType[str, str](
    {
        "aneurysm_clip_or_coil": "aneurysm clip or coil",
        "brain_stimulator_or_electrodes": "brain stimulator or electrodes",
        "stent_head_or_neck": "stent in the head or neck",
        "metal_fragments": "metal fragments",
        "magnetic_dental_implant": "magnetic dental implant",
        "skull_plate_or_screws": "skull plate or screws",
        "other_metal_head_or_neck": "other metal in the head or neck",
        "defibrillator_icd": "implanted defibrillator (ICD)",
        "wearable_defibrillator": "wearable defibrillator",
        "spinal_cord_stimulator": "spinal cord stimulator",
        "medication_pump": "medication pump",
        "febrile_in_childhood_only": "febrile seizures in childhood only",
        "during_ect_only": "seizures during ECT only",
        "withdrawal_related": "withdrawal seizure",
        "epilepsy_diagnosed": "epilepsy",
        "other_seizure": "other seizure",
        "within_12_months": "within 12 months",
        "1_to_5_years_ago": "1-5 years ago",
        "over_5_years_ago": "over 5 years ago",
    }
)
