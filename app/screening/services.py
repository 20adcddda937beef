"""Drafts and submissions for the patient questionnaire: the units of work behind the views."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from typing import Any

from flask import current_app, session
from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app import clinic, questionnaire, rules
from app.alerts import outbox
from app.extensions import db
from app.models import Draft, Submission, utcnow
from app.questionnaire import Step
from app.screening import forms
from app.sqlite_locking import reading_first
from app.submissions import insert_submission, random_chars, submission_row

SESSION_KEY = "draft"
RESUME_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RESUME_LENGTH = 12  # 60 bits: unguessable, and still short enough to write down


def _hash_code(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    """Accept the code as people type it: any case, spaces or dashes, O for 0, I/L for 1."""
    cleaned = "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def today() -> dt.date:
    return utcnow().date()


def _expiry() -> dt.datetime:
    return utcnow() + dt.timedelta(days=clinic.current().draft_expiry_days)


@dataclass(frozen=True)
class OpenDraft:
    """A draft as the patient pages use it: plain values, read and written with Core
    statements (no ORM object to track; the ORM's unit of work cost more than the SQL)."""

    id: int
    answers: dict[str, Any]
    completed_steps: list[str]
    language: str
    submit_key: str
    expires_at: dt.datetime
    submitted_at: dt.datetime | None


# Built once: every patient request runs them, and building and keying them anew each time
# cost about a tenth of a millisecond.
_DRAFTS = Draft.__table__.c
DRAFT_BY_TOKEN = select(*(_DRAFTS[name] for name in OpenDraft.__dataclass_fields__)).where(
    _DRAFTS.token == bindparam("token")
)
INSERT_DRAFT = insert(Draft.__table__).returning(_DRAFTS.id)  # columns: the values given
UPDATE_DRAFT = update(Draft.__table__).where(_DRAFTS.id == bindparam("draft_id"))
MARK_SUBMITTED = UPDATE_DRAFT.values(submitted_at=bindparam("at"), answers=bindparam("emptied"))


def current_draft() -> OpenDraft | None:
    """The draft this browser is filling in, if it is still open (read in the request's
    transaction, which a step's save goes on to write in)."""
    return _read_draft(db.session.connection())


def _read_draft(connection: Connection) -> OpenDraft | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    row = connection.execute(DRAFT_BY_TOKEN, {"token": token}).one_or_none()
    if row is None or row.expires_at < utcnow():
        session.pop(SESSION_KEY, None)
        return None
    return OpenDraft(*row)


def resume(code: str, born: str) -> Draft | None:
    """Bind the draft with this resume code to this browser, if it exists, is still open and
    was started with this date of birth (the code alone opens nothing)."""
    if len(normalise_code(code)) != RESUME_LENGTH:
        return None
    draft = db.session.scalar(select(Draft).where(Draft.resume_code_hash == _hash_code(code)))
    if draft is None or draft.expires_at < utcnow() or draft.submitted_at is not None:
        return None
    stored = draft.answers.get("date_of_birth") if isinstance(draft.answers, dict) else None
    if not isinstance(stored, str) or not hmac.compare_digest(stored, born):
        return None
    session[SESSION_KEY] = draft.token
    session["resume_code"] = format_code(normalise_code(code))
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
    completed = [*done, step.name]
    values: dict[str, Any] = {
        "answers": answers,
        "completed_steps": completed,
        "expires_at": _expiry(),
        **_safety_flags(answers),
    }
    connection = db.session.connection()
    if draft is None:
        keys = _new_draft(language)
        draft_id = connection.execute(INSERT_DRAFT, {**values, **keys}).scalar_one()
        draft = OpenDraft(
            draft_id, answers, completed, language, keys["submit_key"], values["expires_at"], None
        )
    else:
        connection.execute(UPDATE_DRAFT, {**values, "draft_id": draft.id})
        draft = replace(
            draft, answers=answers, completed_steps=completed, expires_at=values["expires_at"]
        )
    # The alert (outbox) is written in the transaction that flags the draft.
    alert_id = (
        outbox.alert_draft(connection, draft.id, values["safety_decision"])
        if "safety_decision" in values
        else None
    )
    db.session.commit()
    if alert_id is not None:
        outbox.wake([alert_id])
    session.modified = True  # the cookie's expiry moves with the draft's
    return draft


def _new_draft(language: str) -> dict[str, Any]:
    """A new draft's keys; its resume code is shown to the patient and stored hashed."""
    code = random_chars(RESUME_ALPHABET, RESUME_LENGTH)
    token = secrets.token_urlsafe(32)
    session[SESSION_KEY] = token
    session["resume_code"] = format_code(code)
    session.permanent = True
    _forget_crisis_pages()
    return {
        "token": token,
        "resume_code_hash": _hash_code(code),
        "submit_key": secrets.token_urlsafe(24),
        "language": language,
    }


def _forget_crisis_pages() -> None:
    """A new or resumed draft has not shown its crisis pages in this browser yet."""
    for key in ("crisis_shown", "callback_requested"):
        session.pop(key, None)


def _safety_flags(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The columns that put a draft with a safety signal at the top of the urgent list; none
    without one (a later step does not clear a flag once set)."""
    settings = clinic.current().rules
    decision = rules.evaluate_safety(answers, settings, today())
    if decision is None:
        return {}
    return {
        "is_urgent": True,
        "safety_decision": decision.to_document(),
        "priority": decision.priority,
    }


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
    row = submission_row(cleaned, as_of=as_of, language=draft.language)
    try:
        # Core statements: neither the ORM's unit of work nor its session is needed for two
        # inserts and an update. Two requests racing to submit one draft meet the unique
        # draft_id.
        alert_id = None
        with connection.begin():
            submission_id = insert_submission(connection, {**row, "draft_id": draft.id})
            if row["is_urgent"]:  # the alert (outbox) is written in the same transaction
                alert_id = outbox.alert_submission(
                    connection, submission_id, row["reference"], row["decision"], draft.id
                )
            # The submission holds the answers now: keep one copy of the PHI.
            connection.execute(
                MARK_SUBMITTED, {"draft_id": draft.id, "at": row["submitted_at"], "emptied": {}}
            )
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
