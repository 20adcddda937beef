"""The language switch, and the patient pages in Spanish with no English left in them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from app import questionnaire
from tests.conftest import csrf_token
from tests.i18n.pages import english_leaks, visible_text
from tests.screening.walk import step_form, submit

# E1 (clinical-rules §7) widened so that the GAD-7, PCL-5 and pain branches are shown too.
ANSWERS: dict[str, Any] = {
    "first_name": "Alex", "last_name": "Ejemplo", "date_of_birth": "1984-03-02",
    "email": "alex@example.org", "preferred_language": "es",
    "conditions": ["depression", "anxiety", "ptsd", "chronic_pain", "other"],
    "conditions_other": "Insomnio", "primary_condition": "depression",
    "diagnosed_by_professional": "yes", "pain_types": ["fibromyalgia"],
    "currently_in_care": ["psychiatrist"],
    "episode_duration": "13_to_24_months",
    "medication_trials": [
        {"drug": "sertraline", "daily_dose_mg": 150, "weeks_at_dose": 10,
         "current_episode": "yes", "response": "none"},
        {"drug": "venlafaxine", "daily_dose_mg": 150, "weeks_at_dose": 8,
         "current_episode": "yes", "response": "partial"},
    ],
    "augmentation_tried": "yes", "augmentation_agents": ["atypical_antipsychotic"],
    "augmentation_response": "partial",
    "therapy_trials": [
        {"type": "cbt", "format": "individual", "sessions": 14, "response": "partial"},
    ],
    "tms_tried": "no", "ect_tried": "no", "prior_ketamine": "no",
    **{f"phq9_{n}": 1 for n in range(1, 9)}, "phq9_9": 0,
    **{f"gad7_{n}": 1 for n in range(1, 8)},
    **{f"pcl5_{n}": 1 for n in range(1, 21)},
    "asq_wish_dead": "no", "asq_better_off_dead": "no", "asq_thoughts_kill_self": "no",
    "asq_ever_attempt": "no",
    "ci_aneurysm": "no", "ci_avm": "no", "ci_brain_bleed": "no", "ci_ketamine_allergy": "no",
    "cardio_conditions": ["none"], "brain_injury_or_pressure": "no",
    "glaucoma_or_eye_pressure": "no", "liver_disease": "no", "bladder_problems": "no",
    "memory_disorder": "no", "psychosis_ever": "no", "mania_ever": "no",
    "substance_problem_recent": "no", "ketamine_nonmedical_use": "never",
    "pregnancy_applicable": "no", "current_medications": ["antidepressant"],
    "hypertension_diagnosed": "no", "bp_systolic": 128, "bp_diastolic": 82,
    "bp_measured": "within_1_month",
    "transport_home": "yes", "can_attend_induction": "yes",
    "consent_privacy": True, "consent_contact": True,
}  # fmt: skip

# Text a Spanish page must not show (the leak check below also finds any other msgid).
ENGLISH = (
    "Skip to main content",
    "Start the questionnaire",
    "Suicide & Crisis Lifeline",
    "Privacy notice",
    "Step 1 of 10",
    "About you",
    "First name",
    "Date of birth",
    "Continue",
    "This form is not monitored in real time",
)


def choose(client: FlaskClient, lang: str, page: str = "/") -> Any:
    """Press the language button on ``page``, as a browser without JavaScript does."""
    html = client.get(page).get_data(as_text=True)
    return client.post(
        "/language", data={"csrf_token": csrf_token(html), "lang": lang, "next": page}
    )


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.location)
    return response.get_data(as_text=True)


def assert_spanish(html: str) -> None:
    lang, chunks = visible_text(html)
    assert lang == "es"
    text = "\n".join(chunks)
    shown = [english for english in ENGLISH if english in text]
    assert not shown, shown
    leaks = english_leaks(html)
    assert not leaks, "\n".join(leaks)


def test_english_by_default_with_a_switch_to_spanish(client: FlaskClient) -> None:
    html = page(client, "/")
    assert visible_text(html)[0] == "en"
    assert "Start the questionnaire" in html
    assert 'name="lang" value="es" lang="es">Español</button>' in html


def test_switching_to_spanish_is_remembered(client: FlaskClient) -> None:
    response = choose(client, "es", "/privacy")
    assert response.status_code == 302
    assert response.location == "/privacy"
    privacy = page(client, "/privacy")
    assert '<html lang="es">' in privacy
    assert "<h1>Aviso de privacidad</h1>" in privacy
    assert 'name="lang" value="en" lang="en">English</button>' in privacy

    landing = page(client, "/")  # the next page: the choice is kept in the session
    assert '<html lang="es">' in landing
    assert "Comenzar el cuestionario" in landing
    assert "Línea de Prevención del Suicidio y Crisis" in landing
    assert 'llamar o enviar un mensaje de texto al <a class="tap" href="tel:988">988</a>' in landing
    assert 'href="sms:988">mensaje de texto al 988</a>' in landing
    assert 'Llame al <a class="tap" href="tel:911">911</a>' in landing
    assert_spanish(landing)

    start = client.post("/screening/start", data={"csrf_token": csrf_token(landing)})
    step = page(client, client.get(start.location).location)
    assert "<h1>Sobre usted</h1>" in step
    assert "Paso 1 de " in step
    assert "Fecha de nacimiento" in step
    assert "Continuar" in step
    assert_spanish(step)


def test_switching_back_to_english(client: FlaskClient) -> None:
    choose(client, "es")
    choose(client, "en")
    html = page(client, "/screening/about_you")
    assert '<html lang="en">' in html
    assert "<h1>About you</h1>" in html


def test_the_browser_language_is_used_until_one_is_chosen(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in html
    choose(client, "en")
    html = client.get("/", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_an_unknown_language_is_ignored(client: FlaskClient) -> None:
    choose(client, "fr")
    assert '<html lang="en">' in page(client, "/")


@pytest.mark.parametrize("url", ["/", "/privacy", "/screening/about_you", "/screening/resume"])
def test_first_pages_have_no_english_left(client: FlaskClient, url: str) -> None:
    choose(client, "es")
    assert_spanish(page(client, url))


def test_error_messages_are_in_spanish(client: FlaskClient) -> None:
    choose(client, "es")
    html = page(client, "/screening/about_you")
    response = client.post(
        "/screening/about_you",
        data={"csrf_token": csrf_token(html), "email": "not-an-email", "action": "continue"},
    )
    html = response.get_data(as_text=True)
    assert "Hay un problema" in html
    assert "Escriba su nombre." in html
    assert "Nombre: Escriba su nombre." in html  # the summary names the question
    assert "Escriba un correo electrónico con el formato correcto" in html
    assert_spanish(html)


def test_the_whole_questionnaire_in_spanish(client: FlaskClient) -> None:
    """Every step, the review page and the confirmation, with no English left on any."""
    choose(client, "es")
    for step in questionnaire.visible_steps(ANSWERS):
        html = page(client, f"/screening/{step.name}")
        assert_spanish(html)
        response = client.post(
            f"/screening/{step.name}",
            data={"csrf_token": csrf_token(html), **step_form(step, ANSWERS), "action": "continue"},
        )
        assert response.status_code == 302, (step.name, english_leaks(response.get_data(True)))
    review = page(client, "/screening/review")
    for spanish in ("Revise sus respuestas", "sertralina (Zoloft)", "Varios días", "Ningún día"):
        assert spanish in review
    assert_spanish(review)
    done = client.get(submit(client).location).get_data(as_text=True)
    assert "Gracias: sus respuestas se enviaron" in done
    assert_spanish(done)


def test_official_instrument_wording(client: FlaskClient) -> None:
    choose(client, "es")
    answers = ANSWERS
    for step in questionnaire.visible_steps(answers)[:5]:
        html = page(client, f"/screening/{step.name}")
        client.post(
            f"/screening/{step.name}",
            data={"csrf_token": csrf_token(html), **step_form(step, answers), "action": "continue"},
        )
    symptoms = page(client, "/screening/current_symptoms")
    for text in (
        "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
        "siguientes problemas?",
        "Poco interés o placer en hacer cosas",
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
        "Más de la mitad de los días",
        "Casi todos los días",
    ):
        assert text in symptoms


def test_a_safety_answer_shows_crisis_help_in_spanish(client: FlaskClient) -> None:
    choose(client, "es")
    answers = {**ANSWERS, "asq_wish_dead": "yes"}
    for step in questionnaire.visible_steps(answers):
        html = page(client, f"/screening/{step.name}")
        response = client.post(
            f"/screening/{step.name}",
            data={"csrf_token": csrf_token(html), **step_form(step, answers), "action": "continue"},
        )
        if step.name == "safety":
            break
    assert response.location == "/screening/support"
    support = page(client, "/screening/support")
    assert "Línea de Prevención del Suicidio y Crisis" in support
    assert "Nadie revisa este formulario en tiempo real." in support
    assert_spanish(support)
    now = page(client, "/screening/safety_now")
    assert "¿Está pensando en suicidarse en este momento?" in now
    assert_spanish(now)


def test_a_choice_named_in_an_error_is_translated(client: FlaskClient) -> None:
    """The “must be chosen on its own” message names the choice in Spanish too."""
    choose(client, "es")
    steps = questionnaire.visible_steps(ANSWERS)
    for step in steps[: [s.name for s in steps].index("health")]:
        html = page(client, f"/screening/{step.name}")
        client.post(
            f"/screening/{step.name}",
            data={"csrf_token": csrf_token(html), **step_form(step, ANSWERS), "action": "continue"},
        )
    health = questionnaire.step_by_name("health")
    assert health is not None
    data = {**step_form(health, ANSWERS), "cardio_conditions": ["none", "heart_attack"]}
    html = page(client, "/screening/health")
    response = client.post(
        "/screening/health", data={"csrf_token": csrf_token(html), **data, "action": "continue"}
    )
    html = response.get_data(as_text=True)
    assert "La opción “Ninguno de estos” no se puede combinar con otras." in html
    assert_spanish(html)


def test_the_leak_check_finds_english() -> None:
    """The check the tests above rely on: it must see English, and only where it is shown."""
    html = (
        '<html lang="es"><body><a href="#main">Skip to main content</a>'
        '<nav aria-label="Site"><button lang="en">English</button></nav>'
        "<p>Paso 1 de 10</p><label>Phone</label><p>Step 3 of 10</p>"
        "<script>var x = 'About you';</script></body></html>"
    )
    leaks = english_leaks(html)
    assert len(leaks) == 4, leaks
    assert {leak.split(" in ")[0] for leak in leaks} == {
        "'Skip to main content'",
        "'Site'",
        "'Phone'",
        "'Step %(n)s of %(total)s'",
    }


def test_error_and_sign_in_pages_in_spanish(client: FlaskClient) -> None:
    choose(client, "es")
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    html = missing.get_data(as_text=True)
    assert "No se encontró la página" in html
    assert_spanish(html)
    sign_in = page(client, "/auth/login")
    assert "Acceso del personal" in sign_in
    assert_spanish(sign_in)


def _option_label(html: str, option_id: str) -> str:
    found = re.search(rf'<label for="{re.escape(option_id)}"[^>]*>\s*([^<]*?)\s*</label>', html)
    assert found is not None, option_id
    return found.group(1)


def test_same_english_answer_translated_per_instrument(client: FlaskClient) -> None:
    """ "Not at all" is "Ningún día" in PHQ-9 and GAD-7 (how often) but "Nada" in PCL-5 (how
    much): one English msgid, two translations, told apart by the gettext context."""
    choose(client, "es")
    for step in questionnaire.visible_steps(ANSWERS):
        if step.name == "current_symptoms":
            break
        html = page(client, f"/screening/{step.name}")
        client.post(
            f"/screening/{step.name}",
            data={"csrf_token": csrf_token(html), **step_form(step, ANSWERS), "action": "continue"},
        )
    html = page(client, "/screening/current_symptoms")
    assert _option_label(html, "phq9_1-0") == "Ningún día"
    assert _option_label(html, "gad7_1-0") == "Ningún día"
    assert _option_label(html, "pcl5_1-0") == "Nada"
    assert _option_label(html, "pcl5_1-1") == "Un poco"
    choose(client, "en", "/screening/current_symptoms")
    english = page(client, "/screening/current_symptoms")
    assert _option_label(english, "pcl5_1-0") == _option_label(english, "phq9_1-0") == "Not at all"
