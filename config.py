"""Settings for each environment, read from environment variables with laptop defaults.

No other module reads ``os.environ``: everything the app needs is a key of ``Config``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    return int(value) if value is not None else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str] | None:
    """A comma-separated setting as a list; ``None`` when unset."""
    value = _env(name)
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()] or None


def _development_secret_key() -> str:
    """Generate a secret key once and keep it in instance/, so sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _development_keys() -> tuple[str, str]:
    """Encryption and blind-index keys for a laptop, generated once and kept in instance/."""
    import base64

    path = INSTANCE_DIR / "encryption_keys"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        data_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        index_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        path.write_text(f"1:{data_key}\n{index_key}\n")
        path.chmod(0o600)
    data_keys, index_key = path.read_text().split()
    return data_keys, index_key


# Clinic settings that were environment variables: now only the values of the first stored
# version (app/admin/store.py), with a notice in the log that they moved.
MOVED_VARIABLES = (
    "CLINIC_NAME",
    "CRISIS_LINE",
    "CRISIS_CHAT",
    "EMERGENCY_NUMBER",
    "CONTACT_BUSINESS_DAYS",
    "DRAFT_EXPIRY_DAYS",
    "STAFF_IDLE_MINUTES",
    "WEIGHT_UNIT",
    "HEIGHT_UNIT",
    "ONCALL_EMAILS",
    "SECONDARY_EMAILS",
    "ONCALL_WEBHOOK_URL",
    "ONCALL_WEBHOOK_SECRET",
    "ESCALATION_MINUTES",
    "ESCALATION_REPEATS",
    "ONCALL_HOURS",
    "CALLBACKS_ENABLED",
    "URGENT_NEXT_STEP",
    "WAITING_DAYS",
    "RETENTION_DAYS",
)


def moved_variables() -> tuple[str, ...]:
    """The moved clinic settings still set in the environment (``RULES_*`` included)."""
    return tuple(sorted(k for k in os.environ if k in MOVED_VARIABLES or k.startswith("RULES_")))


def rules_overrides() -> dict[str, str]:
    """Every ``RULES_*`` environment variable, handed to ``rules.Settings.from_config``."""
    return {key: value for key, value in os.environ.items() if key.startswith("RULES_")}


class Config:
    ENV_NAME = "base"
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'prescreen.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    SQLITE_BUSY_SECONDS = float(_env("SQLITE_BUSY_SECONDS", "5") or 5)
    # How often a background thread copies SQLite's write-ahead log into the database file
    # (app/checkpoints.py); 0 leaves it to the requests, as SQLite does by default.
    SQLITE_CHECKPOINT_SECONDS = float(_env("SQLITE_CHECKPOINT_SECONDS", "0.1") or 0)
    SECRET_KEY = _env("SECRET_KEY")
    # "id:base64(32 bytes)" entries, current key first; the blind-index key never rotates.
    ENCRYPTION_KEYS = _env("ENCRYPTION_KEYS")
    BLIND_INDEX_KEY = _env("BLIND_INDEX_KEY")
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    # The address patients and staff use, the base of every absolute link (FHIR canonical
    # URLs, e-mails); never taken from the request's Host. Production needs an https one.
    PUBLIC_URL = _env("PUBLIC_URL", "http://127.0.0.1:5000")
    # Addresses or networks, comma-separated, that may read /metrics (404 for anyone else).
    METRICS_ALLOWED_IPS = _env("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
    # prometheus_client's multiprocess mode (several gunicorn workers): an empty directory,
    # the same for every worker, emptied before each start. prometheus_client reads it too.
    PROMETHEUS_MULTIPROC_DIR = _env("PROMETHEUS_MULTIPROC_DIR")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # How many reverse proxies stand in front of the app (app/proxy.py): their
    # X-Forwarded-For/-Proto/-Host headers are believed. 0: none are, as nobody may be there.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    # The host names the app answers to (comma-separated, e.g. "screening.clinic.example");
    # any other Host header gets 400. Unset: any host (a laptop).
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS")
    # The background job queue (app/jobs.py): a SQLite file by default, redis://... in production.
    WORKER_QUEUE_URL = _env("WORKER_QUEUE_URL", f"sqlite:///{INSTANCE_DIR / 'jobs.db'}")
    JOBS_IMMEDIATE = False
    # /readyz fails when the worker's heartbeat (once a minute) is older than this.
    WORKER_HEARTBEAT_MAX_AGE = _env_int("WORKER_HEARTBEAT_MAX_AGE", 180)
    # Alert delivery: first retry after this many seconds, doubling; give up after so many tries;
    # a delivery claimed by a worker that died is taken again after ALERT_CLAIM_SECONDS.
    ALERT_RETRY_SECONDS = float(_env("ALERT_RETRY_SECONDS", "30") or 30)
    ALERT_MAX_ATTEMPTS = _env_int("ALERT_MAX_ATTEMPTS", 6)
    ALERT_CLAIM_SECONDS = float(_env("ALERT_CLAIM_SECONDS", "120") or 120)
    ALERT_TIMEOUT_SECONDS = float(_env("ALERT_TIMEOUT_SECONDS", "10") or 10)

    SMTP_URL = _env("SMTP_URL")  # smtp://host:port, smtp+starttls://user:pass@host:port
    MAIL_FROM = _env("MAIL_FROM", "prescreen@localhost")
    CLINIC_NAME = _env("CLINIC_NAME", "Prescreen demo clinic")
    CRISIS_LINE = _env("CRISIS_LINE", "988")
    CRISIS_CHAT = _env("CRISIS_CHAT", "988lifeline.org")
    EMERGENCY_NUMBER = _env("EMERGENCY_NUMBER", "911")
    CONTACT_BUSINESS_DAYS = _env_int("CONTACT_BUSINESS_DAYS", 3)
    # Safety alerts (app/alerts): who is told, and what the patient is promised (clinic settings).
    ONCALL_EMAILS = _env("ONCALL_EMAILS", "")
    SECONDARY_EMAILS = _env("SECONDARY_EMAILS", "")
    ONCALL_WEBHOOK_URL = _env("ONCALL_WEBHOOK_URL", "")
    ONCALL_WEBHOOK_SECRET = _env("ONCALL_WEBHOOK_SECRET", "")
    ESCALATION_MINUTES = float(_env("ESCALATION_MINUTES", "15") or 15)
    ESCALATION_REPEATS = _env_int("ESCALATION_REPEATS", 2)
    ONCALL_HOURS = _env("ONCALL_HOURS", "")
    CALLBACKS_ENABLED = _env_bool("CALLBACKS_ENABLED", False)
    URGENT_NEXT_STEP = _env("URGENT_NEXT_STEP", "")
    SHOW_OUTCOME_TO_PATIENT = _env_bool("SHOW_OUTCOME_TO_PATIENT", False)
    DRAFT_EXPIRY_DAYS = _env_int("DRAFT_EXPIRY_DAYS", 7)
    WEIGHT_UNIT = _env("WEIGHT_UNIT", "lb")  # the unit the patient form offers first: kg or lb
    HEIGHT_UNIT = _env("HEIGHT_UNIT", "ft_in")  # cm or ft_in
    PERMANENT_SESSION_LIFETIME = timedelta(days=DRAFT_EXPIRY_DAYS)
    # The pages' languages, the default first: each needs its catalogue in app/translations
    # (CONTRIBUTING.md, "A new language").
    LANGUAGES = tuple(
        code.strip() for code in (_env("LANGUAGES", "en,es") or "").split(",") if code.strip()
    )
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")

    # Two-factor sign-in is always required for admins; this makes it required for everyone.
    TWO_FACTOR_REQUIRED_ALL = _env_bool("TWO_FACTOR_REQUIRED_ALL", False)
    TWO_FACTOR_ISSUER = _env("TWO_FACTOR_ISSUER", "Prescreen")
    STAFF_IDLE_MINUTES = _env_int("STAFF_IDLE_MINUTES", 15)
    WAITING_DAYS = _env_int("WAITING_DAYS", 5)  # the queue's "Waiting over N days" view
    RETENTION_DAYS = _env_int("RETENTION_DAYS", 0)  # flask retention purge's default age
    STAFF_SESSION_HOURS = _env_int("STAFF_SESSION_HOURS", 12)
    QUEUE_PAGE_SIZE = _env_int("QUEUE_PAGE_SIZE", 25)
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"  # a name in argon2.profiles

    MAX_CONTENT_LENGTH = 256 * 1024
    MAX_FORM_MEMORY_SIZE = 256 * 1024
    WTF_CSRF_TIME_LIMIT = 4 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "prescreen_session"
    # The cookie is sent again when the session changes: a patient's when a step is saved (and
    # the draft's expiry moves with it), a staff member's on every request (the idle clock).
    # Re-signing an unchanged cookie on every page cost a patient GET about 5% of its time.
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_HTTPONLY = True

    RULES: ClassVar[dict[str, str]] = rules_overrides()
    MOVED_SETTINGS_VARIABLES: ClassVar[tuple[str, ...]] = moved_variables()
    # How often each process asks the database whether a newer settings version was saved.
    SETTINGS_CHECK_SECONDS = float(_env("SETTINGS_CHECK_SECONDS", "2") or 2)

    # FHIR API (app/fhir): the largest QuestionnaireResponse accepted, in bytes.
    FHIR_MAX_BODY_BYTES = _env_int("FHIR_MAX_BODY_BYTES", 128 * 1024)


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = Config.SECRET_KEY or _development_secret_key()
    if not (Config.ENCRYPTION_KEYS and Config.BLIND_INDEX_KEY):
        ENCRYPTION_KEYS, BLIND_INDEX_KEY = _development_keys()


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"  # noqa: S105 (tests only)
    ENCRYPTION_KEYS = "7:dGVzdGluZy1rZXktMzItYnl0ZXMtbG9uZy0wMDAwMDA="
    BLIND_INDEX_KEY = "dGVzdGluZy1ibGluZC1pbmRleC1rZXktMzItYnl0ZXM="
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    JOBS_IMMEDIATE = True  # tasks run in the caller; tests that need a real worker start one
    SETTINGS_CHECK_SECONDS = 0.0  # each test empties the tables: always read the newest version
    SQLITE_CHECKPOINT_SECONDS = 0.0  # one app per test: no thread each (tests/test_checkpoints.py)
    WTF_CSRF_ENABLED = True
    ARGON2_PROFILE = "CHEAPEST"  # Argon2 at full cost would make every login test slow


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-prescreen"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    """The config class named by ``name`` or by ``PRESCREEN_ENV`` (development by default)."""
    return CONFIGS[name or _env("PRESCREEN_ENV", "development") or "development"]
