"""Both catalogues hold every message the templates, forms, views and questionnaire mark."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from tests.i18n.catalogues import (
    LANGUAGES,
    compiled,
    extract,
    forms,
    load,
    messages,
    placeholders,
    po_path,
)


@pytest.fixture(scope="module")
def sources() -> dict:
    return extract()


@pytest.fixture(scope="module", params=LANGUAGES)
def catalogue(request: pytest.FixtureRequest) -> Catalog:
    return load(request.param)


class _Anything(dict):
    """A mapping with a value for every placeholder name, usable by %s, %d and %.1f alike."""

    def __missing__(self, key: str) -> int:
        return 1


def _key(message_id: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    return message_id if isinstance(message_id, str) else tuple(message_id)


def test_extraction_finds_the_patient_and_staff_strings(sources: dict) -> None:
    """Guards the test below against an extraction that silently finds nothing."""
    where = {source.where.split(":")[0] for source in sources.values()}
    assert "app/questionnaire/definition.py" in where  # N_ markers
    assert "app/screening/forms.py" in where  # lazy_gettext
    assert "app/screening/views.py" in where  # gettext
    assert "app/templates/base.html" in where  # {{ _() }}
    assert not any(path.startswith("app/rules/") for path in where)  # reasons stay English
    assert "Little interest or pleasure in doing things" in sources
    assert "Skip to main content" in sources
    assert len(sources) > 400


def test_every_message_is_translated(sources: dict, catalogue: Catalog) -> None:
    """Run `make messages` after adding strings, then translate the new entries."""
    held = {_key(m.id): m for m in messages(catalogue)}
    problems = []
    for key, source in sorted(sources.items(), key=lambda item: item[1].where):
        message = held.get(key)
        if message is None:
            problems.append(f"{source.where}: not in the catalogue: {key!r}")
        elif message.fuzzy:
            problems.append(f"{source.where}: fuzzy (check and clear the flag): {key!r}")
        elif not all(forms(message)):
            problems.append(f"{source.where}: no translation: {key!r}")
    language = catalogue.locale_identifier
    assert not problems, f"{po_path(language)}:\n" + "\n".join(problems)


def test_plural_messages_fill_every_plural_form(catalogue: Catalog) -> None:
    plural = [m for m in messages(catalogue) if m.pluralizable]
    assert plural, "expected some ngettext messages"
    for message in plural:
        assert len(forms(message)) == catalogue.num_plurals, message.id


def test_translations_keep_the_placeholders(catalogue: Catalog) -> None:
    """Each translation has the msgid's %(name)s conversions, and formats without error."""
    problems = []
    for message in messages(catalogue):
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        for index, text in enumerate(forms(message)):
            if not text:
                continue
            original = ids[min(index, len(ids) - 1)]
            if placeholders(text) != placeholders(original):
                problems.append(f"{original!r}: {placeholders(text)} in {text!r}")
                continue
            try:
                original % _Anything()
            except (ValueError, TypeError):
                continue  # not a format string in the source either
            try:
                text % _Anything()
            except (ValueError, TypeError) as error:
                problems.append(f"{original!r}: {text!r} does not format ({error})")
    assert not problems, "\n".join(problems)


def test_the_english_catalogue_is_the_identity(sources: dict) -> None:
    english = load("en")
    different = [
        m.id
        for m in messages(english)
        if _key(m.id) in sources and forms(m)[0] != (m.id if isinstance(m.id, str) else m.id[0])
    ]
    assert not different, different


def test_spanish_actually_differs_from_english(sources: dict) -> None:
    """A copy of the msgid is not a translation (a few names and words are the same)."""
    same = sorted(
        m.id
        for m in messages(load("es"))
        if isinstance(m.id, str) and m.id in sources and m.string == m.id
    )
    expected_same = {"No", "Error:", "citalopram (Celexa)", "escitalopram (Lexapro)"}
    expected_same |= {"mg", "150 mg", "kg", "lb", "cm"}  # units are written alike
    expected_same |= {"Medicare", "Medicaid"}  # the names of US health programmes
    assert set(same) <= expected_same, set(same) - expected_same


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(lang: str) -> None:
    """The app reads messages.mo: it must be compiled from the current .po (`make translations`)."""
    path = po_path(lang).with_suffix(".mo")
    assert path.exists(), f"{path} is missing: run `make translations`"
    expected = {
        _key(m.id): (m.string if isinstance(m.string, str) else tuple(m.string))
        for m in messages(load(lang))
        if not m.fuzzy and all(forms(m))
    }
    actual = compiled(lang)
    stale = {k for k in expected if actual.get(k) != expected[k]}
    assert not stale, f"{path} is out of date: run `make translations` ({len(stale)} messages)"
