"""Storing drafts: the one place a draft is read by its keys, started or saved.

Used by the questionnaire's steps, submit and resume, by ``flask demo seed`` and by the tests'
factories, so all of them store the same columns the same way. A draft is plain values
(``OpenDraft``) read and written with Core statements: no ORM object to track, since for the
patient's steps the ORM's unit of work cost more than the SQL. The caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask import current_app
from sqlalchemy import Connection, bindparam, insert, select, update

from app import clinic, rules
from app.models import Draft, utcnow
from app.submissions import random_chars

RESUME_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RESUME_LENGTH = 12  # 60 bits: unguessable, and still short enough to write down


@dataclass(frozen=True)
class OpenDraft:
    """A draft as the patient pages use it: the columns they read, as plain values."""

    id: int
    answers: dict[str, Any]
    completed_steps: list[str]
    language: str
    submit_key: str
    expires_at: dt.datetime
    submitted_at: dt.datetime | None


@dataclass(frozen=True)
class Keys:
    """A new draft's keys in clear: the token a browser's session holds, and the resume code
    shown to the patient once (the draft stores only its hash)."""

    token: str
    resume_code: str


@dataclass(frozen=True)
class Saved:
    """What a save stored, and what only it knows: a new draft's keys, and the safety
    decision when the answers carry a signal."""

    draft: OpenDraft
    keys: Keys | None = None
    safety_decision: dict[str, Any] | None = None


# Built once: every patient request runs them, and building and keying them anew each time
# cost about a tenth of a millisecond.
_DRAFTS = Draft.__table__.c
_OPEN_DRAFT = select(*(_DRAFTS[name] for name in OpenDraft.__dataclass_fields__))
DRAFT_BY_TOKEN = _OPEN_DRAFT.where(_DRAFTS.token == bindparam("token"))
DRAFT_BY_RESUME_CODE = select(_DRAFTS.token, *_OPEN_DRAFT.selected_columns).where(
    _DRAFTS.resume_code_hash == bindparam("code_hash")
)
INSERT_DRAFT = insert(Draft.__table__).returning(_DRAFTS.id)  # columns: the values given
UPDATE_DRAFT = update(Draft.__table__).where(_DRAFTS.id == bindparam("draft_id"))
MARK_SUBMITTED = UPDATE_DRAFT.values(submitted_at=bindparam("at"), answers=bindparam("emptied"))


def by_token(connection: Connection, token: str) -> OpenDraft | None:
    """The draft a browser's session names (expired or not: the caller decides)."""
    row = connection.execute(DRAFT_BY_TOKEN, {"token": token}).one_or_none()
    return OpenDraft(*row) if row is not None else None


def by_resume_code(connection: Connection, code: str) -> tuple[str, OpenDraft] | None:
    """The token and the draft of this resume code, as people type it (expired or not)."""
    row = connection.execute(DRAFT_BY_RESUME_CODE, {"code_hash": hash_code(code)}).one_or_none()
    return (row[0], OpenDraft(*row[1:])) if row is not None else None


def save(
    connection: Connection,
    answers: Mapping[str, Any],
    completed_steps: list[str],
    *,
    as_of: dt.date,
    draft: OpenDraft | None = None,
    language: str = "en",
    **columns: Any,
) -> Saved:
    """Store a draft's answers and completed steps: a new draft (with new keys) when ``draft``
    is None, else that one. Any safety signal in the answers flags it urgent; a save without one
    leaves a flag already set. ``columns`` set others (``expires_at``, by default the clinic's
    expiry from now; ``created_at`` ... for seeding and tests)."""
    answers = dict(answers)
    values: dict[str, Any] = {
        "answers": answers,
        "completed_steps": completed_steps,
        "expires_at": expiry(),
    }
    safety = None
    decision = rules.evaluate_safety(answers, clinic.current().rules, as_of)
    if decision is not None:
        safety = decision.to_document()
        values.update(is_urgent=True, safety_decision=safety, priority=decision.priority)
    values.update(columns)
    if draft is not None:
        connection.execute(UPDATE_DRAFT, {**values, "draft_id": draft.id})
        saved = replace(
            draft, answers=answers, completed_steps=completed_steps, expires_at=values["expires_at"]
        )
        return Saved(saved, safety_decision=safety)
    code = random_chars(RESUME_ALPHABET, RESUME_LENGTH)
    started = {
        "token": secrets.token_urlsafe(32),
        "resume_code_hash": hash_code(code),
        "submit_key": secrets.token_urlsafe(24),
        "language": language,
    }
    draft_id = connection.execute(INSERT_DRAFT, {**values, **started}).scalar_one()
    new = OpenDraft(
        id=draft_id,
        answers=answers,
        completed_steps=completed_steps,
        language=language,
        submit_key=started["submit_key"],
        expires_at=values["expires_at"],
        submitted_at=values.get("submitted_at"),
    )
    return Saved(new, Keys(started["token"], code), safety)


def mark_submitted(connection: Connection, draft_id: int, at: dt.datetime) -> None:
    """The draft's submission holds the answers now: keep one copy of the PHI."""
    connection.execute(MARK_SUBMITTED, {"draft_id": draft_id, "at": at, "emptied": {}})


def expiry() -> dt.datetime:
    return utcnow() + dt.timedelta(days=clinic.current().draft_expiry_days)


def hash_code(code: str) -> str:
    """What a resume code is stored as: keyed, so the table alone opens nothing."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    """Accept the code as people type it: any case, spaces or dashes, O for 0, I/L for 1."""
    cleaned = "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
