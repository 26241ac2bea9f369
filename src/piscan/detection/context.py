"""Context words in a character window (Chinese has no spaces, so windows count characters).

ASCII words match as words, camelCase-aware: ``tel`` matches ``tel:``, ``user_tel``, ``userTel`` but not
``hotel``; CJK words match as substrings. Positive words count in the window before the value and in a
short window after it (``13812345678（手机）``); negative words only before it, because in ``k=v k2=v2``
text the key *after* a value labels the next value — and a negative word counts only if no other value
stands between it and this one. The nearest word decides: a positive word strictly closer to the value
than any negative word boosts; a negative word as close or closer penalises (``许可证号`` beats the
``证号`` inside it). Column names / JSON keys
passed as structured context are checked as a whole and outrank line context.

Matching uses plain ``str.find`` over the lower-cased window (a few microseconds per value); a regex
alternation with look-arounds was ten times slower on the hot path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

# The text between a negative context word and the value shows the word labelled a value of its own
# (``count=1 13812345678``, ``订单号2023120100001 张三 13812345678``): a token with a digit, right after
# the word or after its ``=``/``:``, followed by a field separator. A digit that is part of the key itself
# (``"orderNo0": "6215…"``) does not count.
_OTHER_VALUE: Final = re.compile(
    r"^[\w-]*[0-9][\w-]*[\s,;&|，；、。]"
    r"|[=:：][\s\"']*[^\s\"',;&|，；、。]*[0-9][^\s\"',;&|，；、。]*[\s\"',;&|，；、。]")


# A key of its own between a negative word and the value: a word of three or more letters (or two CJK
# characters) right before its ``:``/``=`` (``Parameters:``, ``"remark": ``, ``姓名：``).
# A SQL ``VALUES (`` counts too: the column list before it labels the values by position, not the nearest
# column name (``(`mobile`, `create_time`) VALUES ('138…', …)``).
_OTHER_KEY: Final = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]{2,}|[\u4e00-\u9fff]{2,})[\"'`]?\s*[:=：]"
                               r"|\b[Vv][Aa][Ll][Uu][Ee][Ss]\s*\(")


_KEY_TAIL: Final = re.compile(r"^[A-Za-z0-9_\u4e00-\u9fff]+")


def _ascii_lower(ch: str) -> bool:
    return "a" <= ch <= "z"


def _ascii_alpha(ch: str) -> bool:
    return "a" <= ch <= "z" or "A" <= ch <= "Z"


def _trie_pattern(words: Sequence[str]) -> str:
    """One regex for ``words`` with shared prefixes factored out (``request(?:_id|id)``): at each position
    it matches the longest word that starts there, exactly as the alternation of the words longest first
    does, but ``re`` no longer tries every word that shares a first character (2x faster over a context
    window with ~90 negative words; ``tests/detection/test_detection_text.py`` pins the equivalence)."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        # a word ending here is the fallback: a longer word through this node is tried first (greedy "?")
        return "(?:" + body + ")?" if "" in node else body

    return build(root)


@dataclass(slots=True)
class WordSet:
    """Context words; ``find_last``/``find_first`` return distances to the value.

    One regex (a trie of the words, longest match at each position) finds occurrences in C; the
    camelCase-aware word boundary of ASCII words is then checked in Python on the few occurrences found.
    """

    words: tuple[str, ...]
    rx: re.Pattern[str] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, words: Sequence[str]) -> WordSet:
        uniq = tuple(sorted({w.lower() for w in words if w}, key=len, reverse=True))
        rx = re.compile(_trie_pattern(uniq)) if uniq else None
        return cls(uniq, rx)

    def __bool__(self) -> bool:
        return self.rx is not None

    @staticmethod
    def _word_ok(text: str, i: int, j: int) -> bool:
        if i > 0 and _ascii_alpha(text[i - 1]) and not ("A" <= text[i] <= "Z"):
            return False
        return not (j < len(text) and _ascii_lower(text[j]))

    def _ok(self, text: str, m: re.Match[str]) -> bool:
        w = m.group()
        if not (w.isascii() and any(c.isalpha() for c in w)):
            return True
        return self._word_ok(text, m.start(), m.end())

    def find_last(self, text: str, low: str | None = None) -> int | None:
        """Distance from the end of ``text`` to the end of the last matching word (``None``: no word).

        ``low``: ``text.lower()`` when the caller has it already."""
        if self.rx is None:
            return None
        if low is None:
            low = text.lower()
        best = -1
        pos = 0
        while True:
            m = self.rx.search(low, pos)
            if m is None:
                break
            if self._ok(text, m):
                best = max(best, m.end())
            pos = m.start() + 1
        return None if best < 0 else len(text) - best

    def find_first(self, text: str) -> int | None:
        """Offset of the first matching word in ``text`` (``None``: no word)."""
        if self.rx is None:
            return None
        low = text.lower()
        pos = 0
        while True:
            m = self.rx.search(low, pos)
            if m is None:
                return None
            if self._ok(text, m):
                return m.start()
            pos = m.start() + 1

    def search(self, text: str) -> bool:
        return self.find_first(text) is not None


@dataclass(slots=True)
class ContextMatcher:
    positive: WordSet
    negative: WordSet
    before: int
    after: int
    boost: float
    penalty: float
    # structured context (a column name) -> its verdict, or None when it decides nothing; a dump asks the
    # same question for every row of a column
    column_cache: dict[tuple[str, ...], tuple[float, str, int | None] | None] = field(default_factory=dict)

    @classmethod
    def build(cls, positive: Sequence[str], negative: Sequence[str], before: int, after: int,
              boost: float, penalty: float) -> ContextMatcher:
        return cls(WordSet.build(positive), WordSet.build(negative), before, after, boost, penalty)

    def _column(self, structured: tuple[str, ...]) -> tuple[float, str, int | None] | None:
        try:
            return self.column_cache[structured]
        except KeyError:
            pass
        joined = " ".join(structured)
        # the word nearest the end of the name decides, a negative one on a tie: 注册资本 (registered
        # capital) is no 注册 (registration) phone, creditCode no credit card
        p = self.positive.find_last(joined) if self.positive else None
        n = self.negative.find_last(joined) if self.negative else None
        verdict: tuple[float, str, int | None] | None = None
        if p is not None and (n is None or p < n):
            verdict = (self.boost, "column", 0)
        elif n is not None:
            verdict = (-self.penalty, "negative-column", None)
        if len(self.column_cache) < 4096:
            self.column_cache[structured] = verdict
        return verdict

    def adjust(self, text: str, start: int, end: int,
               structured: Sequence[str] = ()) -> tuple[float, str | None, int | None]:
        """Return (score delta, which context decided, distance in characters of the deciding positive word).

        The decider is one of 'column', 'line', 'negative-column', 'negative-line' or None; the distance
        (0 for column context) lets the detector choose between overlapping readings of one value (a
        masked 18-character value next to ``card_no=`` is a card even if ``实名`` appears further away).
        """
        column = None
        if structured:
            column = self._column(tuple(structured))
            if column is not None and column[0] > 0:
                return column
        left = text[max(0, start - self.before):start]
        low = left.lower()  # both word sets search it
        p = self.positive.find_last(left, low) if self.positive else None
        if self.positive:
            right = text[end:end + self.after]
            q = self.positive.find_first(right)
            if q is not None and (p is None or q < p):
                p = q
        if column is not None:  # a negative column (key): only a positive word in the text itself outranks it
            # (``"stack_trace": "…手机号码 138…"``: the key names the field, the words in it name the value)
            return (self.boost, "line", p) if p is not None else column
        n = self.negative.find_last(left, low) if self.negative else None
        if n is not None and n:
            between = left[len(left) - n:]
            # (the rest of the negative word's own key is no other key: evicted_keys:, queued_duration_ns=)
            if _OTHER_VALUE.search(between) or _OTHER_KEY.search(_KEY_TAIL.sub("", between, count=1)):
                # the negative word labels another value (``订单号2023… 张三 138…``), or another key stands
                # between it and this value (``selectById : ==> Parameters: 159…``): not this one
                n = None
        if p is not None and (n is None or p < n):
            return self.boost, "line", p
        if n is not None:
            return -self.penalty, "negative-line", None
        return 0.0, None, None
