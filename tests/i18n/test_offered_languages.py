"""The languages the clinic offers are a stored setting: the switch and the locale follow it."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.i18n.test_spanish_pages import choose, page


def test_a_clinic_offering_only_spanish_shows_no_switch_and_speaks_spanish(
    client: FlaskClient, set_clinic: Any
) -> None:
    assert 'value="es" lang="es">Español</button>' in page(client, "/")
    set_clinic(languages=("es",))
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in html  # English is no longer offered, whatever the browser says
    assert 'name="lang"' not in html  # nothing to switch to
    choose(client, "en")  # a stale switch (a page opened before the change) is refused
    assert '<html lang="es">' in page(client, "/privacy")


def test_a_language_withdrawn_after_it_was_chosen_is_no_longer_used(
    client: FlaskClient, set_clinic: Any
) -> None:
    choose(client, "es")
    assert '<html lang="es">' in page(client, "/")
    set_clinic(languages=("en",))
    html = page(client, "/")
    assert '<html lang="en">' in html
    assert 'value="es"' not in html
    set_clinic(languages=("en", "es"))
    assert '<html lang="es">' in page(client, "/")  # offered again: the choice still stands
