"""CONTRIBUTING.md's recipes, followed: a third language is its catalogue plus the LANGUAGES
setting; a new staff page joins the menu with one decorator beside it; a new kind of question
is one ``Kind``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from babel.messages import Catalog
from babel.messages.mofile import write_mo
from flask import Blueprint, Flask
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from app.auth import role_required, staff_required
from app.auth.menu import staff_menu
from config import TestingConfig

HEADING = "Is ketamine or esketamine treatment worth discussing with us?"
FRENCH = "Un traitement par kétamine vaut-il d'en parler avec nous ?"


def french_catalogue(root: Path) -> Path:
    """A (fake, one-message) French catalogue, compiled as `make translations` would."""
    catalog = Catalog(locale="fr")
    catalog.add(HEADING, FRENCH)
    folder = root / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as out:
        write_mo(out, catalog)
    return root


def test_a_third_language_is_a_catalogue_and_a_setting(
    make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    app = make_app(
        LANGUAGES=("en", "es", "fr"),
        BABEL_TRANSLATION_DIRECTORIES=(
            f"{TestingConfig.BABEL_TRANSLATION_DIRECTORIES};{french_catalogue(tmp_path)}"
        ),
    )
    client = app.test_client()
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert f"<h1>{FRENCH}</h1>" in page
    # The switch offers the two other languages, each named in itself.
    assert 'value="en" lang="en">English</button>' in page
    assert 'value="es" lang="es">Español</button>' in page
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'value="fr" lang="fr">Français</button>' in english
    assert HEADING in english


def test_a_regional_language_is_named_as_html_names_it(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(LANGUAGES=("en", "es", "pt_BR"))
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'value="pt_BR" lang="pt-BR">Português (Brasil)</button>' in page
    brazil = app.test_client().get("/", headers={"Accept-Language": "pt-BR"})
    assert '<html lang="pt-BR">' in brazil.get_data(as_text=True)


def test_the_default_languages_are_english_and_spanish(app: Flask) -> None:
    assert app.config["LANGUAGES"] == ("en", "es")
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'value="es" lang="es">Español</button>' in page
    assert 'lang="fr"' not in page


def test_a_new_staff_page_joins_the_menu_beside_its_view(
    make_app: Callable[..., Flask], login: Callable[..., object]
) -> None:
    bp = Blueprint("reports", __name__, url_prefix="/reports")

    @bp.get("/")
    @staff_menu.entry(bp, _l("Reports"), order=25)
    @staff_required
    def reports() -> ResponseReturnValue:
        return "reports"

    @bp.get("/secret")
    @staff_menu.entry(bp, _l("Admin reports"), order=26)
    @role_required("admin")
    def secret() -> ResponseReturnValue:
        return "secret"

    app = make_app()
    app.register_blueprint(bp)
    client = app.test_client()
    login(client, role="coordinator")
    queue = client.get("/review/").get_data(as_text=True)
    menu = queue.split('class="header-nav"', 1)[1].split("</nav>", 1)[0]
    labels = [part.split(">", 1)[1].split("<", 1)[0] for part in menu.split("<a ")[1:]]
    assert labels == ["Queue", "Dashboard", "Reports", "Account"]  # in order, admin's left out
    assert client.get("/reports/").get_data(as_text=True) == "reports"
    assert client.get("/reports/secret").status_code == 403


def test_an_admin_sees_the_admin_pages(client: object, login: Callable[..., object]) -> None:
    login(client, role="admin")
    page = client.get("/review/").get_data(as_text=True)  # type: ignore[attr-defined]
    assert ">Audit log</a>" in page


def test_an_existing_clinic_offers_a_third_language_through_its_settings(
    make_app: Callable[..., Flask], db: object, tmp_path: Path
) -> None:
    """A clinic whose settings were stored before the language was installed chooses it on
    the settings page (its choices are the installed languages) or with `flask settings`."""
    from app.admin.forms import SettingsForm

    app = make_app(
        LANGUAGES=("en", "es", "fr"),
        BABEL_TRANSLATION_DIRECTORIES=(
            f"{TestingConfig.BABEL_TRANSLATION_DIRECTORIES};{french_catalogue(tmp_path)}"
        ),
    )
    runner = app.test_cli_runner()
    assert (
        runner.invoke(args=["settings", "set", "languages=en,es", "--reason", "t"]).exit_code == 0
    )
    client = app.test_client()
    assert 'lang="fr"' not in client.get("/").get_data(as_text=True)
    with app.test_request_context():
        choices = [(value, label) for value, label, *_ in SettingsForm().languages.iter_choices()]
    assert ("fr", "Français") in choices
    refused = runner.invoke(args=["settings", "set", "languages=en,de", "--reason", "t"])
    assert refused.exit_code == 2
    assert "one or more of en, es, fr" in refused.output
    done = runner.invoke(args=["settings", "set", "languages=en,es,fr", "--reason", "t"])
    assert done.exit_code == 0, done.output
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f"<h1>{FRENCH}</h1>" in page


# -- a new kind of question: one Kind in app/questionnaire/kinds.py ---------------------------

MSG_TIME = "Enter a time as hours and minutes, for example 14:30."


def check_time(value: str, today: object) -> str:
    """The new kind's own check (a recipe's worked example: a time of day)."""
    import re

    from app.questionnaire.kinds import Invalid

    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value):
        raise Invalid(MSG_TIME)
    return value


@pytest.fixture
def time_kind() -> Iterator[None]:
    """A kind the definition does not have, added the way CONTRIBUTING.md says."""
    from app.questionnaire.kinds import KINDS, Kind, register

    register(
        Kind(
            name="time",
            shape="text",
            required="Enter a time, for example 14:30.",
            expected="a time (HH:MM)",
            fhir_type="time",
            fhir_value="valueTime",
            input_type="time",
            check=check_time,
        )
    )
    yield
    del KINDS["time"]


def test_a_new_kind_of_question_is_one_kind(app: Flask, time_kind: None) -> None:
    """Nothing but the Kind is written, yet the form draws it, reads and checks it, the review
    page shows it and FHIR names and carries it."""
    from werkzeug.datastructures import MultiDict

    from app.questionnaire import Item, Step, clean_step, display_values
    from app.questionnaire.fhir import fhir_type
    from app.questionnaire.fhir_response import answer_value, fhir_answers
    from app.screening.forms import build_form, raw_from_formdata

    item = Item(name="call_time", kind="time", label="Best time to call", required=True)
    assert item.widget == "input"
    step = Step(name="extra", number=1, title="Extra", items=(item,))
    today = dt.date(2026, 12, 3)
    with app.test_request_context():
        drawn = str(build_form(step, {"call_time": "09:15"}).call_time.html())
        assert 'type="time"' in drawn
        assert 'value="09:15"' in drawn
        assert "Best time to call" in drawn
        raw = raw_from_formdata(step, MultiDict({"call_time": " 14:30 "}))
    assert clean_step(step, raw, {}, today) == ({"call_time": "14:30"}, [])
    _, errors = clean_step(step, {"call_time": "25:00"}, {}, today)
    assert [(e.field, e.text) for e in errors] == [("call_time", MSG_TIME)]
    _, errors = clean_step(step, {"call_time": ""}, {}, today)
    assert [e.text for e in errors] == ["Enter a time, for example 14:30."]
    _, errors = clean_step(step, {"call_time": 14}, {}, today, strict_types=True)
    assert [e.text for e in errors] == ["Expected a time (HH:MM), got number."]
    assert display_values(item, "14:30") == (("14:30",), False)
    assert fhir_type(item) == "time"
    assert fhir_answers(item, "14:30") == [{"valueTime": "14:30"}]
    assert answer_value(item, "call_time", {"valueTime": "07:05"}, "") == ("07:05", None)
    assert answer_value(item, "call_time", {"valueString": "07:05"}, "")[1] == (
        "expected valueTime, got valueString"
    )


def test_an_unknown_kind_is_refused_where_it_is_defined() -> None:
    from app.questionnaire import Item

    with pytest.raises(ValueError, match="unknown kind 'time'"):
        Item(name="call_time", kind="time", label="Best time to call", required=True)
