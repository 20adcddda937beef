"""What the sources ask to translate, and what the catalogues hold: shared by the i18n tests.

Extraction runs in-process with the same mapping file as ``make messages`` (``babel.cfg``), over
the sources as they are now, so a string added anywhere is checked without anyone regenerating
``messages.pot`` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from config import TestingConfig

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
LANGUAGES = TestingConfig.LANGUAGES  # every catalogue the app serves is checked

MsgId = str | tuple[str, ...]

# %(name)s, %(num)d, %(hours).1f ... and the escaped percent sign.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


@dataclass(frozen=True)
class Source:
    """One extracted message and where it was found."""

    id: MsgId
    where: str


def extract() -> dict[MsgId, Source]:
    """Every message the current sources mark for translation, with its first location."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[MsgId, Source] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        key: MsgId = message if isinstance(message, str) else tuple(message)
        if isinstance(key, tuple) and len(key) == 1:
            key = key[0]
        if key and key not in found:
            found[key] = Source(key, f"{filename}:{lineno}")
    return found


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str) -> Catalog:
    with po_path(lang).open("rb") as po:
        return read_po(po, locale=lang)


def messages(catalog: Catalog) -> Iterator[Message]:
    """The catalogue's messages, without the header entry."""
    return (m for m in catalog if m.id)


def forms(message: Message) -> tuple[str, ...]:
    """The translation(s) of a message: one string, or one per plural form."""
    string = message.string
    return tuple(string) if isinstance(string, list | tuple) else (string,)


def placeholders(text: str) -> list[str]:
    """The %-conversions in ``text`` (escaped percent signs excluded), sorted."""
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%")


def compiled(lang: str) -> dict[MsgId, str | tuple[str, ...]]:
    """The translations in the compiled ``messages.mo``, keyed like the extraction."""
    path = po_path(lang).with_suffix(".mo")
    with path.open("rb") as mo:
        catalog = read_mo(mo)
    return {
        (m.id if isinstance(m.id, str) else tuple(m.id)): (
            m.string if isinstance(m.string, str) else tuple(m.string)
        )
        for m in messages(catalog)
    }
