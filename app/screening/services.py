"""The patient questionnaire's units of work behind the views: save a step, resume, submit.

Drafts are stored by ``app.drafts`` and submissions by ``app.submissions``, the one write path of
each, which seeding and the tests' factories use too.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from flask import session
from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from app import clinic, drafts, questionnaire, rules, submissions
from app.alerts import outbox
from app.drafts import OpenDraft
from app.extensions import db
from app.models import Draft, Submission, utcnow
from app.questionnaire import Step
from app.screening import forms
from app.sqlite_locking import reading_first

SESSION_KEY = "draft"


def today() -> dt.date:
    return utcnow().date()


def current_draft() -> OpenDraft | None:
    """The draft this browser is filling in, if it is still open (read in the request's
    transaction, which a step's save goes on to write in)."""
    return _read_draft(db.session.connection())


def _read_draft(connection: Connection) -> OpenDraft | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    draft = drafts.by_token(connection, token)
    if draft is None or draft.expires_at < utcnow():
        session.pop(SESSION_KEY, None)
        return None
    return draft


def resume(code: str, born: str) -> OpenDraft | None:
    """Bind the draft with this resume code to this browser, if it exists, is still open and
    was started with this date of birth (the code alone opens nothing)."""
    if len(drafts.normalise_code(code)) != drafts.RESUME_LENGTH:
        return None
    found = drafts.by_resume_code(db.session.connection(), code)
    if found is None:
        return None
    token, draft = found
    if draft.expires_at < utcnow() or draft.submitted_at is not None:
        return None
    stored = draft.answers.get("date_of_birth") if isinstance(draft.answers, dict) else None
    if not isinstance(stored, str) or not hmac.compare_digest(stored, born):
        return None
    session[SESSION_KEY] = token
    session["resume_code"] = drafts.format_code(drafts.normalise_code(code))
    _forget_crisis_pages()
    session.permanent = True
    return draft


def under_minimum_age(cleaned: Mapping[str, Any]) -> bool:
    """Whether a just-given date of birth is under the clinic's minimum age (today)."""
    born = cleaned.get("date_of_birth")
    if not isinstance(born, str):
        return False
    birth, now = dt.date.fromisoformat(born), today()
    age = now.year - birth.year - ((now.month, now.day) < (birth.month, birth.day))
    return age < clinic.current().rules.min_age_years


def forget_draft(draft: OpenDraft | None) -> None:
    """Keep nothing of a person the clinic cannot screen (a minor): the draft goes, and this
    browser's link to it. A draft already flagged for safety stays for staff to act on."""
    session.pop(SESSION_KEY, None)
    session.pop("resume_code", None)
    if draft is not None and not has_safety_signal(draft.answers):
        db.session.execute(delete(Draft).where(Draft.id == draft.id))
    db.session.commit()


def save_step(
    draft: OpenDraft | None, step: Step, cleaned: Mapping[str, Any], language: str
) -> OpenDraft:
    """Store a valid step at once (the first one starts the draft), and flag the draft urgent
    on any safety signal."""
    # Branching may hide later steps' answers now: keep only what is still shown.
    answers = questionnaire.prune_hidden(
        questionnaire.merge_step(draft.answers if draft else {}, step, cleaned)
    )
    done = [name for name in (draft.completed_steps if draft else []) if name != step.name]
    connection = db.session.connection()
    saved = drafts.save(
        connection, answers, [*done, step.name], as_of=today(), draft=draft, language=language
    )
    if saved.keys is not None:  # a new draft: this browser's, its code shown once
        session[SESSION_KEY] = saved.keys.token
        session["resume_code"] = drafts.format_code(saved.keys.resume_code)
        session.permanent = True
        _forget_crisis_pages()
    # The alert (outbox) is written in the transaction that flags the draft.
    alert_id = (
        outbox.alert_draft(connection, saved.draft.id, saved.safety_decision)
        if saved.safety_decision is not None
        else None
    )
    db.session.commit()
    if alert_id is not None:
        outbox.wake([alert_id])
    session.modified = True  # the cookie's expiry moves with the draft's
    return saved.draft


def _forget_crisis_pages() -> None:
    """A new or resumed draft has not shown its crisis pages in this browser yet."""
    for key in ("crisis_shown", "callback_requested"):
        session.pop(key, None)


def has_safety_signal(answers: Mapping[str, Any]) -> bool:
    return rules.has_safety_signal(answers, clinic.current().rules)


def completed_visible(draft: OpenDraft | None) -> list[str]:
    """Names of the visible steps completed in order, stopping at the first gap."""
    if draft is None:
        return []
    done = set(draft.completed_steps or [])
    names = []
    for step in questionnaire.visible_steps(draft.answers or {}):
        if step.name not in done:
            break
        names.append(step.name)
    return names


def first_open_step(draft: OpenDraft | None) -> Step | None:
    """The first visible step not yet completed (None when every step is done)."""
    answers = draft.answers if draft else {}
    done = set(completed_visible(draft))
    for step in questionnaire.visible_steps(answers or {}):
        if step.name not in done:
            return step
    return None


def may_open(draft: OpenDraft | None, step: Step) -> bool:
    """A step is open once every visible step before it is complete (no skipping ahead)."""
    answers = draft.answers if draft else {}
    visible = questionnaire.visible_steps(answers or {})
    if step not in visible:
        return False
    done = set(completed_visible(draft))
    return all(s.name in done for s in visible[: visible.index(step)])


@dataclass(frozen=True)
class Receipt:
    """What the confirmation needs of a submission."""

    reference: str
    outcome: str


@dataclass(frozen=True)
class Submitted:
    """What a submit came to: the draft it found (None: this browser has no open draft), and
    the receipt, or the errors that send the patient back to a step."""

    draft: OpenDraft | None
    receipt: Receipt | None = None
    errors: list[questionnaire.FieldError] = dataclass_field(default_factory=list)
    wrong_key: bool = False


def submit_current(submit_key: str) -> Submitted:
    """Submit this browser's draft, if ``submit_key`` is the one its review page carried.

    One connection serves the read and the write (checking a connection out and back in cost
    as much as a short statement). The read is a transaction of its own, without SQLite's
    write lock, ended before the submit validates, decides and encrypts.
    """
    with db.engine.connect() as connection:
        with reading_first(), connection.begin():
            draft = _read_draft(connection)
        if draft is None:
            return Submitted(None)
        if submit_key != draft.submit_key:
            return Submitted(draft, wrong_key=True)
        receipt, errors = submit(draft, connection)
        return Submitted(draft, receipt, errors)


def submit(
    draft: OpenDraft, connection: Connection
) -> tuple[Receipt | None, list[questionnaire.FieldError]]:
    """Turn a complete draft into exactly one submission (replays return the same one)."""
    # A draft is marked submitted in the same commit that stores its submission, so only a
    # replay needs the query for it.
    if draft.submitted_at is not None:
        existing = receipt_of(draft.id, connection)
        if existing is not None:
            return existing, []
    as_of = today()
    cleaned, errors = questionnaire.validate_document(draft.answers or {}, as_of)
    if errors:
        return None, errors
    row = submissions.submission_row(cleaned, as_of=as_of, language=draft.language)
    try:
        # Core statements: neither the ORM's unit of work nor its session is needed for two
        # inserts and an update. Two requests racing to submit one draft meet the unique
        # draft_id.
        alert_id = None
        with connection.begin():
            submission_id = submissions.store(connection, {**row, "draft_id": draft.id})
            if row["is_urgent"]:  # the alert (outbox) is written in the same transaction
                alert_id = outbox.alert_submission(
                    connection, submission_id, row["reference"], row["decision"], draft.id
                )
            drafts.mark_submitted(connection, draft.id, row["submitted_at"])
    except IntegrityError:
        # Another request submitted this draft a moment ago: return that one.
        return receipt_of(draft.id, connection), []
    if alert_id is not None:
        outbox.wake([alert_id])
    return Receipt(row["reference"], row["outcome"]), []


_SUBMISSIONS = Submission.__table__.c
RECEIPT_OF_DRAFT = select(_SUBMISSIONS.reference, _SUBMISSIONS.outcome).where(
    _SUBMISSIONS.draft_id == bindparam("draft_id")
)


def receipt_of(draft_id: int, connection: Connection | None = None) -> Receipt | None:
    """The receipt of the draft's submission, if it has one (read in a transaction of its
    own, on ``connection`` or on one of its own)."""
    if connection is None:
        with db.engine.connect() as own:
            return receipt_of(draft_id, own)
    with reading_first(), connection.begin():
        row = connection.execute(RECEIPT_OF_DRAFT, {"draft_id": draft_id}).one_or_none()
    return Receipt(*row) if row is not None else None


def commit() -> None:
    db.session.commit()


def review_rows_in(answers: Mapping[str, Any]) -> list[tuple[Step, list[questionnaire.ReviewRow]]]:
    """The review page's rows, each answer written by its question's field class (the date of
    birth as the page's language writes dates)."""
    return questionnaire.review_rows(answers, display=forms.review_values)


def progress(step: Step, answers: Mapping[str, Any]) -> tuple[int, int]:
    """ "Step N of M" counting only the steps this person will see, as far as their answers
    tell so far (the depression steps appear once step 2 asks for them)."""
    shown = questionnaire.visible_steps(answers)
    if step not in shown:
        shown = [s for s in questionnaire.STEPS if s in shown or s is step]
    return shown.index(step) + 1, len(shown)


def shown_elements(step: Step, answers: Mapping[str, Any]) -> list[questionnaire.Element]:
    """The items drawn on a step's page.

    An item whose condition reads another answer on the same page is always drawn (the page
    must work without JavaScript); the server drops its value if the condition is false.
    """
    own = step.field_set
    shown = []
    for element in step.items:
        condition = element.shown_if
        if condition is None or condition.fields() & own or condition.evaluate(answers):
            shown.append(element)
    return shown


def _has_answers(row: Mapping[str, Any]) -> bool:
    return any(value not in (None, "", False, []) for key, value in row.items() if key != "folded")


def change_rows(step: Step, raw: dict[str, Any], action: str) -> dict[str, Any]:
    """Add a row to, or remove one from, a repeating group (buttons that work without JS)."""
    verb, _, rest = action.partition(":")
    name, _, index = rest.partition(":")
    group = step.element(name)
    if not isinstance(group, questionnaire.Group):
        return raw
    rows = list(raw.get(name) or [])
    if verb == "add" and len(rows) < group.max_entries:
        # Answered rows fold to one line (Continue opens any with an error again).
        rows = [{**row, "folded": True} if _has_answers(row) else row for row in rows]
        rows.append({})
    elif verb == "remove" and index.isdecimal() and int(index) < len(rows):
        del rows[int(index)]
    elif verb == "edit" and index.isdecimal() and int(index) < len(rows):
        rows[int(index)] = {k: v for k, v in rows[int(index)].items() if k != "folded"}
    return {**raw, name: rows}
