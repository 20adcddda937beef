"""Absolute links come from PUBLIC_URL, never from the request's Host."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from app.models import StaffUser, Submission
from app.urls import external_url, public_url


def test_external_url_uses_the_configured_base_not_the_host(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(PUBLIC_URL="https://clinic.example/prescreen/")
    with app.test_request_context("/", base_url="http://forged.example"):
        assert public_url() == "https://clinic.example/prescreen"
        assert (
            external_url("review.submission", submission_id=7)
            == "https://clinic.example/prescreen/review/submissions/7"
        )
    with app.app_context():  # a command or a background job: no request at all
        assert external_url("public.privacy") == "https://clinic.example/prescreen/privacy"


def test_the_requests_host_does_not_reach_the_fhir_bundle(
    app: Flask,
    client: FlaskClient,
    login: Callable[..., StaffUser],
    make_submission: Callable[..., Submission],
) -> None:
    login(client, "clinician")
    submission = make_submission()
    # The test client's Host is "localhost"; PUBLIC_URL is http://127.0.0.1:5000.
    response = client.get(f"/review/submissions/{submission.id}/fhir")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "localhost" not in text
    assert f"{app.config['PUBLIC_URL']}/fhir/Questionnaire/prescreen" in text
