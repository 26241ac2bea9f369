"""A normalised view of one line, so values are found where real systems put them.

* full-width forms (``１３８``, ``＋８６``, ideographic space) map 1:1 to ASCII — offsets unchanged;
* JSON ``\\uXXXX`` escapes (``ensure_ascii`` logs, surrogate pairs included) and ``\\n \\t \\r \\b \\f``
  decode to their character;
* URL percent-encoding (``%2B86``, ``138%201234%205678``, ``%E6%89%8B%E6%9C%BA``) decodes when it forms
  valid UTF-8, and in ``key=value`` text a ``+`` between digits reads as the space it encodes
  (``mobile=138+1234+5678``).

:func:`normalise` returns the view and, when anything changed length, an offset map from view
positions back to positions in the original line, so findings always point at the original text.
"""

from __future__ import annotations

import re

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_FULLWIDTH[0x2014] = 0x2D  # em dash used as a separator in some CJK text
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)

_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4})+|(?:%[0-9a-fA-F]{2})+|\\[nrtbf]")
_FORM_PLUS = re.compile(r"(?<=[0-9])\+(?=[0-9])")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}




def _decode_run(run: str) -> list[tuple[str, int]] | None:
    """Decode one escape run; return (char, length-in-original) pieces, or None to keep it as is."""
    if len(run) == 2:  # JSON \n \t …: the letter would otherwise glue to a value (``"北京\n138…"``)
        return [(_SIMPLE[run[1]], 2)]
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
    raw = bytes.fromhex(run.replace("%", ""))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    pieces = []
    for ch in text:
        pieces.append((ch, 3 * len(ch.encode("utf-8"))))
    return pieces


def normalise(line: str) -> tuple[str, list[int] | None]:
    """Return ``(view, offsets)``; ``offsets[i]`` is the original index of ``view[i]`` (``None`` = identity).

    >>> normalise('手机１３８')[0]
    '手机138'
    >>> v, m = normalise('m=%2B8613812345678&x=1')
    >>> v
    'm=+8613812345678&x=1'
    >>> m[2], m[3]
    (2, 5)
    >>> normalise('\\\\u624b\\\\u673a13812345678')[0]
    '手机13812345678'
    """
    line_t = line.translate(_FULLWIDTH_TABLE) if not line.isascii() else line
    if "+" in line_t and "=" in line_t:  # form-encoded query strings write spaces as "+": 138+1234+5678
        line_t = _FORM_PLUS.sub(" ", line_t)  # one character for one: offsets unchanged
    if "\\" not in line_t and "%" not in line_t:
        return line_t, None
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    changed = False
    for m in _ESCAPES.finditer(line_t):
        pieces = _decode_run(m.group())
        if pieces is None:
            continue
        changed = True
        parts.append(line_t[pos:m.start()])
        offsets.extend(range(pos, m.start()))
        o = m.start()
        for ch, n in pieces:
            parts.append(ch)
            offsets.append(o)
            o += n
        pos = m.end()
    if not changed:
        return line_t, None
    parts.append(line_t[pos:])
    offsets.extend(range(pos, len(line_t)))
    offsets.append(len(line_t))
    return "".join(parts), offsets
