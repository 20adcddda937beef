from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from app import questionnaire
from app.fhir import bp


@bp.get("/Questionnaire")
def questionnaire_resource() -> ResponseReturnValue:
    """The questionnaire as a FHIR R4 Questionnaire resource, built from the one definition."""
    resource = questionnaire.to_fhir_questionnaire(base_url=request.url_root.rstrip("/"))
    return resource, 200, {"Content-Type": "application/fhir+json"}
