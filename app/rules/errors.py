"""The error of a refused rule setting, and the configuration key of each setting."""

from __future__ import annotations

from typing import Final

CONFIG_PREFIX: Final = "RULES_"


class SettingsError(ValueError):
    """A rule setting has a value that is not allowed; the app must not start with it.

    The message starts with the setting's name (forms put it by that field); ``field`` names the
    part of a nested setting that is wrong, e.g. ``payer_profile_edits.tms.min_failed_trials``.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def config_key(name: str) -> str:
    """Return the configuration key of a setting, e.g. ``RULES_MIN_AGE_YEARS``."""
    return CONFIG_PREFIX + name.upper()


def setting_error(
    name: str, value: object, allowed: str, *, field: str | None = None
) -> SettingsError:
    """``name (RULES_NAME) = value is not allowed: must be <allowed>``."""
    return SettingsError(
        f"{name} ({config_key(name)}) = {value!r} is not allowed: must be {allowed}",
        field=field or name,
    )
