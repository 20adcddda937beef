"""Synthetic demo data: realistic, varied, invented people (``flask demo seed``).

Names come from a short invented list, emails use example.org / example.com and phone numbers
the 555-01xx range reserved for fiction, so nothing here can be a real person. Every answers
document is a valid one (it passes ``questionnaire.validate_document``), and the profiles cover
all four outcomes; statuses, assignments, notes and timelines are filled in as if staff had
worked the queue. The same ``seed`` gives the same answers, outcomes and statuses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app import clinic, rules
from app.extensions import db
from app.models import Draft, Note, StaffUser, Submission, TimelineEvent, utcnow
from app.submissions import build_submission

FIRST_NAMES = (
    "Sam", "Alex", "Jordan", "Casey", "Riley", "Morgan", "Taylor", "Jamie", "Avery", "Quinn",
    "Rowan", "Skyler", "Reese", "Emerson", "Harper", "Finley", "Dakota", "Marlowe", "Sage",
    "Lucía", "Mateo", "Ana", "Diego", "Noor", "Kenji", "Amara", "Tomasz", "Ines", "Priya",
)  # fmt: skip
LAST_NAMES = (
    "Rivera", "Example", "Sample", "Placeholder", "Testwood", "Fairbanks", "Lindqvist",
    "Okafor", "Moreno", "Nakamura", "Haddad", "Kowalczyk", "Brightwater", "Delacroix",
    "Fernández", "Oyelaran", "Castellano", "Whitford", "Ashdown", "Valdés",
)  # fmt: skip
EMAIL_DOMAINS = ("example.org", "example.com")
NOTES = (
    "Left a voicemail; will try again tomorrow.",
    "Spoke with the patient; they would like an afternoon appointment.",
    "Asked the patient to send records of previous medication trials.",
    "Patient confirmed a ride home is arranged for each visit.",
    "Sent the intake packet by email.",
    "Discussed with the clinician; see the evaluation decision.",
)
WORKFLOW_ENDS = ("evaluation_scheduled", "needs_more_info", "declined", "referred_elsewhere")
STATUS_WEIGHTS = {
    "new": 20,
    "in_review": 20,
    "evaluation_scheduled": 15,
    "needs_more_info": 10,
    "declined": 8,
    "referred_elsewhere": 7,
    "closed": 20,
}
PROFILE_WEIGHTS = {
    "likely": 25,
    "likely_extra": 8,
    "urgent_item9": 8,
    "urgent_asq": 6,
    "urgent_attempt": 2,
    "pregnant": 3,
    "contraindication": 4,
    "under_18": 3,
    "chronic_pain": 6,
    "missing_dose": 8,
    "one_trial": 8,
    "bp_elevated": 5,
    "no_transport": 4,
    "bipolar": 5,
    "mild_symptoms": 5,
    "unsure_answers": 4,
}
# The first submissions cycle through these so that a small seed still shows every outcome.
GUARANTEED = ("urgent_item9", "likely", "pregnant", "missing_dose", "contraindication")
ADEQUATE_TRIALS = (
    ("sertraline", 150),
    ("escitalopram", 20),
    ("fluoxetine", 40),
    ("venlafaxine", 150),
    ("bupropion", 300),
    ("duloxetine", 60),
    ("citalopram", 40),
    ("mirtazapine", 30),
    ("vortioxetine", 20),
    ("desvenlafaxine", 50),
)
BATCH = 1000
DRAFT_STEPS = ("about_you", "seeking_help", "depression_history", "medications",
               "other_treatments", "current_symptoms")  # fmt: skip


@dataclass(frozen=True)
class Staff:
    id: int
    role: str


@dataclass
class SeedReport:
    submissions: int = 0
    drafts: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _person(rng: random.Random, as_of: dt.date, *, age: int | None = None) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    age = age if age is not None else rng.randint(19, 74)
    born = as_of - dt.timedelta(days=int((age + rng.uniform(0.01, 0.98)) * 365.25))
    handle = unicodedata.normalize("NFKD", f"{first}.{last}".lower())
    handle = handle.encode("ascii", "ignore").decode()
    person: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "date_of_birth": born.isoformat(),
        "email": f"{handle}{rng.randint(1, 999)}@{rng.choice(EMAIL_DOMAINS)}",
        "preferred_language": "es" if rng.random() < 0.15 else "en",
    }
    if rng.random() < 0.8:
        person["phone"] = rng.choice(("555-01{:02d}", "(555) 555-01{:02d}", "+1 555 555 01{:02d}"))
        person["phone"] = person["phone"].format(rng.randint(0, 99))
    if rng.random() < 0.5:
        person["preferred_contact"] = rng.choice(("email", "phone", "either"))
    return person


def _trial(rng: random.Random, drug: str, dose: float | None, **changes: Any) -> dict[str, Any]:
    trial: dict[str, Any] = {
        "drug": drug,
        "weeks_at_dose": rng.randint(6, 16),
        "current_episode": "yes",
        "response": rng.choice(("none", "partial")),
    }
    if dose is not None:
        trial["daily_dose_mg"] = dose
    if rng.random() < 0.5:
        trial["stopped_reason"] = rng.choice(("not_helping", "still_taking", "side_effects"))
    trial.update(changes)
    return trial


def _adequate_trials(rng: random.Random, count: int) -> list[dict[str, Any]]:
    return [_trial(rng, drug, dose) for drug, dose in rng.sample(ADEQUATE_TRIALS, count)]


def _phq9(rng: random.Random, total_range: tuple[int, int], item9: int = 0) -> dict[str, int]:
    """PHQ-9 items 1–8 summing to a total in range, and item 9 as given."""
    target = rng.randint(*total_range) - item9
    items = [0] * 8
    while sum(items) < min(target, 24):
        index = rng.randrange(8)
        if items[index] < 3:
            items[index] += 1
    scores = {f"phq9_{n}": items[n - 1] for n in range(1, 9)}
    scores["phq9_9"] = item9
    return scores


def _baseline(rng: random.Random, as_of: dt.date) -> dict[str, Any]:
    """A likely candidate: depression, adequate failed trials, moderate symptoms, no flags."""
    answers = _person(rng, as_of)
    answers.update(
        {
            "conditions": ["depression"],
            "diagnosed_by_professional": "yes",
            "episode_duration": rng.choice(
                ("up_to_12_months", "13_to_24_months", "over_24_months")
            ),
            "medication_trials": _adequate_trials(rng, rng.randint(2, 4)),
            "augmentation_tried": "no",
            "no_therapy_trials": True,
            "tms_tried": "no",
            "ect_tried": "no",
            "prior_ketamine": "no",
            **_phq9(rng, (11, 24)),
            "asq_wish_dead": "no",
            "asq_better_off_dead": "no",
            "asq_thoughts_kill_self": "no",
            "asq_ever_attempt": "no",
            "ci_aneurysm": "no",
            "ci_avm": "no",
            "ci_brain_bleed": "no",
            "ci_ketamine_allergy": "no",
            "cardio_conditions": ["none"],
            "brain_injury_or_pressure": "no",
            "glaucoma_or_eye_pressure": "no",
            "liver_disease": "no",
            "bladder_problems": "no",
            "memory_disorder": "no",
            "psychosis_ever": "no",
            "mania_ever": "no",
            "substance_problem_recent": "no",
            "ketamine_nonmedical_use": "never",
            "pregnancy_applicable": "no",
            "current_medications": ["antidepressant"],
            "hypertension_diagnosed": "no",
            "transport_home": "yes",
            "can_attend_induction": "yes",
            "consent_privacy": True,
            "consent_contact": True,
        }
    )
    if rng.random() < 0.7:
        answers.update(
            bp_systolic=rng.randint(105, 138),
            bp_diastolic=rng.randint(65, 88),
            bp_measured=rng.choice(("within_1_month", "1_to_6_months")),
        )
    if rng.random() < 0.5:
        answers["referral_source"] = rng.choice(("self", "psychiatrist", "therapist"))
    return answers


def _likely_extra(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(
        augmentation_tried="yes",
        augmentation_agents=[rng.choice(("lithium", "atypical_antipsychotic", "thyroid_hormone"))],
        augmentation_response=rng.choice(("none", "partial")),
        tms_tried="yes",
        tms_sessions=rng.randint(20, 36),
        tms_response="partial",
        therapy_trials=[
            {
                "type": "cbt",
                "format": "individual",
                "sessions": rng.randint(8, 20),
                "response": "partial",
            }
        ],
        current_medications=["antidepressant", rng.choice(("benzodiazepine", "sleep_medication"))],
    )
    a.pop("no_therapy_trials")


def _urgent_item9(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(_phq9(rng, (14, 26), item9=rng.randint(1, 3)))
    a["asq_thoughts_now"] = rng.choice(("no", "no", "no", "yes"))


def _urgent_asq(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(asq_wish_dead="yes", asq_better_off_dead=rng.choice(("yes", "no")))
    a["asq_thoughts_now"] = rng.choice(("no", "no", "yes", "declined"))


def _urgent_attempt(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(
        asq_ever_attempt="yes", asq_attempt_when=rng.choice(("3_to_12_months", "over_12_months"))
    )
    a["asq_thoughts_now"] = "no"


def _pregnant(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(pregnancy_applicable="yes", pregnant_now="yes", breastfeeding="no")


def _contraindication(rng: random.Random, a: dict[str, Any]) -> None:
    a[rng.choice(("ci_aneurysm", "ci_avm", "ci_brain_bleed", "ci_ketamine_allergy"))] = "yes"


def _chronic_pain(rng: random.Random, a: dict[str, Any]) -> None:
    for key in ("episode_duration", "medication_trials", "augmentation_tried"):
        a.pop(key, None)
    a.update(
        conditions=["chronic_pain"],
        pain_types=[rng.choice(("crps", "fibromyalgia", "neuropathic", "low_back_pain"))],
        current_medications=[rng.choice(("opioid", "none", "other"))],
        **_phq9(rng, (3, 12)),
    )


def _missing_dose(rng: random.Random, a: dict[str, Any]) -> None:
    trials = _adequate_trials(rng, 2)
    trials[1].pop("daily_dose_mg")
    a["medication_trials"] = trials


def _one_trial(rng: random.Random, a: dict[str, Any]) -> None:
    drug, dose = rng.choice(ADEQUATE_TRIALS)
    short = rng.choice([d for d, _ in ADEQUATE_TRIALS if d != drug])
    a["medication_trials"] = [
        _trial(rng, drug, dose),
        _trial(
            rng, short, 20.0, weeks_at_dose=3, stopped_reason="side_effects", response="unknown"
        ),
    ]


def _bp_elevated(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(
        hypertension_diagnosed="yes",
        hypertension_controlled=rng.choice(("no", "yes")),
        bp_systolic=rng.randint(145, 185),
        bp_diastolic=rng.randint(92, 118),
        bp_measured="within_1_month",
    )


def _no_transport(rng: random.Random, a: dict[str, Any]) -> None:
    a["transport_home"] = rng.choice(("no", "unsure"))


def _bipolar(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(
        conditions=["bipolar_depression"],
        mania_ever="yes",
        mania_current="no",
        current_medications=["lithium", "lamotrigine"],
    )


def _mild(rng: random.Random, a: dict[str, Any]) -> None:
    a.update(_phq9(rng, (4, 9)))


def _unsure(rng: random.Random, a: dict[str, Any]) -> None:
    a[rng.choice(("liver_disease", "bladder_problems", "ci_avm"))] = "unsure"
    a["diagnosed_by_professional"] = rng.choice(("unsure", "yes"))


def _under_18(rng: random.Random, a: dict[str, Any]) -> None:
    pass  # the age is set when the person is made


PROFILES: dict[str, Callable[[random.Random, dict[str, Any]], None]] = {
    "likely": lambda rng, a: None,
    "likely_extra": _likely_extra,
    "urgent_item9": _urgent_item9,
    "urgent_asq": _urgent_asq,
    "urgent_attempt": _urgent_attempt,
    "pregnant": _pregnant,
    "contraindication": _contraindication,
    "under_18": _under_18,
    "chronic_pain": _chronic_pain,
    "missing_dose": _missing_dose,
    "one_trial": _one_trial,
    "bp_elevated": _bp_elevated,
    "no_transport": _no_transport,
    "bipolar": _bipolar,
    "mild_symptoms": _mild,
    "unsure_answers": _unsure,
}


def make_answers(rng: random.Random, profile: str, as_of: dt.date) -> dict[str, Any]:
    """A valid answers document for one of the PROFILES."""
    answers = _baseline(rng, as_of)
    if profile == "under_18":
        answers.update(_person(rng, as_of, age=rng.randint(16, 17)))
    PROFILES[profile](rng, answers)
    return answers


def _submitted_at(rng: random.Random, now: dt.datetime, weeks: int = 16) -> dt.datetime:
    """A moment in the last ``weeks`` weeks, mostly in the daytime."""
    day = now - dt.timedelta(days=rng.uniform(0, weeks * 7))
    hour = min(int(rng.triangular(6, 23, 13)), 23)
    moment = day.replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return min(moment, now - dt.timedelta(minutes=rng.randint(1, 90)))


def _status_for(rng: random.Random, index: int, submitted_at: dt.datetime, now: dt.datetime) -> str:
    if index < len(STATUS_WEIGHTS):
        return list(STATUS_WEIGHTS)[index]
    if now - submitted_at < dt.timedelta(days=1):
        return rng.choice(("new", "new", "in_review"))
    return _weighted(rng, STATUS_WEIGHTS)


def _status_path(rng: random.Random, status: str) -> list[str]:
    if status == "new":
        return []
    if status == "in_review":
        return ["in_review"]
    if status == "closed":
        return ["in_review", rng.choice(WORKFLOW_ENDS), "closed"]
    return ["in_review", status]


def _work(
    rng: random.Random,
    submission: Submission,
    status: str,
    staff: list[Staff],
    now: dt.datetime,
) -> list[tuple[TimelineEvent, Note]]:
    """Fill in what staff would have done to reach ``status``: timeline, assignment, notes.

    Returns the note events, whose note ids are known only once the batch is flushed.
    """
    path = _status_path(rng, status)
    submission.status = status
    if not path:
        return []
    moment = submission.submitted_at + dt.timedelta(minutes=rng.randint(5, 60 * 72))
    moment = min(moment, now - dt.timedelta(minutes=len(path) * 3 + 2))
    submission.first_action_at = moment
    coordinators = [s for s in staff if s.role == "coordinator"] or staff
    clinicians = [s for s in staff if s.role in ("clinician", "admin")] or staff
    actor = rng.choice(coordinators) if coordinators else None

    def add(kind: str, who: Staff | None = actor, **detail: Any) -> TimelineEvent:
        nonlocal moment
        event = TimelineEvent(
            kind=kind, actor_id=who.id if who else None, detail=detail, created_at=moment
        )
        submission.events.append(event)
        moment = min(moment + dt.timedelta(minutes=rng.randint(1, 60 * 30)), now)
        return event

    if actor is not None:
        submission.assigned_to_id = actor.id
        add("assigned", old=None, new=actor.id)
    previous = "new"
    for step in path:
        if step == "evaluation_scheduled" and clinicians:
            clinician = rng.choice(clinicians)
            submission.evaluation_decision = "proceed_to_evaluation"
            add("evaluation", clinician, old=None, new="proceed_to_evaluation", note_id=None)
        add("status_changed", old=previous, new=step)
        previous = step
    if actor is not None and rng.random() < 0.4:
        note = Note(author_id=actor.id, body=rng.choice(NOTES), created_at=moment)
        submission.notes.append(note)
        return [(add("note", note_id=None), note)]
    return []


def _urgent_draft(rng: random.Random, now: dt.datetime) -> Draft:
    created = now - dt.timedelta(hours=rng.uniform(1, 60))
    answers = _baseline(rng, created.date())
    steps = list(DRAFT_STEPS)
    partial = {k: v for k, v in answers.items() if not k.startswith(("asq_", "ci_"))}
    partial.update(_phq9(rng, (15, 25), item9=rng.randint(1, 3)))
    keep = {"first_name", "last_name", "date_of_birth", "email", "phone", "preferred_language",
            "conditions", "diagnosed_by_professional", "episode_duration", "medication_trials",
            "augmentation_tried", "no_therapy_trials", "tms_tried", "ect_tried",
            "prior_ketamine"}  # fmt: skip
    partial = {k: v for k, v in partial.items() if k in keep or k.startswith("phq9_")}
    decision = rules.evaluate_safety(partial, clinic.current().rules, created.date())
    token = secrets.token_urlsafe(32)
    return Draft(
        token=token,
        resume_code_hash=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
        submit_key=secrets.token_urlsafe(24),
        answers=partial,
        completed_steps=steps,
        language=partial.get("preferred_language", "en"),
        is_urgent=decision is not None,
        safety_decision=decision.to_document() if decision else None,
        priority=decision.priority if decision else 0,
        created_at=created,
        updated_at=created + dt.timedelta(minutes=rng.randint(5, 40)),
        expires_at=now + dt.timedelta(days=clinic.current().draft_expiry_days),
    )


def seed(
    count: int,
    *,
    seed: int = 0,
    now: dt.datetime | None = None,
    drafts: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedReport:
    """Create ``count`` submissions (and a few urgent drafts), committing every 1000."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    now = now or utcnow()
    staff = [
        Staff(row.id, row.role)
        for row in db.session.execute(
            select(StaffUser.id, StaffUser.role).where(StaffUser.is_enabled.is_(True))
        )
    ]
    report = SeedReport()
    batch: list[Submission] = []
    notes: list[tuple[TimelineEvent, Note]] = []
    for index in range(count):
        submitted_at = _submitted_at(rng, now)
        profile = GUARANTEED[index] if index < len(GUARANTEED) else _weighted(rng, PROFILE_WEIGHTS)
        answers = make_answers(rng, profile, submitted_at.date())
        submission = build_submission(
            answers, submitted_at=submitted_at, language=answers["preferred_language"]
        )
        notes += _work(rng, submission, _status_for(rng, index, submitted_at, now), staff, now)
        report.outcomes[submission.outcome] += 1
        report.statuses[submission.status] += 1
        batch.append(submission)
        if len(batch) >= BATCH:
            _flush(batch, notes)
            report.submissions += len(batch)
            batch, notes = [], []
            if progress:
                progress(report.submissions)
    if batch:
        _flush(batch, notes)
        report.submissions += len(batch)
    wanted = drafts if drafts is not None else min(5, max(1, count // 40))
    for _ in range(wanted):
        db.session.add(_urgent_draft(rng, now))
        report.drafts += 1
    db.session.commit()
    return report


def _flush(batch: list[Submission], notes: list[tuple[TimelineEvent, Note]]) -> None:
    db.session.add_all(batch)
    db.session.flush()
    for event, note in notes:
        event.detail = {"note_id": note.id}
    db.session.commit()
    for submission in batch:
        db.session.expunge(submission)
