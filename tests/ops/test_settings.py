"""Start-up settings: one message naming every problem; ``flask keys generate``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from app import crypto
from app.startup import SettingsError
from config import ProductionConfig, TestingConfig

GOOD = {
    "SECRET_KEY": "production-test-secret",
    "ENCRYPTION_KEYS": TestingConfig.ENCRYPTION_KEYS,
    "BLIND_INDEX_KEY": TestingConfig.BLIND_INDEX_KEY,
    "PUBLIC_URL": "https://clinic.example",
}


def test_a_production_start_lacking_several_settings_names_them_all(
    make_app: Callable[..., Flask],
) -> None:
    with pytest.raises(SettingsError) as raised:
        make_app(
            ProductionConfig,
            SECRET_KEY=None,
            ENCRYPTION_KEYS=None,
            BLIND_INDEX_KEY=None,
            PUBLIC_URL="http://clinic.example",
        )
    message = str(raised.value)
    for name in ("SECRET_KEY", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "PUBLIC_URL"):
        assert name in message
    assert "keys generate" in message


def test_malformed_keys_are_named_with_the_missing_ones(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(SettingsError) as raised:
        make_app(ProductionConfig, **{**GOOD, "SECRET_KEY": None, "ENCRYPTION_KEYS": "1:c2hvcnQ="})
    assert "SECRET_KEY is not set" in str(raised.value)
    assert "32 bytes" in str(raised.value)


@pytest.mark.parametrize(
    "url", ["http://clinic.example", "clinic.example", "https://", "https://x.example/?a=1"]
)
def test_production_needs_an_absolute_https_public_url(
    make_app: Callable[..., Flask], url: str
) -> None:
    with pytest.raises(SettingsError, match="PUBLIC_URL"):
        make_app(ProductionConfig, **{**GOOD, "PUBLIC_URL": url})


def test_production_starts_with_every_setting(make_app: Callable[..., Flask]) -> None:
    app = make_app(ProductionConfig, **GOOD)
    assert app.config["PUBLIC_URL"] == "https://clinic.example"


def test_bad_metrics_addresses_stop_the_start(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(SettingsError, match="METRICS_ALLOWED_IPS"):
        make_app(METRICS_ALLOWED_IPS="127.0.0.1,localhost")


def test_keys_generate_prints_every_secret_production_needs(
    runner: FlaskCliRunner, make_app: Callable[..., Flask]
) -> None:
    result = runner.invoke(args=["keys", "generate"])
    assert result.exit_code == 0, result.output
    values = dict(
        line.split("=", 1) for line in result.output.splitlines() if not line.startswith("#")
    )
    assert set(values) == {"SECRET_KEY", "ENCRYPTION_KEYS", "BLIND_INDEX_KEY"}
    assert len(values["SECRET_KEY"]) >= 48
    keyring = crypto.Keyring.from_settings(values["ENCRYPTION_KEYS"], values["BLIND_INDEX_KEY"])
    assert keyring.decrypt(keyring.encrypt(b"x")) == b"x"
    again = runner.invoke(args=["keys", "generate"]).output
    assert values["ENCRYPTION_KEYS"] not in again  # new each time
    # With these values (and an https address) production starts.
    make_app(ProductionConfig, **values, PUBLIC_URL="https://clinic.example")


def test_keys_generate_one_entry_for_a_rotation(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["keys", "generate", "--encryption-key-only", "--key-id", "9"])
    assert result.exit_code == 0, result.output
    entry = result.output.strip()
    assert entry.startswith("9:")
    crypto.Keyring.from_settings(entry, TestingConfig.BLIND_INDEX_KEY)
