"""The rule catalogue: every rule, in evaluation order (clinical-rules.md §5)."""

from __future__ import annotations

from typing import Final

from .caution import CAUTION_RULES
from .exclusion import EXCLUSION_RULES
from .inclusion import INCLUSION_RULES
from .info import INFO_RULES
from .missing import MISSING_RULES
from .review import REVIEW_RULES
from .rule import Rule
from .safety import SAFETY_RULES

RULES: Final[tuple[Rule, ...]] = (
    *SAFETY_RULES,
    *EXCLUSION_RULES,
    *CAUTION_RULES,
    *REVIEW_RULES,
    *MISSING_RULES,
    *INCLUSION_RULES,
    *INFO_RULES,
)

_ids = [r.id for r in RULES]
if len(set(_ids)) != len(_ids):  # pragma: no cover - a programming error caught at import
    raise RuntimeError("duplicate rule IDs in the catalogue")

RULES_BY_ID: Final = {r.id: r for r in RULES}


def rule_ids() -> list[str]:
    """Every rule ID in catalogue order."""
    return list(_ids)
