"""Flask extensions, created unbound and bound to the app in ``init_app``."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_translations
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()


def select_locale() -> str:
    """The language chosen with the switch, else the browser's preference."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command-line tools
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or "en"


# Set for requests that change data: on SQLite their transaction takes the write lock up front
# (BEGIN IMMEDIATE), so two writers queue on the busy timeout instead of one failing mid-way.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    """WAL, a busy timeout and foreign keys on every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def _mark_writes() -> None:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        write_intent.set(True)


def _unmark_writes(_error: BaseException | None = None) -> None:
    write_intent.set(False)


def engine_options(url: str, config_options: dict[str, Any], busy_seconds: float) -> dict[str, Any]:
    """Per-database engine options: SQLite waits ``busy_seconds`` for a lock, then gives up
    (the app answers 503); PostgreSQL checks pooled connections before use."""
    options = dict(config_options)
    if url.startswith("sqlite"):
        options.pop("pool_pre_ping", None)
        options["connect_args"] = {**options.get("connect_args", {}), "timeout": busy_seconds}
    return options


def init_app(app: Flask) -> None:
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        app.config["SQLITE_BUSY_SECONDS"],
    )
    app.before_request(_mark_writes)
    app.teardown_request(_unmark_writes)
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def translations() -> Any:
    """Flask-Babel's ``get_translations()``, looked up once a request per locale.

    Flask-Babel looks the catalogue up again on every string (about 20 µs); a page with a
    hundred strings spent two milliseconds on that alone. The cache follows the locale, so
    ``force_locale`` and ``refresh`` still take effect.
    """
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        return get_translations()
    cached = getattr(state, "prescreen_translations", None)
    if cached is None or cached[0] is not locale:
        cached = (locale, get_translations())
        state.prescreen_translations = cached
    return cached[1]
