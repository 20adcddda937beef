"""Helpers for URLs that come from users."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to next; anything pointing elsewhere falls back to ``default``."""
    if not target:
        return default
    target = target.replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
