"""Reading a rendered page as a person would: its visible text, and English left in it."""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from tests.i18n.catalogues import PLACEHOLDER, load, messages

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
TEXT_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


class _Text(HTMLParser):
    """Collects text nodes and text attributes, leaving out script, style and parts marked
    with another ``lang`` (the language switch names its language in that language)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang: str | None = None
        self.stack: list[tuple[str, str | None]] = []
        self.chunks: list[str] = []

    def _lang(self) -> str | None:
        return self.stack[-1][1] if self.stack else self.page_lang

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.page_lang = values.get("lang")
        lang = values.get("lang") or self._lang()
        if lang == self.page_lang:
            self.chunks.extend(v for name in TEXT_ATTRIBUTES if (v := values.get(name)))
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        if self._lang() != self.page_lang:
            return
        text = " ".join(data.split())
        if text:
            self.chunks.append(text)


def visible_text(html: str) -> tuple[str | None, list[str]]:
    """The page's ``<html lang>`` and its text chunks in that language."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.page_lang, parser.chunks


def _pattern(message_id: str) -> re.Pattern[str]:
    parts = PLACEHOLDER.split(message_id)
    literal = [re.escape(p) for p in parts[::2]]  # split() interleaves the group captures
    return re.compile(".+?".join(literal))


@lru_cache(maxsize=1)
def english_patterns() -> tuple[tuple[str, re.Pattern[str], bool], ...]:
    """Every English msgid that Spanish translates differently, as a pattern.

    The flag says whether the message is long enough (three words or more) to look for inside
    longer text; shorter ones ("Phone", "Not sure") count only when they are a whole text node.
    """
    patterns = []
    for message in messages(load("es")):
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string,) if isinstance(message.string, str) else message.string
        for english in ids:
            if english in strings:
                continue
            patterns.append((english, _pattern(english), len(english.split()) >= 3))
    return tuple(patterns)


def english_leaks(html: str) -> list[str]:
    """The English messages (and text chunks) left on a page rendered in Spanish."""
    _lang, chunks = visible_text(html)
    leaks = []
    for chunk in chunks:
        for english, pattern, long_enough in english_patterns():
            if pattern.fullmatch(chunk) or (long_enough and pattern.search(chunk)):
                leaks.append(f"{english!r} in {chunk!r}")
    return leaks
