"""templating.FragmentCache: cached markup is the app's own, per language and key."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from jinja2 import ChoiceLoader, DictLoader

from app.templating import FragmentCache


def _with_template(app: Flask) -> Flask:
    app.jinja_loader  # noqa: B018 - the app's own loader, made on first use
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"fragment.html": "{{ config.CLINIC_NAME }}"}), app.jinja_env.loader]
    )
    return app


def test_each_app_has_its_own_entries(make_app: Callable[..., Flask]) -> None:
    cache = FragmentCache()
    first = _with_template(make_app(CLINIC_NAME="North Clinic"))
    second = _with_template(make_app(CLINIC_NAME="South Clinic"))
    with first.test_request_context():
        assert cache.render("fragment.html", "same key") == "North Clinic"
    with second.test_request_context():
        assert cache.render("fragment.html", "same key") == "South Clinic"
    with first.test_request_context():
        first.config["CLINIC_NAME"] = "renamed"
        assert cache.render("fragment.html", "same key") == "North Clinic"  # from the cache
        assert cache.render("fragment.html", None) == "renamed"  # no key: drawn again


def test_the_oldest_entries_go_first(make_app: Callable[..., Flask]) -> None:
    cache = FragmentCache(size=2)
    app = _with_template(make_app(CLINIC_NAME="One"))
    with app.test_request_context():
        for key in ("a", "b", "c"):
            cache.render("fragment.html", key)
        app.config["CLINIC_NAME"] = "Two"
        assert cache.render("fragment.html", "c") == "One"
        assert cache.render("fragment.html", "a") == "Two"  # "a" had gone
