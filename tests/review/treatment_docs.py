"""Decision documents with per-treatment results (clinical-pathways.md §5.5), as the rules engine
of issue 21 writes them: ``treatments`` per offered treatment, its rules by id in ``rules``."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

NEW_RULES = [
    {
        "id": "CI-ANEURYSM",
        "category": "exclusion",
        "reason": "Aneurysm reported: esketamine's label contraindication.",
        "source": "[SPRAVATO-PI]",
    },
    {
        "id": "KET-INFO-OFF-LABEL",
        "category": "info",
        "reason": "IV ketamine for depression is off-label; usually self-pay.",
        "source": "[ASKP3][SANACORA]",
    },
    {
        "id": "TMS-INC-MDD",
        "category": "inclusion_evidence",
        "reason": "Seeking treatment for major depression.",
        "source": "[TMS-510K]",
    },
    {
        "id": "TMS-INC-FAILED-AD",
        "category": "inclusion_evidence",
        "reason": "3 failed adequate trial(s) in this episode; meets the TMS indication (≥1).",
        "source": "[TMS-510K][LCD-NOVITAS]",
    },
    {
        "id": "PAY-TMS-PSYCHOTHERAPY",
        "category": "coverage_not_met",
        "reason": "No psychotherapy trial of ≥8 sessions; Typical commercial requires one.",
        "source": "[LCD-NORIDIAN-A55904]",
    },
    {
        "id": "PAY-TMS-SEVERITY",
        "category": "coverage_gap",
        "reason": "PHQ-9 14; Typical commercial expects severe MDD (PHQ-9 ≥15).",
        "source": "[LCD]",
    },
    {
        "id": "ECT-INC-SUICIDALITY",
        "category": "inclusion_evidence",
        "reason": "Suicidal thoughts with depression: ECT relieves suicidal intent quickly.",
        "source": "[KELLNER-2005]",
    },
]

P1_LIKE: dict[str, Any] = {
    "esketamine": {
        "outcome": "not_a_candidate_now",
        "rules": ["CI-ANEURYSM", "INC-DEPRESSION-INDICATION"],
        "coverage": {"profile": "typical_commercial", "not_met": [], "gaps": []},
    },
    "iv_ketamine": {
        "outcome": "not_a_candidate_now",
        "rules": ["CI-ANEURYSM", "KET-INFO-OFF-LABEL"],
    },
    "tms": {
        "outcome": "needs_clinician_review",
        "rules": ["TMS-INC-MDD", "TMS-INC-FAILED-AD", "INC-PHQ9-MODERATE", "PAY-TMS-PSYCHOTHERAPY"],
        "coverage": {
            "profile": "typical_commercial",
            "not_met": ["PAY-TMS-PSYCHOTHERAPY"],
            "gaps": ["PAY-TMS-SEVERITY"],
        },
    },
    "ect_referral": {
        "outcome": "not_a_candidate_now",
        "label": "no referral trigger now",
        "rules": [],
    },
}
TMS_LIKELY: dict[str, Any] = {
    "esketamine": {
        "outcome": "likely_candidate",
        "rules": ["INC-DEPRESSION-INDICATION", "INC-TRD-2-TRIALS", "INC-PHQ9-MODERATE"],
        "coverage": {"profile": "typical_commercial", "not_met": [], "gaps": []},
    },
    "tms": {
        "outcome": "likely_candidate",
        "rules": ["TMS-INC-MDD", "TMS-INC-FAILED-AD", "INC-PHQ9-MODERATE"],
        "coverage": {"profile": "typical_commercial", "not_met": [], "gaps": []},
    },
    "ect_referral": {
        "outcome": "likely_candidate",
        "label": "suggest discussing an ECT referral",
        "rules": ["ECT-INC-SUICIDALITY"],
    },
}


class WithTreatments:
    """A decision whose document carries ``treatments`` (and the rules it names), or none
    (``blocks`` None: a decision stored before issue 21)."""

    def __init__(self, decision: Any, blocks: Mapping[str, Any] | None) -> None:
        self.decision = decision
        self.blocks = blocks

    def to_document(self) -> dict[str, Any]:
        document = self.decision.to_document()
        if self.blocks is None:
            document.pop("treatments", None)
            return document
        known = {rule["id"] for rule in document["rules"]}
        document["rules"] += [r for r in NEW_RULES if r["id"] not in known]
        document["treatments"] = copy.deepcopy(dict(self.blocks))
        return document
