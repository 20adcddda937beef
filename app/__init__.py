"""Prescreen: a pre-screening questionnaire and triage aid for ketamine / esketamine clinics."""

from __future__ import annotations

from typing import Any

from flask import Flask

from config import Config, config_for


def create_app(config: type[Config] | None = None, **overrides: Any) -> Flask:
    """Build the app. Tests pass TestingConfig and any overrides."""
    from app import (
        cli,
        clinic,
        crypto,
        errors,
        extensions,
        jobs,
        logging_setup,
        security,
        templating,
    )
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.fhir import bp as fhir_bp
    from app.public import bp as public_bp
    from app.review import bp as review_bp
    from app.screening import bp as screening_bp

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_for())
    app.config.from_pyfile("settings.py", silent=True)
    app.config.update(overrides)
    for name in ("SECRET_KEY", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        if not app.config.get(name):
            raise RuntimeError(f"{name} must be set (environment variable {name}).")
    crypto.configure(
        crypto.Keyring.from_settings(app.config["ENCRYPTION_KEYS"], app.config["BLIND_INDEX_KEY"])
    )
    clinic.init_app(app)  # bad rule settings stop start-up

    logging_setup.init_app(app)
    extensions.init_app(app)
    jobs.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    for blueprint in (public_bp, screening_bp, auth_bp, review_bp, fhir_bp, admin_bp):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    cli.init_app(app)
    return app
