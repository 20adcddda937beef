"""Command-line groups: each feature package owns its commands; this registers them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.auth.cli import users
    from app.review.cli import demo, retention, rules_group
    from app.screening.cli import screening

    for group in (users, demo, rules_group, retention, screening):
        app.cli.add_command(group)
