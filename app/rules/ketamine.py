"""Esketamine and IV ketamine additions (clinical-pathways.md §5.4): the catalogue's clinical
rules already decide both; these add what differs between them."""

from __future__ import annotations

from . import sources as src
from .answers import choices
from .rule import Case, Category, rule


@rule(
    "ESK-INFO-ACUTE-SI-INDICATION",
    Category.INFO,
    reason=(
        "Besides the urgent safety review: esketamine is also labelled for MDD with acute"
        " suicidal ideation or behaviour (with an oral antidepressant; does not replace"
        " hospitalisation)."
    ),
    source=(src.SPRAVATO_PI,),
)
def acute_si_indication(case: Case) -> bool:
    return case.scores.safety_acute or case.answers.get("asq_thoughts_kill_self") == "yes"


@rule(
    "KET-INFO-OFF-LABEL",
    Category.INFO,
    reason=(
        "IV ketamine for depression is off-label; usually self-pay; written informed consent for"
        " off-label use."
    ),
    source=(src.ASKP3, src.SANACORA),
)
def off_label(case: Case) -> bool:
    return bool(choices(case.answers.get("conditions")))  # every submission (IV offered)


@rule(
    "KET-CAU-THYROID",
    Category.CAUTION,
    reason=(
        "Untreated overactive thyroid: ketamine labelling (CH) lists it as a contraindication;"
        " treat first."
    ),
    source=(src.KETALAR_CH,),
)
def thyroid_overactive(case: Case) -> bool:
    return case.answers.get("thyroid_overactive_untreated") == "yes"


@rule(
    "KET-INFO-WEIGHT-MISSING",
    Category.INFO,
    reason=("No weight: dosing is weight-based (0.5 mg/kg over 40 min in most studies)."),
    source=(src.SANACORA, src.ASKP3),
)
def weight_missing(case: Case) -> bool:
    return case.answers.get("weight_kg") is None


KETAMINE_RULES = (acute_si_indication, off_label, thyroid_overactive, weight_missing)
