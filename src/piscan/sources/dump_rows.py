"""The candidate values of dump rows read by position: the per-value loop of the SQL dump reader.

When a dump region splits cleanly into its values (MariaDB rows one per line, COPY rows one per line),
every value is one separator byte before the next, so where each prefilter report falls is a binary
search over the values' start positions. This loop runs once per candidate value of a PI-dense table
(millions in a large dump), so it lives in this small, fully typed module that ``hatch_build.py``
compiles with mypyc (see :mod:`piscan.native`); ``piscan.sources.sql_dump`` decides when it applies and
locates the values the report lists.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from typing import Any, Final

from piscan.sources.sql_common import decode_hex_literal, unescape_copy, unescape_mysql

#: how ``read_by_position`` turns a value's bytes into its text
MYSQL: Final = 0  # a MySQL value token: a quoted string unescaped, a hex literal decoded
COPY: Final = 1  # a COPY field: backslash escapes, a bytea in hex decoded

#: ``(text, line, offset, row, patterns)`` of one value (see ``CellBatch.values``; line, offset and row are
#: located on demand)
Value = tuple[str, Any, Any, Any, Any]


def _plain_quoted(raw: bytes) -> bool:
    """Whether no backslash and no quote lie between the first and the last byte of ``raw`` (a loop over
    the bytes: compiled, two ``in`` tests of a short needle cost ~2,000 instructions a value)."""
    for j in range(1, len(raw) - 1):
        c = raw[j]
        if c == 92 or c == 39 or c == 34:
            return False
    return True


def mysql_value(raw: bytes, s: int) -> tuple[str, int]:
    """The text of the MySQL value token ``raw`` written at ``s`` (a string unescaped, a hex literal
    decoded), and where that text starts (past the opening quote).

    >>> mysql_value(b"'it\\\\'s'", 10), mysql_value(b"0x3133", 0), mysql_value(b"42", 5)
    (("it's", 11), ('13', 0), ('42', 5))
    """
    if (raw[0] == 39 or raw[0] == 34) and _plain_quoted(raw):  # a quoted string without escapes
        return raw[1:-1].decode("utf-8", "replace"), s + 1
    text = raw.decode("utf-8", "replace")
    hexed = decode_hex_literal(text) if raw[:1] in b"0Xx" else None
    text = unescape_mysql(text) if hexed is None else hexed
    return text, s + opening_quote(raw) + 1


def opening_quote(raw: bytes) -> int:
    """Where the string of a MySQL value token opens (its first quote, single or double); -1 for none."""
    q, d = raw.find(b"'"), raw.find(b'"')
    return q if d < 0 or 0 <= q < d else d


def copy_text(field: bytes) -> str:
    """The text of a COPY field (not ``\\N``): backslash escapes undone, a ``bytea`` in hex decoded.

    >>> copy_text(b"a\\\\tb"), copy_text(b"\\\\\\\\x3133")
    ('a\\tb', '13')
    """
    text = field.decode("utf-8", "replace")
    if 92 in field:  # backslash
        text = unescape_copy(text)
        if text[:2] == "\\x":
            text = decode_hex_literal(text) or text
    return text


def _one_report(ends: list[int], i: int, nxt: int) -> bool:
    """Whether report ``i`` is the only one of the value that ends before ``nxt`` (reports in order)."""
    return i + 1 == len(ends) or ends[i + 1] > nxt


def value_patterns(ends: list[int], pids: list[int] | None, between: Any,
                   pats_of: Callable[[int, int], tuple[int, ...] | None], i: int, s: int,
                   nxt: int) -> tuple[int, ...] | None:
    """The patterns of the dump value at ``[s, nxt - 1)`` whose first prefilter report is ``ends[i]``:
    with ``pids`` (the reports' pattern indexes, when there are no extra candidates), a value with one
    report (the usual) takes its pattern without a search and one with several asks ``between(s, nxt)``;
    without, ``pats_of(s, nxt - 1)``."""
    if pids is None:
        return pats_of(s, nxt - 1)
    if _one_report(ends, i, nxt):
        pid = pids[i]
        return None if pid < 0 else (pid,)
    return between(s, nxt)


def read_by_position(parts: list[bytes], starts: list[int], ends: list[int], lo: int, hi: int, period: int,
                     gap: bool, kind: int, pids: list[int] | None, between: Any,
                     pats_of: Callable[[int, int], tuple[int, ...] | None],
                     texts: list[str | None] | None = None, verdicts: list[Any] | None = None
                     ) -> tuple[list[list[Value]], list[list[int]], list[list[Any]]]:
    """The candidate values of ``parts`` (the values of a region, row by row; part ``k`` starts at
    ``starts[k]``, ``starts[-1]`` is one past the region) that prefilter reports ``ends[lo:hi]`` point at:
    a report ending in ``(starts[k], starts[k + 1]]`` belongs to part ``k`` (the prefilter may consume the
    separator after a value).

    ``period``: parts per row; ``gap``: the first part of each row is the gap before it (MySQL rows), not a
    value. ``kind``: :data:`MYSQL` or :data:`COPY`. ``pids``, ``between``, ``pats_of``: how the patterns of
    a value are found (:func:`value_patterns`). ``texts``, ``verdicts`` (with ``pids``): the gate's
    candidate and verdict of each report (``Candidates``).

    Returns, per column, the values (``(text, None, None, None, patterns)``), their part indexes, and the
    verdict of each value whose one report's candidate is its whole text (else ``None``; see
    ``Detector.whole_cells``)."""
    ncols = period - 1 if gap else period
    found: list[list[Value]] = [[] for _ in range(ncols)]
    where: list[list[int]] = [[] for _ in range(ncols)]
    known: list[list[Any]] = [[] for _ in range(ncols)]
    null = b"NULL" if kind == MYSQL else b"\\N"
    last = -1
    k = -1
    nstarts = len(starts)
    for i in range(lo, hi):
        e = ends[i]
        # the part holding report i: the last start before its end. Reports come in order, so the part is
        # at or after the previous one, usually a few parts on (a binary search over a million starts cost
        # ~2,700 instructions a report); far ahead, a binary search from there
        if k < 0:
            k = bisect_left(starts, e) - 1
        else:
            steps = 0
            while k + 1 < nstarts and starts[k + 1] < e:
                k += 1
                steps += 1
                if steps == 16:
                    k = bisect_left(starts, e, k) - 1
                    break
        if k == last:
            continue
        last = k
        ci = k % period
        if gap:
            if ci == 0:
                continue  # the gap between rows
            ci -= 1
        raw = parts[k]
        if raw == null:
            continue
        s = starts[k]
        nxt = starts[k + 1]
        text = mysql_value(raw, 0)[0] if kind == MYSQL else copy_text(raw)
        pats = value_patterns(ends, pids, between, pats_of, i, s, nxt)
        verdict = None
        # (the gate gave a candidate text only to reports of one pattern, so ``pats`` is that pattern)
        if texts is not None and verdicts is not None and texts[i] == text and _one_report(ends, i, nxt):
            verdict = verdicts[i]
        found[ci].append((text, None, None, None, pats))
        where[ci].append(k)
        known[ci].append(verdict)
    return found, where, known


def _is_word(c: int) -> bool:
    """``\\w`` of a bytes regex: an ASCII letter, digit or underscore."""
    return 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95


def _is_space(c: int) -> bool:
    """``\\s`` of a bytes regex."""
    return c == 32 or 9 <= c <= 13


def _string_end(data: bytes, p: int, n: int) -> int:
    """Where the MySQL string literal opening at ``data[p]`` (a single or double quote) ends (one past its
    closing quote): backslash escapes (not of a newline) and doubled quotes inside; -1 when it does not end
    in ``data``. A loop over the bytes: compiled, it costs less than two ``bytes.find`` calls per string."""
    quote = data[p]
    k = p + 1
    while k < n:
        c = data[k]
        if c == 92:  # a backslash escapes the next byte
            if k + 1 >= n or data[k + 1] == 10:
                return -1
            k += 2
        elif c == quote:
            if k + 1 < n and data[k + 1] == quote:  # a doubled quote
                k += 2
            else:
                return k + 1
        else:
            k += 1
    return -1


def _value_end(data: bytes, p: int, n: int) -> int:
    """Where the MySQL value token starting at ``data[p]`` ends, as ``_MYSQL_VALUE`` in
    ``piscan.sources.sql_common`` reads it: a string, a string after a charset introducer
    (``_binary '…'``), or a bare literal (``NULL`` is one); -1 when no value starts there."""
    c = data[p]
    if c == 39 or c == 34:
        return _string_end(data, p, n)
    if c == 95:  # ``_``: an introducer when ``\w+``, spaces and a string follow
        k = p + 1
        while k < n and _is_word(data[k]):
            k += 1
        if k > p + 1:
            while k < n and _is_space(data[k]):
                k += 1
            if k < n and (data[k] == 39 or data[k] == 34):
                e = _string_end(data, k, n)
                if e >= 0:
                    return e
    k = p
    while k < n:
        c = data[k]
        if c == 44 or c == 40 or c == 41 or c == 39 or c == 34 or c == 59 or _is_space(c):  # , ( ) ' " ; space
            break
        k += 1
    return k if k > p else -1


def mysql_row_parts(data: bytes, ncols: int) -> list[bytes] | None:
    """``mysql_row_values(ncols).split(data)`` (``piscan.sources.sql_common``) of MySQL rows ``(v1,…,vn)``
    whose gaps hold only ``,``, ``;`` and whitespace, read value by value instead of by the regex engine
    (which took ~100 instructions a byte); ``None`` for anything else (the regex then reads it).

    >>> mysql_row_parts(b"(1,'a,b',NULL),\\n(2,_binary 'x\\\\'y',0x31);", 3)
    [b'', b'1', b"'a,b'", b'NULL', b',\\n', b'2', b"_binary 'x\\\\'y'", b'0x31', b';']
    >>> mysql_row_parts(b"(1,2),(3)", 2) is None
    True
    """
    out: list[bytes] = []
    n = len(data)
    p = 0
    while True:
        g = p
        while p < n:
            c = data[p]
            if c == 40:  # ``(``
                break
            if not (c == 44 or c == 59 or _is_space(c)):
                return None
            p += 1
        out.append(data[g:p])
        if p == n:
            return out
        p += 1
        for ci in range(ncols):
            if p >= n:
                return None
            e = _value_end(data, p, n)
            if e < 0 or e >= n or data[e] != (44 if ci + 1 < ncols else 41):  # ``,`` or ``)``
                return None
            out.append(data[p:e])
            p = e + 1
