"""CSV of the filtered queue, the FHIR Bundle of one submission, and the printable page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from flask.testing import FlaskClient

from app.models import Submission
from app.questionnaire import QUESTIONNAIRE_VERSION
from app.review.export import COLUMNS, neutralise
from tests.review.helpers import form_fields
from tests.rules.builders import baseline, phq9_total

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def read_csv(response: Any) -> tuple[bytes, list[dict[str, str]]]:
    body = response.get_data()
    text = body.decode("utf-8-sig")
    return body, list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("prefix", DANGEROUS)
def test_each_dangerous_prefix_is_made_inert(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    prefix: str,
) -> None:
    payload = f'{prefix}HYPERLINK("http://evil.example","x")'
    make_submission(baseline(first_name=payload, last_name=f"{prefix}1+2"))
    login(client)
    _, rows = read_csv(client.get("/review/export.csv"))
    assert rows[0]["first_name"] == "'" + payload
    assert rows[0]["last_name"] == f"'{prefix}1+2"


@pytest.mark.parametrize("prefix", DANGEROUS)
def test_neutralise(prefix: str) -> None:
    assert neutralise(f"{prefix}cmd") == f"'{prefix}cmd"
    assert neutralise(f"a{prefix}cmd") == f"a{prefix}cmd"


def test_neutralise_leaves_ordinary_values_alone() -> None:
    assert neutralise("Sam") == "Sam"
    assert neutralise(325) == "325"
    assert neutralise(None) == ""
    assert neutralise("") == ""


def test_the_csv_is_streamed_utf8_with_bom_and_the_expected_columns(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
) -> None:
    staff = login(client)
    submission = make_submission(
        baseline(first_name="Lucía", last_name="Fernández", phone="555-0142"),
        assigned_to_id=staff.id,
    )
    response = client.get("/review/export.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body, rows = read_csv(response)
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\xef\xbb\xbf") == 1
    assert tuple(rows[0]) == COLUMNS
    row = rows[0]
    assert row["reference"] == submission.reference
    assert (row["first_name"], row["last_name"]) == ("Lucía", "Fernández")
    assert row["email"] == "alex@example.org"
    assert row["phone"] == "555-0142"
    assert row["outcome"] == "likely_candidate"
    assert row["status"] == "new"
    assert row["urgent"] == "no"
    assert row["assigned_to"] == staff.email
    assert row["priority"] == str(submission.priority)
    assert row["phq9_total"] == "16"
    assert row["adequate_failed_trials"] == "3"
    assert row["rules"].split() == [r["id"] for r in submission.decision["rules"]]
    assert row["submitted_at"].endswith("Z")


def test_the_csv_follows_the_queue_filters_and_order(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
) -> None:
    urgent = make_submission(baseline(**phq9_total(18, item9=2), asq_thoughts_now="no"))
    likely = make_submission()
    declined = make_submission(status="declined")
    login(client)
    _, open_work = read_csv(client.get("/review/export.csv"))  # the default queue: open work
    assert [r["reference"] for r in open_work] == [urgent.reference, likely.reference]
    _, everything = read_csv(client.get("/review/export.csv?status=all"))
    assert next(r["reference"] for r in everything) == urgent.reference
    assert everything[0]["urgent"] == "yes"
    assert {r["reference"] for r in everything} == {
        urgent.reference,
        likely.reference,
        declined.reference,
    }
    _, only = read_csv(client.get("/review/export.csv?status=declined"))
    assert [r["reference"] for r in only] == [declined.reference]
    _, searched = read_csv(client.get(f"/review/export.csv?q={likely.reference.lower()}"))
    assert [r["reference"] for r in searched] == [likely.reference]


def test_the_queue_links_to_the_export_with_its_filters(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    login(client)
    html = client.get("/review/?status=declined&urgent=y").get_data(as_text=True)
    assert 'href="/review/export.csv?status=declined&amp;urgent=y"' in html


def test_an_empty_export_has_the_header_only(
    client: FlaskClient, login: Callable[..., Any]
) -> None:
    login(client)
    body, rows = read_csv(client.get("/review/export.csv"))
    assert rows == []
    assert body.decode("utf-8-sig").strip() == ",".join(COLUMNS)


def test_the_fhir_bundle_validates_and_carries_the_decision(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
) -> None:
    submission = make_submission(baseline(transport_home="no"))
    login(client)
    response = client.get(f"/review/submissions/{submission.id}/fhir")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    document = json.loads(response.get_data())
    bundle = Bundle.model_validate(document)
    assert bundle.type == "collection"
    resources: dict[str, Any] = {}
    for entry in bundle.entry:  # the first of each type: the submission's RiskAssessment
        resources.setdefault(entry.resource.get_resource_type(), entry.resource)
    assert set(resources) >= {"QuestionnaireResponse", "Observation", "RiskAssessment"}
    observation = resources["Observation"]
    assert observation.code.coding[0].system == "http://loinc.org"
    assert observation.code.coding[0].code == "44261-6"
    assert observation.valueInteger == 16
    assert observation.status == "final"
    risk = resources["RiskAssessment"]
    assert risk.status == "final"
    assert risk.prediction[0].outcome.coding[0].code == submission.outcome
    notes = [n.text for n in risk.note]
    assert notes[0].startswith("LOG-NO-TRANSPORT: ")
    assert len(notes) == len(submission.decision["rules"])
    response_resource = resources["QuestionnaireResponse"]
    # The configured public base URL and the questionnaire's version, never the request's host.
    assert response_resource.questionnaire == (
        f"http://127.0.0.1:5000/fhir/Questionnaire/prescreen|{QUESTIONNAIRE_VERSION}"
    )
    assert response_resource.identifier.value == submission.reference


def test_the_printable_page_is_a_hand_off_sheet(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
) -> None:
    """Contact details, the decision with its reasons, the trials as tables and the notes."""
    submission = make_submission(
        baseline(phone="(555) 010-4242", preferred_contact="phone", preferred_language="es")
    )
    login(client)
    url = f"/review/submissions/{submission.id}"
    fields = form_fields(client.get(url).get_data(as_text=True))
    noted = client.post(f"{url}/notes", data={**fields, "body": "Called, left a message."})
    assert noted.status_code == 302
    response = client.get(f"{url}/print")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert submission.reference in html
    assert "INC-TRD-2-TRIALS" in html
    assert "Alex" in html
    contact = html[html.index("<h2>Contact</h2>") : html.index("Decision and rules that fired")]
    for shown in ("(555) 010-4242", "alex@example.org", "<dd>Phone</dd>", "<dd>Spanish</dd>"):
        assert shown in contact
    trials = html[html.index('<caption id="medication-trials">Antidepressant trials</caption>') :]
    trials = trials[: trials.index("</table>")]
    assert trials.count("<tr>") == 1 + len(baseline()["medication_trials"])
    assert '<th scope="row">sertraline (Zoloft)</th><td>150</td><td>10</td>' in trials
    assert "Called, left a message." in html
    assert 'class="staff print-page"' in html
    assert "<form" not in html[html.index("<main") :]
