"""Caution rules (§5.3, including logistics): clinician review."""

from __future__ import annotations

from . import sources as src
from .answers import choices
from .data import label
from .rule import Case, Category, rule
from .safety import remote_attempt_reviewed

CARDIO_CONDITIONS = (
    "heart_attack",
    "stroke_or_tia",
    "heart_failure",
    "heart_valve_disease",
    "irregular_heartbeat",
    "angina",
)


def _bp_measured(case: Case) -> dict[str, str]:
    measured = case.answers.get("bp_measured")
    return {"bp_measured": label(measured) if isinstance(measured, str) else "date not given"}


@rule(
    "CAU-BP-CRISIS-RANGE",
    Category.CAUTION,
    reason=(
        "Reported BP {bp_systolic}/{bp_diastolic} ({bp_measured}) is in the hypertensive-crisis"
        " range: advise prompt medical review of BP; ketamine raises BP. High priority."
    ),
    source=(src.ACC_AHA, src.SPRAVATO_PI),
    details=_bp_measured,
)
def bp_in_crisis_range(case: Case) -> bool:
    return case.scores.bp_crisis_range


@rule(
    "CAU-BP-ELEVATED",
    Category.CAUTION,
    reason=(
        "Reported BP {bp_systolic}/{bp_diastolic} is above"
        " {bp_caution_systolic}/{bp_caution_diastolic}: label advises weighing delay when BP is"
        " elevated before dosing."
    ),
    source=(src.SPRAVATO_PI,),
)
def bp_elevated(case: Case) -> bool:
    return case.scores.bp_elevated


@rule(
    "CAU-HTN-UNCONTROLLED",
    Category.CAUTION,
    reason="Has high blood pressure that is not controlled.",
    source=(src.SPRAVATO_PI, src.COHEN_2018, src.CLINICS),
)
def hypertension_uncontrolled(case: Case) -> bool:
    get = case.answers.get
    return get("hypertension_diagnosed") == "yes" and get("hypertension_controlled") == "no"


def _cardio_list(case: Case) -> dict[str, str]:
    chosen = choices(case.answers.get("cardio_conditions"))
    return {"list": ", ".join(label(c) for c in CARDIO_CONDITIONS if c in chosen)}


@rule(
    "CAU-CARDIOVASCULAR",
    Category.CAUTION,
    reason=(
        "Cardio/cerebrovascular history: {list}. Needs risk assessment (label: increased risk;"
        " pain guideline: avoid in poorly controlled CV disease)."
    ),
    source=(src.SPRAVATO_PI, src.COHEN_2018),
    details=_cardio_list,
)
def cardiovascular_history(case: Case) -> bool:
    for condition in choices(case.answers.get("cardio_conditions")):
        if condition in CARDIO_CONDITIONS:
            return True
    return False


@rule(
    "CAU-BRAIN-ICP",
    Category.CAUTION,
    reason=(
        "Brain injury/tumour or raised intracranial pressure: ketamine may raise ICP (label"
        " counselling; grade C caution)."
    ),
    source=(src.SPRAVATO_PI, src.COHEN_2018),
)
def raised_intracranial_pressure(case: Case) -> bool:
    return case.answers.get("brain_injury_or_pressure") == "yes"


@rule(
    "CAU-EYE-PRESSURE",
    Category.CAUTION,
    reason=(
        "Glaucoma / raised intraocular pressure: use only with extreme caution or not at all"
        " (grade C)."
    ),
    source=(src.COHEN_2018,),
)
def raised_eye_pressure(case: Case) -> bool:
    return case.answers.get("glaucoma_or_eye_pressure") == "yes"


@rule(
    "CAU-LIVER",
    Category.CAUTION,
    reason=(
        "Liver disease: severe hepatic impairment not recommended (esketamine) / avoid (IV);"
        " moderate needs longer monitoring."
    ),
    source=(src.SPRAVATO_PI, src.COHEN_2018),
)
def liver_disease(case: Case) -> bool:
    return case.answers.get("liver_disease") == "yes"


@rule(
    "CAU-BLADDER",
    Category.CAUTION,
    reason="Bladder problems: ulcerative/interstitial cystitis warning.",
    source=(src.SPRAVATO_PI,),
)
def bladder_problems(case: Case) -> bool:
    return case.answers.get("bladder_problems") == "yes"


@rule(
    "CAU-MEMORY-DISORDER",
    Category.CAUTION,
    reason=(
        "Dementia / memory disorder: cognitive-impairment warning; clinics exclude"
        " neurocognitive disorders."
    ),
    source=(src.SPRAVATO_PI, src.CLINICS),
)
def memory_disorder(case: Case) -> bool:
    return case.answers.get("memory_disorder") == "yes"


@rule(
    "CAU-PSYCHOSIS-CURRENT",
    Category.CAUTION,
    reason="Current psychotic symptoms: assess carefully; many clinics exclude. High priority.",
    source=(src.SPRAVATO_PI, src.COHEN_2018, src.CLINICS, src.SANACORA),
)
def current_psychosis(case: Case) -> bool:
    return _reviewed(case) and case.answers.get("psychosis_current") == "yes"


@rule(
    "CAU-PSYCHOSIS-HISTORY",
    Category.CAUTION,
    reason="Past psychosis: dissociation risk; benefit must outweigh risk.",
    source=(src.SPRAVATO_PI, src.SANACORA),
)
def past_psychosis(case: Case) -> bool:
    get = case.answers.get
    return get("psychosis_ever") == "yes" and get("psychosis_current") != "yes"


@rule(
    "CAU-MANIA-CURRENT",
    Category.CAUTION,
    reason="Current mania/hypomania symptoms. High priority.",
    source=(src.CLINICS, src.BIPOLAR),
)
def current_mania(case: Case) -> bool:
    return _reviewed(case) and case.answers.get("mania_current") == "yes"


@rule(
    "CAU-BIPOLAR-MANIA-HISTORY",
    Category.CAUTION,
    reason=(
        "Bipolar disorder / past mania: esketamine not studied in bipolar depression; IV ketamine"
        " studied add-on to mood stabiliser; adequacy criteria for bipolar trials differ."
    ),
    source=(src.BIPOLAR, src.ATHF),
)
def bipolar_or_past_mania(case: Case) -> bool:
    get = case.answers.get
    bipolar = "bipolar_depression" in choices(get("conditions"))
    return (
        case.settings.bipolar_depression_outcome == "needs_clinician_review"
        and (get("mania_ever") == "yes" or bipolar)
        and get("mania_current") != "yes"
    )


@rule(
    "CAU-SUBSTANCE-RECENT",
    Category.CAUTION,
    reason=(
        "Alcohol/drug problems in past 3 months: abuse-and-misuse warning; serial infusions not"
        " advised with active substance problem; clinics require ≥3 months."
    ),
    source=(src.SPRAVATO_PI, src.COHEN_2018, src.CLINICS),
)
def recent_substance_problem(case: Case) -> bool:
    return case.answers.get("substance_problem_recent") == "yes"


@rule(
    "CAU-KETAMINE-MISUSE",
    Category.CAUTION,
    reason="Non-medical ketamine/PCP use in past 12 months.",
    source=(src.SPRAVATO_PI, src.CLINICS),
)
def recent_ketamine_misuse(case: Case) -> bool:
    return _reviewed(case) and case.answers.get("ketamine_nonmedical_use") == "within_12_months"


@rule(
    "CAU-BREASTFEEDING",
    Category.CAUTION,
    reason="Breastfeeding: not recommended during esketamine treatment.",
    source=(src.SPRAVATO_PI,),
)
def breastfeeding(case: Case) -> bool:
    get = case.answers.get
    return get("pregnancy_applicable") == "yes" and get("breastfeeding") == "yes"


@rule(
    "CAU-MAOI",
    Category.CAUTION,
    reason="Takes an MAOI: may increase BP with esketamine; REMS form records MAOIs.",
    source=(src.SPRAVATO_PI, src.REMS),
)
def takes_maoi(case: Case) -> bool:
    return "maoi" in choices(case.answers.get("current_medications"))


def _problem_text(case: Case) -> dict[str, str]:
    text = case.answers.get("prior_ketamine_problems_text")
    return {
        "prior_ketamine_problems_text": text.strip()
        if isinstance(text, str) and text.strip()
        else "no details given"
    }


@rule(
    "CAU-PRIOR-KETAMINE-PROBLEM",
    Category.CAUTION,
    reason='Previous serious reaction to ketamine/esketamine: "{prior_ketamine_problems_text}".',
    source=(src.SPRAVATO_PI,),
    details=_problem_text,
)
def prior_ketamine_problem(case: Case) -> bool:
    get = case.answers.get
    return get("prior_ketamine") == "yes" and get("prior_ketamine_problems") == "yes"


@rule(
    "LOG-NO-TRANSPORT",
    Category.CAUTION,
    reason=(
        "No one to take them home: cannot drive until the next day; REMS requires arrangements"
        " to leave safely. Discuss options."
    ),
    source=(src.SPRAVATO_PI, src.REMS),
)
def no_transport_home(case: Case) -> bool:
    return case.answers.get("transport_home") == "no"


@rule(
    "LOG-CANNOT-ATTEND",
    Category.CAUTION,
    reason=(
        "Cannot attend the induction schedule (2 visits/week for 4 weeks, ~2 h each, or IV series)."
    ),
    source=(src.SPRAVATO_PI,),
)
def cannot_attend_induction(case: Case) -> bool:
    return case.answers.get("can_attend_induction") == "no"


def _reviewed(case: Case) -> bool:
    """§10 choice: current psychosis / mania and recent ketamine misuse need review (drafted)."""
    return case.settings.psychosis_mania_ketamine_outcome == "needs_clinician_review"


def _cautioned(case: Case, medicine: str) -> bool:
    return case.settings.benzodiazepine_stimulant_category == "caution" and (
        medicine in choices(case.answers.get("current_medications"))
    )


@rule(
    "CAU-MED-BENZODIAZEPINE",
    Category.CAUTION,
    reason=(
        "Benzodiazepine: more sedation; may blunt ketamine's antidepressant effect (especially"
        " higher doses). This clinic reviews it before an evaluation."
    ),
    source=(src.SPRAVATO_PI, src.INTERACTIONS),
)
def benzodiazepine_caution(case: Case) -> bool:
    return _cautioned(case, "benzodiazepine")


@rule(
    "CAU-MED-STIMULANT",
    Category.CAUTION,
    reason=(
        "Psychostimulant: may increase BP with esketamine. This clinic reviews it before an"
        " evaluation."
    ),
    source=(src.SPRAVATO_PI, src.REMS),
)
def stimulant_caution(case: Case) -> bool:
    return _cautioned(case, "stimulant")


@rule(
    "CAU-REMOTE-ATTEMPT",
    Category.CAUTION,
    reason=(
        "Suicide attempt {asq_attempt_when}, no current suicidal thoughts: this clinic reviews"
        " it with high priority (past behaviour, not imminent). A clinician asks about safety."
    ),
    source=(src.ASQ,),
)
def remote_attempt(case: Case) -> bool:
    return remote_attempt_reviewed(case)


CAUTION_RULES = (
    bp_in_crisis_range,
    bp_elevated,
    hypertension_uncontrolled,
    cardiovascular_history,
    raised_intracranial_pressure,
    raised_eye_pressure,
    liver_disease,
    bladder_problems,
    memory_disorder,
    current_psychosis,
    past_psychosis,
    current_mania,
    bipolar_or_past_mania,
    recent_substance_problem,
    recent_ketamine_misuse,
    breastfeeding,
    takes_maoi,
    prior_ketamine_problem,
    no_transport_home,
    cannot_attend_induction,
    benzodiazepine_caution,
    stimulant_caution,
    remote_attempt,
)
