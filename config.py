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
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # The background job queue (app/jobs.py): a SQLite file by default, redis://... in production.
    JOBS_URL = _env("JOBS_URL", f"sqlite:///{INSTANCE_DIR / 'jobs.db'}")
    JOBS_IMMEDIATE = False

    CLINIC_NAME = _env("CLINIC_NAME", "Prescreen demo clinic")
    CRISIS_LINE = _env("CRISIS_LINE", "988")
    CRISIS_CHAT = _env("CRISIS_CHAT", "988lifeline.org")
    EMERGENCY_NUMBER = _env("EMERGENCY_NUMBER", "911")
    CONTACT_BUSINESS_DAYS = _env_int("CONTACT_BUSINESS_DAYS", 3)
    SHOW_OUTCOME_TO_PATIENT = _env_bool("SHOW_OUTCOME_TO_PATIENT", False)
    DRAFT_EXPIRY_DAYS = _env_int("DRAFT_EXPIRY_DAYS", 7)
    PERMANENT_SESSION_LIFETIME = timedelta(days=DRAFT_EXPIRY_DAYS)
    LANGUAGES = ("en", "es")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "app" / "translations")

    # Two-factor sign-in is always required for admins; this makes it required for everyone.
    TWO_FACTOR_REQUIRED_ALL = _env_bool("TWO_FACTOR_REQUIRED_ALL", False)
    TWO_FACTOR_ISSUER = _env("TWO_FACTOR_ISSUER", "Prescreen")
    STAFF_IDLE_MINUTES = _env_int("STAFF_IDLE_MINUTES", 15)
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
