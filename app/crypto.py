"""Encryption at rest of identifying fields and answers, and blind indexes to search them.

AES-256-GCM from ``cryptography``. Each stored value is ``key id (1 byte) | nonce (12 bytes) |
ciphertext+tag``, so keys can be rotated: new writes use the first configured key, reads find
the key by its id, and ``flask keys rotate`` re-encrypts old rows. A blind index is an
HMAC-SHA256 of the normalised value under its own key, so staff can search by email or phone
without the database holding either in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from typing import Any

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

NONCE_BYTES = 12


class KeySettingError(ValueError):
    """A missing or malformed encryption key setting."""


class Keyring:
    """The configured data keys (first one current) and the blind-index key."""

    def __init__(self, data_keys: Sequence[tuple[int, bytes]], index_key: bytes) -> None:
        if not data_keys:
            raise KeySettingError("ENCRYPTION_KEYS must name at least one key.")
        self.current_id = data_keys[0][0]
        self.ciphers = {key_id: AESGCM(key) for key_id, key in data_keys}
        self.index_key = index_key

    @classmethod
    def from_settings(cls, keys: str, index_key: str) -> Keyring:
        """Parse ``ENCRYPTION_KEYS`` ("id:base64key,id:base64key", current first)."""
        parsed: list[tuple[int, bytes]] = []
        for entry in filter(None, (part.strip() for part in keys.split(","))):
            key_id, _, encoded = entry.partition(":")
            try:
                number, key = int(key_id), base64.urlsafe_b64decode(encoded)
            except ValueError:
                raise KeySettingError(
                    f"ENCRYPTION_KEYS entry {key_id!r} is not 'id:base64key'."
                ) from None
            if not 0 <= number <= 255 or len(key) != 32:
                raise KeySettingError(
                    f"ENCRYPTION_KEYS key {key_id!r} needs an id 0-255 and 32 bytes."
                )
            parsed.append((number, key))
        try:
            index = base64.urlsafe_b64decode(index_key)
        except ValueError:
            raise KeySettingError("BLIND_INDEX_KEY is not base64.") from None
        if len(index) < 32:
            raise KeySettingError("BLIND_INDEX_KEY must be at least 32 bytes.")
        return cls(parsed, index)

    def encrypt(self, plain: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.ciphers[self.current_id].encrypt(nonce, plain, None)
        return bytes([self.current_id]) + nonce + sealed

    def decrypt(self, token: bytes) -> bytes:
        cipher = self.ciphers.get(token[0])
        if cipher is None:
            raise KeySettingError(f"No key with id {token[0]} is configured (ENCRYPTION_KEYS).")
        return cipher.decrypt(token[1 : 1 + NONCE_BYTES], token[1 + NONCE_BYTES :], None)

    def key_id_of(self, token: bytes) -> int:
        return token[0]

    def blind_index(self, value: str) -> str:
        """The keyed hash staff searches match against ("" for an empty value)."""
        if not value:
            return ""
        return hmac.new(self.index_key, value.encode(), hashlib.sha256).hexdigest()[:32]


def init_app(app: Flask) -> None:
    """The app's keyring, from ENCRYPTION_KEYS and BLIND_INDEX_KEY (bad keys stop start-up)."""
    app.extensions["keyring"] = Keyring.from_settings(
        app.config["ENCRYPTION_KEYS"], app.config["BLIND_INDEX_KEY"]
    )


def keyring() -> Keyring:
    """The current app's keyring (needs an app context, as the database does)."""
    ring: Keyring = current_app.extensions["keyring"]
    return ring


def new_key_setting(key_id: int = 1) -> str:
    """A fresh ``id:base64key`` entry for ENCRYPTION_KEYS."""
    return f"{key_id}:{base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


def new_production_secrets(key_id: int = 1) -> list[str]:
    """An environment file with new values for every secret production needs."""
    return [
        "# Prescreen secrets. Keep them in a secret store, never in the repository or an image.",
        "# Keep ENCRYPTION_KEYS and BLIND_INDEX_KEY as long as any database or backup made with",
        "# them: without them the data cannot be read. Store them apart from the backups.",
        f"SECRET_KEY={secrets.token_urlsafe(48)}",
        f"ENCRYPTION_KEYS={new_key_setting(key_id)}",
        f"BLIND_INDEX_KEY={base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}",
        "# Production also needs (not secrets; README, Deploy): PRESCREEN_ENV=production,",
        "# PUBLIC_URL=https://..., DATABASE_URL, RATELIMIT_STORAGE_URI and WORKER_QUEUE_URL.",
    ]


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON value stored encrypted (bytes in the database, Python objects in the model)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return keyring().encrypt(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return orjson.loads(keyring().decrypt(bytes(value)))


class EncryptedText(TypeDecorator[str]):
    """A string stored encrypted."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        return None if value is None else keyring().encrypt(value.encode())

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> str | None:
        return None if value is None else keyring().decrypt(bytes(value)).decode()


ENCRYPTED_COLUMNS = (
    ("draft", "answers"),
    ("draft", "safety_decision"),
    ("submission", "answers"),
    ("submission", "decision"),
    ("submission", "summary"),
    ("note", "body"),
)


def rotate_all(session: Any, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every value not under the current key; returns the rows changed per column.

    Runs in batches, each committed, so it can be interrupted and run again.
    """
    from sqlalchemy import column, select, table, update

    ring = keyring()
    counts: dict[str, int] = {}
    for table_name, column_name in ENCRYPTED_COLUMNS:
        target = table(table_name, column("id"), column(column_name))
        value = target.c[column_name]
        last_id = 0
        while True:
            rows = session.execute(
                select(target.c.id, value)
                .where(target.c.id > last_id, value.is_not(None))
                .order_by(target.c.id)
                .limit(batch)
            ).all()
            if not rows:
                break
            last_id = rows[-1][0]
            for row_id, token in rows:
                token = bytes(token)
                if ring.key_id_of(token) == ring.current_id:
                    continue
                session.execute(
                    update(target)
                    .where(target.c.id == row_id)
                    .values({column_name: ring.encrypt(ring.decrypt(token))})
                )
                key = f"{table_name}.{column_name}"
                counts[key] = counts.get(key, 0) + 1
            session.commit()
    return counts
