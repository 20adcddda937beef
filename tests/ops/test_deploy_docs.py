"""The README's Deploy section lists every environment variable config.py reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def deploy_section() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("\n## Deploy\n")
    end = readme.find("\n## ", start + 1)
    return readme[start:end]


def test_every_environment_variable_is_in_the_deploy_section() -> None:
    config = (ROOT / "config.py").read_text()
    names = set(re.findall(r'_env(?:_int|_bool)?\(\s*"([A-Z0-9_]+)"', config))
    assert {"SECRET_KEY", "PUBLIC_URL", "ENCRYPTION_KEYS", "WORKER_QUEUE_URL"} <= names
    if "RULES_" in config:
        names.add("RULES_<SETTING>")
    section = deploy_section()
    listed = set(re.findall(r"^\| `([A-Z0-9_<>]+)` \|", section, flags=re.MULTILINE))
    assert names - listed == set()


def test_the_deploy_section_says_where_the_keys_go_and_how_to_back_up() -> None:
    section = deploy_section()
    for text in ("keys generate", "backup create", "backup restore", "pg_dump", "pg_restore"):
        assert text in section
    assert "apart from the database backups" in section
