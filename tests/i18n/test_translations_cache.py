"""Contract of app.i18n.translations with Flask-Babel: the cache gives what Flask-Babel gives,
follows ``force_locale`` and ``refresh``, and is the request's own."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask, render_template_string, session
from flask_babel import force_locale, get_translations, refresh

from app.i18n import translations

# Choosing a locale reads the clinic's languages, which stores the settings' first version: the
# db fixture empties the table again, so later tests start from their own app's config.
pytestmark = pytest.mark.usefixtures("db")

WORD = "Continue"  # a message the Spanish catalogue translates


def test_the_catalogue_is_flask_babels_and_looked_up_once(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "es"}):
        first = translations()
        assert first is get_translations()
        assert first is translations()
        assert first.ugettext(WORD) != WORD


def test_it_follows_force_locale_and_refresh(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert translations().ugettext(WORD) == WORD
        with force_locale("es"):
            assert translations().ugettext(WORD) == get_translations().ugettext(WORD) != WORD
        assert translations().ugettext(WORD) == WORD
        session["lang"] = "es"
        refresh()
        assert translations().ugettext(WORD) != WORD


def test_each_request_looks_it_up_again(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "es"}):
        spanish = translations().ugettext(WORD)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert translations().ugettext(WORD) == WORD != spanish


def test_a_page_is_drawn_in_the_language_in_force_when_it_is_drawn(app: Flask) -> None:
    """Templates read the catalogue looked up when ``render_template`` starts: a page drawn
    under ``force_locale`` (an email in the patient's language) is in that language."""
    page = '{{ _("Continue") }}|{{ ngettext("%(num)s day", "%(num)s days", 2) }}'
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(page) == "Continue|2 days"
        with force_locale("es"):
            spanish = get_translations()
            days = spanish.ungettext("%(num)s day", "%(num)s days", 2) % {"num": 2}
            expected = f"{spanish.ugettext(WORD)}|{days}"
            assert render_template_string(page) == expected
            assert expected.split("|")[0] != WORD
        assert render_template_string(page) == "Continue|2 days"


NOBODY = (
    "Nobody is watching this form right now. If you are in danger, call or text one of the "
    "numbers above now."
)


def test_a_macro_imported_without_the_page_finds_the_catalogue_itself(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "es"}):
        module = app.jinja_env.get_template("screening/_crisis_links.html").module
        promise = str(module.promise(SimpleNamespace(oncall_configured=False)))  # type: ignore[attr-defined]
        assert translations().ugettext(NOBODY) in promise
        assert NOBODY not in promise
