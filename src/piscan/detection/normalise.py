"""A normalised view of one line, so values are found where real systems put them.

* full-width forms (``１３８``, ``＋８６``, ideographic space) map 1:1 to ASCII — offsets unchanged;
* JSON ``\\uXXXX`` escapes (``ensure_ascii`` logs, surrogate pairs included) and ``\\n \\t \\r \\b \\f``
  decode to their character;
* ``\\xHH`` byte escapes (nginx ``escape=default`` logs a request body's ``"`` as ``\\x22`` and non-ASCII
  bytes as ``\\xE6\\x89\\x8B``) decode when they form valid UTF-8;
* terminal colour codes (ANSI CSI sequences such as ``ESC[32m``, kept by ``docker logs`` and by apps that
  log to a terminal) read as one ``ESC`` character, a boundary: ``mobile=ESC[1m13812345678ESC[0m`` holds the
  phone a terminal shows;
* URL percent-encoding (``%2B86``, ``138%201234%205678``, ``%E6%89%8B%E6%9C%BA``) decodes when it forms
  valid UTF-8, twice-encoded too (``%253D13812345678``: a URL in another URL's query string), and in
  ``key=value`` text a ``+`` between digits reads as the space it encodes
  (``mobile=138+1234+5678``).

:func:`normalise` returns the view and, when anything changed length, an offset map from view
positions back to positions in the original line, so findings always point at the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_FULLWIDTH[0x2014] = 0x2D  # em dash used as a separator in some CJK text
_FULLWIDTH_TABLE: Final = str.maketrans(_FULLWIDTH)
_HAS_FULLWIDTH: Final = re.compile("[\uff01-\uff5e\u3000\u2014]+")  # a C scan; str.translate is a dict lookup per char

# one percent-encoded byte after its "%": ``XX``, or ``25XX`` encoded twice (a URL carried in another
# URL's query string and encoded again: ``returnUrl%3D…%253Fmobile%253D138…``) when ``XX`` is a printable
# ASCII or a UTF-8 byte (``%2513…`` stays a "%" before 13…)
_PCT: Final = r"(?:25(?=[2-9a-fA-F][0-9a-fA-F]))?[0-9a-fA-F]{2}"
_PCT_UNIT: Final = re.compile("%" + _PCT)
# an escape run; the character class first lets sre skip to the next "\\" or "%" in C (the plain
# alternation tried every position: 3x slower over an ensure_ascii JSON line)
# (a colour code in a JSON string, ``\\u001b[1m`` as docker's json-file log driver stores it, is one run of its
# own: a run of ``\\uXXXX`` stops before it)
_ESCAPES: Final = re.compile(r"[\\%\x1b](?:(?<=\\)(?:u001[bB]\[[0-9;?]{0,16}[A-Za-z]"
                             r"|u[0-9a-fA-F]{4}(?:\\u(?!001[bB]\[)[0-9a-fA-F]{4})*|[nrtbf]"
                             r"|x[0-9a-fA-F]{2}(?:\\x[0-9a-fA-F]{2})*)"
                             r"|(?<=%)" + _PCT + r"(?:%" + _PCT + r")*|(?<=\x1b)\[[0-9;?]{0,16}[A-Za-z])")
_FORM_PLUS: Final = re.compile(r"\+(?<=[0-9*]\+)(?=[0-9*])")  # literal first: a fast scan (masks too: 185+****+1834)
_SIMPLE: Final = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
_SURROGATE: Final = re.compile("[" + chr(0xD800) + "-" + chr(0xDFFF) + "]")  # (mypyc takes no surrogate literal)




def _decode_run(run: str) -> list[tuple[str, int]] | None:
    """Decode one escape run; return (char, length-in-original) pieces, or None to keep it as is."""
    if run[0] == "\x1b" or run[6:7] == "[":  # a terminal colour code (raw or as \u001b[…): one ESC, a boundary
        return [("\x1b", len(run))]
    if len(run) == 2:  # JSON \n \t …: the letter would otherwise glue to a value (``"北京\n138…"``)
        return [(_SIMPLE[run[1]], 2)]
    if run[1] == "x":  # \xHH bytes: as UTF-8, four characters each
        try:
            text = bytes.fromhex(run.replace("\\x", "")).decode("utf-8")
        except UnicodeDecodeError:
            return None
        return [(ch, 4 * len(ch.encode("utf-8"))) for ch in text]
    if run[0] == "\\":
        units = [int(run[i + 2:i + 6], 16) for i in range(0, len(run), 6)]
        out: list[tuple[str, int]] = []
        i = 0
        while i < len(units):
            u = units[i]
            if 0xD800 <= u <= 0xDBFF and i + 1 < len(units) and 0xDC00 <= units[i + 1] <= 0xDFFF:
                out.append((chr(0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00)), 12))
                i += 2
            else:
                out.append((chr(u) if not 0xD800 <= u <= 0xDFFF else "\ufffd", 6))
                i += 1
        return out
    if "%25" not in run:  # each byte three characters
        try:
            text = bytes.fromhex(run.replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return None
        return [(ch, 3 * len(ch.encode("utf-8"))) for ch in text]
    pct = [u.group() for u in _PCT_UNIT.finditer(run)]  # "%XX" or "%25XX"
    try:
        text = bytes.fromhex("".join(u[-2:] for u in pct)).decode("utf-8")
    except UnicodeDecodeError:
        return None
    pieces: list[tuple[str, int]] = []
    k = 0
    for ch in text:
        n = len(ch.encode("utf-8"))
        pieces.append((ch, sum(len(u) for u in pct[k:k + n])))
        k += n
    return pieces


class OffsetMap:
    """View position -> original position, stored as breakpoints (one per plain stretch, per run of
    ``\\uXXXX`` escapes and per other decoded character) instead of one entry per character: ``m[i]`` is a
    binary search. ``step``: original characters per view character from each breakpoint on (1 in plain
    text, 6 in a run of ``\\uXXXX``)."""

    __slots__ = ("orig", "step", "view")

    def __init__(self, view: list[int], orig: list[int], step: list[int]) -> None:
        self.view = view
        self.orig = orig
        self.step = step

    def __getitem__(self, i: int) -> int:
        k = bisect_right(self.view, i) - 1
        return self.orig[k] + (i - self.view[k]) * self.step[k]


def _fullwidth_run(m: re.Match[str]) -> str:
    return m.group().translate(_FULLWIDTH_TABLE)


def has_fullwidth(raw: bytes, start: int, end: int) -> bool:
    """Whether UTF-8 ``raw[start:end]`` may hold a character :func:`normalise` maps to ASCII (U+FF01-U+FF5E,
    U+3000, U+2014): four byte searches, much cheaper than the regex over the decoded line.

    >>> has_fullwidth('手机１３８'.encode(), 0, 15), has_fullwidth('手机138'.encode(), 0, 9)
    (True, False)
    """
    return (raw.find(b"\xef\xbc", start, end) >= 0 or raw.find(b"\xef\xbd", start, end) >= 0
            or raw.find(b"\xe3\x80\x80", start, end) >= 0 or raw.find(b"\xe2\x80\x94", start, end) >= 0)


def normalise(line: str, fullwidth: bool = True) -> tuple[str, OffsetMap | None]:
    """Return ``(view, offsets)``; ``offsets[i]`` is the original index of ``view[i]`` (``None`` = identity).

    ``fullwidth=False``: the caller knows the line holds no full-width form (:func:`has_fullwidth`).

    >>> normalise('手机１３８')[0]
    '手机138'
    >>> v, m = normalise('m=%2B8613812345678&x=1')
    >>> v
    'm=+8613812345678&x=1'
    >>> m[2], m[3], m[len(v)]
    (2, 5, 22)
    >>> normalise('\\\\u624b\\\\u673a13812345678')[0]
    '手机13812345678'
    """
    # full-width runs are few and short: translating them alone beats str.translate over a CJK line
    line_t = _HAS_FULLWIDTH.sub(_fullwidth_run, line) if fullwidth and not line.isascii() else line
    if "+" in line_t and "=" in line_t:  # form-encoded query strings write spaces as "+": 138+1234+5678
        line_t = _FORM_PLUS.sub(" ", line_t)  # one character for one: offsets unchanged
    if "\\" not in line_t and "%" not in line_t and "\x1b" not in line_t:
        return line_t, None
    parts: list[str] = []
    view_at: list[int] = []
    orig_at: list[int] = []
    step: list[int] = []
    pos = 0  # in line_t
    vpos = 0  # in the view
    for m in _ESCAPES.finditer(line_t):
        run = m.group()
        # a run of \uXXXX (an ensure_ascii log's every CJK word) is decoded in C and gets one breakpoint
        # with six original characters per view character, unless it holds surrogates (pairs take 12)
        uniform = run.encode("ascii").decode("unicode_escape") if run[1] == "u" and run[6:7] != "[" else ""
        if _SURROGATE.search(uniform) is not None:
            uniform = ""
        pieces: list[tuple[str, int]] | None = [] if uniform else _decode_run(run)
        if pieces is None:
            continue
        # an escaped full-width form (%EF%BC%91, \uff11, \xEF\xBC\x91) maps to ASCII as a written one does
        if uniform and _HAS_FULLWIDTH.search(uniform) is not None:
            uniform = uniform.translate(_FULLWIDTH_TABLE)
        elif pieces and any(_HAS_FULLWIDTH.match(ch) is not None for ch, _ in pieces):
            pieces = [(ch.translate(_FULLWIDTH_TABLE), n) for ch, n in pieces]
        if m.start() > pos:  # the plain stretch before the run
            parts.append(line_t[pos:m.start()])
            view_at.append(vpos)
            orig_at.append(pos)
            step.append(1)
            vpos += m.start() - pos
        if uniform:
            pieces = [(uniform, 6)]
        o = m.start()
        for ch, n in pieces:
            parts.append(ch)
            view_at.append(vpos)
            orig_at.append(o)
            step.append(n if uniform else 1)
            vpos += len(ch)
            o += n
        pos = m.end()
    if not parts:
        return line_t, None
    parts.append(line_t[pos:])
    view_at.append(vpos)
    orig_at.append(pos)  # the tail (maybe empty): also maps len(view) to len(line)
    step.append(1)
    return "".join(parts), OffsetMap(view_at, orig_at, step)
