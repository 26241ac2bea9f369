"""Per-record work of the CSV/TSV reader, compiled with mypyc (``piscan.native``): which fields of a record
a validator-gated prefilter report points at (and with which patterns), and counting and queuing the
fields. A PI-dense table export has millions of fields; interpreted, this loop took most of such a scan.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any


def field_patterns(reports: list[tuple[int, int, str | None]], rec: list[str], text: str, delimiter: str,
                   one_line: bool) -> list[Any]:
    """Per field of record ``rec``: ``False`` when no report points at it (stage 2 cannot find anything
    there), else the patterns to run (``None``: all). ``reports``: ``(end, pattern, value)`` of the record's
    lines, ends in bytes from the line start (pattern -1, value ``None``: a generic report); ``text``: the
    record's line without its line end, used when ``one_line`` (the record is that one line).

    >>> field_patterns([(13, 2, "13812345678")], ["a", "13812345678", "b"], "a,13812345678,b", ",", True)
    [False, (2,), False]
    """
    n = len(rec)
    if not reports:
        return [False] * n
    if one_line and "\ufffd" not in text and delimiter.join(rec) == text:
        # one line without quoting: the fields sit at known byte offsets, one delimiter apart
        step = len(delimiter.encode())
        starts = [0]
        ascii_ = text.isascii()
        for field in rec:
            starts.append(starts[-1] + (len(field) if ascii_ else len(field.encode())) + step)
        per: dict[int, set[int] | None] = {}  # field -> patterns reported in it (None: any)
        for end, pid, _ in reports:
            # a report ending in (starts[i], starts[i + 1]] belongs to field i (it may end one past it)
            i = min(max(bisect_left(starts, end) - 1, 0), n - 1)
            got = per.get(i, set())
            if i not in per:
                per[i] = got
            if pid < 0:
                per[i] = None
            elif got is not None:
                got.add(pid)
        out: list[Any] = [False] * n
        for i, pids in per.items():
            out[i] = None if pids is None else tuple(sorted(pids))
        return out
    # quoted fields or a multi-line record: a field gets the patterns that reported a value it holds (ASCII
    # digits, separators, mask characters: unquoting leaves them as they are). One pattern per field lets
    # stage 2 read the common cell, the value itself, without its per-line machinery.
    by_value: dict[str, set[int]] = {}
    for _, pid, value in reports:
        if pid < 0 or value is None:
            return [None] * n
        pids = by_value.get(value)
        if pids is None:
            by_value[value] = {pid}
        else:
            pids.add(pid)
    result: list[Any] = []
    for cell in rec:
        held: set[int] = set()
        for v, pids in by_value.items():
            if v in cell:
                held |= pids
        result.append(tuple(sorted(held)) if held else False)
    return result


def field_places(raw: str, n: int, delimiter: str) -> list[tuple[int, int]] | None:
    r"""Where each of the ``n`` fields of the record written as ``raw`` (its lines, line ends included) starts:
    ``(lines below the record's first line, column)`` of the field's first character of text (after its
    opening quote). ``None`` when ``raw`` does not split into ``n`` fields this way (the reader then counts
    columns within the field).

    >>> field_places('a,"x, ""y"" z",13812345678\r\n', 3, ",")
    [(0, 0), (0, 3), (0, 15)]
    >>> field_places('1,"line1\nline2",z\n', 3, ",")
    [(0, 0), (0, 3), (1, 7)]
    """
    body = raw[:-2] if raw.endswith("\r\n") else raw[:-1] if raw.endswith(("\n", "\r")) else raw
    out: list[tuple[int, int]] = []
    step = len(delimiter)
    if '"' not in body:  # no quoting: one line, the fields one delimiter apart
        if "\n" in body or "\r" in body:
            return None
        pos = 0
        for field in body.split(delimiter):
            out.append((0, pos))
            pos += len(field) + step
        return out if len(out) == n else None
    pos = 0
    size = len(body)
    while True:
        if pos < size and body[pos] == '"':  # quoted: text from after the quote to the closing quote
            start = pos + 1
            k = body.find('"', start)
            while k != -1 and body.startswith('""', k):
                k = body.find('"', k + 2)
            if k == -1:
                return None
            nxt = body.find(delimiter, k + 1)
        else:
            start = pos
            nxt = body.find(delimiter, pos)
        lines = body.count("\n", 0, start)
        out.append((lines, start - (body.rfind("\n", 0, start) + 1) if lines else start))
        if nxt == -1:
            break
        pos = nxt + step
    return out if len(out) == n else None


def queue_fields(rec: list[str], header: list[str], pats: list[Any], counts: dict[tuple[str | None, str], int],
                 pending: dict[str, list[tuple[Any, ...]]], line: int, row: str,
                 places: list[tuple[int, int]] | None = None) -> tuple[int, int]:
    """Count every non-empty field of ``rec`` in ``counts`` per column and queue in ``pending`` those ``pats``
    does not rule out (``False``) as ``(value, line, column, row, patterns)``: the field's line and column
    from ``places`` (:func:`field_places`), else the record's line and 0. Returns ``(characters left out,
    fields queued)``."""
    unscanned = 0
    queued = 0
    n_header = len(header)
    for i in range(len(rec)):
        val = rec[i]
        if not val:
            continue
        col = header[i] if i < n_header else f"col{i + 1}"
        key: tuple[str | None, str] = (None, col)
        counts[key] = counts.get(key, 0) + 1
        p = pats[i]
        if p is False:  # no candidate points at it: nothing stage 2 could report
            unscanned += len(val)
            continue
        queue = pending.get(col)
        if queue is None:
            queue = pending[col] = []
        if places is None:
            queue.append((val, line, 0, row, p))
        else:
            down, col_at = places[i]
            queue.append((val, line + down, col_at, row, p))
        queued += 1
    return unscanned, queued
