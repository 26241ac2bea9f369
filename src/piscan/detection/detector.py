"""The detector: stage 1 prefilter over bytes, stage 2 exact recognition on the few lines that matter.

Stage 2 is the reference semantics and is shared by every entry point (chunks of a text stream, cells
of structured data, the Presidio adapter): for each rule pattern, find candidates in the normalised view
of the line (:mod:`piscan.detection.normalise`) with the standalone-token boundaries, run the rule's
validator, add the context adjustment, drop candidates below the confidence threshold, resolve overlaps,
and map offsets back to the original line.
"""

from __future__ import annotations

import datetime as _dt
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, TypeVar

from piscan.detection.context import ContextMatcher
from piscan.detection.engine import Prefilter, build_prefilter
from piscan.detection.evidence import mask_value, snippet
from piscan.detection.normalise import has_fullwidth, normalise
from piscan.detection.rules import Rule, RulePack

T = TypeVar("T")

LONG_LINE: Final = 8192  # bytes; longer lines are examined in windows around each prefilter report
_WIN_BEFORE: Final = 160
_WIN_AFTER: Final = 96
_CELL_MAYBE: Final = re.compile(r"[0-9\uff10-\uff19]{3}")
_BODY_START: Final = frozenset(b"0123456789+")
_BODY_END: Final = frozenset(b"0123456789Xx*")
_EVIDENCE_MARGIN: Final = 64  # > the evidence snippet's width (20 characters either side)
_MASK64: Final = (1 << 64) - 1


class Hit:
    """One recognised value. Offsets are code points within the original line (or cell text).

    ``evidence`` (the masked snippet around the value) is made on first read: a scan that only counts a
    hit (past an asset's listing cap, with its samples taken) never pays for it.
    """

    __slots__ = ("_evidence", "_pending", "attributes", "confidence", "end", "entity", "line", "masked",
                 "normalised", "pattern", "rule_id", "start", "value")

    def __init__(self, rule_id: str, entity: str, start: int, end: int, value: str, normalised: str,
                 masked: bool, confidence: float, pattern: str, evidence: str = "", line: int | None = None,
                 attributes: dict[str, Any] | None = None) -> None:
        self.rule_id = rule_id
        self.entity = entity
        self.start = start
        self.end = end
        self.value = value  # as written in the original text (may include separators / escapes)
        self.normalised = normalised
        self.masked = masked
        self.confidence = confidence
        self.pattern = pattern
        self.line = line
        self.attributes: dict[str, Any] = {} if attributes is None else attributes
        self._evidence = evidence
        # (line, start, end, value as the rule matched it, the other findings near it as (start, end,
        # display)) of a snippet still to make; start and end are the value's place in that line (callers
        # shift ``start``/``end`` to their own coordinates)
        self._pending: tuple[str, int, int, str, list[tuple[int, int, str]]] | None = None

    @property
    def evidence(self) -> str:
        pending = self._pending
        if pending is not None:
            text, s, e, value, others = pending
            self._evidence = snippet(text, s, e, mask_value(self.entity, value, self.masked), others)
            self._pending = None
        return self._evidence

    @evidence.setter
    def evidence(self, value: str) -> None:
        self._evidence = value
        self._pending = None

    def _fields(self) -> tuple:
        return (self.rule_id, self.entity, self.start, self.end, self.value, self.normalised, self.masked,
                self.confidence, self.pattern, self.evidence, self.line, self.attributes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hit) and self._fields() == other._fields()

    def __repr__(self) -> str:
        return (f"Hit(rule_id={self.rule_id!r}, entity={self.entity!r}, start={self.start}, end={self.end}, "
                f"masked={self.masked}, confidence={self.confidence}, pattern={self.pattern!r}, line={self.line})")


class _Cand:
    """A validated, scored candidate of one line, before overlaps are resolved. A plain class, not a
    dataclass: mypyc compiles its ``__init__`` (a dataclass's generated one runs as interpreted Python)."""

    __slots__ = ("context", "distance", "pattern", "rule", "score", "text", "ve", "verdict", "vs")

    def __init__(self, rule: Rule, pattern: str, vs: int, ve: int, text: str, verdict: Any, score: float,
                 context: str | None, distance: int | None) -> None:
        self.rule = rule
        self.pattern = pattern
        self.vs = vs  # view offsets
        self.ve = ve
        self.text = text
        self.verdict = verdict
        self.score = score
        self.context = context
        self.distance = distance  # of the positive context word that boosted it


def non_overlapping(items: list[T], span: Callable[[T], tuple[int, int]]) -> list[T]:
    """Greedy pass over ``items`` in priority order, keeping those whose span overlaps no kept one;
    returns the kept items sorted by start.

    Kept spans are disjoint, so with them sorted by start only the kept span starting just before the
    candidate's end can overlap it: O(n log n) instead of comparing with every kept span.
    """
    starts: list[int] = []
    by_start: dict[int, tuple[int, T]] = {}
    for item in items:
        vs, ve = span(item)
        i = bisect_left(starts, ve)
        if i and by_start[starts[i - 1]][0] > vs:
            continue
        insort(starts, vs)
        by_start[vs] = (ve, item)
    return [by_start[vs][1] for vs in starts]


def priority(distance: int | None, score: float, start: int, end: int, rule_id: str) -> tuple:
    """Order of overlapping readings of one value (a masked 18-character value as ID or card, …): the
    reading whose own positive context word is nearest wins, then the best score, then the longest span."""
    return (distance is None, distance or 0, -score, -(end - start), start, rule_id)


def group_readings(readings: list[tuple[str, bool, bool, str]], hashed: bool
                   ) -> tuple[dict[str, list[Any]], list[tuple[str, bool]]]:
    """``readings`` (``(entity, masked, weak_mask, normalised)``, see :meth:`Detector.whole_cells`) as a
    count needs them: per entity, the normalised values of the full ones in order, or with ``hashed``
    each one's ``hash(value) & (2**64 - 1)`` (what ``Fingerprinter.person`` is when the process's string
    hash is keyed; a test pins the two); and ``(entity, weak_mask)`` of each masked one. Compiled, this
    loop costs a tenth of the interpreted one over a dump column's hundreds of thousands of values.

    >>> group_readings([("A", False, False, "1"), ("B", True, True, "2"), ("A", False, False, "3")], False)
    ({'A': ['1', '3']}, [('B', True)])
    """
    full: dict[str, list[Any]] = {}
    masked: list[tuple[str, bool]] = []
    for entity, is_masked, weak, norm in readings:
        if is_masked:
            masked.append((entity, weak))
            continue
        values = full.get(entity)
        if values is None:
            values = full[entity] = []
        if hashed:
            values.append(hash(norm) & _MASK64)
        else:
            values.append(norm)
    return full, masked


def may_hold_value(text: str) -> bool:
    """Whether a structured value can hold a finding at all: three digits in a row, or an escape that may
    hide them."""
    if len(text) >= 3 and text.isdigit() and text.isascii():  # the common dump cell, without a regex search
        return True
    return _CELL_MAYBE.search(text) is not None or "%" in text or "\\u" in text


def _whole_cell_pattern(text: str, only: Sequence[int] | None) -> int:
    """The one pattern a short plain cell was reported by (the common dump cell: the value itself), which
    :meth:`Detector._whole_cell` reads without stage 2's per-line machinery; -1 for any other cell."""
    if only is not None and len(only) == 1 and len(text) <= 64 and text.isascii() and "%" not in text \
            and "\\" not in text:
        return only[0]
    return -1


def _max_width(rx: re.Pattern[str]) -> int | None:
    """The most characters ``rx`` can match (look-arounds are zero-width), or ``None`` when unbounded or
    unknown."""
    try:
        import re._parser as sre_parse

        hi = int(sre_parse.parse(rx.pattern, rx.flags).getwidth()[1])
    except Exception:  # a private module: without it, no bound
        return None
    return hi if hi < 65535 else None


def candidate_text(data: bytes, frm: int, to: int) -> str:
    """The value of an exact prefilter report ``data[frm:to]``: without the boundary characters the pattern
    consumed (an escape such as ``\\u0022``, ``\\x22`` or ``%22`` before it, a separator after it), as its validator
    takes it."""
    c = data[frm:to]
    if c[:2] == b"\\u":
        c = c[6:]
    elif c[:2] == b"\\x":
        c = c[4:]
    elif c[:1] == b"%":
        c = c[3:]
    i, j = 0, len(c)
    while i < j and c[i] not in _BODY_START:
        i += 1
    while j > i and c[j - 1] not in _BODY_END:
        j -= 1
    cand = c[i:j].decode("ascii", "replace")
    if cand[:1] == "+" and cand[1:3] != "86":
        cand = cand[1:]
    return cand


class Candidates:
    """Validator-gated prefilter reports of one block of bytes, for structured readers (SQL dumps): they
    tokenise only the rows holding a report and hand each candidate value to :meth:`Detector.scan_text`
    with the patterns that reported it."""

    __slots__ = ("ends", "pids", "starts", "texts", "verdicts")

    def __init__(self) -> None:
        self.ends: list[int] = []
        self.pids: list[int] = []
        self.starts: list[int] = []  # -1 for a generic report
        # per report, the candidate its validator took (``candidate_text``) and its verdict; ``None`` for a
        # generic report
        self.texts: list[str | None] = []
        self.verdicts: list[Any] = []

    def add(self, end: int, pid: int, start: int, text: str | None, verdict: Any) -> None:
        self.ends.append(end)
        self.pids.append(pid)
        self.starts.append(start)
        self.texts.append(text)
        self.verdicts.append(verdict)

    def between(self, lo: int, hi: int) -> tuple[int, ...] | None:
        """Pattern indexes of the reports ending in ``(lo, hi]`` (``None``: any pattern may apply)."""
        i = bisect_right(self.ends, lo)
        out: set[int] = set()
        while i < len(self.ends) and self.ends[i] <= hi:
            if self.pids[i] < 0:
                return None
            out.add(self.pids[i])
            i += 1
        return tuple(sorted(out))


class Detector:
    """Build once per process from rule packs; scan chunks (text streams) and cells (structured data)."""

    def __init__(self, packs: Sequence[RulePack], *, engine: str | None = None,
                 min_confidence: float | None = None, today: _dt.date | None = None) -> None:
        self.packs = list(packs)
        self.rules: list[Rule] = [r for p in self.packs for r in p.rules]
        self.rule_by_id = {r.id: r for r in self.rules}
        self.min_confidence = min_confidence
        self._thresholds = {r.id: min_confidence if min_confidence is not None else r.min_confidence
                            for r in self.rules}
        self.today = today
        self._ctx = {
            r.id: ContextMatcher.build(r.context, r.negative_context, r.context_before, r.context_after,
                                       r.context_boost, r.negative_penalty)
            for r in self.rules
        }
        self.engine_name = engine
        self._prefilter: Prefilter | None = None
        # pattern index (as given to the prefilter) -> (rule, pattern)
        self._patterns = [(r, p) for r in self.rules for p in r.patterns]
        # pattern index -> the longest text its regex can match (None: unbounded), which bounds where a
        # match that starts at a report can end (see scan_chunk)
        self._widths = [_max_width(p.compiled) for _, p in self._patterns]
        # verdicts of candidates the gate validated, consumed by stage 2 (validators are pure functions)
        self._verdicts: dict[tuple[str, str], Any] = {}
        self._scores: dict[float, float] = {}  # see _score
        # after scan_chunk: (offset, newlines before it) -- the block's newlines it counted to number its
        # lines, so that a reader need not count them again
        self.newlines_upto: tuple[int, int] = (0, 0)

    def _score(self, raw: float) -> float:
        """A candidate's score: ``raw`` (pattern score + validator and context adjustments) clamped to
        0..1 and rounded to 3 places, remembered per ``raw`` (few distinct sums occur; ``round`` to places
        costs more than the rest of scoring)."""
        score = self._scores.get(raw)
        if score is None:
            if len(self._scores) >= 4096:
                self._scores.clear()
            score = self._scores[raw] = round(min(1.0, max(0.0, raw)), 3)
        return score

    @property
    def prefilter(self) -> Prefilter:
        if self._prefilter is None:
            bodies = [p.prefilter_regex or p.regex for _, p in self._patterns]
            self._prefilter = build_prefilter(bodies, self.engine_name)
        return self._prefilter

    # ------------------------------------------------------------------ stage 2

    def detect(self, text: str, context: Sequence[str] = (), only: Sequence[int] | None = None,
               window: dict[int, tuple[int, int]] | None = None, fullwidth: bool = True) -> list[Hit]:
        """Stage 2 on one line / cell: every validated, above-threshold value, with evidence.

        ``only``: indexes of the patterns the prefilter reported for this text (``None`` = all). The
        prefilter reports a value written next to an escape (``\\u…``, ``%XX``, ``\\n``) under its own
        pattern, and flags forms only the normalised view shows (full-width digits, encoded separators and
        prefixes, ``+`` spaces) with a generic pattern, which makes ``only`` ``None``.

        ``window``: per pattern in ``only``, ``(pos, endpos)`` character positions for its regex: from the
        start of its earliest prefilter report in the line to past the farthest place a match starting at
        its latest report can reach, look-ahead included (:meth:`scan_chunk`). With a view of the same
        length the regex runs there instead of over the whole line; its look-behind still sees the
        characters before ``pos``. The prefilter reports every match of a pattern (the premise of
        ``only``), so no match lies outside its own reports, and none is cut short by ``endpos``.

        ``fullwidth=False``: the text holds no full-width form (see :func:`normalise`).

        With ``only`` ``None`` or a view that decoding changed, and the prefilter built (a scan), the
        prefilter runs again over the normalised view: the patterns it reports there, in their windows,
        are all that can match it, unless a generic pattern fires on the view too (then ``only`` runs
        over the whole line, every pattern if ``None``).
        """
        view, offsets = normalise(text, fullwidth)
        patterns = self._patterns
        spans = window if only is not None and offsets is None else None
        if (only is None or offsets is not None) and self._prefilter is not None:
            view_only, view_spans = self._view_reports(view)
            if view_only is not None:
                only, spans = view_only, view_spans
        pids = range(len(patterns)) if only is None else sorted(set(only))
        n_view = len(view)
        cands: list[_Cand] = []
        verdicts = self._verdicts
        for pid in pids:
            rule, pat = patterns[pid]
            pos, endpos = 0, n_view
            if spans is not None:
                span = spans.get(pid)
                if span is not None:
                    pos, endpos = max(0, span[0]), min(n_view, span[1])
            matcher = self._ctx[rule.id]
            for m in pat.compiled.finditer(view, pos, endpos):
                value = m.group()
                key = (rule.id, value)
                verdict = verdicts.pop(key) if key in verdicts else rule.validator(value, rule.params)
                if verdict is None:
                    continue
                delta, why, dist = matcher.adjust(view, m.start(), m.end(), context)
                if verdict.needs_context and delta <= 0:
                    continue
                score = self._score(pat.score + verdict.score_delta + delta)
                if score < self._thresholds[rule.id]:
                    continue
                cands.append(_Cand(rule, pat.name, m.start(), m.end(), value, verdict, score, why, dist))
        if not cands:
            return []
        if len(cands) == 1:
            kept = cands
        else:
            cands.sort(key=lambda c: priority(c.distance, c.score, c.vs, c.ve, c.rule.id))
            kept = non_overlapping(cands, lambda c: (c.vs, c.ve))
            kept.sort(key=lambda c: (c.vs, c.rule.id))
        hits: list[Hit] = []
        for c in kept:
            if offsets is None:
                s, e = c.vs, c.ve
            else:
                s, e = offsets[c.vs], offsets[c.ve]
            attrs = dict(c.verdict.attributes)
            if c.context:
                attrs["context"] = c.context
            masked = c.rule.masked or c.verdict.masked
            hits.append(Hit(c.rule.id, c.rule.entity, s, e, text[s:e], c.verdict.normalised, masked, c.score,
                            c.pattern, attributes=attrs))
        if len(hits) == 1:  # the common case: no neighbours to mask in the snippet, made when read
            h = hits[0]
            h._pending = (text, h.start, h.end, kept[0].text, [])
            return hits
        displays = [(h.start, h.end, mask_value(h.entity, c.text, h.masked))
                    for h, c in zip(hits, kept, strict=True)]
        # hits are disjoint and sorted, so starts and ends are both sorted: only neighbours within the
        # evidence window matter (a flat scan over all hits is quadratic on long lines)
        starts = [x[0] for x in displays]
        ends = [x[1] for x in displays]
        for h, c, (s, e, _d) in zip(hits, kept, displays, strict=True):
            lo = bisect_right(ends, s - _EVIDENCE_MARGIN)
            hi = bisect_left(starts, e + _EVIDENCE_MARGIN)
            h._pending = (text, s, e, c.text, [x for x in displays[lo:hi] if x[0] != s])
        return hits

    # ------------------------------------------------------------------ entry points
    def scan_text(self, text: str, *, context: Sequence[str] = (), line: int | None = None,
                  offset: int = 0, only: Sequence[int] | None = None) -> list[Hit]:
        """Scan one structured value (a cell, a JSON leaf). ``context``: column name / key path words.

        ``offset`` shifts the reported columns (position of the cell within its line); ``only``: the
        patterns a prefilter reported for this value (``None`` = all).
        """
        if not may_hold_value(text):
            return []
        hits = None
        pid = _whole_cell_pattern(text, only)
        if pid >= 0:
            hits = self._whole_cell(pid, text, context)  # the common dump cell: the value itself
        if hits is None:
            hits = self.detect(text, context, only)
        for h in hits:
            h.line = line
            if offset:
                h.start += offset
                h.end += offset
        return hits

    def _spans_cell(self, pid: int, text: str) -> bool:
        """Whether pattern ``pid`` matches the whole of ``text``."""
        m = self._patterns[pid][1].compiled.match(text)
        return m is not None and m.end() == len(text)

    def _cell_verdict(self, pid: int, text: str, context: Sequence[str],
                      adjusted: dict[str, tuple[float, str | None, int | None]] | None
                      ) -> tuple[Any, float, str | None] | None:
        """Verdict, score and deciding context of cell ``text``, which pattern ``pid`` spans whole, or
        ``None`` when its validator, its need of context or its rule's threshold rejects it: what
        :meth:`detect` decides for its one candidate. ``adjusted``: context adjustments per rule of a
        caller that reads many cells with the same ``context`` (a whole-cell value sees no line text, so its
        adjustment depends on the rule and ``context`` only); ``None`` computes it here."""
        rule = self._patterns[pid][0]
        key = (rule.id, text)
        verdict = self._verdicts.pop(key) if key in self._verdicts else rule.validator(text, rule.params)
        if verdict is None:
            return None
        return self._judge(pid, text, verdict, context, adjusted)

    def _judge(self, pid: int, text: str, verdict: Any, context: Sequence[str],
               adjusted: dict[str, tuple[float, str | None, int | None]] | None
               ) -> tuple[Any, float, str | None] | None:
        """:meth:`_cell_verdict` of a cell whose ``verdict`` (not ``None``) is known."""
        rule, pat = self._patterns[pid]
        rid = rule.id
        adj = None if adjusted is None else adjusted.get(rid)
        if adj is None:
            adj = self._ctx[rid].adjust(text, 0, len(text), context)
            if adjusted is not None:
                adjusted[rid] = adj
        delta, why = adj[0], adj[1]
        if verdict.needs_context and delta <= 0:
            return None
        score = self._score(pat.score + verdict.score_delta + delta)
        if score < self._thresholds[rid]:
            return None
        return verdict, score, why

    def _whole_cell(self, pid: int, text: str, context: Sequence[str]) -> list[Hit] | None:
        """Stage 2 for a cell that one pattern matches as a whole: the same verdict, context, score and
        evidence as :meth:`detect` (one candidate, no overlaps, the cell is its own evidence), without
        its per-line machinery. ``None`` when the pattern does not span the whole cell."""
        if not self._spans_cell(pid, text):
            return None
        got = self._cell_verdict(pid, text, context, None)
        if got is None:
            return []
        verdict, score, why = got
        rule, pat = self._patterns[pid]
        attrs = dict(verdict.attributes)
        if why:
            attrs["context"] = why
        masked = rule.masked or verdict.masked
        hit = Hit(rule.id, rule.entity, 0, len(text), text, verdict.normalised, masked, score, pat.name,
                  attributes=attrs)
        hit.evidence = mask_value(rule.entity, text, masked)  # = snippet() of a cell that is all value
        return [hit]

    def whole_cells(self, values: Sequence[tuple[Any, ...]], context: Sequence[str],
                    verdicts: Sequence[Any] | None = None
                    ) -> tuple[list[tuple[str, bool, bool, str]], list[int]]:
        """What :meth:`scan_text` finds in one column's cells, for callers that only count it (a dump column
        past its listing cap): no Hit, offsets or evidence. ``values``: ``(text, …, patterns)`` tuples as in
        ``CellBatch.values`` (text first, patterns fifth).

        ``verdicts``: when given, per value the verdict of its one report when that report's candidate is
        the whole text (``CellBatch.verdicts``), else ``None``: such a cell is one pattern spanning it, and
        the gate's verdict is its validator's, so only the context, score and threshold are left to read.

        Returns ``(readings, rest)``: ``readings`` has ``(entity, masked, weak_mask, normalised)`` of each
        hit of a cell :meth:`scan_text` reads with :meth:`_whole_cell` (at most one per cell: one pattern
        spanning the cell), with the same verdict, context adjustment and threshold; ``rest`` the indexes
        of the cells it reads otherwise (hand those to :meth:`scan_text`). Cells without a hit are in
        neither. The context adjustment is computed once per rule (see :meth:`_cell_verdict`)."""
        readings: list[tuple[str, bool, bool, str]] = []
        rest: list[int] = []
        ctx = tuple(context)
        adjusted: dict[str, tuple[float, str | None, int | None]] = {}
        patterns = self._patterns
        # with ``context`` fixed, whether a known verdict passes depends on its pattern, score adjustment
        # and need of context only (the context adjustment is per rule): judged once per combination
        passes: dict[tuple[int, float, bool], bool] = {}
        for i, v in enumerate(values):
            text: str = v[0]
            verdict = verdicts[i] if verdicts is not None else None
            if verdict is not None:
                pid = v[4][0]
                key = (pid, verdict.score_delta, verdict.needs_context)
                ok = passes.get(key)
                if ok is None:
                    ok = passes[key] = self._judge(pid, text, verdict, ctx, adjusted) is not None
                if not ok:
                    continue
            else:
                if not may_hold_value(text):
                    continue  # scan_text: no hit
                pid = _whole_cell_pattern(text, v[4])
                if pid < 0 or not self._spans_cell(pid, text):
                    rest.append(i)
                    continue
                got = self._cell_verdict(pid, text, ctx, adjusted)
                if got is None:
                    continue
                verdict = got[0]
            rule = patterns[pid][0]
            readings.append((rule.entity, rule.masked or verdict.masked, bool(verdict.attributes.get("weak_mask")),
                             verdict.normalised))
        return readings, rest

    def _gate(self, data: bytes, reports: list[tuple[int, int, int]], out: Candidates | None = None,
              remember: bool = True) -> list[tuple[int, int, int]]:
        """Drop reports whose exact candidate fails its rule's validator (most hard negatives do), so
        only lines with a plausible value are decoded and examined by stage 2. Returns the reports kept,
        or, with ``out``, adds each to it with its candidate and verdict (``None`` for a generic report)
        and returns nothing. ``remember``: keep the verdicts for stage 2 (``scan_text`` of these values)."""
        kept = []
        patterns = self._patterns
        verdicts_seen = self._verdicts
        verdicts_seen.clear()
        for rep in reports:
            to, pid, frm = rep
            if pid < 0 or frm < 0:
                if out is None:
                    kept.append(rep)
                else:
                    out.add(to, pid, frm, None, None)
                continue
            cand = candidate_text(data, frm, to)
            rule = patterns[pid][0]
            verdict = rule.validator(cand, rule.params)
            if verdict is not None:
                if out is None:
                    kept.append(rep)
                else:
                    out.add(to, pid, frm, cand, verdict)
                if remember and len(verdicts_seen) < 32768:
                    verdicts_seen[(rule.id, cand)] = verdict  # stage 2 reuses it instead of validating again
        return kept

    def candidates(self, data: bytes, remember: bool = True) -> Candidates:
        """Prefilter reports over ``data`` that survive the validator gate (see :class:`Candidates`).
        ``remember``: keep the gate's verdicts for ``scan_text`` of these candidates (a caller that hands
        most values on with ``Candidates.verdicts``, the SQL dump reader, needs not)."""
        out = Candidates()
        reports = self.prefilter.reports(data)
        if reports:
            self._gate(data, reports, out, remember)
        return out

    def scan_chunk(self, data: bytes, first_line: int = 1) -> list[Hit]:
        """Scan newline-aligned UTF-8 bytes; hits carry absolute 1-based line numbers."""
        self.newlines_upto = (0, 0)
        reports = self.prefilter.reports(data)
        if reports:
            reports = self._gate(data, reports)
        if not reports:
            return []
        hits: list[Hit] = []
        line_no = first_line
        counted_to = 0
        i, n = 0, len(reports)
        while i < n:
            to = reports[i][0]
            ls = data.rfind(b"\n", 0, to - 1) + 1 if to > 0 else 0
            le = data.find(b"\n", ls)
            if le == -1:
                le = len(data)
            line_no += data.count(b"\n", counted_to, ls)
            counted_to = ls
            j = i
            while j < n and reports[j][0] <= le + 1:
                j += 1
            line_reports = reports[i:j]
            i = j
            only = None if any(r[1] < 0 for r in line_reports) else [r[1] for r in line_reports]
            if le - ls <= LONG_LINE:
                text = data[ls:le].decode("utf-8", "replace")
                if text.endswith("\r"):
                    text = text[:-1]
                ascii_line = text.isascii()
                window = None if only is None else self._windows(data, ls, line_reports, ascii_line)
                fullwidth = not ascii_line and has_fullwidth(data, ls, le)
                for h in self.detect(text, (), only, window, fullwidth):
                    h.line = line_no
                    hits.append(h)
            else:
                hits.extend(self._scan_long_line(data, ls, le, [r[0] for r in line_reports], line_no, only))
        self.newlines_upto = (counted_to, line_no - first_line)
        return hits

    def newlines(self, data: bytes) -> int:
        """The newlines in ``data``, the block :meth:`scan_chunk` scanned last: it counted most of them."""
        upto, n = self.newlines_upto
        return n + data.count(b"\n", upto)

    def _view_reports(self, view: str) -> tuple[list[int] | None, dict[int, tuple[int, int]] | None]:
        """``(only, window)`` for :meth:`detect` from the prefilter's reports over the normalised ``view``
        of a line whose raw bytes raised a generic report (``%2B86``, full-width digits, encoded
        separators) or hold escapes that decoding removed (raw byte positions are no view positions):
        most such lines need one or two patterns in a window, not the whole line. ``(None, None)`` when
        the view itself raises a generic report."""
        assert self._prefilter is not None
        try:
            raw = view.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: no byte view to scan
            return None, None
        reports = self._prefilter.reports(raw, False)
        if any(r[1] < 0 for r in reports):
            return None, None
        return [r[1] for r in reports], self._windows(raw, 0, reports, view.isascii())

    def _windows(self, data: bytes, ls: int, reports: list[tuple[int, int, int]],
                 ascii_line: bool) -> dict[int, tuple[int, int]]:
        """:meth:`detect`'s ``window`` for the reports of the line starting at byte ``ls``: per pattern,
        from its first report's start to past the farthest end of a match starting at its last report
        (the boundary the prefilter consumed before the value, at most 2 characters, then the pattern's
        widest match, then 2 characters of look-ahead; the whole rest of the line for an unbounded
        pattern). Ending at the last report's end would let a match run into the next token and find a
        false boundary at ``endpos`` (``…0519  13`` read as the tail of a masked card)."""
        spans: dict[int, tuple[int, int]] = {}
        for _to, pid, frm in reports:  # each pattern's first and last report start, in bytes
            span = spans.get(pid)
            spans[pid] = (frm, frm) if span is None else (min(span[0], frm), max(span[1], frm))
        out: dict[int, tuple[int, int]] = {}
        for pid, (a, b) in spans.items():
            if ascii_line:  # bytes are characters
                ca, cb = a - ls, b - ls
            else:  # characters wholly before each byte offset
                ca, cb = len(data[ls:a].decode("utf-8", "ignore")), len(data[ls:b].decode("utf-8", "ignore"))
            width = self._widths[pid]
            out[pid] = (ca, cb + 4 + width if width is not None else len(data))
        return out

    def _scan_long_line(self, data: bytes, ls: int, le: int, ends: Iterable[int], line_no: int,
                        only: list[int] | None) -> list[Hit]:
        windows: list[list[int]] = []
        for to in ends:
            a, b = max(ls, to - _WIN_BEFORE), min(le, to + _WIN_AFTER)
            while a > ls and (data[a - 1:a].isalnum() or data[a - 1:a] in b"."):
                a -= 1
            a = max(ls, a - 2)
            while b < le and data[b:b + 1].isalnum():
                b += 1
            while a > ls and 0x80 <= data[a] <= 0xBF:
                a -= 1
            while b < le and 0x80 <= data[b] <= 0xBF:
                b += 1
            if windows and a <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], b)
            else:
                windows.append([a, b])
        hits: list[Hit] = []
        char_pos, byte_pos = 0, ls
        seen: set[tuple[int, str]] = set()
        for a, b in windows:
            char_pos += len(data[byte_pos:a].decode("utf-8", "replace"))
            byte_pos = a
            text = data[a:b].decode("utf-8", "replace")
            for h in self.detect(text, only=only):
                h.start += char_pos
                h.end += char_pos
                key = (h.start, h.rule_id)
                if key in seen:
                    continue
                seen.add(key)
                h.line = line_no
                hits.append(h)
        return hits
