"""A test run changes no tracked file: the browser walk's screenshots go to an ignored folder
unless `make screenshots` asks for docs/screenshots."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.browser import helpers

pytestmark = pytest.mark.skipif(
    not (helpers.ROOT / ".git").exists() or shutil.which("git") is None,
    reason="needs a git checkout",
)


def test_screenshots_of_a_test_run_are_ignored_by_git() -> None:
    assert "SCREENSHOTS_DIR" not in os.environ  # set by `make screenshots` only
    probe = helpers.SCREENSHOTS / "landing.png"
    ignored = subprocess.run(  # noqa: S603
        ["git", "check-ignore", "-q", str(probe)],  # noqa: S607
        cwd=helpers.ROOT,
        check=False,
    )
    assert ignored.returncode == 0, f"{probe} would be tracked by git"


def test_make_screenshots_writes_the_readmes_pictures() -> None:
    makefile = (helpers.ROOT / "Makefile").read_text()
    assert "SCREENSHOTS_DIR=docs/screenshots" in makefile.split("\nscreenshots:", 1)[1]
