"""The compiled per-record CSV work (``piscan.sources.csv_fields``) decides and queues what the interpreted
reader code it replaced did."""

from __future__ import annotations

import random
from bisect import bisect_left
from typing import Any

from piscan.sources.csv_fields import field_patterns, queue_fields


def reference_patterns(reports: list[tuple[int, int, str | None]], rec: list[str], text: str, delimiter: str,
                       one_line: bool) -> list[Any]:
    """CsvReader._cell_patterns as it was before it was compiled (after gathering the reports), with the
    per-field patterns of quoted records that came later."""
    if not reports:
        return [False] * len(rec)
    if one_line and "\ufffd" not in text and delimiter.join(rec) == text:
        step = len(delimiter.encode())
        starts = [0]
        ascii_ = text.isascii()
        for v in rec:
            starts.append(starts[-1] + (len(v) if ascii_ else len(v.encode())) + step)
        per: dict[int, set[int] | None] = {}
        for end, pid, _ in reports:
            i = min(max(bisect_left(starts, end) - 1, 0), len(rec) - 1)
            got = per.setdefault(i, set())
            if pid < 0:
                per[i] = None
            elif got is not None:
                got.add(pid)
        out: list[Any] = [False] * len(rec)
        for i, pids in per.items():
            out[i] = None if pids is None else tuple(sorted(pids))
        return out
    if any(pid < 0 or v is None for _, pid, v in reports):
        return [None] * len(rec)
    # a field gets the patterns that reported a value it holds (until session 10: every reported pattern)
    out = []
    for field in rec:
        pids = {pid for _, pid, v in reports if v is not None and v in field}
        out.append(tuple(sorted(pids)) if pids else False)
    return out


FIELDS = ["13812345678", "138 1234 5678", "11010519491231002X", "张三", "", "a,b", "6222020200112233446", "x"]


def _record(rng: random.Random) -> tuple[list[tuple[int, int, str | None]], list[str], str, str, bool]:
    delimiter = rng.choice([",", "\t", "；"])
    rec = [rng.choice(FIELDS) for _ in range(rng.randint(1, 6))]
    text = delimiter.join(rec) if rng.random() < 0.8 else '"' + delimiter.join(rec)
    n = len(text.encode())
    reports: list[tuple[int, int, str | None]] = []
    for _ in range(rng.randint(0, 4)):
        if rng.random() < 0.1:
            reports.append((rng.randint(0, n + 1), -1, None))
        else:
            reports.append((rng.randint(0, n + 1), rng.randint(0, 5), rng.choice([*FIELDS[:3], "999"])))
    return reports, rec, text, delimiter, rng.random() < 0.85


def test_field_patterns_equal_the_interpreted_reader():
    rng = random.Random(12)
    for _ in range(20000):
        args = _record(rng)
        assert field_patterns(*args) == reference_patterns(*args), args


def test_queue_fields_counts_non_empty_fields_and_queues_the_unexcluded():
    rng = random.Random(13)
    for _ in range(3000):
        reports, rec, text, delimiter, one_line = _record(rng)
        pats = reference_patterns(reports, rec, text, delimiter, one_line)
        header = ["a", "b", "c", "d"][:rng.randint(0, 4)]
        counts: dict[tuple[str | None, str], int] = {}
        pending: dict[str, list[tuple[Any, ...]]] = {}
        got = queue_fields(rec, header, pats, counts, pending, 5, "2")
        want_counts: dict[tuple[str | None, str], int] = {}
        want_pending: dict[str, list[tuple[Any, ...]]] = {}
        unscanned = queued = 0
        for i, val in enumerate(rec):
            if not val:
                continue
            col = header[i] if i < len(header) else f"col{i + 1}"
            want_counts[(None, col)] = want_counts.get((None, col), 0) + 1
            if pats[i] is False:
                unscanned += len(val)
                continue
            want_pending.setdefault(col, []).append((val, 5, 0, "2", pats[i]))
            queued += 1
        assert (got, counts, pending) == ((unscanned, queued), want_counts, want_pending)
