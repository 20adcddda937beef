"""The printable hand-off sheet of one submission: who to contact, the decision, the medication
and therapy trials as tables, and the notes (two A4 or Letter pages for a typical case)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app import questionnaire
from app.models import Submission

# One column of a trials table: (sub-item name, heading).
TRIAL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("drug", questionnaire.N_("Medicine")),
    ("daily_dose_mg", questionnaire.N_("Daily dose (mg)")),
    ("weeks_at_dose", questionnaire.N_("Weeks at that dose")),
    ("current_episode", questionnaire.N_("This episode")),
    ("response", questionnaire.N_("Response")),
)
THERAPY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("type", questionnaire.N_("Therapy")),
    ("format", questionnaire.N_("Format")),
    ("sessions", questionnaire.N_("Sessions")),
    ("response", questionnaire.N_("Response")),
)


@dataclass(frozen=True)
class Table:
    """A repeating group's rows as cells; ``translate`` tells which cells are labels."""

    headings: tuple[str, ...]
    rows: list[list[tuple[str, bool]]]


@dataclass(frozen=True)
class Contact:
    phone: str
    email: str
    preferred_contact: str
    language: str
    date_of_birth: str


@dataclass(frozen=True)
class PrintSheet:
    contact: Contact
    medications: Table
    therapies: Table
    notes: list[tuple[Any, str, str]]  # (when, author's email, body)


def _cell(item_name: str, value: Any) -> tuple[str, bool]:
    """What a cell shows: a choice's label (to translate) or the value as typed."""
    item = questionnaire.ALL_ITEMS.get(item_name)
    choice = item.choice(value) if item is not None and item.choices else None
    if choice is not None:
        return choice.label, True
    if item_name == "medication_trials.drug" and value == "other":
        return "", False
    return ("" if value is None else str(value)), False


def _table(answers: Mapping[str, Any], group: str, columns: Sequence[tuple[str, str]]) -> Table:
    rows = []
    for entry in answers.get(group) or ():
        cells = [_cell(f"{group}.{name}", entry.get(name)) for name, _ in columns]
        if group == "medication_trials" and entry.get("drug") == "other":
            cells[0] = (str(entry.get("drug_other") or ""), False)
        rows.append(cells)
    return Table(tuple(heading for _, heading in columns), rows)


def _label(item_name: str, value: Any) -> str:
    text, _ = _cell(item_name, value)
    return text


def print_sheet(submission: Submission) -> PrintSheet:
    """The sheet's contents, read from the stored answers and notes (nothing is written)."""
    answers = submission.answers or {}
    contact = Contact(
        phone=str(answers.get("phone") or ""),
        email=str(answers.get("email") or ""),
        preferred_contact=_label("preferred_contact", answers.get("preferred_contact")),
        language=_label("preferred_language", answers.get("preferred_language")),
        date_of_birth=str(answers.get("date_of_birth") or ""),
    )
    notes = [
        (note.created_at, note.author.email if note.author else "", note.body)
        for note in submission.notes
    ]
    return PrintSheet(
        contact=contact,
        medications=_table(answers, "medication_trials", TRIAL_COLUMNS),
        therapies=_table(answers, "therapy_trials", THERAPY_COLUMNS),
        notes=notes,
    )
