"""One submission as a FHIR R4 ``Bundle`` (SPEC §3), built from plain data.

A pure function of the answers, the decision document, the reference and the submission time:
a ``collection`` Bundle holding a ``Patient`` (who the answers are about), the
``QuestionnaireResponse`` (linkIds as in ``/fhir/Questionnaire``), an ``Observation`` for the
PHQ-9 total (LOINC 44261-6) and a ``RiskAssessment`` carrying the triage outcome and every rule
that fired. Entry ids are UUIDs derived from the reference, so the same submission always gives
the same Bundle.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from app.fhir.treatments import treatment_risks
from app.questionnaire import (
    QUESTIONNAIRE_VERSION,
    TREATMENTS,
    offering,
    questionnaire_url,
    to_fhir_response_items,
)

LOINC = "http://loinc.org"
PHQ9_TOTAL_LOINC = "44261-6"
PHQ9_TOTAL_DISPLAY = "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
OUTCOME_SYSTEM = "urn:prescreen:triage-outcome"
REFERENCE_SYSTEM = "urn:prescreen:submission-reference"
RULE_SYSTEM = "urn:prescreen:rule"
OUTCOME_DISPLAY = {
    "urgent_safety_review": "Urgent safety review",
    "not_a_candidate_now": "Not a candidate now",
    "needs_clinician_review": "Needs clinician review",
    "likely_candidate": "Likely candidate",
}
_NAMESPACE = uuid.UUID("2f5d7f0e-9a53-4d0c-8f0e-5b1c6f3a9d21")


def _urn(reference: str, kind: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{reference}/{kind}')}"


def _instant(moment: dt.datetime) -> str:
    """An ISO date-time with an explicit UTC offset (stored times are naive UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="seconds")


def _identifier(reference: str) -> dict[str, str]:
    return {"system": REFERENCE_SYSTEM, "value": reference}


def _patient(answers: Mapping[str, Any], reference: str) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "identifier": [_identifier(reference)]}
    name = {
        key: value
        for key, value in (
            ("family", answers.get("last_name")),
            ("given", [answers["first_name"]] if answers.get("first_name") else None),
        )
        if value
    }
    if name:
        patient["name"] = [name]
    telecom = [
        {"system": system, "value": str(answers[key])}
        for system, key in (("email", "email"), ("phone", "phone"))
        if answers.get(key)
    ]
    if telecom:
        patient["telecom"] = telecom
    if answers.get("date_of_birth"):
        patient["birthDate"] = str(answers["date_of_birth"])
    if answers.get("preferred_language"):
        patient["communication"] = [
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": answers["preferred_language"]}]
                }
            }
        ]
    return patient


def _rule_text(rule: Mapping[str, Any]) -> str:
    return f"{rule.get('id')}: {rule.get('reason')} ({rule.get('source') or 'no source'})"


def build_bundle(
    answers: Mapping[str, Any],
    decision: Mapping[str, Any],
    *,
    reference: str,
    submitted_at: dt.datetime,
    base_url: str = "",
) -> dict[str, Any]:
    """The FHIR R4 Bundle (type ``collection``) of one submission, as a JSON-ready dict.

    ``base_url`` is the configured public base URL: the response's ``questionnaire`` and the
    answer codes' system are built from it.
    """
    patient_url = _urn(reference, "Patient")
    response_url = _urn(reference, "QuestionnaireResponse")
    observation_url = _urn(reference, "Observation/phq9")
    risk_url = _urn(reference, "RiskAssessment")
    when = _instant(submitted_at)
    subject = {"reference": patient_url}
    scores: Mapping[str, Any] = decision.get("scores") or {}
    rules = list(decision.get("rules") or [])
    outcome = str(decision.get("outcome", ""))

    with offering(TREATMENTS):  # every stored answer, whatever the clinic offers today
        items = to_fhir_response_items(answers, base_url)
    response = {
        "resourceType": "QuestionnaireResponse",
        "identifier": _identifier(reference),
        "questionnaire": f"{questionnaire_url(base_url)}|{QUESTIONNAIRE_VERSION}",
        "status": "completed",
        "subject": subject,
        "authored": when,
        "item": items,
    }
    entries = [
        {"fullUrl": patient_url, "resource": _patient(answers, reference)},
        {"fullUrl": response_url, "resource": response},
    ]
    basis = [{"reference": response_url}]
    if scores.get("phq9_total") is not None:
        observation = {
            "resourceType": "Observation",
            "status": "final",
            "category": [
                {
                    "coding": [
                        {"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
                    ]
                }
            ],
            "code": {
                "coding": [
                    {"system": LOINC, "code": PHQ9_TOTAL_LOINC, "display": PHQ9_TOTAL_DISPLAY}
                ],
                "text": "PHQ-9 total score",
            },
            "subject": subject,
            "effectiveDateTime": when,
            "valueInteger": int(scores["phq9_total"]),
            "derivedFrom": [{"reference": response_url}],
        }
        if scores.get("phq9_band"):
            observation["interpretation"] = [{"text": str(scores["phq9_band"])}]
        entries.append({"fullUrl": observation_url, "resource": observation})
        basis.append({"reference": observation_url})

    risk = {
        "resourceType": "RiskAssessment",
        "identifier": [_identifier(reference)],
        "status": "final",
        "subject": subject,
        "occurrenceDateTime": when,
        "method": {
            "coding": [
                {
                    "system": "urn:prescreen:ruleset",
                    "code": str(decision.get("ruleset_version", "unknown")),
                }
            ],
            "text": "Prescreen triage rules (a triage aid, not a diagnosis)",
        },
        "basis": basis,
        "prediction": [
            {
                "outcome": {
                    "coding": [
                        {
                            "system": OUTCOME_SYSTEM,
                            "code": outcome,
                            "display": OUTCOME_DISPLAY.get(outcome, outcome),
                        }
                    ],
                    "text": OUTCOME_DISPLAY.get(outcome, outcome),
                },
                "rationale": "; ".join(str(r.get("id")) for r in rules) or "no rule fired",
            }
        ],
        "note": [{"text": _rule_text(rule)} for rule in rules],
    }
    if not risk["note"]:
        del risk["note"]
    entries.append({"fullUrl": risk_url, "resource": risk})
    # Issue 21: one RiskAssessment per treatment the decision evaluated (none before it).
    entries += treatment_risks(
        answers,
        decision,
        reference=reference,
        urn=lambda kind: _urn(reference, kind),
        common={
            key: risk[key]
            for key in ("identifier", "status", "subject", "occurrenceDateTime", "method")
        }
        | {"basis": [{"reference": response_url}]},
        parent_url=risk_url,
        outcome_system=OUTCOME_SYSTEM,
        outcome_display=OUTCOME_DISPLAY,
        rule_text=_rule_text,
    )
    return {
        "resourceType": "Bundle",
        "identifier": _identifier(reference),
        "type": "collection",
        "timestamp": when,
        "entry": entries,
    }
