"""Flask extensions, created unbound and bound to the app in ``init_app``."""

from __future__ import annotations

import hmac
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ClassVar, TypeVar

import orjson
from flask import Flask, current_app, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface, session_json_serializer
from flask_babel import Babel, get_locale, get_translations
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer, want_bytes
from itsdangerous.encoding import base64_encode
from itsdangerous.signer import HMACAlgorithm
from itsdangerous.timed import TimestampSigner
from itsdangerous.url_safe import URLSafeSerializerMixin
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase

from app import checkpoints

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

View = TypeVar("View", bound=Callable[..., Any])


def rate_limit(limits: str, **options: Any) -> Callable[[View], View]:
    """``limiter.limit(limits, **options)``, at no cost while the app's limits are off.

    Flask-Limiter's decorator gathers and filters the route's limits on every request, also
    with ``RATELIMIT_ENABLED`` false (3% of a submit's instructions); then this calls the view
    at once.
    """

    def decorate(view: View) -> View:
        limited = limiter.limit(limits, **options)(view)

        @wraps(view)
        def dispatch(*args: Any, **kwargs: Any) -> Any:
            if current_app.config.get("RATELIMIT_ENABLED", True):
                return limited(*args, **kwargs)
            return view(*args, **kwargs)

        return dispatch  # type: ignore[return-value]

    return decorate


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


# How long a writer polls for SQLite's write lock itself before it leaves the waiting to
# SQLite's busy handler (the rest of SQLITE_BUSY_SECONDS), and its first and longest pause.
QUICK_WAIT_SECONDS = 0.25
QUICK_PAUSES = (0.0001, 0.001)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    """WAL, a busy timeout and foreign keys on every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Raised while a background thread checkpoints (app/checkpoints.py).
    cursor.execute(f"PRAGMA wal_autocheckpoint={int(checkpoints.autocheckpoint_pages)}")
    # The busy timeout sqlite3.connect set (the engine's ``timeout``), restored after each poll.
    record.info["busy_ms"] = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    fairy = connection.connection
    if not write_intent.get():
        # Straight to the driver: a reader's BEGIN takes no lock and cannot be kept waiting,
        # and SQLAlchemy's statement machinery cost more than the BEGIN itself.
        fairy.driver_connection.execute("BEGIN")
        return
    if not _quick_begin_immediate(fairy.driver_connection, fairy.info.get("busy_ms", 0)):
        # Still locked: wait out the rest of the busy timeout, then fail as SQLite does (503).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _quick_begin_immediate(dbapi_connection: Any, busy_ms: int) -> bool:
    """Take SQLite's write lock, trying again every fraction of a millisecond while another
    writer holds it; False if it is still held after ``QUICK_WAIT_SECONDS``.

    SQLite's own busy handler sleeps 1, 2, 5, 10 ms... between tries. A write request holds
    the lock for about a millisecond, so a writer queued behind it slept several times longer
    than it had to wait: under load on submits, a third of a core sat idle (a tenth with this).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + min(QUICK_WAIT_SECONDS, busy_ms / 1000)
        pause, longest = QUICK_PAUSES
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    return False
            time.sleep(pause)
            pause = min(pause * 2, longest)
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        cursor.close()


@contextmanager
def reading_first() -> Iterator[None]:
    """Transactions begun inside start as plain readers, also in a request that writes later.

    For a request that reads, ends its transaction, works, and only then writes: on SQLite
    its read takes no write lock, so other writers are not held up while it works.
    """
    token = write_intent.set(False)
    try:
        yield
    finally:
        write_intent.reset(token)


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


class _OneShotHMAC(HMACAlgorithm):
    """itsdangerous' HMAC signature through ``hmac.digest`` (OpenSSL in one call) instead of
    an ``hmac.HMAC`` object; the same bytes."""

    def get_signature(self, key: bytes, value: bytes) -> bytes:
        return hmac.digest(key, value, self.digest_method)


class _KeyCachingSigner(TimestampSigner):
    """A timestamp signer that derives its key once per secret, salt and method.

    itsdangerous makes a new signer for every signature it makes or checks, and each derived
    the same key again with a Python ``hmac.HMAC``; two per request for the session cookie.
    """

    _derived: ClassVar[dict[tuple[Any, ...], bytes]] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        key = (secret, self.salt, self.key_derivation, self.digest_method)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._derived[key] = super().derive_key(secret)
        return derived


class UncompressedSerializer(URLSafeTimedSerializer):
    """itsdangerous' URL-safe serializer without its zlib attempt on every dump.

    A session holds a few random tokens, which do not compress, and each attempt set up a
    fresh 256 KB deflate state: about 2% of a submit's instructions. Payloads that were
    compressed (older cookies) still load.
    """

    def dump_payload(self, obj: Any) -> bytes:
        return base64_encode(super(URLSafeSerializerMixin, self).dump_payload(obj))


class PlainJSONSessionSerializer:
    """Session values as plain JSON, through orjson.

    Flask's tagged JSON walks every value in Python to mark tuples, bytes, dates and markup,
    which no session here holds (tokens, codes, ids, times as numbers, flash messages): its
    dump and load took about 14 µs of each request, which refreshes the cookie. A tuple comes
    back as a list; a date or bytes is refused rather than changed. Cookies written with tags
    (by Flask's serializer) still load.
    """

    _tagged = session_json_serializer  # Flask's own, for cookies written with tags

    def dumps(self, value: Any) -> str:
        return orjson.dumps(value, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()

    def loads(self, value: str) -> Any:
        if '" ' in value:  # a tag such as {" t": [...]}, or a value with '" ' in it
            return self._tagged.loads(value)
        return orjson.loads(value)


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once for a set of keys
    rather than twice a request (it read the cookie and signed it again), not compressed, and
    values in plain JSON."""

    serializer = PlainJSONSessionSerializer()  # type: ignore[assignment]

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], Any] = {}

    def get_signing_serializer(self, app: Flask) -> Any:
        fallbacks = tuple(app.config["SECRET_KEY_FALLBACKS"] or ())
        keys = (*fallbacks, app.secret_key)  # itsdangerous signs with the last one
        serializer = self._serializers.get(keys)
        if serializer is None and app.secret_key:
            serializer = self._serializers[keys] = UncompressedSerializer(
                list(keys),
                salt=self.salt,
                serializer=self.serializer,
                signer=_KeyCachingSigner,
                signer_kwargs={
                    "key_derivation": self.key_derivation,
                    "digest_method": self.digest_method,
                    "algorithm": _OneShotHMAC(self.digest_method),
                },
            )
        return serializer


def init_app(app: Flask) -> None:
    app.session_interface = SignedCookieSessions()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        app.config["SQLITE_BUSY_SECONDS"],
    )
    app.before_request(_mark_writes)
    app.teardown_request(_unmark_writes)
    db.init_app(app)
    path = checkpoints.database_path(app.config["SQLALCHEMY_DATABASE_URI"])
    seconds = float(app.config.get("SQLITE_CHECKPOINT_SECONDS") or 0)
    if path is not None and seconds > 0:
        checkpoints.Checkpointer.ensure(path, seconds)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    # The signed-in user is a template global, looked up only where a page uses it (staff
    # pages), rather than loaded for every page by Flask-Login's context processor.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user
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
    if locale is None:  # the request's first string: Flask-Babel picks the locale now
        locale = get_locale()
        state = g.get("_flask_babel")
        if locale is None or state is None:
            return get_translations()
    cached = getattr(state, "prescreen_translations", None)
    if cached is None or cached[0] is not locale:
        cached = (locale, get_translations())
        state.prescreen_translations = cached
    return cached[1]
