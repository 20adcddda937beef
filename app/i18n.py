"""The language of a request and its message catalogue (Flask-Babel)."""

from __future__ import annotations

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations

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


def init_app(app: Flask) -> None:
    """The app's languages (``LANGUAGES``, names checked at start-up); Jinja's ``_``,
    ``ngettext``... (installed by Flask-Babel) read the cached catalogue."""
    app.extensions["languages"] = language_names(tuple(app.config["LANGUAGES"]))
    app.jinja_env.globals["languages"] = languages
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
