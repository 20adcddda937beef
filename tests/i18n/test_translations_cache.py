"""Contract of app.i18n.translations with Flask-Babel: the cache gives what Flask-Babel gives,
follows ``force_locale`` and ``refresh``, and is the request's own."""

from __future__ import annotations

import pytest
from flask import Flask, session
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
