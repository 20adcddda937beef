"""Fill the English catalogue: every msgstr a copy of its msgid (run after ``pybabel update``).

English is the source language, so its catalogue only has to be complete; copying keeps the
completeness test treating both languages alike. Usage: ``python app/translations/copy_english.py``.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).parent / "en" / "LC_MESSAGES" / "messages.po"


def main() -> int:
    with PO.open("rb") as source:
        catalog = read_po(source, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, str):
            copy: str | tuple[str, ...] = message.id
        else:
            singular, plural = message.id[0], message.id[1]
            copy = (singular, *([plural] * (catalog.num_plurals - 1)))
        if message.string != copy or message.fuzzy:
            message.string = copy
            message.flags.discard("fuzzy")
            filled += 1
    with PO.open("wb") as target:
        write_po(target, catalog)
    print(f"{PO}: {filled} messages copied")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
