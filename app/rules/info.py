"""Info rules (§5.7): shown to staff, never change the outcome."""

from __future__ import annotations

from . import sources as src
from .answers import choices
from .data import label, short_drug_name
from .rule import Case, Category, rule
from .trials import INADEQUATE


@rule(
    "INFO-MED-BENZODIAZEPINE",
    Category.INFO,
    reason=(
        "Benzodiazepine: more sedation; may blunt ketamine's antidepressant effect (especially"
        " higher doses)."
    ),
    source=(src.SPRAVATO_PI, src.INTERACTIONS),
)
def takes_benzodiazepine(case: Case) -> bool:
    return case.settings.benzodiazepine_stimulant_category == "info" and (
        "benzodiazepine" in choices(case.answers.get("current_medications"))
    )


@rule(
    "INFO-MED-SLEEP",
    Category.INFO,
    reason="Sedative-hypnotic: additive sedation; recorded on REMS form.",
    source=(src.SPRAVATO_PI, src.REMS),
)
def takes_sleep_medication(case: Case) -> bool:
    return "sleep_medication" in choices(case.answers.get("current_medications"))


@rule(
    "INFO-MED-OPIOID",
    Category.INFO,
    reason="Opioid: CNS depressant (sedation, respiratory depression).",
    source=(src.SPRAVATO_PI,),
)
def takes_opioid(case: Case) -> bool:
    return "opioid" in choices(case.answers.get("current_medications"))


@rule(
    "INFO-MED-STIMULANT",
    Category.INFO,
    reason="Psychostimulant: may increase BP with esketamine.",
    source=(src.SPRAVATO_PI, src.REMS),
)
def takes_stimulant(case: Case) -> bool:
    return case.settings.benzodiazepine_stimulant_category == "info" and (
        "stimulant" in choices(case.answers.get("current_medications"))
    )


@rule(
    "INFO-MED-LAMOTRIGINE",
    Category.INFO,
    reason="Lamotrigine: may reduce ketamine effects; effect on efficacy unknown.",
    source=(src.INTERACTIONS,),
)
def takes_lamotrigine(case: Case) -> bool:
    return "lamotrigine" in choices(case.answers.get("current_medications"))


@rule(
    "INFO-MEDS-UNSURE",
    Category.INFO,
    reason="Not sure which medicines they take: get a list.",
    source=(src.NONE,),
)
def medicines_unsure(case: Case) -> bool:
    return "unsure" in choices(case.answers.get("current_medications"))


@rule(
    "INFO-BP-NOT-PROVIDED",
    Category.INFO,
    reason="No BP reading given; BP is measured before any dose.",
    source=(src.SPRAVATO_PI, src.REMS),
)
def bp_not_provided(case: Case) -> bool:
    return not case.scores.bp_given


@rule(
    "INFO-BP-READING-OLD",
    Category.INFO,
    reason="BP reading older than 6 months.",
    source=(src.NONE,),
)
def bp_reading_old(case: Case) -> bool:
    return case.scores.bp_given and case.answers.get("bp_measured") == "over_6_months"


@rule(
    "INFO-PRIOR-KETAMINE",
    Category.INFO,
    reason=(
        "Previous ketamine/esketamine treatment ({prior_ketamine_forms}); response"
        " {prior_ketamine_response}."
    ),
    source=(src.CLINICS,),
)
def prior_ketamine(case: Case) -> bool:
    return case.answers.get("prior_ketamine") == "yes"


@rule(
    "INFO-KETAMINE-REMOTE-USE",
    Category.INFO,
    reason="Non-medical ketamine/PCP use more than 12 months ago.",
    source=(src.SPRAVATO_PI,),
)
def remote_ketamine_use(case: Case) -> bool:
    return case.answers.get("ketamine_nonmedical_use") == "over_12_months_ago"


@rule(
    "INFO-PLANNING-PREGNANCY",
    Category.INFO,
    reason="Planning pregnancy: label advises pregnancy planning/prevention.",
    source=(src.SPRAVATO_PI,),
)
def planning_pregnancy(case: Case) -> bool:
    get = case.answers.get
    return get("pregnancy_applicable") == "yes" and get("planning_pregnancy") == "yes"


def _weak_pain(case: Case) -> dict[str, str]:
    get = case.answers.get
    conditions = choices(get("conditions"))
    found = []
    if "chronic_pain" in conditions:
        found = [label(p) for p in choices(get("pain_types")) if p != "crps"]
    if "migraine" in conditions:
        found.append("migraine")
    return {"list": ", ".join(found)}


@rule(
    "INFO-PAIN-EVIDENCE-WEAK",
    Category.INFO,
    reason="Pain type(s) / migraine ({list}): weak or no evidence for IV ketamine.",
    source=(src.COHEN_2018,),
    details=_weak_pain,
)
def weak_pain_evidence(case: Case) -> bool:
    get = case.answers.get
    conditions = choices(get("conditions"))
    return (
        "chronic_pain" in conditions and any(p != "crps" for p in choices(get("pain_types")))
    ) or "migraine" in conditions


def _intolerant_trials(case: Case) -> list[str]:
    return [
        short_drug_name(t.drug)
        for t in case.scores.trials
        if t.stopped_reason == "side_effects" and t.adequacy == INADEQUATE
    ]


@rule(
    "INFO-TRIAL-INTOLERANCE",
    Category.INFO,
    reason="Stopped {drugs} early for side effects: intolerance, not counted as failed trials.",
    source=(src.ATHF,),
    details=lambda case: {"drugs": ", ".join(_intolerant_trials(case))},
)
def trial_intolerance(case: Case) -> bool:
    for trial in case.scores.trials:
        if trial.stopped_reason == "side_effects" and trial.adequacy == INADEQUATE:
            return True
    return False


@rule(
    "INFO-GAD7-SCORE",
    Category.INFO,
    reason="GAD-7 {gad7_total} ({gad7_band}); ≥10 warrants evaluation.",
    source=(src.GAD7,),
)
def gad7_score(case: Case) -> bool:
    return case.scores.gad7_total is not None


@rule(
    "INFO-PCL5-SCORE",
    Category.INFO,
    reason="PCL-5 {pcl5_total}{probable_ptsd}.",
    source=(src.PCL5,),
    details=lambda case: {
        "probable_ptsd": "; probable PTSD" if case.scores.pcl5_probable_ptsd else ""
    },
)
def pcl5_score(case: Case) -> bool:
    return case.scores.pcl5_total is not None


@rule(
    "INFO-SCHEDULE-UNSURE",
    Category.INFO,
    reason="Unsure about the induction schedule.",
    source=(src.NONE,),
)
def schedule_unsure(case: Case) -> bool:
    return case.answers.get("can_attend_induction") == "unsure"


@rule(
    "INFO-MSM-INCOMPLETE",
    Category.INFO,
    reason="MSM-style stage incomplete (episode duration unknown).",
    source=(src.MSM,),
)
def msm_incomplete(case: Case) -> bool:
    scores = case.scores
    return (
        scores.depression_pathway
        and scores.adequate_failed_trials >= 1
        and scores.msm_total is None
    )


@rule(
    "INFO-BIPOLAR-IV-KETAMINE",
    Category.INFO,
    reason=(
        "Bipolar disorder / past mania: this clinic considers IV ketamine as an add-on to a mood"
        " stabiliser; esketamine is not studied in bipolar depression."
    ),
    source=(src.BIPOLAR, src.ATHF),
)
def bipolar_for_iv_ketamine(case: Case) -> bool:
    get = case.answers.get
    bipolar = "bipolar_depression" in choices(get("conditions"))
    return (
        case.settings.bipolar_depression_outcome == "likely_candidate"
        and (get("mania_ever") == "yes" or bipolar)
        and get("mania_current") != "yes"
    )


INFO_RULES = (
    takes_benzodiazepine,
    takes_sleep_medication,
    takes_opioid,
    takes_stimulant,
    takes_lamotrigine,
    medicines_unsure,
    bp_not_provided,
    bp_reading_old,
    prior_ketamine,
    remote_ketamine_use,
    planning_pregnancy,
    weak_pain_evidence,
    trial_intolerance,
    gad7_score,
    pcl5_score,
    schedule_unsure,
    msm_incomplete,
    bipolar_for_iv_ketamine,
)
