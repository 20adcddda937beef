"""The settings check at start-up: every problem in one message, not the first one alone."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from app import crypto

REQUIRED = {
    "SECRET_KEY": "a long random string",
    "ENCRYPTION_KEYS": '"id:base64(32 bytes)" entries, comma-separated, current key first',
    "BLIND_INDEX_KEY": "base64 of at least 32 random bytes",
}
HINT = (
    "`flask --app run keys generate` (run without PRESCREEN_ENV=production) prints new values "
    "for the secrets; the README's Deploy section lists every setting."
)


class SettingsError(RuntimeError):
    """The app cannot start with these settings; the message names every problem."""


def _base_url_problem(value: Any, production: bool) -> str | None:
    parts = urlsplit(str(value or ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "PUBLIC_URL must be an absolute URL, like https://prescreen.example.org"
    if parts.query or parts.fragment:
        return "PUBLIC_URL must not have a query or a fragment"
    if production and parts.scheme != "https":
        return "PUBLIC_URL must start with https:// in production"
    return None


def _metrics_problem(value: Any) -> str | None:
    try:
        allowed_networks(str(value or ""))
    except ValueError:
        return "METRICS_ALLOWED_IPS must be addresses or networks, comma-separated"
    return None


def allowed_networks(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``METRICS_ALLOWED_IPS`` parsed ("127.0.0.1,::1,10.0.0.0/8")."""
    return [
        ipaddress.ip_network(part.strip(), strict=False)
        for part in value.split(",")
        if part.strip()
    ]


def problems(config: Mapping[str, Any]) -> list[str]:
    """Everything wrong with ``config`` for starting the app, in one list."""
    found = [
        f"{name} is not set ({what})" for name, what in REQUIRED.items() if not config.get(name)
    ]
    if config.get("ENCRYPTION_KEYS") and config.get("BLIND_INDEX_KEY"):
        try:
            crypto.Keyring.from_settings(config["ENCRYPTION_KEYS"], config["BLIND_INDEX_KEY"])
        except crypto.KeySettingError as error:
            found.append(str(error))
    production = config.get("ENV_NAME") == "production"
    for problem in (
        _base_url_problem(config.get("PUBLIC_URL"), production),
        _metrics_problem(config.get("METRICS_ALLOWED_IPS")),
    ):
        if problem:
            found.append(problem)
    return found


def check(config: Mapping[str, Any]) -> None:
    """Raise one ``SettingsError`` naming every problem, if there is any."""
    found = problems(config)
    if found:
        lines = "\n".join(f"  - {problem}" for problem in found)
        raise SettingsError(f"Prescreen cannot start; fix these settings:\n{lines}\n{HINT}")
