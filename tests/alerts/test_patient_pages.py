"""What a patient sees on a safety signal, by severity (clinical-rules.md §6.5)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.screening.test_questionnaire_flow import e1
from tests.screening.walk import fill_in, submit

ANCHOR = re.compile(r"<a\b[^>]*>.*?</a>", re.S)
TAG = re.compile(r"<[^>]+>")


def unlinked_text(html: str) -> str:
    """The page's text outside its links (and outside every tag's attributes)."""
    return TAG.sub(" ", ANCHOR.sub(" ", html))


def crisis_locations(responses: list[Any]) -> list[str]:
    return [r.location for r in responses if r.location.endswith(("/support", "/help"))]


def assert_numbers_are_links(html: str) -> None:
    assert 'href="tel:988"' in html
    assert 'href="sms:988"' in html or "sms:988" not in html
    text = unlinked_text(html)
    for number in ("988", "911", "988lifeline.org"):
        assert number not in text, (number, text[:2000])


def test_one_page_per_severity_and_the_acute_page_puts_calling_first(
    client: FlaskClient, db: Any
) -> None:
    # Item 9 = 1 (a signal), then the ASQ screen positive (still a signal), then "right now".
    responses = fill_in(client, e1(phq9_9=1, asq_wish_dead="yes", asq_thoughts_now="yes"))
    assert crisis_locations(responses) == ["/screening/support", "/screening/help"]
    page = client.get("/screening/help").get_data(as_text=True)
    assert page.index('href="tel:911"') < page.index("<h2")  # the calls come first
    for link in ('href="tel:911"', 'href="tel:988"', 'href="sms:988"', 'href="https://988'):
        assert link in page
    assert_numbers_are_links(page)
    # Going on is a plain link, never the main button.
    continue_link = re.search(r"<a[^>]*>I am safe for now: continue the questionnaire</a>", page)
    assert continue_link is not None
    assert "button" not in continue_link.group(0)
    assert "Nobody is watching this form right now" in page  # no on-call contact is set
    assert "has been alerted" not in page
    assert "Please call me back" not in page  # call-backs are off by default


def test_a_non_acute_signal_shows_the_support_page_once(client: FlaskClient, db: Any) -> None:
    responses = fill_in(client, e1(phq9_9=2, asq_wish_dead="yes", asq_thoughts_now="no"))
    assert crisis_locations(responses) == ["/screening/support"]
    page = client.get("/screening/support").get_data(as_text=True)
    assert page.index("crisis-box") < page.index("<h1")
    assert_numbers_are_links(page)
    assert 'class="button"' in page
    assert "Continue the questionnaire" in page


def test_a_declined_answer_then_acute_shows_both_pages(client: FlaskClient, db: Any) -> None:
    # "Right now" is only asked after a signal: here a declined ASQ answer (a signal too).
    responses = fill_in(client, e1(asq_better_off_dead="declined", asq_thoughts_now="yes"))
    assert crisis_locations(responses) == ["/screening/support", "/screening/help"]


def test_the_promise_follows_the_on_call_settings(
    client: FlaskClient, on_call: Any, set_clinic: Any
) -> None:
    fill_in(client, e1(asq_wish_dead="yes", asq_thoughts_now="yes"))
    page = client.get("/screening/help").get_data(as_text=True)
    assert (
        "Our on-call clinician has been alerted and will try to call you today between "
        "9 am and 9 pm." in page
    )
    assert "Nobody is watching" not in page
    assert "Please call me back" in page


def test_the_done_page_after_a_safety_signal_is_the_urgent_one(
    client: FlaskClient, set_clinic: Any, db: Any
) -> None:
    set_clinic(urgent_next_step="Our nurse will call you today; we are open until 8 pm.")
    fill_in(client, e1(asq_wish_dead="yes", asq_thoughts_now="yes"))
    submit(client)
    done = client.get("/screening/done").get_data(as_text=True)
    assert "business days" not in done
    assert done.index("crisis-box") < done.index("<h1")
    assert "Our nurse will call you today; we are open until 8 pm." in done
    assert "Nobody is watching this form right now" in done
    assert_numbers_are_links(done)


def test_the_done_page_without_a_signal_keeps_the_usual_promise(
    app: Flask, client: FlaskClient, db: Any
) -> None:
    fill_in(client, e1())
    submit(client)
    done = client.get("/screening/done").get_data(as_text=True)
    assert "A coordinator will contact you within 3 business days." in done
    assert_numbers_are_links(done)


def test_every_crisis_number_is_a_link_in_english_and_spanish(client: FlaskClient) -> None:
    for language in ("en", "es"):
        landing = client.get("/").get_data(as_text=True)
        client.post(
            "/language",
            data={"csrf_token": csrf_token(landing), "lang": language, "next": "/"},
        )
        for path in ("/", "/privacy", "/screening/resume"):
            html = client.get(path).get_data(as_text=True)
            assert f'<html lang="{language}">' in html
            assert_numbers_are_links(html)


def test_the_help_page_in_spanish(client: FlaskClient, db: Any) -> None:
    landing = client.get("/").get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_token(landing), "lang": "es", "next": "/"})
    fill_in(client, e1(asq_wish_dead="yes", asq_thoughts_now="yes", preferred_language="es"))
    page = client.get("/screening/help").get_data(as_text=True)
    assert "Obtenga ayuda ahora" in page
    assert "Llamar al 911 (emergencias)" in page
    assert "Por ahora estoy a salvo: continuar el cuestionario" in page
    assert_numbers_are_links(page)
