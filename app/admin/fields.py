"""The settings page's fields: each setting's group, meaning, allowed values and source.

Grouped as clinical-rules.md §1. A new setting in ``ClinicSettings`` (or ``rules.Settings``) is
one ``Setting`` here; its form field is made from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from flask_babel import lazy_gettext as _l

from app.questionnaire.definition import HEAD_IMPLANTS
from app.rules import payers
from app.rules.data import DOSE_TABLE
from app.rules.treatment_data import DRUG_CLASS_NAMES

GROUPS: dict[str, Any] = {
    "eligibility": _l("Who can be a candidate"),
    "safety": _l("Safety and crisis resources"),
    "blood_pressure": _l("Blood pressure"),
    "treatments": _l("Other treatments and scores"),
    "pathways": _l("Treatments offered, payer profiles, TMS and ECT"),
    "doses": _l("Minimum daily doses"),
    "priority": _l("Queue priority"),
    "clinic": _l("The clinic"),
    "alerts": _l("Safety alerts to the clinic's on-call staff"),
    "open_questions": _l("Choices for the medical director (clinical-rules.md §10)"),
}
# Values of the choice settings, as the page names them.
CHOICE_LABELS: dict[str, Any] = {
    "needs_clinician_review": _l("Clinician review (as drafted)"),
    "not_a_candidate_now": _l("Not a candidate now"),
    "info": _l("Information for staff (as drafted)"),
    "caution": _l("A caution: clinician review"),
    "urgent_safety_review": _l("Urgent safety review (as drafted)"),
    "likely_candidate": _l("Likely candidate (for IV ketamine) when nothing else needs review"),
    "lb": _l("Pounds (lb)"),
    "kg": _l("Kilograms (kg)"),
    "ft_in": _l("Feet and inches"),
    "cm": _l("Centimetres (cm)"),
    "esketamine": _l("Esketamine nasal spray (Spravato)"),
    "iv_ketamine": _l("IV ketamine"),
    "tms": _l("TMS (transcranial magnetic stimulation)"),
    "ect_referral": _l("Referral for ECT (electroconvulsive therapy)"),
}
# The TMS implants, as the questionnaire names them (translated where shown).
IMPLANT_CHOICES = tuple(
    (c.value, c.label) for c in HEAD_IMPLANTS if c.value not in ("none", "unsure")
)
DRUG_CLASSES_TEXT = ", ".join(DRUG_CLASS_NAMES)
# A payer profile's criteria a clinic edits on the page (its label stays the preset's).
CRITERIA = tuple(
    f.name for f in fields(payers.PayerProfile) if f.name in payers.EDITABLE and f.name != "label"
)
# What each criterion of a payer profile means (the page's key to the criteria lines).
CRITERION_HELP: dict[str, Any] = {
    "min_failed_trials": _l("adequate failed antidepressant trials the payer asks for"),
    "count_intolerance": _l("a medicine stopped for side effects counts as a trial"),
    "min_classes": _l("different antidepressant classes among the failed trials (0: any)"),
    "min_weeks": _l("weeks at dose of each failed trial (none: the clinic's adequate trial)"),
    "augmentation_kinds": _l("kinds of added medicine tried (0: not asked)"),
    "psychotherapy": _l("a talking therapy tried without enough help"),
    "augmentation_or_psychotherapy": _l("either an added medicine or a talking therapy will do"),
    "min_phq9": _l("PHQ-9 total the payer expects (none: not asked)"),
    "oral_ad_required": _l("taking an antidepressant by mouth now"),
    "oral_ad_not_failed": _l("that antidepressant is not one that failed"),
    "max_age": _l("oldest age the policy covers (none: no limit)"),
    "nonresponse_max_pct": _l("most improvement that still counts as no response, in "
                              "percent (none: not asked)"),
    "excludes_active_si": _l("not covered with current suicidal thoughts"),
    "excludes_bipolar": _l("not covered in bipolar disorder"),
    "excludes_untreated_sud": _l("not covered with an untreated substance use problem"),
}  # fmt: skip
# The allowed values of the clinic's own choice settings (the rules' are rules.settings.CHOICES).
CLINIC_CHOICES: dict[str, tuple[str, ...]] = {
    "weight_unit": ("lb", "kg"),
    "height_unit": ("ft_in", "cm"),
}


@dataclass(frozen=True)
class Setting:
    """One setting on the page. ``path`` is ``rules.<name>`` for a rule setting."""

    path: str
    group: str
    label: Any
    meaning: Any
    allowed: Any
    source: str
    # int, bool, text, optional_text, emails, dose_table, languages, fixed, choice, treatments,
    # implants, payer_preset, payer_criteria, drug_classes
    kind: str = "int"
    low: int | None = None
    high: int | None = None

    @property
    def name(self) -> str:
        """The form field's name (dots are not allowed in WTForms names)."""
        return self.path.replace(".", "__")


def _rule(name: str, *args: Any, **kwargs: Any) -> Setting:
    """A setting of ``rules.Settings``."""
    return Setting(f"rules.{name}", *args, **kwargs)


def _range(low: int, high: int) -> Any:
    return _l("A whole number from %(low)s to %(high)s.", low=low, high=high)


def _payer(treatment: str, name: Any) -> tuple[Setting, Setting]:
    """The preset chosen for a treatment, and the clinic's edits of its criteria."""
    return (
        _rule(f"payer_profile_{treatment}", "pathways", _l("Payer profile: %(treatment)s",
              treatment=name), _l("The policy of the clinic's main payer: a starting point to "
              "check against the payer's current policy."), _l("One of the presets."),
              "clinical-pathways.md §5.1", kind="payer_preset"),
        _rule(f"payer_profile_edits.{treatment}", "pathways", _l("Criteria of this payer "
              "profile: %(treatment)s", treatment=name), _l("The preset's criteria with the "
              "clinic's edits, one a line: name, colon, value (a whole number, none, yes or "
              "no). Change a value to edit the preset."), _l("Counts are whole numbers, 0 or "
              "more; weeks, PHQ-9 and age may be none."), "clinical-pathways.md §5.1",
              kind="payer_criteria"),
    )  # fmt: skip


SETTINGS: tuple[Setting, ...] = (
    _rule("min_age_years", "eligibility", _l("Minimum age (years)"),
          _l("Younger patients are not candidates now."),
          _l("A whole number from 18 to 120: it may be raised, never lowered."),
          "[SPRAVATO-PI] [CLINICS]", low=18, high=120),
    _rule("min_trial_weeks", "eligibility", _l("Weeks for an adequate medicine trial"),
          _l("A medicine taken at least this long at an adequate dose counts as a trial."),
          _range(4, 12), "[ATRQ] [ATHF]", low=4, high=12),
    _rule("min_failed_trials", "eligibility", _l("Failed trials for treatment resistance"),
          _l("Adequate failed trials needed for treatment-resistant depression."),
          _range(1, 5), "[SPRAVATO-PI]", low=1, high=5),
    _rule("require_current_episode", "eligibility", _l("Count trials of the current episode only"),
          _l("Only trials in the current episode count towards treatment resistance."),
          _l("Yes or no."), "[SPRAVATO-PI] [MSM]", kind="bool"),
    _rule("min_phq9_for_candidate", "eligibility", _l("Minimum PHQ-9 total for a candidate"),
          _l("A lower PHQ-9 total means review rather than a likely candidate."),
          _range(0, 27), "[PHQ9] [CLINICS]", low=0, high=27),
    _rule("si_item9_threshold", "safety", _l("PHQ-9 item 9 score for a safety review"),
          _l("Any endorsement of item 9 is a safety signal."),
          _l("Exactly 1: safety cannot be weakened."), "[PHQ9-ITEM9]", kind="fixed"),
    Setting("crisis_line", "safety", _l("Crisis line"),
            _l("The number patients are given to call or text on a safety signal."),
            _l("Text, up to 60 characters."), "[988]", kind="text", high=60),
    Setting("crisis_chat", "safety", _l("Crisis chat"),
            _l("The chat address patients are given on a safety signal."),
            _l("Text, up to 100 characters."), "[988]", kind="text", high=100),
    Setting("emergency_number", "safety", _l("Emergency number"),
            _l("The emergency number patients are told to call."),
            _l("Text, up to 20 characters."), "", kind="text", high=20),
    _rule("bp_caution_systolic", "blood_pressure", _l("Systolic pressure for caution (mmHg)"),
          _l("A reading at or above this needs clinician review."), _range(100, 200),
          "[SPRAVATO-PI]", low=100, high=200),
    _rule("bp_caution_diastolic", "blood_pressure", _l("Diastolic pressure for caution (mmHg)"),
          _l("A reading at or above this needs clinician review."), _range(60, 130),
          "[SPRAVATO-PI]", low=60, high=130),
    _rule("bp_crisis_systolic", "blood_pressure", _l("Systolic pressure in the crisis range"),
          _l("Raises the queue priority only."),
          _l("A whole number above the systolic caution value."), "[ACC-AHA]", low=101, high=300),
    _rule("bp_crisis_diastolic", "blood_pressure", _l("Diastolic pressure in the crisis range"),
          _l("Raises the queue priority only."),
          _l("A whole number above the diastolic caution value."), "[ACC-AHA]", low=61, high=200),
    _rule("min_tms_sessions", "treatments", _l("Sessions for an adequate TMS course"),
          _l("Evidence of tried treatments only."), _range(10, 60), "[TMS-CONSENSUS]",
          low=10, high=60),
    _rule("min_psychotherapy_sessions", "treatments", _l("Sessions for an adequate therapy course"),
          _l("Evidence of tried treatments only."), _range(4, 30), "[CBT-GUIDE]", low=4, high=30),
    _rule("pcl5_cutoff", "treatments", _l("PCL-5 total suggesting PTSD"),
          _l("A PCL-5 total at or above this is reported to the clinician."), _range(31, 38),
          "[PCL5]", low=31, high=38),
    _rule("treatments_offered", "pathways", _l("Treatments offered"),
          _l("Each treatment offered gets an outcome of its own; questions only one treatment "
             "needs are asked only where it is offered."),
          _l("At least one."), "clinical-pathways.md §5.1", kind="treatments"),
    _rule("coverage_affects_outcome", "pathways", _l("A payer criterion not met means review"),
          _l("When the answers fall short of the payer profile, that treatment needs "
             "clinician review (never “not a candidate now”); if no, the shortfall is only "
             "listed."), _l("Yes or no."), "clinical-pathways.md §5.1", kind="bool"),
    *_payer("tms", _l("TMS")),
    *_payer("esketamine", _l("esketamine")),
    _rule("tms_min_failed_trials", "pathways", _l("Failed trials for TMS"),
          _l("Adequate failed antidepressant trials in the current episode for TMS."),
          _range(1, 4), "[TMS-510K] [LCD-NOVITAS]", low=1, high=4),
    _rule("tms_count_intolerance", "pathways", _l("Medicines stopped for side effects count "
          "for TMS"), _l("A trial stopped for side effects counts towards the TMS trials."),
          _l("Yes or no."), "[LCD] [UHC] [CENTENE]", kind="bool"),
    _rule("tms_contraindicated_implants", "pathways", _l("Implants that rule out TMS"),
          _l("A patient reporting one of them is not a TMS candidate now. Remove one only "
             "with the medical director's sign-off."),
          _l("Any of the implants the questionnaire asks about."), "[TMS-LABEL] [LCD]",
          kind="implants"),
    _rule("ect_suggest_after_failed_trials", "pathways",
          _l("Failed trials before suggesting an ECT referral"),
          _l("With this many adequate failed trials, staff are told to discuss a referral."),
          _range(2, 10), "[KELLNER-2020]", low=2, high=10),
    _rule("drug_classes", "pathways", _l("Class of each medicine"),
          _l("Payers ask for failed trials from different classes. One line a medicine: "
             "name, colon, class; 'none' where no class applies."),
          _l("Medicines of the questionnaire only; classes: %(classes)s, or none.",
             classes=DRUG_CLASSES_TEXT), "clinical-pathways.md §5.1", kind="drug_classes"),
    _rule("dose_table", "doses", _l("Minimum daily dose of each medicine (mg/day)"),
          _l("A trial below this dose is not adequate. One line a medicine: name, colon, "
             "dose; 'none' where no dose applies."),
          _l("Medicines of the questionnaire only; a number above 0, or none."), "[LABELS]",
          kind="dose_table"),
    _rule("priority_base_urgent", "priority", _l("Base priority: urgent safety review"),
          _l("Where urgent submissions start in the queue."),
          _l("A whole number; the bands must not overlap."), "", low=0, high=100000),
    _rule("priority_base_likely", "priority", _l("Base priority: likely candidate"),
          _l("Where likely candidates start in the queue."),
          _l("A whole number; the bands must not overlap."), "", low=0, high=100000),
    _rule("priority_base_review", "priority", _l("Base priority: clinician review"),
          _l("Where submissions for review start in the queue."),
          _l("A whole number; the bands must not overlap."), "", low=0, high=100000),
    _rule("priority_base_not_now", "priority", _l("Base priority: not a candidate now"),
          _l("Where submissions that are not candidates now start in the queue."),
          _l("A whole number; the bands must not overlap."), "", low=0, high=100000),
    _rule("priority_acute_bonus", "priority", _l("Bonus for an acute positive screen"),
          _l("Added for an acute positive suicide-risk screen."), _range(0, 500), "[ASQ]",
          low=0, high=500),
    _rule("priority_item9_weight", "priority", _l("Weight of each PHQ-9 item 9 point"),
          _l("Added per point of item 9."), _range(0, 50), "", low=0, high=50),
    _rule("priority_trial_weight", "priority", _l("Weight of each adequate failed trial"),
          _l("Added per adequate failed trial, up to 6 trials."), _range(0, 10), "",
          low=0, high=10),
    _rule("priority_high_caution_bonus", "priority", _l("Bonus for a high caution"),
          _l("Added for current psychosis or mania, or blood pressure in the crisis range."),
          _range(0, 50), "", low=0, high=50),
    _rule("max_age_years", "open_questions", _l("Upper age limit (years)"),
          _l("Older patients are not candidates now; 0 means no upper limit (as drafted)."),
          _l("0, or a whole number above the minimum age, up to 120."), "[CLINICS]",
          low=0, high=120),
    _rule("too_few_trials_outcome", "open_questions",
          _l("Fewer adequate trials than needed"),
          _l("What a submission with too few adequate failed trials gets."),
          _l("Clinician review (as drafted) or not a candidate now."),
          "[SPRAVATO-PI] [ATRQ]", kind="choice"),
    _rule("benzodiazepine_stimulant_category", "open_questions",
          _l("Benzodiazepines and stimulants"),
          _l("Whether taking them is information for staff or a caution that needs review."),
          _l("Information (as drafted) or a caution."), "[SPRAVATO-PI] [INTERACTIONS]",
          kind="choice"),
    _rule("psychosis_mania_ketamine_outcome", "open_questions",
          _l("Current psychosis, current mania, recent non-medical ketamine use"),
          _l("What a submission reporting one of them gets."),
          _l("Clinician review (as drafted) or not a candidate now."),
          "[SPRAVATO-PI] [CLINICS] [SANACORA]", kind="choice"),
    _rule("remote_attempt_outcome", "open_questions",
          _l("Suicide attempt over 3 months ago, no current suicidal thoughts"),
          _l("Urgent as drafted (ASQ), or a high-priority clinician review (C-SSRS triage). "
             "Patients see the crisis resources only with an urgent outcome."),
          _l("Urgent safety review (as drafted) or clinician review."), "[ASQ]",
          kind="choice"),
    _rule("bipolar_depression_outcome", "open_questions", _l("Bipolar depression"),
          _l("Whether bipolar depression or past mania always needs clinician review."),
          _l("Clinician review (as drafted) or a likely candidate for IV ketamine."),
          "[BIPOLAR] [ATHF]", kind="choice"),
    Setting("clinic_name", "clinic", _l("Clinic name"), _l("Shown on every page."),
            _l("Text, up to 100 characters."), "", kind="text", high=100),
    Setting("contact_business_days", "clinic", _l("Days to contact a patient"),
            _l("Patients are told the clinic will contact them within this many business days."),
            _range(1, 30), "", low=1, high=30),
    Setting("draft_expiry_days", "clinic", _l("Days an unfinished questionnaire is kept"),
            _l("A draft not saved again for this many days is deleted."), _range(1, 90), "",
            low=1, high=90),
    Setting("staff_idle_minutes", "clinic", _l("Minutes before an idle staff session ends"),
            _l("A staff member idle this long must sign in again (warned two minutes before)."),
            _range(5, 60), "", low=5, high=60),
    Setting("waiting_days", "clinic", _l("Days before a case counts as waiting long"),
            _l("The queue's “Waiting over N days” view shows open cases submitted this many "
               "days ago or earlier."),
            _range(1, 90), "", low=1, high=90),
    Setting("retention_days", "clinic", _l("Days before old records are purged"),
            _l("Unsubmitted drafts and closed submissions idle this long are deleted by the "
               "retention purge (flask retention purge, run by the operator's schedule); 0 "
               "purges only when the operator gives an age."),
            _range(0, 3650), "", low=0, high=3650),
    Setting("weight_unit", "clinic", _l("Weight unit offered first"),
            _l("Patients may type either unit; answers keep kilograms."),
            _l("Pounds or kilograms."), "", kind="choice"),
    Setting("height_unit", "clinic", _l("Height unit offered first"),
            _l("Patients may type either unit; answers keep centimetres."),
            _l("Feet and inches, or centimetres."), "", kind="choice"),
    Setting("oncall_emails", "alerts", _l("On-call email addresses"),
            _l("Told at once of every safety signal and call-back request. With none (and no "
               "webhook), patients are told nobody is watching the form."),
            _l("Email addresses, separated by commas; may be empty."), "", kind="emails"),
    Setting("secondary_emails", "alerts", _l("Secondary email addresses"),
            _l("Told when nobody acknowledges an alert in time."),
            _l("Email addresses, separated by commas; may be empty."), "", kind="emails"),
    Setting("oncall_webhook_url", "alerts", _l("Webhook address"),
            _l("Each alert is also POSTed here as signed JSON (for a pager, a chat tool or an "
               "SMS gateway)."),
            _l("An https:// address, or empty."), "", kind="optional_text", high=500),
    Setting("oncall_webhook_secret", "alerts", _l("Webhook signing key"),
            _l("The key of the HMAC-SHA256 signature the receiver checks."),
            _l("Text, up to 200 characters; may be empty."), "", kind="optional_text", high=200),
    Setting("escalation_minutes", "alerts", _l("Minutes before an alert escalates"),
            _l("Unacknowledged this long, the secondary contacts are told."), _range(1, 240),
            "", low=1, high=240),
    Setting("escalation_repeats", "alerts", _l("Times everyone is told again"),
            _l("After the secondary contacts, everyone is alerted again this many times."),
            _range(0, 10), "", low=0, high=10),
    Setting("oncall_hours", "alerts", _l("When the on-call clinician calls back"),
            _l("Completes \"will try to call you today between …\" on the acute help page."),
            _l("Text, up to 100 characters; may be empty."), "", kind="optional_text", high=100),
    Setting("callbacks_enabled", "alerts", _l("Offer \"please call me back\""),
            _l("The acute help page offers a call-back button (an alert of its own)."),
            _l("Yes or no."), "", kind="bool"),
    Setting("urgent_next_step", "alerts", _l("Next step after a safety signal"),
            _l("What the last page tells a patient with a safety signal the clinic will do."),
            _l("Text, up to 300 characters; may be empty."), "", kind="optional_text", high=300),
    Setting("languages", "clinic", _l("Languages offered"),
            _l("The languages patients may choose."), _l("At least one."), "",
            kind="languages"),
)  # fmt: skip
BY_PATH = {s.path: s for s in SETTINGS}
KNOWN_DRUGS = frozenset(DOSE_TABLE)


def value_at(settings: Any, path: str) -> Any:
    """The value of ``rules.min_age_years`` or ``crisis_line`` in a ClinicSettings (a part of a
    mapping setting by its key: ``rules.payer_profile_edits.tms``, empty if it has none)."""
    value = settings
    for part in path.split("."):
        value = dict(value.get(part) or {}) if isinstance(value, Mapping) else getattr(value, part)
    return value


def treatment_of(setting: Setting) -> str:
    """The treatment of a payer setting (``rules.payer_profile_edits.tms``: ``tms``)."""
    return setting.path.rpartition(".")[2].removeprefix("payer_profile_")


def criteria_lines(criteria: Mapping[str, Any]) -> str:
    """A payer profile's criteria as the page writes them: ``name: value`` lines."""
    return "\n".join(f"{name}: {criterion_text(value)}" for name, value in criteria.items())


def criterion_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "none" if value is None else str(value)


def shown(setting: Setting, value: Any) -> str:
    """A value as the page shows it (and compares it in a diff)."""
    if setting.kind == "dose_table":
        return "\n".join(
            f"{drug}: {'none' if dose is None else _number(dose)}" for drug, dose in value.items()
        )
    if setting.kind in ("languages", "emails", "treatments", "implants"):
        return ", ".join(value)
    if setting.kind == "payer_preset":
        return str(payers.PRESETS[treatment_of(setting)][value].label)
    if setting.kind == "payer_criteria":  # the edits: what differs from the preset
        return criteria_lines(value) if value else str(_l("(as the preset)"))
    if setting.kind == "drug_classes":
        return "\n".join(f"{drug}: {kind or 'none'}" for drug, kind in value.items())
    if setting.kind == "bool":
        return "yes" if value else "no"
    if setting.kind == "choice":
        return str(CHOICE_LABELS.get(value, value))
    if setting.path == "oncall_webhook_secret":
        return "(set)" if value else "(none)"  # a secret is never shown back
    return str(value)


def _number(dose: float) -> str:
    return str(int(dose)) if float(dose).is_integer() else str(dose)
