from __future__ import annotations

import pytest

from app.auth import passwords


def test_the_common_list_is_large_and_lowercase() -> None:
    common = passwords.common_passwords()

    assert len(common) > 10_000
    assert {"123456", "password", "iloveyou", "qwerty123456"} <= common
    assert all(entry == entry.lower() for entry in common)


@pytest.mark.parametrize(
    "password", ["plover-tandem-quarry-58", "8402-7715-9930", "Correct Horse Battery Staple!"]
)
def test_good_passwords_pass(password: str) -> None:
    assert passwords.problems(password, email="sam@clinic.example") == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("a" * 11, "Use at least 12 characters."),
        ("x" * 129, "Use at most 128 characters."),
        ("QWERTY123456", "This password is too common or too simple."),
        (" password1234 ", "This password is too common or too simple."),
        ("iloveyou2024!", "This password is too common or too simple."),
        ("!!Sunshine!!1234", "This password is too common or too simple."),
        ("abababababab", "This password is too common or too simple."),
        ("sam.longname@clinic.example", "Do not use your email address as your password."),
        ("Sam.Longname", "Do not use your email address as your password."),
    ],
)
def test_weak_passwords_are_refused(password: str, message: str) -> None:
    found = passwords.problems(password, email="sam.longname@clinic.example")

    assert any(str(problem).startswith(message) for problem in found)
