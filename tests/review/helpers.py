"""Reading the staff pages in tests."""

from __future__ import annotations

import re

from tests.conftest import csrf_token

VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"')


def page_version(html: str) -> str:
    """The submission version the page's forms carry."""
    match = VERSION_RE.search(html)
    assert match, "no version field on the page"
    return match.group(1)


def form_fields(html: str) -> dict[str, str]:
    """The CSRF token and version a POST from this page carries."""
    return {"csrf_token": csrf_token(html), "version": page_version(html)}
