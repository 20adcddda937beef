"""The language of a request and its message catalogue (Flask-Babel)."""

from __future__ import annotations

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context

from app import clinic


def select_locale() -> str:
    """The language chosen with the switch, else the browser's preference, among the
    languages the clinic offers (a stored setting, ``clinic.current().languages``)."""
    default = str(current_app.config["BABEL_DEFAULT_LOCALE"])
    if not has_request_context():  # command-line tools
        return default
    languages = offered()
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    fallback = default if default in languages else languages[0]
    return request.accept_languages.best_match(languages) or fallback


def offered() -> tuple[str, ...]:
    """The languages the clinic offers now (the settings page chooses them)."""
    return clinic.current().languages or (str(current_app.config["BABEL_DEFAULT_LOCALE"]),)


def translations() -> NullTranslations:
    """Flask-Babel's ``get_translations()``, looked up once a request per locale.

    Flask-Babel looks the catalogue up again on every string (about 20 µs); a page with a
    hundred strings spent two milliseconds on that alone. The cache is keyed by the current
    ``get_locale()``, so ``force_locale`` and ``refresh`` still take effect
    (tests/i18n/test_translations_cache.py checks that against Flask-Babel).
    """
    locale = get_locale()
    if locale is None or not has_request_context():
        catalogue: NullTranslations = get_translations()
        return catalogue
    cached: tuple[object, NullTranslations] | None = g.get("translations")
    if cached is None or cached[0] is not locale:
        cached = (locale, get_translations())
        g.translations = cached
    return cached[1]


def language_names(codes: tuple[str, ...]) -> dict[str, str]:
    """Each language's name in itself, from CLDR (``es`` -> ``Español``); an unknown code
    stops start-up."""
    names = {}
    for code in codes:
        name = Locale.parse(code).get_display_name(code) or code
        names[code] = name[:1].upper() + name[1:]
    return names


def languages() -> dict[str, str]:
    """The languages the clinic offers and their names, for the language switch."""
    names: dict[str, str] = current_app.extensions["languages"]
    return {code: names.get(code) or language_names((code,))[code] for code in offered()}


def catalogue_of(context: Context) -> NullTranslations:
    """The catalogue of the page being drawn: looked up once when ``render_template`` starts
    (a context processor), not once a string; a template drawn without that context (a macro
    module imported without it) looks it up itself."""
    catalogue: NullTranslations | None = context.parent.get(CATALOGUE)
    return catalogue if catalogue is not None else translations()


@pass_context
def _gettext(context: Context, message: str) -> str:
    return catalogue_of(context).ugettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return catalogue_of(context).ungettext(singular, plural, n)


@pass_context
def _pgettext(context: Context, msgctxt: str, message: str) -> str:
    return catalogue_of(context).upgettext(msgctxt, message)


@pass_context
def _npgettext(context: Context, msgctxt: str, singular: str, plural: str, n: int) -> str:
    return catalogue_of(context).unpgettext(msgctxt, singular, plural, n)


CATALOGUE = "page_catalogue"


def init_app(app: Flask) -> None:
    """The app's languages (``LANGUAGES``, names checked at start-up); Jinja's ``_``,
    ``ngettext``... read the catalogue of the page being drawn (Jinja's ``pass_context``)."""
    app.extensions["languages"] = language_names(tuple(app.config["LANGUAGES"]))
    app.jinja_env.globals["languages"] = languages
    app.context_processor(lambda: {CATALOGUE: translations()})
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext,
        ngettext=_ngettext,
        pgettext=_pgettext,
        npgettext=_npgettext,
        newstyle=True,
    )
