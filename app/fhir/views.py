"""The FHIR API: the Questionnaire and its code system (public, read-only, CORS), and
QuestionnaireResponses in (API token with a scope)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from babel.support import NullTranslations, Translations
from flask import Response, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from app import clinic, questionnaire
from app.extensions import csrf, limiter
from app.fhir import bp, intake, tokens
from app.fhir.intake import Refusal

FHIR_JSON = "application/fhir+json"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}
JSON_TYPES = ("application/fhir+json", "application/json")


def _fhir(resource: dict[str, Any], status: int = 200, **headers: str) -> Response:
    body = json.dumps(resource, ensure_ascii=False)
    return Response(body, status=status, mimetype=FHIR_JSON, headers=headers)


def _public(resource: dict[str, Any], status: int = 200) -> Response:
    return _fhir(resource, status, **CORS)


def _refused(status: int, code: str, message: str, **headers: str) -> Response:
    return _fhir(intake.outcome([(code, "", message)]), status, **headers)


@lru_cache(maxsize=8)
def _translations(directory: str) -> NullTranslations:
    return Translations.load(directory, ["es"])


def _spanish(message: str) -> str:
    catalogue = _translations(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    return questionnaire.gettext_in(catalogue, message)


@lru_cache(maxsize=8)
def _questionnaire(base_url: str, directory: str, offered: tuple[str, ...]) -> str:
    resource = questionnaire.to_fhir_questionnaire(base_url, _spanish, offered)
    return json.dumps(resource, ensure_ascii=False)


def questionnaire_text() -> str:
    """The Questionnaire as JSON, its canonical URL from ``PUBLIC_URL``, with the questions of
    the treatments the clinic offers (built once for each offer)."""
    config = current_app.config
    offered = tuple(sorted(clinic.current().rules.treatments_offered))
    return _questionnaire(config["PUBLIC_URL"], config["BABEL_TRANSLATION_DIRECTORIES"], offered)


def questionnaire_resource() -> dict[str, Any]:
    """The Questionnaire as a dict (a fresh copy)."""
    return json.loads(questionnaire_text())  # type: ignore[no-any-return]


PUBLIC_ENDPOINTS = frozenset(
    {"fhir.questionnaire_search", "fhir.questionnaire_read", "fhir.code_system_read"}
)


@bp.after_request
def cors(response: Response) -> Response:
    """CORS on the public read-only resources (their GETs and Flask's automatic OPTIONS),
    so a browser app elsewhere can load them; never on the token-protected endpoints."""
    if request.endpoint in PUBLIC_ENDPOINTS and request.method in ("GET", "HEAD", "OPTIONS"):
        response.headers.update(CORS)
    return response


@bp.get("/Questionnaire")
def questionnaire_search() -> ResponseReturnValue:
    """Without parameters the Questionnaire itself (as before); ``?url=`` (optionally
    ``url|version``) or ``?_id=`` a ``searchset`` Bundle of the matches."""
    if not request.args:
        return Response(questionnaire_text(), mimetype=FHIR_JSON, headers=CORS)
    resource = questionnaire_resource()
    url, _, version = request.args.get("url", resource["url"]).partition("|")
    matches = (
        url == resource["url"]
        and version in ("", resource["version"])
        and request.args.get("version", resource["version"]) == resource["version"]
        and request.args.get("_id", resource["id"]) == resource["id"]
    )
    entries = [{"fullUrl": resource["url"], "resource": resource, "search": {"mode": "match"}}]
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1 if matches else 0,
        "entry": entries if matches else [],
    }
    if not matches:
        del bundle["entry"]
    return _public(bundle)


@bp.get("/Questionnaire/<questionnaire_id>")
def questionnaire_read(questionnaire_id: str) -> ResponseReturnValue:
    """The Questionnaire at its canonical URL."""
    if questionnaire_id != "prescreen":
        return _refused(404, "not-found", f"no Questionnaire {questionnaire_id!r}", **CORS)
    return Response(questionnaire_text(), mimetype=FHIR_JSON, headers=CORS)


@bp.get("/CodeSystem/<system_id>")
def code_system_read(system_id: str) -> ResponseReturnValue:
    """Prescreen's answer codes, at the code system's canonical URL."""
    if system_id != "prescreen":
        return _refused(404, "not-found", f"no CodeSystem {system_id!r}", **CORS)
    resource = questionnaire.code_system(
        current_app.config["PUBLIC_URL"], questionnaire.QUESTIONNAIRE_VERSION, _spanish
    )
    return _public(resource)


# -- QuestionnaireResponse in ----------------------------------------------------------------


def _body() -> Any:
    """The posted JSON; ``Refusal`` for a wrong media type, a body too big or not JSON."""
    limit = current_app.config["FHIR_MAX_BODY_BYTES"]
    if request.mimetype not in JSON_TYPES:
        raise Refusal(415, [("not-supported", "", "send application/fhir+json")])
    if (request.content_length or 0) > limit:
        raise Refusal(413, [("too-costly", "", f"the body is over {limit} bytes")])
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise Refusal(413, [("too-costly", "", f"the body is over {limit} bytes")])
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise Refusal(400, [("structure", "", "the body is not JSON")]) from None


def _token(scope: str) -> Any:
    token = tokens.authenticate(request.headers.get("Authorization"))
    if token is None:
        raise Refusal(401, [("login", "", "a valid API token is required (Bearer)")])
    if scope not in token.scope_list:
        raise Refusal(403, [("forbidden", "", f"this token lacks the scope {scope}")])
    return token


@bp.post("/QuestionnaireResponse")
@csrf.exempt
@limiter.limit("120/minute")
def response_create() -> ResponseReturnValue:
    """Store a QuestionnaireResponse as a submission (201), or find the one stored with the
    same identifier (200); the decision comes back as a RiskAssessment in a Bundle."""
    try:
        token = _token("fhir:write")
        accepted = intake.read(_body())
    except Refusal as refusal:
        return _refusal(refusal)
    submission, bundle, created = intake.store(accepted, token)
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    location = f"{base}/fhir/QuestionnaireResponse/{submission.reference}"
    return _fhir(bundle, 201 if created else 200, Location=location)


@bp.post("/QuestionnaireResponse/$evaluate")
@csrf.exempt
@limiter.limit("120/minute")
def response_evaluate() -> ResponseReturnValue:
    """Validate and decide a QuestionnaireResponse without storing it."""
    try:
        _token("fhir:evaluate")
        accepted = intake.read(_body())
    except Refusal as refusal:
        return _refusal(refusal)
    return _fhir(intake.evaluate(accepted))


def _refusal(refusal: Refusal) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if refusal.status == 401 else {}
    return _fhir(refusal.outcome, refusal.status, **headers)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    """Errors of the API as OperationOutcomes, not HTML pages."""
    status = error.code or 500
    code = {404: "not-found", 405: "not-supported", 413: "too-costly", 429: "throttled"}
    return _refused(status, code.get(status, "processing"), error.description or error.name)
