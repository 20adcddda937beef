"""The schema the migrations build is the one the models describe (on SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect


def test_migrations_build_what_the_models_describe(app: Flask, db: SQLAlchemy) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_the_assignee_index_holds_assigned_submissions_only(app: Flask, db: SQLAlchemy) -> None:
    # Alembic's comparison above does not look at an index's condition: read it back.
    with app.app_context():
        indexes = inspect(db.engine).get_indexes("submission")
    (index,) = (i for i in indexes if i["name"] == "ix_submission_assigned_to_id")
    options = index.get("dialect_options", {})
    condition = options.get("sqlite_where", options.get("postgresql_where"))
    assert condition is not None
    assert "assigned_to_id IS NOT NULL" in str(condition)
