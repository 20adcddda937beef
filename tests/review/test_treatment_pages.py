"""Per-treatment results on the staff pages (issue 21): the submission page's section per
treatment, the printable page and the printable checklists; older decisions show as before."""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from app.models import Submission
from tests.review.treatment_docs import P1_LIKE, TMS_LIKELY
from tests.rules.builders import baseline, phq9_total

URGENT = {**phq9_total(17, item9=1), "asq_thoughts_now": "no"}


def page_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html_lib.unescape(response.get_data(as_text=True))


def section_of(page: str, anchor: str) -> str:
    start = page.index(f'<section class="treatment" id="{anchor}"')
    return page[start : page.index("</section>", start)]


def test_each_treatment_has_its_section_with_verdict_rules_coverage_and_checklist(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    treatments_decided: Callable[[Any], None],
) -> None:
    treatments_decided(P1_LIKE)
    submission = make_submission(baseline())
    login(client)
    page = page_of(client, f"/review/submissions/{submission.id}")
    assert '<h2 id="treatments-title">Per treatment</h2>' in page
    assert "after the safety review" not in page
    tms = section_of(page, "treatment-tms")
    assert "TMS: " in tms
    assert "Needs clinician review" in tms
    for rule_id in P1_LIKE["tms"]["rules"]:
        assert f'<span class="rule-id">{rule_id}</span>' in tms
    assert "Seeking treatment for major depression." in tms
    assert "[TMS-510K][LCD-NOVITAS]" in tms  # each rule's source
    assert "Payer criteria not met" in tms
    assert "PAY-TMS-PSYCHOTHERAPY" in tms
    assert "Documentation gaps" in tms
    assert "PAY-TMS-SEVERITY" in tms
    assert "Typical commercial policy" in tms  # the payer profile, by its label
    assert "Prior-authorization checklist: TMS" in tms
    assert "Ordering psychiatrist, device, protocol" in tms
    assert "From the clinic's records" in tms
    esketamine = section_of(page, "treatment-esketamine")
    assert "Not a candidate now" in esketamine
    assert "Aneurysm reported: esketamine's label contraindication." in esketamine
    assert "Records checklist: IV ketamine" in section_of(page, "treatment-iv-ketamine")
    ect = section_of(page, "treatment-ect-referral")
    assert "No referral trigger now" in ect
    assert "No rule fired for this treatment." in ect
    # In the order of the catalogue of treatments.
    order = [page.index(f'id="treatment-{name}"') for name in ("esketamine", "iv-ketamine", "tms")]
    assert order == sorted(order)


def test_only_the_treatments_evaluated_have_a_section(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    treatments_decided: Callable[[Any], None],
) -> None:
    treatments_decided(TMS_LIKELY)
    submission = make_submission(baseline())
    login(client)
    page = page_of(client, f"/review/submissions/{submission.id}")
    assert 'id="treatment-iv-ketamine"' not in page
    assert "Suggest discussing an ECT referral" in section_of(page, "treatment-ect-referral")
    assert "Likely candidate" in section_of(page, "treatment-tms")


def test_an_urgent_submission_shows_them_after_the_safety_review(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    treatments_decided: Callable[[Any], None],
) -> None:
    treatments_decided(TMS_LIKELY)
    submission = make_submission(baseline(**URGENT))
    assert submission.outcome == "urgent_safety_review"
    login(client)
    page = page_of(client, f"/review/submissions/{submission.id}")
    assert "Per treatment, after the safety review" in page
    assert "The safety review comes first." in page
    # The safety decision comes first on the page.
    assert page.index('id="decision-title"') < page.index('id="treatments-title"')
    printed = page_of(client, f"/review/submissions/{submission.id}/print")
    assert "Per treatment, after the safety review" in printed


def test_a_decision_from_before_issue_21_shows_as_before(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    treatments_decided: Callable[[Any], None],
) -> None:
    treatments_decided(None)
    submission = make_submission(baseline())
    assert "treatments" not in submission.decision
    login(client)
    page = page_of(client, f"/review/submissions/{submission.id}")
    assert 'id="treatments"' not in page
    assert "Printable checklists" not in page
    assert 'id="treatments"' not in page_of(client, f"/review/submissions/{submission.id}/print")
    checklist = page_of(client, f"/review/submissions/{submission.id}/print/checklist")
    assert "it has no checklist" in checklist


def test_the_printable_pages_carry_the_sections_and_checklists(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    treatments_decided: Callable[[Any], None],
    audit_entries: Callable[..., list[Any]],
) -> None:
    treatments_decided(P1_LIKE)
    submission = make_submission(baseline())
    login(client)
    page = page_of(client, f"/review/submissions/{submission.id}")
    assert f"/review/submissions/{submission.id}/print/checklist" in page
    printed = page_of(client, f"/review/submissions/{submission.id}/print")
    assert "Each treatment's result; the prior-authorization checklists are on their" in printed
    assert '<span class="rule-id">PAY-TMS-SEVERITY</span>' in printed
    assert "Prior-authorization checklist: TMS" not in printed  # on its own page: the sheet
    sheet = page_of(client, f"/review/submissions/{submission.id}/print/checklist")
    assert "Prior-authorization checklists" in sheet
    for name in ("TMS", "Esketamine", "IV ketamine", "ECT referral"):
        assert f"{name}: " in sheet
    assert "sertraline (Zoloft), 150 mg a day, 10 weeks" in sheet  # a trial, in words
    assert "PHQ-9 total" in sheet
    assert 'class="site-nav' not in sheet or "no-print" in sheet
    assert [e.target_id for e in audit_entries("view_print")][-1] == submission.id


def test_the_section_is_in_spanish_for_spanish_staff(
    client: FlaskClient,
    login: Callable[..., Any],
    make_submission: Callable[..., Submission],
    treatments_decided: Callable[[Any], None],
) -> None:
    treatments_decided(P1_LIKE)
    submission = make_submission(baseline())
    login(client)
    with client.session_transaction() as session:
        session["lang"] = "es"
    page = page_of(client, f"/review/submissions/{submission.id}")
    assert "Por tratamiento" in page
    assert "Ninguna indicación de derivación por ahora" in page
    assert "Per treatment" not in page
