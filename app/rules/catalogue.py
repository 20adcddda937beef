"""The rule catalogue: every rule, in evaluation order (clinical-rules.md §5)."""

from __future__ import annotations

from typing import Final

from .caution import CAUTION_RULES
from .coverage import COVERAGE_RULES
from .ect import ECT_RULES
from .exclusion import EXCLUSION_RULES
from .inclusion import INCLUSION_RULES
from .info import INFO_RULES
from .ketamine import KETAMINE_RULES
from .missing import MISSING_RULES
from .review import REVIEW_RULES
from .rule import CATEGORIES, Rule
from .safety import SAFETY_RULES
from .tms import TMS_RULES

_BY_MODULE: Final[tuple[Rule, ...]] = (
    *SAFETY_RULES,
    *EXCLUSION_RULES,
    *CAUTION_RULES,
    *REVIEW_RULES,
    *MISSING_RULES,
    *INCLUSION_RULES,
    *INFO_RULES,
    # Issue 21 (clinical-pathways.md §5.4): evaluated for the treatments they apply to.
    *TMS_RULES,
    *KETAMINE_RULES,
    *ECT_RULES,
    *COVERAGE_RULES,
)
# Catalogue order: by category in the §5 order (Category), then as the modules list them.
RULES: Final[tuple[Rule, ...]] = tuple(
    sorted(_BY_MODULE, key=lambda r: CATEGORIES.index(r.category))
)

_ids = [r.id for r in RULES]
if len(set(_ids)) != len(_ids):  # pragma: no cover - a programming error caught at import
    raise RuntimeError("duplicate rule IDs in the catalogue")

RULES_BY_ID: Final = {r.id: r for r in RULES}


def rule_ids() -> list[str]:
    """Every rule ID in catalogue order."""
    return list(_ids)
