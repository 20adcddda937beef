"""QuestionnaireResponses in: read, validate as the web form does, decide, and store.

A response is read into an answers document (app/questionnaire/fhir_response.py), validated by
``validate_document`` (the web form's validation and rules), decided by the same rules, and
stored through ``app.submissions`` like the web form's submit. ``Refusal`` carries the
``OperationOutcome`` and status of anything that cannot be taken.

As ``flask screening evaluate``: an answer to a question the response's own answers hide is
refused (not dropped), naming its linkId; and a refused response whose valid answers carry a
safety signal says so in the OperationOutcome, naming the safety rules that fired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, clinic, crypto, questionnaire, rules, submissions
from app.alerts import outbox
from app.extensions import db
from app.fhir.bundle import RULE_SYSTEM, build_bundle
from app.fhir.models import ApiToken, StoredResponse
from app.models import Submission, utcnow

RESPONSE_STATUSES = ("completed", "amended")


def outcome(issues: list[tuple[str, str, str]]) -> dict[str, Any]:
    """An ``OperationOutcome`` of (code, linkId or "", message) issues, all errors."""
    entries = []
    for code, link, message in issues:
        issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": message}
        if link:
            issue["diagnostics"] = f"{link}: {message}"
            issue["expression"] = [f"QuestionnaireResponse.repeat(item).where(linkId='{link}')"]
            issue["details"] = {"text": message}
        entries.append(issue)
    return {"resourceType": "OperationOutcome", "issue": entries}


def safety_issue(fired: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The issue telling of a safety signal in a refused response: the rules that fired (ids
    coded in the rule system, as the RiskAssessment's), and that the person needs contact."""
    ids = ", ".join(str(rule["id"]) for rule in fired)
    message = f"Safety signal: {ids}. Contact the person today, whatever the errors above."
    return {
        "severity": "warning",
        "code": "business-rule",
        "diagnostics": message,
        "details": {
            "coding": [
                {"system": RULE_SYSTEM, "code": str(rule["id"]), "display": str(rule["reason"])}
                for rule in fired
            ],
            "text": message,
        },
    }


class Refusal(Exception):  # noqa: N818 - a refusal, not an error of ours
    """A response that cannot be taken: the HTTP status and the OperationOutcome (with the
    safety rules that fired on its valid answers, if any)."""

    def __init__(
        self,
        status: int,
        issues: list[tuple[str, str, str]],
        safety: list[Mapping[str, Any]] | None = None,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.outcome = outcome(issues)
        if safety:
            self.outcome["issue"].append(safety_issue(safety))


@dataclass(frozen=True)
class Accepted:
    """A valid response: its cleaned answers, language and identifier."""

    answers: dict[str, Any]
    language: str
    identifier: str | None
    as_of: dt.date


def _base() -> str:
    return str(current_app.config["PUBLIC_URL"]).rstrip("/")


def _check_questionnaire(resource: Mapping[str, Any]) -> None:
    canonical = resource.get("questionnaire")
    url = questionnaire.questionnaire_url(_base())
    allowed = {url, f"{url}|{questionnaire.QUESTIONNAIRE_VERSION}"}
    if canonical not in allowed:
        raise Refusal(
            422,
            [
                (
                    "invalid",
                    "",
                    f"questionnaire must be {url}|{questionnaire.QUESTIONNAIRE_VERSION} "
                    f"(this server's questionnaire and version), not {canonical!r}",
                )
            ],
        )


def _identifier(resource: Mapping[str, Any]) -> str | None:
    identifier = resource.get("identifier")
    if identifier is None:
        return None
    if not isinstance(identifier, Mapping) or not isinstance(identifier.get("value"), str):
        raise Refusal(400, [("structure", "", "identifier must be one Identifier with a value")])
    return f"{identifier.get('system', '')}|{identifier['value']}"


def read(resource: Any) -> Accepted:
    """Check a posted QuestionnaireResponse against the Questionnaire and the rules."""
    if not isinstance(resource, Mapping) or resource.get("resourceType") != "QuestionnaireResponse":
        raise Refusal(400, [("structure", "", "the body must be a QuestionnaireResponse")])
    if resource.get("status") not in RESPONSE_STATUSES:
        raise Refusal(422, [("invalid", "", "status must be completed (or amended)")])
    identifier = _identifier(resource)
    _check_questionnaire(resource)
    answers, problems = questionnaire.response_to_answers(resource.get("item"), _base())
    if problems:
        raise Refusal(422, [(p.code, p.link_id, p.message) for p in problems])
    as_of = utcnow().date()
    cleaned, errors = questionnaire.validate_document(
        answers, as_of, refuse_hidden=True, offered=clinic.current().rules.treatments_offered
    )
    if errors:
        raise Refusal(
            422,
            [("invariant", questionnaire.field_link(e.field), e.text) for e in errors],
            _safety_rules(cleaned, as_of),
        )
    language = resource.get("language")
    if language not in clinic.current().languages:  # the languages the clinic offers
        language = cleaned.get("preferred_language", "en")
    return Accepted(cleaned, str(language)[:5], identifier, as_of)


def _safety_rules(cleaned: Mapping[str, Any], as_of: dt.date) -> list[Mapping[str, Any]]:
    """The safety rules that fire on the valid answers of a refused response."""
    urgent = rules.evaluate_safety(cleaned, clinic.current().rules, as_of)
    return [] if urgent is None else list(urgent.to_document()["rules"])


def evaluate(accepted: Accepted) -> dict[str, Any]:
    """The decision as a Bundle, stored nowhere (``$evaluate``)."""
    decision = submissions.decide(accepted.answers, accepted.as_of).to_document()
    return build_bundle(
        accepted.answers,
        decision,
        reference="not-stored",
        submitted_at=utcnow(),
        base_url=_base(),
    )


def _bundle_of(submission: Submission) -> dict[str, Any]:
    return build_bundle(
        submission.answers,
        submission.decision,
        reference=submission.reference,
        submitted_at=submission.submitted_at,
        base_url=_base(),
    )


def _existing(key: str | None) -> Submission | None:
    if key is None:
        return None
    stored = db.session.scalar(select(StoredResponse).where(StoredResponse.identifier_hash == key))
    return db.session.get(Submission, stored.submission_id) if stored else None


def store(accepted: Accepted, token: ApiToken) -> tuple[Submission, dict[str, Any], bool]:
    """Store a valid response as a submission, once per identifier: the submission, its
    Bundle, and whether it is new."""
    key = crypto.keyring().blind_index(accepted.identifier) if accepted.identifier else None
    existing = _existing(key)
    if existing is not None:
        return existing, _bundle_of(existing), False
    row = submissions.submission_row(
        accepted.answers, as_of=accepted.as_of, language=accepted.language
    )
    alert_id = None
    try:
        connection = db.session.connection()
        submission_id = submissions.store(connection, row)
        if row["is_urgent"]:  # the alert (outbox) is written in the same transaction, as at submit
            alert_id = outbox.alert_submission(
                connection, submission_id, row["reference"], row["decision"], None
            )
        if key is not None:
            db.session.add(
                StoredResponse(identifier_hash=key, submission_id=submission_id, token_id=token.id)
            )
        audit.record("api_submit", None, token_id=token.id, submission_id=submission_id)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _existing(key)
        if existing is None:
            raise
        return existing, _bundle_of(existing), False
    if alert_id is not None:
        outbox.wake([alert_id])
    submission = db.session.get_one(Submission, submission_id)
    return submission, _bundle_of(submission), True
