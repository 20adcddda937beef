"""Per-treatment results on the staff pages (issue 21): the queue row's verdicts, the queue's
treatment filter, and the submission page's section per treatment with its prior-authorization
checklist.

Reads the decision document's ``treatments`` block (clinical-pathways.md §5.5); the rules' reasons
and sources come from the document's list of fired rules, by id. A decision without
``treatments`` (stored before issue 21) shows no section, as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from app import questionnaire
from app.models import Submission
from app.review.labels import (
    CATEGORY_LABELS,
    CHECKLIST_STATUS_LABELS,
    ECT_OUTCOME_LABELS,
    OUTCOME_LABELS,
    TREATMENT_LABELS,
    label,
)
from app.rules import PRESETS, Settings
from app.rules import checklist as checklists
from app.templating import translate
from app.treatment_index import OUTCOMES, TREATMENTS, outcomes_of

ECT = "ect_referral"
ECT_OUTCOMES = ("likely_candidate", "not_a_candidate_now")
"""An ECT referral is two-level (§5.5): a trigger, or none."""

SHORT_OUTCOME_LABELS = {
    "likely_candidate": _l("likely"),
    "needs_clinician_review": _l("review"),
    "not_a_candidate_now": _l("not now"),
}
SHORT_ECT_LABELS = {
    "likely_candidate": _l("discuss referral"),
    "needs_clinician_review": _l("could discuss"),
    "not_a_candidate_now": _l("no trigger"),
}

FACT_LABELS = {
    "identity_insurance": _l("Name, date of birth, insurance and plan"),
    "diagnosis": _l("Diagnosis and episode (the clinician chooses the code)"),
    "episode_onset": _l("Onset of the current episode (payers want a date)"),
    "antidepressant_trials": _l(
        "Each antidepressant: name, class, dose, weeks, when it ended, response, why stopped"
    ),
    "intolerance": _l("Intolerance: which medicine, which side effect"),
    "augmentation": _l("Augmentation: agent, dose, weeks, response"),
    "psychotherapy": _l("Psychotherapy: type, sessions, weeks, when, response"),
    "ect_history": _l("ECT history"),
    "prior_tms": _l("Previous TMS: sessions and response"),
    "severity": _l("Baseline severity score and date"),
    "tms_contraindications": _l("Metal and devices in the head, implants, seizures, neurology"),
    "psychiatric_screen": _l("Psychosis, bipolar disorder, substance use, suicidality"),
    "concurrent_ketamine": _l("Ketamine or esketamine at the same time"),
    "tms_order": _l("Ordering psychiatrist, device, protocol, planned sessions, supervision"),
    "age": _l("Age"),
    "current_antidepressant": _l("Current oral antidepressant"),
    "esketamine_contraindications": _l("Aneurysm, AVM, brain bleed, hypersensitivity"),
    "psychosis_history": _l("Psychosis history (prescriber attests benefit over risk)"),
    "substance_use": _l("Substance or alcohol use"),
    "prior_esketamine": _l("Previous ketamine or esketamine and response"),
    "bp_history": _l("Blood pressure history"),
    "rems_prescriber": _l("PDMP check, psychiatrist prescriber, REMS setting and enrolment"),
    "weight": _l("Weight (for dosing)"),
    "bp_cardiovascular": _l("Blood pressure and heart history"),
    "thyroid": _l("Overactive thyroid"),
    "current_medications": _l("Medicines that matter on the day"),
    "pregnancy": _l("Pregnancy and breastfeeding"),
    "transport": _l("A ride home"),
    "off_label_consent": _l("Written consent to off-label treatment"),
    "suicidality": _l("Suicidal thoughts"),
    "tms_ketamine_history": _l("TMS and ketamine history"),
    "anaesthesia_history": _l("Anaesthesia-relevant history"),
    "clinician_findings": _l("The clinician's findings"),
}
REQUIREMENT_LABELS = {
    "min_failed_trials": _l("at least %(n)s failed trials"),
    "min_classes": _l("from at least %(n)s classes"),
    "min_weeks": _l("at least %(n)s weeks each"),
    "augmentation_kinds": _l("at least %(n)s kinds of augmentation"),
    "psychotherapy": _l("a psychotherapy trial that did not work"),
    "min_phq9": _l("PHQ-9 at least %(n)s"),
    "max_age": _l("age at most %(n)s"),
}


def outcome_words(treatment: str, outcome: str | None) -> str:
    """A treatment's outcome in words; an ECT referral's as a referral suggestion."""
    return label(ECT_OUTCOME_LABELS if treatment == ECT else OUTCOME_LABELS, outcome)


def _joined(treatment: object, outcome: object) -> str:
    """ "TMS: Likely candidate", in the language of the request (both parts are lazy)."""
    return f"{treatment}: {outcome}"


def treatment_filter_choices() -> list[SelectChoice]:
    """The queue's treatment filter: any, then per treatment "evaluated" and each outcome."""
    choices = [SelectChoice("", _l("Any treatment"))]
    for code in TREATMENTS:
        name = TREATMENT_LABELS[code]
        group = str(code)
        choices.append(
            SelectChoice(code, _l("%(treatment)s: any outcome", treatment=name), optgroup=group)
        )
        labels = ECT_OUTCOME_LABELS if code == ECT else OUTCOME_LABELS
        for outcome in ECT_OUTCOMES if code == ECT else OUTCOMES:
            choices.append(
                SelectChoice(
                    f"{code}:{outcome}",
                    LazyString(_joined, name, labels[outcome]),
                    optgroup=group,
                )
            )
    return choices


@dataclass(frozen=True)
class Verdict:
    treatment: str
    name: str
    outcome: str
    words: str  # short, for the queue row
    full: str  # the outcome in words


def verdicts(outcomes: Mapping[str, str]) -> list[Verdict]:
    """The queue row's verdicts, one per treatment evaluated, in TREATMENTS order."""
    found = []
    for code in TREATMENTS:
        outcome = outcomes.get(code)
        if outcome is None:
            continue
        short = SHORT_ECT_LABELS if code == ECT else SHORT_OUTCOME_LABELS
        found.append(
            Verdict(
                code,
                label(TREATMENT_LABELS, code),
                outcome,
                label(short, outcome),
                outcome_words(code, outcome),
            )
        )
    return found


# -- the submission page's sections --------------------------------------------------------


@dataclass(frozen=True)
class ChecklistRow:
    fact: str
    label: str
    status: str
    status_label: str
    values: list[str]
    requirement: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class TreatmentSection:
    treatment: str
    name: str
    outcome: str
    words: str
    rules: list[dict[str, Any]]
    profile: str | None
    not_met: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    checklist: list[ChecklistRow] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"treatment-{self.treatment.replace('_', '-')}"


def _fired_by_id(decision: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    fired = [*(decision.get("rules") or ()), *(decision.get("rules_fired") or ())]
    return {str(r.get("id")): r for r in fired if isinstance(r, Mapping)}


def _rule_views(ids: Any, fired: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    views = []
    for rule_id in ids if isinstance(ids, list | tuple) else ():
        rule = fired.get(str(rule_id), {})
        views.append(
            {
                "id": str(rule_id),
                "category": rule.get("category", ""),
                "category_label": label(CATEGORY_LABELS, rule.get("category")),
                "reason": rule.get("reason", ""),
                "source": rule.get("source", ""),
            }
        )
    return views


def profile_label(treatment: str, name: str | None) -> str | None:
    """A payer profile's name as staff read it ("Typical commercial policy")."""
    if not name:
        return None
    preset = PRESETS.get(treatment, {}).get(name)
    return preset.label if preset is not None else name


def sections(submission: Submission, settings: Settings) -> list[TreatmentSection]:
    """One section per treatment the decision evaluated (none for an older decision), each with
    its checklist, held to the payer profiles of the clinic's ``settings``."""
    decision = submission.decision or {}
    blocks = decision.get("treatments") or {}
    fired = _fired_by_id(decision)
    found = []
    for code, outcome in outcomes_of(decision).items():
        block = blocks[code]
        coverage = block.get("coverage") or {}
        made = checklists.checklist(
            code, submission.answers or {}, settings, as_of=submission.as_of
        )
        found.append(
            TreatmentSection(
                treatment=code,
                name=label(TREATMENT_LABELS, code),
                outcome=outcome,
                words=outcome_words(code, outcome),
                rules=_rule_views(block.get("rules"), fired),
                profile=profile_label(code, coverage.get("profile") or made.profile),
                not_met=_rule_views(coverage.get("not_met"), fired),
                gaps=_rule_views(coverage.get("gaps"), fired),
                checklist=checklist_rows(made),
            )
        )
    return found


def checklist_rows(made: checklists.Checklist) -> list[ChecklistRow]:
    return [
        ChecklistRow(
            fact=item.fact,
            label=label(FACT_LABELS, item.fact),
            status=item.status,
            status_label=label(CHECKLIST_STATUS_LABELS, item.status),
            values=[words for name, value in item.values for words in value_words(name, value)],
            requirement=", ".join(
                gettext(str(REQUIREMENT_LABELS[name]), n=number)
                for name, number in item.requirement.items()
                if name in REQUIREMENT_LABELS
            ),
            fields=item.fields,
        )
        for item in made.items
    ]


# -- values in words -----------------------------------------------------------------------


def _answer_words(item_name: str, value: Any) -> str:
    """An answer's value in words: its choices' labels, yes/no, or the value as given."""
    item = questionnaire.ALL_ITEMS.get(item_name)
    if item is None:  # a question this version does not know: its code, readably
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(v).replace("_", " ") for v in values)
    texts, translated = questionnaire.display_values(item, value)
    return ", ".join(translate(text) if translated else text for text in texts)


def _question(item_name: str) -> str:
    item = questionnaire.ALL_ITEMS.get(item_name)
    if item is None:
        return item_name.split(".")[-1].replace("_", " ").capitalize()
    return translate(item.label)


def _entry_words(group: str, entry: Mapping[str, Any], details: Sequence[str]) -> str:
    parts = []
    for name in details:
        value = entry.get(name)
        if not checklists.present(value):
            continue
        if group == "medication_trials" and name == "drug" and value == "other":
            value = entry.get("drug_other") or value
            parts.append(str(value))
        elif name == "daily_dose_mg":
            parts.append(gettext("%(dose)s mg a day", dose=value))
        elif name in ("weeks_at_dose", "weeks"):
            parts.append(gettext("%(weeks)s weeks", weeks=value))
        elif name == "sessions":
            parts.append(gettext("%(sessions)s sessions", sessions=value))
        else:
            words = _answer_words(f"{group}.{name}", value)
            if name == "current_episode":
                words = gettext("this episode: %(answer)s", answer=words)
            parts.append(words)
    return ", ".join(parts)


def value_words(name: str, value: Any) -> list[str]:
    """What one checklist value says, in words (one line per trial)."""
    if name in ("medication_trials", "therapy_trials"):
        details = (
            checklists.TRIAL_DETAILS if name == "medication_trials" else checklists.THERAPY_DETAILS
        )
        return [_entry_words(name, entry, details) for entry in value]
    if name == "no_antidepressant_trials":
        return [gettext("No antidepressant tried")]
    if name == "no_therapy_trials":
        return [gettext("No psychotherapy tried")]
    if name == "stopped_for_side_effects":
        return [gettext("None stopped for side effects")]
    if name == "phq9_total":
        return [gettext("PHQ-9 total %(total)s", total=value)]
    if name == "as_of":
        return [gettext("screened on %(day)s", day=value)]
    if name == "age_years":
        return [gettext("age %(years)s", years=value)]
    return [f"{_question(name)} {_answer_words(name, value)}"]
