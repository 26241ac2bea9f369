"""CSV/TSV with a header row: every field is a cell whose ``column`` (and context) is its header.

Each decoded block goes through the scanner's prefilter and validator gate first, as dump blocks do. On an
unquoted one-line record each report is mapped to its field by byte offset; on a quoted or multi-line
record the fields holding one of the reported values are taken. Those fields go out in per-column
:class:`CellBatch` es with the reported patterns; the others are only counted (``column_values``).

RFC 4180 quoting and multi-line fields via the standard ``csv`` module, fed line by line from the decoded
stream, so memory stays bounded. Ragged rows (a different number of fields than the header) are scanned
(extra fields are named ``col<N>``) and reported as a scan error. ``line``, ``start`` and ``end`` of findings point
at the value in the file: the line its field's text is on, columns in that line (a quoted field's doubled
quotes and line breaks counted as written, ``Cell.written = "csv"``).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from typing import Any, TypeVar

from piscan.sources.base import CellBatch, Chunk, Reader, SourceError
from piscan.sources.candidates import by_line
from piscan.sources.csv_fields import field_patterns, field_places, queue_fields
from piscan.sources.text import DecodedStream, stream_metadata

csv.field_size_limit(1 << 30)


_DELIMITERS = (",", ";", "\t", "|")
#: a header cell holds no long digit run, no '@', and is not a number or date
_DATA_LIKE = re.compile(r"\d{6}|@|^\s*[-+]?\d[\d.,:/ -]*\s*$")


def sniff_delimiter(first_line: str, default: str) -> str:
    """The delimiter of a CSV export, judged from its first line: Excel in Chinese and European locales
    writes ``;``, many exports use tabs or ``|`` under a ``.csv`` name. ``default`` wins a tie."""
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: (counts[d], d == default))
    return best if counts[best] > counts.get(default, 0) else default


def is_header(rec: list[str]) -> bool:
    """Whether the first record is a header row (column names) rather than data."""
    return bool(rec) and not any(_DATA_LIKE.search(h) for h in rec if h.strip())


def _unquoted_with_quotes(rec: list[str], pats: list[Any], places: list[tuple[int, int]], raw: str) -> list[int]:
    """The fields of record ``rec`` (written as ``raw``; ``places`` from ``field_places``, before any shift)
    that a scan may look at and that hold a quote without being quoted: Excel's ``="11010519491231002X"``
    keeps a long number as text. Their quotes are written once; a quoted field's are doubled."""
    out = []
    for i, text in enumerate(rec):
        if '"' not in text or pats[i] is False:
            continue
        down, col = places[i]
        start = col
        if down:
            k = -1
            for _ in range(down):
                k = raw.find("\n", k + 1)
            start = k + 1 + col
        if start == 0 or raw[start - 1] != '"':
            out.append(i)
    return out


#: records read ahead for a preamble: title lines, a date line, blank lines above the header row
PREAMBLE_LOOKAHEAD = 10

T = TypeVar("T")


def _peek(items: Iterator[T], n: int) -> tuple[list[T], Iterator[T]]:
    """The first ``n`` of ``items``, and an iterator over all of them. A fault met while reading ahead
    (a short file's invalid UTF-8 is reported at its end) is raised where it happened: after the items
    read before it, so they are scanned first."""
    head: list[T] = []
    try:
        for x in items:
            head.append(x)
            if len(head) >= n:
                break
    except SourceError as exc:
        fault = exc

        def after() -> Iterator[T]:
            raise fault
            yield  # (a generator)

        return head, itertools.chain(head, after())
    return head, itertools.chain(head, items)


_NOTE = re.compile(r"^[^：:]{1,20}[：:]\s*\S")  # 导出时间：2024-03-15, 导出人: admin


def is_note(filled: list[str]) -> bool:
    """Whether a row's filled cells are all ``label：value`` notes (an export's time, author, filter),
    which a report puts above its header row; column names are no such pairs."""
    return bool(filled) and all(_NOTE.match(f.strip()) for f in filled)


def header_index(records: list[list[str]]) -> int:
    """Where the header row is among the first records of an export: after a preamble of title lines
    (``客户信息导出表（2024-03-01）``, blank lines) and note lines (``导出时间：…,导出人：admin``), which Excel
    and WPS reports put above it, when every record before it holds at most one field or only notes and
    it holds two or more column names; else 0.

    >>> header_index([["客户信息导出表"], [], ["姓名", "身份证号", "手机号码"], ["张三", "1101…", "138…"]])
    2
    >>> header_index([["导出时间：2024-03-15 10:22:01", "导出人：admin", ""], ["姓名", "身份证号", "手机号码"]])
    1
    >>> header_index([["手机号"], ["13812345678"]]), header_index([["姓名", "手机"], ["张三", "138"]])
    (0, 0)
    """
    for i, rec in enumerate(records):
        filled = [f for f in rec if f.strip()]
        if len(filled) >= 2 and not is_note(filled):
            return i if i and is_header(rec) else 0
    return 0


class CsvReader(Reader):
    kind = "csv"
    delimiter = ","
    #: set by the scanner to its Detector: each decoded block goes through the prefilter and its validator
    #: gate, and only the cells of records on a line with a candidate reach stage 2 (``None``: all cells)
    prefilter: Any = None
    BATCH = 4096  # candidate cells handed over per batch of columns

    def __init__(self, path: str, display_path: str | None = None, *, opener=None) -> None:
        super().__init__(path, display_path, opener=opener)
        self._ds: DecodedStream | None = None
        self.rows = 0
        self.faults: list[str] = []
        self.counts: dict[tuple[str | None, str], int] = {}  # non-empty values per column
        self.unscanned = 0  # characters of values no prefilter report pointed at
        self._filtering = True
        self._line_reports: dict[int, list[tuple[int, int, str | None]]] = {}  # line -> (end, pattern, value)
        self._raw: list[str] = []  # the lines of the record being read, as written

    def _lines(self, ds: DecodedStream) -> Iterator[str]:
        for block, first in ds.blocks():
            if self.prefilter is not None and self._filtering:
                if b"\r" in block and block.count(b"\r") != block.count(b"\r\n"):
                    # a lone CR ends a line for the csv module but not for line numbers: from here on,
                    # records cannot be matched to the lines the prefilter reported; scan every cell
                    self._filtering = False
                else:
                    self._note_candidates(block, first)
            yield from io.StringIO(block.decode("utf-8", "replace"), newline="")

    def _tracked(self, lines: Iterator[str]) -> Iterator[str]:
        for ln in lines:
            self._raw.append(ln)  # the csv module reads no further than the record it returns
            yield ln

    def _records(self, rdr: Iterator[list[str]]) -> Iterator[tuple[list[str], list[str]]]:
        """Each record with the lines it was read from, as written."""
        for rec in rdr:
            raw_lines, self._raw = self._raw, []
            yield rec, raw_lines

    def _note_candidates(self, block: bytes, first: int) -> None:
        """Record, per line of ``block`` (first line number ``first``), the validator-gated prefilter
        reports on it: their end offsets within the line (bytes), pattern (``-1``: a generic report, any
        pattern may apply) and value (``None`` for a generic report)."""
        lines = self._line_reports
        for c in by_line(self.prefilter, block, first):
            lines.setdefault(c.line, []).append((c.end, c.pattern, c.value))

    def _cell_patterns(self, first: int, last: int, rec: list[str], last_line: str,
                       delimiter: str) -> list[tuple[int, ...] | bool | None]:
        """Per field of record ``rec`` (lines ``first..last``, the last written as ``last_line``): ``False``
        when no report points at it (stage 2 cannot find anything there), else the patterns to run (``None``:
        all); see :func:`piscan.sources.csv_fields.field_patterns` (compiled)."""
        lines = self._line_reports
        reports = [r for ln in range(first, last + 1) for r in lines.pop(ln, ())]
        return field_patterns(reports, rec, last_line.rstrip("\r\n"), delimiter, first == last)

    def items(self) -> Iterator[CellBatch]:
        fh = self.open_binary()
        self._ds = ds = DecodedStream(fh)
        ragged = 0
        counts = self.counts
        pending: dict[str, list[tuple]] = {}
        pending_plain: dict[str, list[tuple]] = {}  # unquoted fields that hold quotes (="110…")
        n_pending = 0
        try:
            head, lines = _peek(self._lines(ds), PREAMBLE_LOOKAHEAD)
            # the delimiter of the first line that has one (a title line above the header has none)
            sample = next((ln for ln in head if any(d in ln for d in _DELIMITERS)), head[0] if head else "")
            delimiter = sniff_delimiter(sample, self.delimiter)
            rdr = csv.reader(self._tracked(lines), delimiter=delimiter)
            ahead, records = _peek(self._records(rdr), PREAMBLE_LOOKAHEAD)
            preamble = header_index([r for r, _ in ahead])
            header: list[str] | None = None
            start = 1
            newlines, tail = 0, 0  # LFs before the record, and characters after the last of them
            for k, (rec, raw_lines) in enumerate(records):
                # lines count LFs only (the csv module also ends a line at a lone CR): the record starts on
                # line ``newlines + 1``, ``tail`` characters in
                line, col0 = newlines + 1, tail
                raw_text = raw_lines[0] if len(raw_lines) == 1 else "".join(raw_lines)
                last_lf = raw_text.rfind("\n")
                if last_lf == -1:
                    tail += len(raw_text)
                else:
                    newlines += raw_text.count("\n")
                    tail = len(raw_text) - last_lf - 1
                start = newlines + 1
                last = line + raw_text.count("\n") - raw_text.endswith("\n")  # the record's last line
                if k < preamble:  # a title line above the header: scanned as text, no column
                    if raw_text.strip():
                        yield Chunk(raw_text.encode("utf-8"), line)
                    continue
                if header is None:
                    rec = [h.lstrip("\ufeff") if i == 0 else h for i, h in enumerate(rec)]
                    if is_header(rec):
                        header = [h.strip() or f"col{i + 1}" for i, h in enumerate(rec)]
                        continue
                    # an export without a header row: the first row is data, columns are named by position
                    header = [f"col{i + 1}" for i in range(len(rec))]
                if not rec:
                    continue
                self.rows += 1
                if len(rec) != len(header):
                    ragged += 1
                    if ragged <= 3:
                        self.faults.append(f"line {line}: row has {len(rec)} fields, "
                                           f"header has {len(header)}")
                pats = (self._cell_patterns(line, last, rec, raw_lines[-1], delimiter) if self.prefilter is not None
                        and self._filtering else [None] * len(rec))
                places = (field_places(raw_text, len(rec), delimiter)
                          if pats.count(False) != len(pats) else None)  # (a field is queued)
                plain = _unquoted_with_quotes(rec, pats, places, raw_text) if places is not None else []
                if places is not None and col0:
                    places = [(down, col + col0 if down == 0 else col) for down, col in places]
                field_pats = pats
                if plain:  # queued apart: their quotes are written once, not doubled (Cell.written None)
                    pats = [False if i in plain else p for i, p in enumerate(pats)]
                unscanned, queued = queue_fields(rec, header, pats, counts, pending, line, str(self.rows), places)
                for i in plain:
                    assert places is not None
                    col = header[i] if i < len(header) else f"col{i + 1}"
                    down, at = places[i]
                    pending_plain.setdefault(col, []).append((rec[i], line + down, at, str(self.rows), field_pats[i]))
                    unscanned -= len(rec[i])  # (counted as left out by queue_fields)
                    queued += 1
                self.unscanned += unscanned
                n_pending += queued
                if n_pending >= self.BATCH:
                    yield from self._flush(pending)
                    yield from self._flush(pending_plain, None)
                    n_pending = 0
        except csv.Error as exc:
            self.faults.append(f"CSV syntax error near line {start}: {exc}")
        except SourceError as exc:
            self.faults.append(exc.reason)
            if exc.kind != "error" and len(self.faults) == 1:
                raise
        finally:
            fh.close()
        yield from self._flush(pending)  # the rest, also what was read before a fault
        yield from self._flush(pending_plain, None)
        if ragged > 3:
            self.faults.append(f"{ragged} ragged rows in all")
        if self.faults:
            raise SourceError("; ".join(self.faults))

    @staticmethod
    def _flush(pending: dict[str, list[tuple]], written: str | None = "csv") -> Iterator[CellBatch]:
        for col, values in pending.items():
            yield CellBatch(None, col, (col,), values, written=written)
        pending.clear()

    def column_values(self) -> dict[tuple[str | None, str], int]:
        return dict(self.counts)

    def unscanned_chars(self) -> int:
        return self.unscanned

    def metadata(self) -> dict[str, Any]:
        return {**stream_metadata(self._ds), "rows_scanned": self.rows}


class TsvReader(CsvReader):
    kind = "tsv"
    delimiter = "\t"
