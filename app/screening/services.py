"""Drafts and submissions for the patient questionnaire: the units of work behind the views."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, session
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app import questionnaire, rules
from app.extensions import db, reading_first
from app.models import Draft, Submission, utcnow
from app.questionnaire import Step
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
    return utcnow() + dt.timedelta(days=current_app.config["DRAFT_EXPIRY_DAYS"])


# Built once: every patient request runs it, and building and keying it anew each time cost
# about a tenth of a millisecond.
DRAFT_BY_TOKEN = select(Draft).where(Draft.token == bindparam("token"))
MARK_SUBMITTED = (
    update(Draft)
    .where(Draft.id == bindparam("draft_id"))
    .values(submitted_at=bindparam("at"), answers=bindparam("emptied"))
)


def current_draft() -> Draft | None:
    """The draft this browser is filling in, if it is still open."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    draft = db.session.scalar(DRAFT_BY_TOKEN, {"token": token})
    return _still_open(draft)


@dataclass(frozen=True)
class DraftToSubmit:
    """What submitting needs of a draft, read without the ORM (no object to track, and only
    the draft's answers to decrypt)."""

    id: int
    answers: dict[str, Any]
    completed_steps: list[str]
    language: str
    submit_key: str
    expires_at: dt.datetime
    submitted_at: dt.datetime | None


_DRAFTS = Draft.__table__.c
DRAFT_TO_SUBMIT = select(*(_DRAFTS[name] for name in DraftToSubmit.__dataclass_fields__)).where(
    _DRAFTS.token == bindparam("token")
)


def draft_to_submit() -> DraftToSubmit | None:
    """``current_draft`` for the submit: the same draft, as plain values."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    # A connection of its own, given back at once: that ends the read (the view begins it
    # without SQLite's write lock) before the submit validates, decides and encrypts.
    with db.engine.connect() as connection:
        row = connection.execute(DRAFT_TO_SUBMIT, {"token": token}).one_or_none()
    return _still_open(DraftToSubmit(*row) if row is not None else None)


_Open = TypeVar("_Open", Draft, DraftToSubmit)


def _still_open(draft: _Open | None) -> _Open | None:
    if draft is None or draft.expires_at < utcnow():
        session.pop(SESSION_KEY, None)
        return None
    return draft


def create_draft(language: str) -> tuple[Draft, str]:
    """Start a draft; returns it and its resume code (shown to the patient, stored hashed)."""
    code = random_chars(RESUME_ALPHABET, RESUME_LENGTH)
    draft = Draft(
        token=secrets.token_urlsafe(32),
        resume_code_hash=_hash_code(code),
        submit_key=secrets.token_urlsafe(24),
        answers={},
        completed_steps=[],
        language=language,
        expires_at=_expiry(),
    )
    db.session.add(draft)
    session[SESSION_KEY] = draft.token
    session["resume_code"] = format_code(code)
    session.permanent = True
    return draft, format_code(code)


def resume(code: str) -> Draft | None:
    """Bind the draft with this resume code to this browser, if it exists and is still open."""
    if len(normalise_code(code)) != RESUME_LENGTH:
        return None
    draft = db.session.scalar(select(Draft).where(Draft.resume_code_hash == _hash_code(code)))
    if draft is None or draft.expires_at < utcnow() or draft.submitted_at is not None:
        return None
    session[SESSION_KEY] = draft.token
    session["resume_code"] = format_code(normalise_code(code))
    session.permanent = True
    return draft


def save_step(draft: Draft | None, step: Step, cleaned: Mapping[str, Any], language: str) -> Draft:
    """Store a valid step at once, and flag the draft urgent on any safety signal."""
    if draft is None:
        draft, _code = create_draft(language)
    # Branching may hide later steps' answers now: keep only what is still shown.
    answers = questionnaire.prune_hidden(
        questionnaire.merge_step(draft.answers or {}, step, cleaned)
    )
    done = [name for name in draft.completed_steps or [] if name != step.name]
    completed = [*done, step.name]
    draft.answers = answers
    draft.completed_steps = completed
    draft.expires_at = _expiry()
    session.modified = True  # the cookie's expiry moves with the draft's
    _flag_safety(draft)
    db.session.commit()
    # The commit expires the draft; what comes next (the next step) reads these two, which
    # this request has just written: keep them instead of loading the row again.
    set_committed_value(draft, "answers", answers)
    set_committed_value(draft, "completed_steps", completed)
    return draft


def _flag_safety(draft: Draft) -> None:
    settings = current_app.config["RULE_SETTINGS"]
    decision = rules.evaluate_safety(draft.answers, settings, today())
    if decision is not None:
        draft.is_urgent = True
        draft.safety_decision = decision.to_document()
        draft.priority = decision.priority


def has_safety_signal(answers: Mapping[str, Any]) -> bool:
    return rules.has_safety_signal(answers, current_app.config["RULE_SETTINGS"])


def completed_visible(draft: Draft | DraftToSubmit | None) -> list[str]:
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


def first_open_step(draft: Draft | DraftToSubmit | None) -> Step | None:
    """The first visible step not yet completed (None when every step is done)."""
    answers = draft.answers if draft else {}
    done = set(completed_visible(draft))
    for step in questionnaire.visible_steps(answers or {}):
        if step.name not in done:
            return step
    return None


def may_open(draft: Draft | None, step: Step) -> bool:
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


def submit(draft: DraftToSubmit) -> tuple[Receipt | None, list[questionnaire.FieldError]]:
    """Turn a complete draft into exactly one submission (replays return the same one)."""
    # A draft is marked submitted in the same commit that stores its submission, so only a
    # replay needs the query for it.
    if draft.submitted_at is not None:
        existing = _submission_of(draft.id)
        if existing is not None:
            return existing, []
    as_of = today()
    cleaned, errors = questionnaire.validate_document(draft.answers or {}, as_of)
    if errors:
        return None, errors
    row = submission_row(cleaned, as_of=as_of, language=draft.language)
    try:
        # Core statements in a transaction of their own: neither the ORM's unit of work nor
        # its session is needed for two inserts and an update. Two requests racing to submit
        # one draft meet the unique draft_id.
        with db.engine.begin() as connection:
            insert_submission(connection, {**row, "draft_id": draft.id})
            # The submission holds the answers now: keep one copy of the PHI.
            connection.execute(
                MARK_SUBMITTED, {"draft_id": draft.id, "at": row["submitted_at"], "emptied": {}}
            )
    except IntegrityError:
        # Another request submitted this draft a moment ago: return that one.
        return _submission_of(draft.id), []
    return Receipt(row["reference"], row["outcome"]), []


_SUBMISSIONS = Submission.__table__.c
RECEIPT_OF_DRAFT = select(_SUBMISSIONS.reference, _SUBMISSIONS.outcome).where(
    _SUBMISSIONS.draft_id == bindparam("draft_id")
)


def _submission_of(draft_id: int) -> Receipt | None:
    with reading_first(), db.engine.connect() as connection:
        row = connection.execute(RECEIPT_OF_DRAFT, {"draft_id": draft_id}).one_or_none()
    return Receipt(*row) if row is not None else None


def commit() -> None:
    db.session.commit()


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


def change_rows(step: Step, raw: dict[str, Any], action: str) -> dict[str, Any]:
    """Add a row to, or remove one from, a repeating group (buttons that work without JS)."""
    verb, _, rest = action.partition(":")
    name, _, index = rest.partition(":")
    group = step.element(name)
    if not isinstance(group, questionnaire.Group):
        return raw
    rows = list(raw.get(name) or [])
    if verb == "add" and len(rows) < group.max_entries:
        rows.append({})
    elif verb == "remove" and index.isdecimal() and int(index) < len(rows):
        del rows[int(index)]
    return {**raw, name: rows}
