r"""``mysqldump --tab`` exports (and ``SELECT … INTO OUTFILE`` with the default options): per table a
``t.sql`` with its ``CREATE TABLE`` and a ``t.txt`` of its rows, read as cells with table, column and row.

The ``.txt`` is the format ``LOAD DATA`` reads by default: fields end at a tab, rows at a newline, and a
backslash escapes the next character -- a tab or a newline inside a value is written as a backslash and
the character itself (so a value with a newline spans two lines of the file), a backslash as ``\\``, NUL as
``\0``; ``\N`` alone is NULL. Column names and the primary key come from the ``CREATE TABLE`` in the
``.sql`` beside the ``.txt``, the database from its ``-- Host: … Database: db`` header. The reader is chosen
for a ``.txt`` only when that ``.sql`` exists and holds a ``CREATE TABLE``.

Blocks go through the prefilter and validator gate; only rows holding a surviving report are split into
fields. A finding's ``line`` is the physical line its value's text starts on, its columns count as the
value is written (escapes included).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from piscan.detection.detector import may_hold_value
from piscan.sources.base import SAFE_ROW_KEY_BYTES, Cell, Reader, SourceError
from piscan.sources.sql_common import read_schema_file, unescape_backslashes
from piscan.sources.text import DecodedStream, stream_metadata

_ROW = re.compile(rb"(?:[^\\\n]++|\\.)*+\n?", re.S)
_FIELD = re.compile(rb"((?:[^\\\t\n]++|\\.)*+)(\t|\n|$)", re.S)
_DATABASE = re.compile(r"^-- Host: .*?Database: (\S+)", re.M)


def schema_beside(path: str) -> tuple[str, list[str], list[str]] | None:
    """``(table, columns, key)`` from the ``CREATE TABLE`` in the ``.sql`` beside the ``.txt`` ``path``."""
    stem, ext = os.path.splitext(path)
    if ext.lower() != ".txt" or not os.path.isfile(stem + ".sql"):
        return None
    schema = read_schema_file(stem + ".sql")
    if schema is None:
        return None
    text, (parts, cols, pk) = schema
    db = _DATABASE.search(text)
    if db and len(parts) == 1:
        parts = [db.group(1), *parts]
    return ".".join(parts), cols, pk


class MysqlTabReader(Reader):
    kind = "mysql_tab"
    written = "tab"
    #: set by the scanner to its Detector (rows without a surviving report are only counted)
    prefilter: Any = None

    def __init__(self, path: str, display_path: str | None = None, *, opener=None) -> None:
        super().__init__(path, display_path, opener=opener)
        self.counts: dict[tuple[str, str], int] = {}
        self.rows = 0
        self.unscanned = 0
        self._ds: DecodedStream | None = None
        self.faults: list[str] = []

    def items(self) -> Iterator[Cell]:
        schema = schema_beside(self.path)
        if schema is None:
            raise SourceError("mysqldump --tab data without its .sql (CREATE TABLE) beside it")
        table, columns, pk = schema
        key_i = columns.index(pk[0]) if len(pk) == 1 and pk[0] in columns else None
        fh = self.open_binary()
        self._ds = ds = DecodedStream(fh, strict=False, allow_binary=True)
        pending, first = b"", 1
        try:
            for block, line in ds.blocks():
                data = pending + block
                first = line - pending.count(b"\n") if pending else line
                cands = self.prefilter.candidates(data) if self.prefilter is not None else None
                used = yield from self._rows(data, first, table, columns, key_i, cands, final=False)
                pending = data[used:]
            if pending:
                yield from self._rows(pending, first + data.count(b"\n", 0, len(data) - len(pending)), table,
                                      columns, key_i, None, final=True)
        finally:
            fh.close()
        if self.faults:
            f = self.faults
            raise SourceError("; ".join(f if len(f) <= 3 else [*f[:2], f"… {len(f) - 3} more …", f[-1]]))

    def _rows(self, data: bytes, first: int, table: str, columns: list[str], key_i: int | None, cands: Any,
              final: bool) -> Iterator[Cell]:
        """Cells of the rows of ``data`` (starting at line ``first``); returns the bytes used (a row cut at
        the block's end waits for the next block, unless ``final``)."""
        ends = cands.ends if cands is not None else None
        line, counted = first, 0
        pos, n = 0, len(data)
        k = 0  # next report
        ncols = len(columns)
        while pos < n:
            m = _ROW.match(data, pos)
            end = m.end() if m else n
            if end == pos:
                break
            if data[end - 1:end] != b"\n" and not final:
                break  # the rest of this row is in the next block
            row = data[pos:end]
            self.rows += 1
            line += data.count(b"\n", counted, pos)
            counted = pos
            hit = ends is None
            if ends is not None:
                while k < len(ends) and ends[k] <= pos:
                    k += 1
                hit = k < len(ends) and ends[k] <= end
            fields = [(f.start(1), f.group(1)) for f in _FIELD.finditer(row) if f.end() > f.start() or f.group(2)]
            if len(fields) != ncols:
                self.faults.append(f"line {line}: {table}: row with {len(fields)} fields, expected {ncols}")
            key = str(self.rows)
            if key_i is not None and key_i < len(fields) and SAFE_ROW_KEY_BYTES.fullmatch(fields[key_i][1]):
                key = fields[key_i][1].decode()
            for ci, (fs, raw) in enumerate(fields[:ncols]):
                if raw == b"\\N":
                    continue
                column = columns[ci]
                self.counts[(table, column)] = self.counts.get((table, column), 0) + 1
                text = unescape_backslashes(raw.decode("utf-8", "replace"))
                if not hit or not may_hold_value(text):
                    self.unscanned += len(text)
                    continue
                fline = line + row.count(b"\n", 0, fs)
                ls = row.rfind(b"\n", 0, fs) + 1
                offset = len(row[ls:fs].decode("utf-8", "replace"))
                yield Cell(text, line=fline, offset=offset, table=table, column=column, row=key,
                           context=(column,), written="tab")
            pos = end
        return pos

    def metadata(self) -> dict[str, Any]:
        return {**stream_metadata(self._ds), "dialect": self.kind, "tables": 1, "rows_scanned": self.rows}

    def column_values(self) -> dict[tuple[str, str], int]:
        return dict(self.counts)

    def unscanned_chars(self) -> int:
        return self.unscanned
