"""Masked display of values and evidence snippets.

Nothing built here contains a raw identifier: the matched value is shown in its masked display form,
every other finding on the line is masked too, and any remaining run of 7+ digits in the surrounding
text is starred out (it may be a value no rule reported).
"""

from __future__ import annotations

import re
from typing import Final

# a run of 7+ digits (spaces and dashes may separate them): starred in evidence context
_LONG_RUN: Final = re.compile(r"[0-9０-９](?:[ \-]*[0-9０-９]){6,}")
_DIGIT: Final = re.compile(r"[0-9０-９]")
_WS: Final = re.compile(r"[\t\r\n\x0b\x0c]")
# what must not reach a reviewer's terminal from scanned text: colour codes (dropped, as a terminal shows the
# text) and other control characters (shown as U+FFFD), which could move the cursor, retitle the window or
# clear the screen when ``--format text`` prints evidence
_CONTROL: Final = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control(m: re.Match[str]) -> str:
    return "" if len(m.group()) > 1 else "\ufffd"


_KEEP: Final = {"CN_MOBILE_PHONE": (3, 4), "CN_RESIDENT_ID": (3, 2), "CN_BANK_CARD": (4, 4)}


def mask_value(entity: str, value: str, masked: bool) -> str:
    """Display form of a value: ``138****5678``, ``110***********002X``, ``6222 **** **** 3446``.

    Already-masked values are shown with any remaining visible middle digits starred as well, keeping the
    visible head and tail that identify the shape.
    """
    if entity in _KEEP and value.isascii() and value.isalnum():  # the common case: a bare number
        head, tail = _KEEP[entity]
        if entity == "CN_MOBILE_PHONE" and len(value) > 11:
            head += len(value) - 11
        if len(value) > head + tail:
            return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail:]
    chars = list(value)
    digit_pos = [i for i, c in enumerate(chars) if c.isalnum()]
    n = len(digit_pos)
    keep_head, keep_tail = _KEEP.get(entity, (min(2, n // 4), min(2, n // 4)))
    if entity == "CN_MOBILE_PHONE" and n > 11:
        keep_head += n - 11  # keep the country prefix visible on top of the first three digits
    for k, i in enumerate(digit_pos):
        if keep_head <= k < n - keep_tail:
            chars[i] = "*"
    return "".join(chars)


def _star(m: re.Match[str]) -> str:
    return _DIGIT.sub("*", m.group())


def _digits(text: str) -> int:
    n = 0
    for ch in text:
        if "0" <= ch <= "9" or "０" <= ch <= "９":
            n += 1
    return n


def _star_digit_runs(text: str) -> str:
    """``订单 2023120112345678 于 10:00`` -> ``订单 **************** 于 10:00`` (runs under 7 digits stay)."""
    if _digits(text) < 7:  # no run possible: a compiled loop is cheaper than the regex call
        return text
    return _LONG_RUN.sub(_star, text)


def snippet(line: str, start: int, end: int, display: str, others: list[tuple[int, int, str]],
            width: int = 20) -> str:
    """Evidence: ``width`` characters either side of the value, with the value replaced by ``display``
    and every span in ``others`` (other findings on the line) replaced by its display form."""
    lo, hi = max(0, start - width), min(len(line), end + width)
    pieces: list[str] = []
    pos = lo
    spans = sorted([(s, e, d) for s, e, d in others if e > lo and s < hi] + [(start, end, display)])
    for s, e, d in spans:
        if s < pos:
            continue
        pieces.append(_star_digit_runs(line[pos:s]))
        pieces.append(d)
        pos = e
    pieces.append(_star_digit_runs(line[pos:hi]))
    out = _WS.sub(" ", "".join(pieces))
    if _CONTROL.search(out) is not None:
        out = _CONTROL.sub(_control, out)
    return ("…" if lo > 0 else "") + out + ("…" if hi < len(line) else "")
