"""Context words in a character window (Chinese has no spaces, so windows count characters).

ASCII words match as words, camelCase-aware: ``tel`` matches ``tel:``, ``user_tel``, ``userTel`` but not
``hotel``; CJK words match as substrings. Positive words count in the window before the value and in a
short window after it (``13812345678（手机）``); negative words only before it, because in ``k=v k2=v2``
text the key *after* a value labels the next value. The nearest word decides: a positive word closer to
the value than any negative word boosts, a closer negative word penalises. Column names / JSON keys
passed as structured context are checked as a whole and outrank line context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


def _word_regex(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        esc = re.escape(w)
        if w.isascii() and any(c.isalpha() for c in w):
            parts.append(rf"(?:(?<![A-Za-z])|(?=[A-Z]))(?i:{esc})(?![a-z])")
        else:
            parts.append(esc)
    return re.compile("|".join(parts))


@dataclass(slots=True)
class ContextMatcher:
    positive: re.Pattern[str] | None
    negative: re.Pattern[str] | None
    before: int
    after: int
    boost: float
    penalty: float

    @classmethod
    def build(cls, positive: Sequence[str], negative: Sequence[str], before: int, after: int,
              boost: float, penalty: float) -> ContextMatcher:
        return cls(_word_regex(positive), _word_regex(negative), before, after, boost, penalty)

    @staticmethod
    def _nearest(rx: re.Pattern[str] | None, left: str, right: str) -> int | None:
        if rx is None:
            return None
        best = None
        for m in rx.finditer(left):
            best = len(left) - m.end()
        if right:
            m = rx.search(right)
            if m is not None and (best is None or m.start() < best):
                best = m.start()
        return best

    def adjust(self, text: str, start: int, end: int, structured: Sequence[str] = ()) -> tuple[float, str | None]:
        """Return (score delta, which context decided: 'column'|'line'|'negative-column'|'negative-line'|None)."""
        if structured:
            joined = " ".join(structured)
            pos = self.positive.search(joined) if self.positive else None
            if pos:
                return self.boost, "column"
            neg = self.negative.search(joined) if self.negative else None
            if neg:
                return -self.penalty, "negative-column"
        left = text[max(0, start - self.before):start]
        right = text[end:end + self.after]
        p = self._nearest(self.positive, left, right)
        n = self._nearest(self.negative, left, "")
        if p is not None and (n is None or p <= n):
            return self.boost, "line"
        if n is not None:
            return -self.penalty, "negative-line"
        return 0.0, None
