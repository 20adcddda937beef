"""The rule set's version: the catalogue's own number plus the clinic settings version.

``CATALOGUE_VERSION`` is raised by hand whenever the catalogue's decisions change (rules, scoring,
combination, priority, explanations) and only then: tests/rules/test_catalogue_version.py
fingerprints the decisions on a fixed corpus of answers documents and fails when they change
under the same number (or when the number changes with the same decisions). A reformat of the
code changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .settings import Settings

CATALOGUE_VERSION: Final = 4  # 2: [SEED] cited as "Clinic policy"; 3: a dose above the usual
# maximum leaves the trial unverified (MIS-TRIAL-ADEQUACY, issue 16)


def ruleset_version(settings_version: int, catalogue_version: int = CATALOGUE_VERSION) -> str:
    """``c<catalogue>.s<settings>``: the two numbers every stored decision names."""
    return f"c{catalogue_version}.s{settings_version}"


def parse_ruleset_version(text: str) -> tuple[int, int] | None:
    """(catalogue version, settings version) of a ``c1.s3`` rule-set version, else None."""
    head = text.split("+", 1)[0]
    catalogue, _, settings = head.partition(".")
    if not (catalogue[:1] == "c" and settings[:1] == "s"):
        return None
    if not (catalogue[1:].isdigit() and settings[1:].isdigit()):
        return None
    return int(catalogue[1:]), int(settings[1:])


def settings_suffix(settings: Settings) -> str:
    """Short hash of the settings that differ from the defaults ("" when there are none)."""
    changed = settings.non_default()
    if not changed:
        return ""
    text = json.dumps(changed, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


RULESET_VERSION: Final = ruleset_version(0)
"""The version of decisions made under the default settings that were never stored."""
