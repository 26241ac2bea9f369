"""Locate string literals in JSON / JSON5 text, ignoring comments (parsers give values, not lines)."""

from __future__ import annotations

import re

from piscan.sources.manifests.model import line_of


def blank_comments(text: str) -> str:
    """``text`` with ``//`` and ``/* */`` comments replaced by spaces (newlines kept, strings untouched)."""
    out = list(text)
    i, n = 0, len(text)
    quote: str | None = None
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "/" and i + 1 < n and text[i + 1] == "/":
            j = text.find("\n", i)
            j = n if j == -1 else j
            for k in range(i, j):
                out[k] = " "
            i = j
            continue
        elif ch == "/" and i + 1 < n and text[i + 1] == "*":
            j = text.find("*/", i + 2)
            j = n if j == -1 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        i += 1
    return "".join(out)


class Locator:
    """Finds successive string literals in (comment-free) JSON/JSON5 text and returns their lines."""

    def __init__(self, text: str) -> None:
        self.text = blank_comments(text)
        self.pos = 0

    def seek_key(self, key: str) -> None:
        """Move past the first occurrence of the key ``key`` (quoted or bare) after the current position."""
        m = re.compile(r"""(?:"|'|\b)""" + re.escape(key) + r"""(?:"|'|\b)\s*:""").search(self.text, self.pos)
        if m:
            self.pos = m.end()

    def find(self, literal: str) -> int | None:
        """Line of the next ``"literal"`` or ``'literal'`` after the current position (and move past it)."""
        m = re.compile(r"""(["'])""" + re.escape(literal) + r"""\1""").search(self.text, self.pos)
        if not m:
            return None
        self.pos = m.end()
        return line_of(self.text, m.start())
