"""Where a JSON leaf, and a value inside it, is written: so a finding in a JSON document or a JSON Lines
record points at its line and columns in the file, not only at its key path.

A reader parses JSON with the ``json`` module (fast, in C) and hands over the decoded leaves
(:mod:`piscan.sources.json_leaves`); only the few leaves whose findings a report lists need their place.
:class:`LeafFinder` tokenises the raw text on demand, in document order, with the key path of each scalar
as ``json_leaves.leaves`` names it, and :func:`raw_span` maps positions in a decoded string to positions in
its written form (escapes such as ``\\u624b`` are six characters, ``\\n`` two).

>>> doc = '{"a": [{"tel": "\\\\u624b\\\\u673a 13812345678"}], "n": 13912345678}'
>>> f = LeafFinder(doc)
>>> f.find("a[].tel", "手机 13812345678")
(16, 40)
>>> doc[16 + raw_span(doc[16:40], 3, 14)[0]:][:11]
'13812345678'
>>> f.find("n", "13912345678")
(50, 61)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from json.decoder import scanstring

# between tokens: whitespace and the punctuation that does not change the path
_GAP = re.compile(r"[ \t\n\r,]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERAL = re.compile(r"true|false|null|NaN|-?Infinity")
_NUMERIC_TEXT = re.compile(r"-?[0-9]+")


def scalars(doc: str, pos: int = 0) -> Iterator[tuple[str, int, int, str]]:
    """``(key path, start, end, decoded text)`` of every non-null, non-boolean scalar in ``doc`` from
    ``pos``, in document order; a string's span is its content between the quotes, a number's its digits.
    Key paths as :func:`piscan.sources.json_leaves.leaves` writes them (``contacts[].phone``). Stops at the
    first thing that is no JSON.

    >>> [(p, t) for p, _, _, t in scalars('[{"a": {"": 1, "b": [2, [3]]}, "c": "x"}, 4]')]
    [('[].a.', '1'), ('[].a.b[]', '2'), ('[].a.b[][]', '3'), ('[].c', 'x'), ('[]', '4')]
    """
    paths: list[str] = []  # per open container, its own path
    arrays: list[bool] = []  # per open container, whether it is an array
    expect_key: list[bool] = []  # per open object, whether a key comes next
    n = len(doc)
    path = ""  # the path of the next value
    while True:
        pos = _GAP.match(doc, pos).end()  # type: ignore[union-attr]
        if pos >= n:
            return
        c = doc[pos]
        if c == '"':
            try:
                text, end = scanstring(doc, pos + 1, False)
            except ValueError:
                return
            if paths and not arrays[-1] and expect_key[-1]:  # a key (its ":" follows)
                colon = _GAP.match(doc, end).end()  # type: ignore[union-attr]
                if colon >= n or doc[colon] != ":":
                    return
                expect_key[-1] = False
                path = f"{paths[-1]}.{text}" if paths[-1] else text
                pos = colon + 1
                continue
            yield path, pos + 1, end - 1, text
            pos = end
        elif c == "{" or c == "[":
            paths.append(path)
            arrays.append(c == "[")
            expect_key.append(c == "{")
            if c == "[":
                path = f"{path}[]"
            pos += 1
            continue
        elif c == "}" or c == "]":
            if not paths:
                return
            paths.pop()
            arrays.pop()
            expect_key.pop()
            pos += 1
        else:
            m = _NUMBER.match(doc, pos) or _LITERAL.match(doc, pos)
            if m is None:
                return
            if m.re is _NUMBER:
                yield path, pos, m.end(), m.group()
            pos = m.end()
        # after a value: in an object the next value needs its key; in an array it has the array's path
        if paths:
            if arrays[-1]:
                path = f"{paths[-1]}[]"
            else:
                expect_key[-1] = True
        else:
            path = ""


def _same(token: str, text: str) -> bool:
    """Whether a scalar written as ``token`` (decoded, for a string) is the leaf ``text`` (``repr`` of a
    float, ``str`` of an int)."""
    if token == text:
        return True
    if _NUMERIC_TEXT.fullmatch(token) is None and _NUMBER.fullmatch(token) is not None:
        try:
            return float(token) == float(text)
        except ValueError:
            return False
    return False


class LeafFinder:
    """Finds leaves of one JSON text, a document or one JSON Lines record.

    ``forward``: each :meth:`find` goes on from the leaf it found last, so a document's leaves, asked for
    in the order the reader hands them over (document order), are found in one pass. Otherwise (a record:
    its leaves are asked for per key path, in any order) every :meth:`find` searches all its scalars."""

    def __init__(self, doc: str, forward: bool = True) -> None:
        self.doc = doc
        self._it = scalars(doc)
        self._seen: list[tuple[str, int, int, str]] = []  # the scalars to search again
        self._forward = forward

    def find(self, path: str, text: str) -> tuple[int, int] | None:
        """``(start, end)`` in the text of the first scalar at key ``path`` (``"$"``: a bare scalar) that is
        ``text`` (going forward: from the last one found on); ``None`` when there is none (duplicate keys:
        the parser kept another one)."""
        want = "" if path == "$" else path
        for p, s, e, t in self._seen:  # going forward: the leaf found last (two findings in one leaf)
            if p == want and _same(t, text):
                return s, e
        for p, s, e, t in self._it:
            if self._forward:
                if p == want and _same(t, text):
                    self._seen = [(p, s, e, t)]
                    return s, e
            else:
                self._seen.append((p, s, e, t))
                if p == want and _same(t, text):
                    return s, e
        return None


def raw_span(raw: str, start: int, end: int) -> tuple[int, int]:
    """Positions in the written JSON string content ``raw`` of decoded positions ``start``..``end``.

    >>> raw_span('\\\\u624b\\\\u673a13812345678', 2, 13)
    (12, 23)
    >>> raw_span('a\\\\"b\\\\ud83d\\\\ude00 13812345678', 5, 16)
    (17, 28)
    """
    if "\\" not in raw:
        return start, end
    i = d = 0
    out_s = -1
    n = len(raw)
    while i < n and d < end:
        if d == start:
            out_s = i
        if raw[i] != "\\":
            i += 1
        elif raw[i + 1:i + 2] == "u":
            unit = int(raw[i + 2:i + 6], 16) if len(raw) >= i + 6 else 0
            low = raw[i + 6:i + 8] == "\\u" and 0xD800 <= unit <= 0xDBFF
            i += 12 if low and 0xDC00 <= int(raw[i + 8:i + 12] or "0", 16) <= 0xDFFF else 6
        else:
            i += 2
        d += 1
    if out_s < 0:
        out_s = i
    return out_s, i


def line_and_column(doc: str, pos: int, cache: list[int]) -> tuple[int, int]:
    """1-based line and 0-based column of ``doc[pos]``; ``cache`` (``[line, offset of its start]``, start
    with ``[1, 0]``) carries the count forward between calls with growing ``pos``."""
    line, at = cache
    if pos < at:
        line, at = 1, 0
    nl = doc.count("\n", at, pos)
    if nl:
        line += nl
        at = doc.rfind("\n", at, pos) + 1
    cache[0], cache[1] = line, at
    return line, pos - at
