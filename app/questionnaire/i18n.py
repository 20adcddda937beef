"""Marker for user-facing strings.

The questionnaire is plain Python, so it cannot call gettext itself. Every user-facing string is
wrapped in ``N_()``: Babel extracts it (keyword ``N_``), and the web layer translates it at render
time. Messages with parameters use %-style named placeholders, translated first, then formatted.
"""


def N_(s: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Return ``s`` unchanged: it only marks the string for extraction."""
    return s
