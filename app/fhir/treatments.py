"""One ``RiskAssessment`` per treatment the decision evaluated (issue 21; docs/fhir.md).

Built from the decision document's ``treatments`` block (clinical-pathways.md §5.5) and the
answers: the treatment as ``code``, its outcome as ``prediction.outcome`` (the same codes as the
submission's RiskAssessment; an ECT referral's display says "Suggest discussing an ECT referral"
or "No referral trigger now"), ``basis`` the QuestionnaireResponse, ``parent`` the submission's
RiskAssessment, and as ``note``s: the rules that decided it (id, reason, source), the payer
profile's shortfalls and gaps, and the prior-authorization checklist (app/rules/checklist.py).
A decision without ``treatments`` gives none, so older Bundles are unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from app.rules.checklist import build_checklist
from app.treatment_index import outcomes_of

TREATMENT_SYSTEM = "urn:prescreen:treatment"
TREATMENT_DISPLAY = {
    "esketamine": "Esketamine (Spravato)",
    "iv_ketamine": "IV ketamine",
    "tms": "TMS",
    "ect_referral": "ECT referral",
}
ECT_DISPLAY = {
    "likely_candidate": "Suggest discussing an ECT referral",
    "needs_clinician_review": "An ECT referral could be discussed",
    "not_a_candidate_now": "No referral trigger now",
}


def _as_of(decision: Mapping[str, Any]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(decision.get("as_of")))
    except ValueError:
        return None


def _notes(
    block: Mapping[str, Any],
    fired: Mapping[str, Mapping[str, Any]],
    rule_text: Callable[[Mapping[str, Any]], str],
) -> list[dict[str, str]]:
    notes = [{"text": rule_text(fired.get(str(i)) or {"id": i})} for i in block.get("rules") or ()]
    coverage = block.get("coverage") or {}
    for kind, label in (("not_met", "Payer criterion not met"), ("gaps", "Documentation gap")):
        for rule_id in coverage.get(kind) or ():
            rule = fired.get(str(rule_id)) or {"id": rule_id}
            notes.append({"text": f"{label} ({coverage.get('profile')}): {rule_text(rule)}"})
    return notes


def treatment_risks(
    answers: Mapping[str, Any],
    decision: Mapping[str, Any],
    *,
    reference: str,
    urn: Callable[[str], str],
    common: Mapping[str, Any],
    parent_url: str,
    outcome_system: str,
    outcome_display: Mapping[str, str],
    rule_text: Callable[[Mapping[str, Any]], str],
) -> list[dict[str, Any]]:
    """The Bundle entries: one RiskAssessment per treatment, in the catalogue's order.
    ``common`` holds what every RiskAssessment of the Bundle shares (status, subject, time,
    method, basis); ``urn(kind)`` makes an entry's fullUrl; each is identified as
    ``{reference}/{treatment}`` in the system of ``common``'s identifier."""
    blocks = decision.get("treatments") or {}
    fired = {str(r.get("id")): r for r in decision.get("rules") or () if isinstance(r, Mapping)}
    urgent = decision.get("outcome") == "urgent_safety_review"
    as_of = _as_of(decision)
    entries = []
    for code, outcome in outcomes_of(decision).items():
        block = blocks[code]
        display = (ECT_DISPLAY if code == "ect_referral" else outcome_display).get(outcome, outcome)
        notes = _notes(block, fired, rule_text)
        if urgent:
            notes.insert(0, {"text": "Applies after the urgent safety review of this submission."})
        checklist = build_checklist(code, answers, as_of=as_of)
        risk: dict[str, Any] = {
            "resourceType": "RiskAssessment",
            **common,
            "identifier": [
                {**identifier, "value": f"{reference}/{code}"}
                for identifier in common.get("identifier") or ()
            ],
            "code": {
                "coding": [
                    {"system": TREATMENT_SYSTEM, "code": code, "display": TREATMENT_DISPLAY[code]}
                ],
                "text": f"{TREATMENT_DISPLAY[code]}: pre-screening candidacy",
            },
            "parent": {"reference": parent_url},
            "prediction": [
                {
                    "outcome": {
                        "coding": [{"system": outcome_system, "code": outcome, "display": display}],
                        "text": display,
                    },
                    "rationale": "; ".join(str(i) for i in block.get("rules") or ())
                    or "no rule fired",
                }
            ],
            "note": [
                *notes,
                *(
                    {"text": f"PA checklist, {item.fact}: {item.status} ({', '.join(item.fields)})"}
                    if item.fields
                    else {"text": f"PA checklist, {item.fact}: {item.status}"}
                    for item in checklist.items
                ),
            ],
        }
        entries.append({"fullUrl": urn(f"RiskAssessment/{code}"), "resource": risk})
    return entries
