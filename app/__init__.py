"""Prescreen: a pre-screening questionnaire and triage aid for ketamine / esketamine clinics."""

from __future__ import annotations

from typing import Any

from flask import Flask

from config import Config, config_for


def create_app(config: type[Config] | None = None, **overrides: Any) -> Flask:
    """Build the app. Tests pass TestingConfig and any overrides."""
    from app import (
        checkpoints,
        cli,
        clinic,
        crypto,
        errors,
        extensions,
        i18n,
        jobs,
        logging_setup,
        proxy,
        security,
        session_cookie,
        sqlite_locking,
        startup,
        templating,
        urls,
    )
    from app.admin import bp as admin_bp
    from app.alerts import bp as alerts_bp
    from app.alerts import staff as alert_staff
    from app.auth import bp as auth_bp
    from app.fhir import bp as fhir_bp
    from app.fhir.admin import bp as api_tokens_bp
    from app.ops import bp as ops_bp
    from app.ops import metrics
    from app.public import bp as public_bp
    from app.reevaluation import bp as reevaluation_bp
    from app.review import bp as review_bp
    from app.screening import bp as screening_bp

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_for())
    app.config.from_pyfile("settings.py", silent=True)
    app.config.update(overrides)
    startup.check(app.config)  # one message naming every missing or malformed setting
    crypto.init_app(app)

    logging_setup.init_app(app)  # first: every later handler's log lines carry the request id
    clinic.init_app(app)  # bad clinic or rule settings stop start-up
    sqlite_locking.init_app(app)  # engine options, before the database is bound
    extensions.init_app(app)
    jobs.init_app(app)
    checkpoints.init_app(app)
    session_cookie.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    proxy.init_app(app)
    templating.init_app(app)
    urls.init_app(app)  # the bounded <int:...> converter, before any route is added
    metrics.init_app(app)
    metrics.register_alert_counts(alert_staff.delivery_counts)
    blueprints = (public_bp, screening_bp, auth_bp, review_bp, reevaluation_bp, alerts_bp, fhir_bp)
    for blueprint in (*blueprints, api_tokens_bp, admin_bp, ops_bp):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    cli.init_app(app)
    return app
