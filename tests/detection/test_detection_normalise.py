"""The normalised view and its offset map: every view character comes from exactly the original text its
offsets point at, for lines mixing JSON ``\\uXXXX`` runs (surrogate pairs and lone surrogates included),
``%XX`` runs, ``\\n``-style escapes, form ``+`` separators and plain text."""

from __future__ import annotations

import random

from piscan.detection.normalise import normalise

_PIECES = ["a", "1", "3", "8", " ", "=", "+", "手", "\\u624b", "\\u673A", "\\u0031\\u0033\\u0038", "\\ud83d\\ude00",
           "\\uD83D\\uDE00", "\\ud83d", "\\udc00", "%2B", "%2b86", "%E6%89%8B", "%E6%89", "%ZZ", "%", "\\", "\\n",
           "\\t", "\\x", "u1234", "\\\\u624b", "\\x22", "\\xE6\\x89\\x8B", "\\xE6", "\x1b[1m", "\x1b[38;5;208m",
           "\\u001b[0m", "\x1b"]
_SIMPLE = {"\\n": "\n", "\\r": "\r", "\\t": "\t", "\\b": "\b", "\\f": "\f"}


def _decoded(orig: str) -> str:
    """What one view character's original text decodes to."""
    if orig.startswith("\x1b[") or orig.startswith("\\u001b["):  # a colour code: one ESC
        return "\x1b"
    if orig.startswith("\\x"):
        return bytes.fromhex(orig.replace("\\x", "")).decode("utf-8")
    if orig.startswith("\\u"):
        units = [int(orig[i + 2:i + 6], 16) for i in range(0, len(orig), 6)]
        if len(units) == 2:
            return chr(0x10000 + ((units[0] - 0xD800) << 10) + (units[1] - 0xDC00))
        return "\ufffd" if 0xD800 <= units[0] <= 0xDFFF else chr(units[0])
    if orig.startswith("%") and len(orig) >= 3:
        return bytes.fromhex(orig.replace("%", "")).decode("utf-8")
    if orig in _SIMPLE:
        return _SIMPLE[orig]
    return orig


def test_every_view_character_comes_from_where_its_offsets_point():
    rng = random.Random(17)
    changed = 0
    for _ in range(20_000):
        line = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 24)))
        view, offsets = normalise(line, fullwidth=False)
        if offsets is None:
            assert view == line or ("+" in line and len(view) == len(line))
            continue
        changed += 1
        at = [offsets[i] for i in range(len(view) + 1)]
        assert at[0] == 0 and at[-1] == len(line), line
        for i, ch in enumerate(view):
            assert at[i] < at[i + 1], (line, i)
            orig = line[at[i]:at[i + 1]]
            # a form "+" between digits reads as the space it encodes
            assert _decoded(orig) == ch or (orig == "+" and ch == " "), (line, i, orig, ch)
    assert changed > 15_000
