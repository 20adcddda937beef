"""Tolerant readers of an answers document: an absent or ill-typed value reads as None/empty."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

Answers = Mapping[str, Any]


def number(value: object) -> int | float | None:
    """Return a finite JSON number (never a bool), else None."""
    if type(value) is int:
        return value
    if type(value) is float:
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, int) and not isinstance(value, bool):  # int subclasses, not bool
        return int(value)
    return None


def whole(value: object) -> int | None:
    """Return a whole JSON number as int, else None."""
    if type(value) is int:
        return value
    result = number(value)
    return result if type(result) is int else None


def choices(value: object) -> Sequence[Any]:
    """Return a multi-choice answer as a sequence (empty when absent or not a list)."""
    if type(value) is list or type(value) is tuple:
        return value
    return ()


def iso_date(value: object) -> date | None:
    """Return an ISO ``YYYY-MM-DD`` date, else None."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_as_of(text: str) -> date:
    """Parse an ``--as-of`` date (``YYYY-MM-DD``); raise ValueError with a usable message."""
    result = iso_date(text.strip()) if isinstance(text, str) else None
    if result is None:
        raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD, for example 2026-11-25")
    return result


def whole_years(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on``; the birthday itself counts."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
