"""Marker for user-facing strings.

The questionnaire is plain Python, so it cannot call gettext itself. Every user-facing string is
wrapped in ``N_()``: Babel extracts it (keyword ``N_``), and the web layer translates it at render
time. Messages with parameters use %-style named placeholders, translated first, then formatted.

The same English words can need different translations: PCL-5's "Not at all" (bothered) is not
PHQ-9's "Not at all" (days). ``NC_(context, s)`` marks such a string with a gettext context
(``msgctxt``, keyword ``NC_:1c,2``); ``gettext_in`` translates either kind.
"""

from typing import Any


class InContext(str):
    """A message that is translated within a gettext context; otherwise the plain string."""

    context: str


def N_(s: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Return ``s`` unchanged: it only marks the string for extraction."""
    return s


def NC_(context: str, s: str) -> str:  # noqa: N802 - the gettext marker's name, with context
    """Return ``s``, marked for extraction with ``context`` and translated within it."""
    message = InContext(s)
    message.context = context
    return message


def gettext_in(catalogue: Any, message: str) -> str:
    """``message`` translated by a gettext ``catalogue``, within its context if it has one."""
    if type(message) is not InContext:
        return catalogue.ugettext(message)  # type: ignore[no-any-return]
    return str(catalogue.upgettext(message.context, message))
