"""Storing submissions: the one place a submission is created or re-decided.

A new submission is decided first (``submission_row``: the rules' decision and every column,
outside any transaction) and then stored (``store``: Core statements on the caller's
transaction). The questionnaire's submit, the FHIR intake, ``flask demo seed`` and the tests'
factories all go this way, so they store the same columns the same way; re-evaluation replaces
a decision with ``apply_decision``.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, insert, select, union

from app import clinic, crypto, rules, treatment_index
from app.extensions import db
from app.models import Submission, SubmissionSearchTerm, utcnow
from app.rules.decision import top_reason

# Crockford base32 without I, L, O, U: easy to read aloud, no look-alike characters.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A random, non-sequential reference like ``PS-7K3M-Q9TD`` (40 bits of randomness)."""
    chars = random_chars(REFERENCE_ALPHABET, 8)
    return f"PS-{chars[:4]}-{chars[4:]}"


def random_chars(alphabet: str, count: int) -> str:
    """``count`` characters drawn uniformly from a 32-letter ``alphabet``: five random bits
    each, from one call for randomness (``secrets.choice`` made one a character)."""
    if len(alphabet) != 32:
        raise ValueError("the alphabet must have 32 letters")
    bits = secrets.randbits(5 * count)
    return "".join(alphabet[(bits >> (5 * i)) & 31] for i in range(count))


def normalise_phone(phone: str | None) -> str:
    return re.sub(r"\D", "", phone or "")


# A name is found by any of its words' first three letters or more (a word longer than this is
# stored and searched by its first PREFIX_MAX letters); shorter words only whole.
PREFIX_MIN = 3
PREFIX_MAX = 12


def fold(text: str) -> str:
    """Lower case without accents, as names are stored and searched: "Núñez" -> "nunez"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_tokens(text: str) -> list[str]:
    """The folded words of a name ("Jean-Luc O'Brien" -> jean, luc, o, brien)."""
    return [token for token in re.split(r"[\W_]+", fold(text)) if token]


def word_prefixes(word: str) -> list[str]:
    """What a name's word is stored as: every prefix a search may type (the word itself too)."""
    word = word[:PREFIX_MAX]
    if len(word) <= PREFIX_MIN:
        return [word]
    return [word[:length] for length in range(PREFIX_MIN, len(word) + 1)]


def phone_key(digits: str) -> str:
    """What a phone number is matched by in full: its last ten digits, so a number typed with
    or without its country code ("+1 555 555 0142", "555-555-0142") is the same number."""
    return digits[-10:]


def phone_term(digits: str) -> str:
    """The search term of a phone number's last four digits (its own kind of term)."""
    return crypto.keyring().blind_index(f"tel:{digits[-4:]}") if len(digits) >= 4 else ""


def search_columns(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Blind indexes of what staff search by: the email, the phone digits and, as one row
    each, the prefixes of the name's words and the phone's last four digits."""
    index = crypto.keyring().blind_index
    name = f"{answers.get('first_name', '')} {answers.get('last_name', '')}"
    phone = normalise_phone(answers.get("phone"))
    terms = name_terms(name, words=7)
    if len(phone) >= 4:
        terms.append(phone_term(phone))
    return {
        "search_email": index(str(answers.get("email", "")).strip().lower()),
        "search_phone": index(phone_key(phone)),
        "search_terms": tuple(terms),
    }


def name_terms(text: str, words: int | None = None) -> list[str]:
    """The blind indexes a name is stored as: each prefix of its distinct words (of its first
    ``words`` words), in order."""
    index = crypto.keyring().blind_index
    prefixes = (prefix for token in name_tokens(text)[:words] for prefix in word_prefixes(token))
    return list(dict.fromkeys(index(prefix) for prefix in prefixes))


def query_terms(text: str) -> list[str]:
    """The blind indexes a name search looks up: one per word typed (at most PREFIX_MAX
    letters of it), so "riv" finds Rivera and "nunez" finds Núñez."""
    index = crypto.keyring().blind_index
    return list(dict.fromkeys(index(token[:PREFIX_MAX]) for token in name_tokens(text)))


def every_term(terms: list[str]) -> list[ColumnElement[bool]]:
    """Conditions on SubmissionSearchTerm: rows of the first term whose submission has every
    other term too (one row per matching submission)."""
    first, *others = terms
    return [
        SubmissionSearchTerm.term == first,
        *(
            SubmissionSearchTerm.submission_id.in_(
                select(SubmissionSearchTerm.submission_id).where(SubmissionSearchTerm.term == term)
            )
            for term in others
        ),
    ]


def with_every_term(terms: list[str]) -> Select[tuple[int]]:
    """The ids of the submissions whose name has every one of ``terms``."""
    return select(SubmissionSearchTerm.submission_id).where(*every_term(terms))


def search_condition(query: str) -> ColumnElement[bool]:
    """Submissions whose name has a word starting with each word of ``query``, or whose email
    is ``query``, or whose phone number is ``query`` or ends with its four digits (compared
    through the blind indexes, so the database never sees any of it in clear)."""
    found = union(*search_parts(query)).subquery()
    return Submission.id.in_(select(found.c.id))


def search_parts(query: str) -> list[Select[Any]]:
    """Each alternative of ``search_condition`` as the submissions it finds with their status
    (``id``, ``status``), each read from its own index: the email's or the phone's blind
    index, or the search terms (which carry their submission's status)."""
    index = crypto.keyring().blind_index
    text = query.strip().lower()
    found = select(Submission.id, Submission.status)
    parts: list[Select[Any]] = [found.where(Submission.search_email == index(text))]
    digits = normalise_phone(text)
    if len(digits) >= 7:
        parts.append(found.where(Submission.search_phone == index(phone_key(digits))))
    elif len(digits) == 4 and not re.search(r"[^\d\s()+./-]", text):
        parts.append(with_every_term_and_status([phone_term(digits)]))
    terms = query_terms(text)
    if terms:
        parts.append(with_every_term_and_status(terms))
    return parts


def with_every_term_and_status(terms: list[str]) -> Select[Any]:
    """The submissions whose name has every one of ``terms``, with their status."""
    term = SubmissionSearchTerm
    return select(term.submission_id.label("id"), term.status).where(*every_term(terms))


SUMMARY_ANSWERS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "preferred_language",
    "preferred_contact",
)


def summary_of(answers: Mapping[str, Any], decision: Mapping[str, Any]) -> dict[str, Any]:
    """What the queue and the CSV export show of a submission (``Submission.summary``)."""
    scores = decision.get("scores") or {}
    return {
        **{key: answers.get(key) for key in SUMMARY_ANSWERS},
        "phq9_total": scores.get("phq9_total"),
        "adequate_failed_trials": scores.get("adequate_failed_trials"),
        "rules": [str(rule.get("id", "")) for rule in decision.get("rules", ())],
        "age_years": scores.get("age_years"),
        "top_reason": top_reason(str(decision.get("outcome", "")), decision.get("rules", ())),
        "treatments": treatment_index.outcomes_of(decision),
    }


def decide(answers: Mapping[str, Any], as_of: dt.date) -> rules.Decision:
    return rules.evaluate(answers, clinic.current().rules, as_of)


def submission_row(
    answers: Mapping[str, Any],
    *,
    as_of: dt.date | None = None,
    submitted_at: dt.datetime | None = None,
    language: str = "en",
) -> dict[str, Any]:
    """Evaluate the answers: a new submission's values, both documents included (and its
    name terms, as ``search_terms``), for ``store``. Seeding and tests may change columns
    (status, assignment, ...) before storing them."""
    submitted_at = submitted_at or utcnow()
    as_of = as_of or submitted_at.date()
    decision = decide(answers, as_of).to_document()
    return dict(
        reference=new_reference(),
        answers=dict(answers),
        decision=decision,
        summary=summary_of(answers, decision),
        ruleset_version=decision["ruleset_version"],
        as_of=as_of,
        outcome=decision["outcome"],
        priority=decision["priority"],
        is_urgent=decision["outcome"] == "urgent_safety_review",
        status="new",
        language=language,
        submitted_at=submitted_at,
        **search_columns(answers),
    )


# Built once: they run in every submit.
INSERT_SUBMISSION = insert(Submission.__table__).returning(Submission.__table__.c.id)
INSERT_TERMS = insert(SubmissionSearchTerm.__table__)


def store(connection: Connection, row: Mapping[str, Any]) -> int:
    """Insert a ``submission_row`` and its name terms on the connection of a transaction the
    caller commits; the new submission's id. Core statements: for the questionnaire's submit
    the ORM's unit of work cost more than the SQL."""
    values = dict(row)
    terms = values.pop("search_terms", ())
    submission_id = int(connection.execute(INSERT_SUBMISSION, values).scalar_one())
    if terms:  # their status is the submission's (the database triggers keep it so)
        connection.execute(
            INSERT_TERMS,
            [
                {"term": term, "submission_id": submission_id, "status": values["status"]}
                for term in terms
            ],
        )
    treatment_index.insert_rows(connection, submission_id, values["decision"])
    return submission_id


def apply_decision(submission: Submission, decision: rules.Decision) -> None:
    """Replace a stored decision (re-evaluation); the caller audits and commits."""
    document = decision.to_document()
    submission.decision = document
    submission.summary = summary_of(submission.answers, document)
    submission.ruleset_version = document["ruleset_version"]
    submission.outcome = document["outcome"]
    submission.priority = document["priority"]
    submission.is_urgent = document["outcome"] == "urgent_safety_review"
    treatment_index.replace_rows(db.session.connection(), [(submission.id, document)])
