"""Column-aware, streaming SQL dump reader (mysqldump, pg_dump plain, SQLite ``.dump``, T-SQL scripts).

How it stays fast: the detector's stage-1 prefilter runs over each raw block (``prefilter.ends``); rows are
counted per column with one C-level ``findall`` per statement (non-NULL counts for the asset report), and
only lines that hold a prefilter report are tokenised with positions (MariaDB rows, one per line, are read
by position from the split that counted them), so each candidate value becomes a
:class:`Cell` with ``table``, ``column``, ``row`` and the column name as context. Memory is bounded by the
block size plus one statement (MySQL rows and COPY rows are line-contained and never carried over).

Dialects: ``mysql`` (backslash escapes, ``_binary`` literals, extended or one-row INSERTs, with or without
column lists), ``std`` (PostgreSQL ``--inserts``/``--column-inserts`` and SQLite: doubled quotes, raw newlines
inside strings, SQLite ``replace(…,'\\n',char(10))``), and COPY blocks (tab separated, ``\\N``, ``\\.``).
"""

from __future__ import annotations

import functools
import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import Any

from piscan.sources.base import SAFE_ROW_KEY_BYTES, Cell, CellBatch, Reader, SourceError
from piscan.sources.dump_rows import (
    COPY,
    MYSQL,
    copy_text,
    mysql_row_parts,
    mysql_value,
    opening_quote,
    read_by_position,
    value_patterns,
)
from piscan.sources.sql_common import (
    COPY_HDR,
    CREATE_HDR,
    INSERT_HDR,
    ROW_GAP,
    USE_STMT,
    VALUE_TOKEN,
    TableInfo,
    column_list,
    copy_fields,
    decode_hex_literal,
    inherited_tables,
    mysql_row_values,
    mysql_rows,
    parse_create_table,
    read_schema_file,
    split_qname,
    unescape_mysql,
    unescape_std,
)
from piscan.sources.text import DecodedStream, stream_metadata

# a statement ends with ``);`` (or ``;``) at a line end, optionally followed by a comment on the same line
# (``… ); -- piscan:ignore``, ``… ); /* note */``)
_TRAIL = rb"[ \t]*(?:--[^\n]*|/\*[^\n]*?\*/[ \t]*|#[^\n]*)?\r?\n"
_STMT_END = re.compile(rb"\);" + _TRAIL)
_SEMI_EOL = re.compile(rb";" + _TRAIL)
_COPY_END = re.compile(rb"^\\\.\r?$", re.M)  # the reference for copy_end (and its test)
_NL_COPY_END = re.compile(rb"\n\\\.")  # a literal: sre searches it in C without trying every position
_SET_STD_STRINGS = re.compile(rb"SET\s+standard_conforming_strings\s*(?:=|TO)\s*'?(on|off)'?\s*;", re.I)
# plain pg_dump writes a large object as lo_open('<oid>', …) and lowrite(0, '\x<hex>') calls of up to 16 KiB
_LO_OPEN = re.compile(rb"SELECT\s+pg_catalog\.lo_open\('(\d+)'", re.I)
_LOWRITE = re.compile(rb"SELECT\s+pg_catalog\.lowrite\(0,\s*'\\x([0-9a-fA-F]*)'\);", re.I)
_DIGITS3 = re.compile(r"[0-9\uff10-\uff19]{3}")
LARGE_OBJECTS = "pg_catalog.pg_largeobject"  # the pseudo-table of large objects (pg_archive reads them alike)
# ``\connect db``, ``\connect "My DB"``, ``\connect -reuse-previous=on "dbname='db'"`` (pg_dumpall)
_CONNECT = re.compile(rb"\\connect\s+(?:-reuse-previous=\S+\s+)?"
                      rb"""(?:"dbname='((?:[^']|'')*)'"|"((?:[^"]|"")*)"|(\S+))""")
_CUT_HEAD = re.compile(rb"(?:(?:INSERT|REPLACE)(?:\s+IGNORE)?(?:\s+INTO)?|COPY)\s", re.I)
_COPY_NULL = re.compile(rb"(?<![^\t\n])\\N(?=[\t\r\n])")
# Values the byte prefilter cannot see in the raw dump, handed to the detector with every pattern:
# * a value right after a backslash escape (``'addr\n13800138000'``, COPY ``\t13800138000``, SQLite
#   ``replace('a\n13800138000',…)``): in the raw bytes the digits follow a letter, so no word boundary;
# * hex-encoded binary values (``--hex-blob`` ``0x3133…``, SQLite ``X'3133…'``, bytea ``\x3133…``) whose bytes
#   hold a digit run: the text is only there once decoded.
_ESC_DIGIT = re.compile(rb"\\[nrtbfvZ0](?=\+?[0-9])")
_HEX_LIT = re.compile(rb"(?:0[xX]|[Xx]'|\\x)((?:[0-9A-Fa-f]{2}){4,})")
_HEX_PREFIXES = (b"0x", b"0X", b"X'", b"x'", b"\\x")  # found with bytes.find: a regex scan is 10x slower
_WORD = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_HEX_DIGITS = re.compile(rb"[0-9]{4}")
DUMP_BLOCK = 1 << 20
MAX_STATEMENT = 64 << 20


#: parser state between statements or rows: (mode, database, {table: (columns, primary key)}, backslash
#: escapes in strings), where mode is None or ("insert" | "copy", table)
DumpState = tuple[tuple[str, str] | None, str | None, dict[str, tuple[tuple[str, ...], tuple[str, ...]]], bool]


class _Window:
    """At most ``n`` bytes of a binary file from its current position."""

    def __init__(self, fh, n: int) -> None:
        self.fh = fh
        self.left = n

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self.left:
            size = self.left
        data = self.fh.read(size) if size else b""
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.fh.close()


def _newline_ended(blocks: Iterator[tuple[bytes, int]]) -> Iterator[tuple[bytes, int]]:
    """``blocks`` with a newline added to the last one when it has none: a statement on the last line of a dump
    is complete without it (statement ends are recognised at line ends)."""
    prev = None
    try:
        for item in blocks:
            if prev is not None:
                yield prev
            prev = item
    except SourceError:  # a read fault (truncated .gz): the block read before it is still scanned, as is
        if prev is not None:
            yield prev
        raise
    if prev is not None:
        block, line = prev
        yield (block if block.endswith(b"\n") else block + b"\n"), line


# What the extra-candidate searches look for, as fixed-width patterns for one Hyperscan pass: an escape
# before a digit (``_ESC_DIGIT`` with its look-ahead consumed) and the head of a hex literal (its prefix
# and the 8 hex digits ``_HEX_LIT`` needs at least; the rest of the literal is then read with ``_HEX_LIT``).
_EXTRA_PATTERNS = (rb"\\[nrtbfvZ0]\+?[0-9]", rb"(?:0[xX]|[Xx]'|\\x)[0-9A-Fa-f]{8}")
_EXTRA_SCANNER: list[Any] = []  # [EndScanner or None], built on first use


def _extra_scanner() -> Any:
    if not _EXTRA_SCANNER:
        from piscan.detection.engine import end_scanner

        _EXTRA_SCANNER.append(end_scanner(_EXTRA_PATTERNS))
    return _EXTRA_SCANNER[0]


def _extra_by_scanner(scanner: Any, data: bytes) -> list[int]:
    """``SqlDumpReader._extra_candidates`` from the matches of :data:`_EXTRA_PATTERNS` (the same positions
    as the searches, ``tests/sources/test_sources_dump_fastpaths.py``): an escape match ends after its
    digit, one byte later after a ``+``, so it starts 3 or 4 bytes before its end and the candidate is
    where ``_ESC_DIGIT``'s match ends plus one; a hex head starts 10 bytes before its end."""
    out: list[int] = []
    for end, pid in scanner.ends(data):
        if pid == 0:
            out.append(end - 1 if data[end - 2] == 43 else end)  # (start + 2) + 1, start = end - 4 or end - 3
            continue
        start = end - 10
        if data[start] != 92 and start > 0 and data[start - 1] in _WORD:  # 0x… and X'… start a word
            continue
        m = _HEX_LIT.match(data, start)
        if m is not None and _HEX_DIGITS.search(bytes.fromhex(m.group(1).decode("ascii"))):
            out.append(m.end())
    out.sort()
    return out


def copy_end(data: bytes, pos: int) -> int:
    """Where the line ``\\.`` that ends a COPY block starts in ``data`` at or after ``pos``, else -1: what
    ``_COPY_END.search(data, pos)`` finds, by searching for a newline followed by ``\\.`` (the multi-line
    regex took 0.9 s per 100 MB of COPY rows to find nothing; ``bytes.find(b"\\\\.")`` ~90 ms, as ``\\N``
    and decimal points are frequent there; this literal regex ~30 ms).

    >>> copy_end(b"1\\t2\\n\\\\.\\n", 0), copy_end(b"a\\\\.b\\n\\\\.\\r\\n", 0), copy_end(b"x\\\\.", 0)
    (4, 5, -1)
    """
    n = len(data)
    if pos == 0 and data.startswith(b"\\."):
        i = 0
    else:
        m = _NL_COPY_END.search(data, max(pos - 1, 0))  # the newline before a line start at ``pos`` counts
        i = -1 if m is None else m.start() + 1
    while i != -1:
        j = i + 2
        if j < n and data[j] == 13:
            j += 1
        if j == n or data[j] == 10:
            return i
        m = _NL_COPY_END.search(data, i)
        i = -1 if m is None else m.start() + 1
    return -1


#: a table's data file of mydumper (``db.table.00000.sql``, compressed too) or of ``mysqldump --tab``-style
#: exports split per table (``db.table.sql``)
_SPLIT_NAME = re.compile(r"^([^.]+)\.(.+?)(?:\.\d+)?\.sql(?:\.gz|\.zst|\.bz2|\.xz|\.lz4)?$")


def split_dump_name(path: str, display: str) -> tuple[str, str] | bool:
    """``(database, table)`` when ``path`` is a per-table data file of a dump folder (mydumper names its
    files ``db.table.00000.sql`` and keeps each table's ``CREATE TABLE`` in ``db.table-schema.sql``); else
    ``False``. Not for zip members (their siblings are not files)."""
    if "!" in str(display):
        return False
    m = _SPLIT_NAME.match(os.path.basename(path))
    if m is None or m.group(2).endswith("-schema"):
        return False
    return m.group(1), m.group(2)


def sibling_schema(path: str, split: tuple[str, str], t: TableInfo) -> None:
    """Columns and key of ``t`` from the ``CREATE TABLE`` in its schema file beside ``path`` (mydumper's
    ``db.table-schema.sql``, plain or compressed), when its data file has neither a ``CREATE TABLE`` nor
    column lists."""
    db, table = split
    folder = os.path.dirname(path)
    for name in (f"{db}.{table}-schema.sql", *(f"{db}.{table}-schema.sql.{ext}" for ext in ("gz", "zst", "lz4"))):
        cand = os.path.join(folder, name)
        if not os.path.isfile(cand):
            continue
        schema = read_schema_file(cand)
        if schema:
            _parts, t.columns, t.pk = schema[1]
        return


class SqlDumpReader(Reader):
    kind = "sql"
    dialect = "mysql"  # string syntax of INSERT values: "mysql" or "std"
    written = "mysql"  # how INSERT strings are escaped (see sql_common.as_written)
    # where statements end in the "std" dialect (see _std_end)
    _insert_end = _STMT_END
    _ddl_end = _SEMI_EOL

    def __init__(self, path: str, display_path: str | None = None, *, opener=None) -> None:
        super().__init__(path, display_path, opener=opener)
        self.prefilter = None  # set by the scanner; without it every value is a candidate
        self.tables: dict[str, TableInfo] = {}
        self.counts: dict[tuple[str, str], int] = {}
        self.faults: list[str] = []
        self._db: str | None = None
        self._ds: DecodedStream | None = None
        self._tok = VALUE_TOKEN[self.dialect]
        self._unescape = unescape_mysql if self.dialect == "mysql" else unescape_std
        # pg_dump of a server with standard_conforming_strings off: it says so (SET … = off) and writes every
        # backslash in a string literal doubled, so backslashes in strings are escapes from there on
        self._backslashes = False
        # streaming state: None | ("insert", table) | ("copy", table)
        self._mode: tuple[str, TableInfo] | None = None
        self._split: tuple[str, str] | bool | None = None  # see split_dump_name (False: not such a file)
        self._lo_oid: str | None = None  # the large object lowrite calls write to (plain pg_dump)
        self._lo_counted: str | None = None
        self._copy_line = 0
        # split scanning (see start_range / plan_split)
        self._range: tuple[int, int] | None = None
        self._line0 = 0  # line number before the range's first line
        self._final = True  # the range runs to the end of the dump
        self._structure = False  # plan_split: statements and tables only, no values
        self._ordinal: type = str  # row ordinals as text; int in a range (the scanner adds the rows before it)
        self.end_state: DumpState | None = None

    # ------------------------------------------------------------------ driver
    def items(self) -> Iterator[Cell | CellBatch]:
        fh = self.open_binary()
        rng = self._range
        if rng is not None:
            fh.seek(rng[0])
            fh = _Window(fh, rng[1] - rng[0])
        # 1 MiB blocks: a block's candidate cells are held until the scanner consumes them, so the block
        # size bounds the reader's memory (8 MiB blocks cost ~4x the transient memory for no speed gain); and
        # a block of rows with PI in every value (~26,000 candidates per MiB) stays under the detector's
        # 32,768 cached gate verdicts, so no value is validated twice
        self._ds = ds = DecodedStream(fh, "utf-8" if rng is not None else None, strict=False, allow_binary=True,
                                      block_size=DUMP_BLOCK)
        pending = b""
        data, first, used = b"", 1, 0
        line0 = self._line0
        last: tuple[bytes, int] = (b"", 1)
        try:
            for block, line in _newline_ended(ds.blocks()) if self._final else ds.blocks():
                line += line0
                last = (block, line)
                if pending:
                    # the unread tail of the previous data ends where this block starts (the stream counted
                    # the block's lines: counting the data read again cost a pass over every byte)
                    data, first = pending + block, line - pending.count(b"\n")
                else:
                    data, first = block, line
                cells, used = self._parse(data, first, final=False)
                yield from cells
                pending = data[used:]
                if len(pending) > MAX_STATEMENT:
                    self._fault(first + data.count(b"\n", 0, used),
                                "statement longer than 64 MiB (unterminated string?); skipped")
                    pending = b""
                    self._mode = None
            if pending and self._final:
                cells, used = self._parse(pending, first + data.count(b"\n", 0, used), final=True)
                yield from cells
            elif self._final and self._mode is None:
                self._cut_header(*last)
            elif not self._final and not pending:
                self.end_state = self.state()  # else None: the range does not end between statements
        except SourceError as exc:
            self.faults.append(exc.reason)
        finally:
            fh.close()
        if self._mode is not None and self._final:
            kind, t = self._mode
            if kind == "copy":
                self.faults.append(f"COPY block for {t.name} not terminated by \\. (dump truncated?)")
            else:
                self.faults.append(f"INSERT INTO {t.name} not terminated by ';' (dump truncated?)")
        if self.faults:
            f = self.faults
            if len(f) > 3:  # the first faults and the last one (often the reason the scan stopped)
                f = [*f[:2], f"… {len(f) - 3} more …", f[-1]]
            raise SourceError("; ".join(f))

    # ------------------------------------------------------------------ split scanning
    # A large dump is scanned by several processes (Scanner._scan_parallel_dump): plan_split reads it once
    # without looking at values and records the parser state at block ends where no statement is pending;
    # each range is scanned by a reader set to its start state (start_range), which hands back the state at
    # its end (end_state). Equal to the next range's recorded start state, it proves that range started
    # right; the scanner rescans from the first range where it is not.

    def state(self) -> DumpState:
        """The parser state between two statements or rows: mode, current database, tables (columns, key)."""
        mode = None if self._mode is None else (self._mode[0], self._mode[1].name)
        return (mode, self._db, {n: (tuple(t.columns), tuple(t.pk)) for n, t in self.tables.items()},
                self._backslashes)

    def start_range(self, start: int, end: int, state: DumpState, *, first_line: int, final: bool,
                    rows: dict[str, int] | None = None, ordinal_rows: bool = False) -> None:
        """Read only bytes ``[start, end)`` of the (uncompressed UTF-8) dump, starting in ``state`` at line
        ``first_line``, with ``rows`` rows per table before it. ``final``: the range ends the dump (else an
        open statement at its end is not a fault). ``ordinal_rows``: row ordinals stay ``int`` (counted from
        the range start) so the caller can add the rows of earlier ranges."""
        mode, db, tables, backslashes = state
        self._set_backslashes(backslashes)
        rows = rows or {}
        self.tables = {n: TableInfo(n, list(c), list(k), rows.get(n, 0)) for n, (c, k) in tables.items()}
        self._db = db
        self._mode = None if mode is None else (mode[0], self.tables[mode[1]])
        self._range = (start, end)
        self._line0 = first_line - 1
        self._final = final
        self._ordinal = int if ordinal_rows else str

    def plan_split(self, every: int) -> list[tuple[int, int, DumpState]] | None:
        """Split points about ``every`` bytes apart: ``(byte offset, line number there, parser state)``,
        each at a block end where no statement is pending. Reads the whole dump (and fills ``metadata()``'s
        size and digest) without tokenising values. ``None`` when the dump cannot be split: not plain UTF-8,
        or a fault (those are reported by the scan itself)."""
        self._structure = True
        fh = self.open_binary()
        self._ds = ds = DecodedStream(fh, strict=False, allow_binary=True, block_size=DUMP_BLOCK)
        points: list[tuple[int, int, DumpState]] = []
        pending = b""
        data, first, used = b"", 1, 0
        offset = last = 0
        try:
            for block, line in ds.blocks():
                if ds.encoding != "utf-8":
                    return None
                data, first = (pending + block, line - pending.count(b"\n")) if pending else (block, line)
                _, used = self._parse(data, first, final=False)
                offset += len(block)
                pending = data[used:]
                if len(pending) > MAX_STATEMENT:
                    return None
                if not pending and offset - last >= every:
                    points.append((offset, line + block.count(b"\n"), self.state()))
                    last = offset
            if pending:
                self._parse(pending, first + data.count(b"\n", 0, used), final=True)
        except SourceError:
            return None
        finally:
            fh.close()
            self._structure = False
        if self.faults or self._mode is not None:
            return None
        if points and points[-1][0] >= offset:  # nothing after the last point
            points.pop()
        return points

    def _fault(self, line: int, what: str) -> None:
        self.faults.append(f"line {line}: {what}")

    def metadata(self) -> dict[str, Any]:
        return {**stream_metadata(self._ds), "dialect": self.kind,
                "tables": len(self.tables), "rows_scanned": sum(t.rows for t in self.tables.values())}

    def column_values(self) -> dict[tuple[str, str], int]:
        return dict(self.counts)

    # ------------------------------------------------------------------ helpers
    def _table(self, raw: bytes) -> TableInfo:
        parts = split_qname(raw.decode("utf-8", "replace"))
        if len(parts) == 1 and not self._db and self._split is None:
            self._split = split_dump_name(self.path, self.display_path)
            if self._split and self._split[1] == parts[0]:
                self._db = self._split[0]  # mydumper's db.table.00000.sql: the database is in the name
        name = self._qualified(parts)
        t = self.tables.get(name)
        if t is None:
            t = self.tables[name] = TableInfo(name)
            if self._split:
                sibling_schema(self.path, self._split, t)
        return t

    def _qualified(self, parts: list[str]) -> str:
        """A table's name with the current database: MySQL ``USE db``; pg_dumpall ``\\connect db`` and T-SQL
        ``USE [db]``, then ``schema.table``."""
        if self._db and (len(parts) == 1 or (len(parts) == 2 and self.dialect == "std")):
            parts = [self._db, *parts]
        return ".".join(parts)

    def _count(self, t: TableInfo, rows: int, nulls: list[int]) -> None:
        t.rows += rows
        counts = self.counts
        for i, col in enumerate(t.columns):
            key = (t.name, col)
            counts[key] = counts.get(key, 0) + rows - (nulls[i] if i < len(nulls) else 0)

    # ------------------------------------------------------------------ parser
    def _parse(self, data: bytes, first_line: int, final: bool) -> tuple[list[Cell | CellBatch], int]:
        """Parse ``data`` (starts at a line or statement boundary); return cells and bytes consumed."""
        if self._structure:
            cands, ends = None, []
        else:
            # (values reach the scanner with their verdicts: the detector need not keep them for scan_text)
            cands = self.prefilter.candidates(data, False) if self.prefilter is not None else None
            ends = cands.ends if cands is not None else None
        self._cands = cands  # the region parsers ask it which patterns reported a value
        self._extra = extra = self._extra_candidates(data) if ends is not None and not self._structure else []
        if extra:
            ends = sorted(ends + extra)
        out: list[Cell | CellBatch] = []
        n = len(data)
        pos = 0
        lc = [0, first_line]  # incremental line counter: (byte position, line number there)

        def line_at(p: int) -> int:
            if p < lc[0]:
                return first_line + data.count(b"\n", 0, p)
            lc[1] += data.count(b"\n", lc[0], p)
            lc[0] = p
            return lc[1]

        while pos < n:
            mode = self._mode
            if mode is not None and mode[0] == "copy":
                t = mode[1]
                stop = copy_end(data, pos)
                self._copy_region(data, pos, n if stop == -1 else stop, t, ends, out, line_at)
                if stop == -1:
                    return out, n
                self._mode = None
                pos = data.find(b"\n", stop)
                pos = n if pos == -1 else pos + 1
                continue
            if mode is not None:  # inside a MySQL INSERT that spans blocks
                t = mode[1]
                m = _STMT_END.search(data, pos)
                stop = m.start() + 1 if m else n
                self._insert_region(data, pos, stop, t, ends, out, line_at)
                if m is None:
                    return out, n
                self._mode = None
                pos = m.end()
                continue
            # at the start of a line / statement
            while pos < n and data[pos] in b" \t\r\n":
                pos += 1
            if pos >= n:
                break
            c = data[pos]
            if c in b"Ii" or c in b"Rr":
                h = INSERT_HDR.match(data, pos)
                if h:
                    t = self._table(h.group(1))
                    if h.group(2):
                        cols = column_list(h.group(2))
                        if cols != t.columns:
                            t.columns = cols
                    vs = h.end()
                    if self.dialect == "mysql":
                        m = _STMT_END.search(data, vs)
                        if m is None:
                            self._mode = ("insert", t)
                            self._insert_region(data, vs, n, t, ends, out, line_at)
                            return out, n
                        self._insert_region(data, vs, m.start() + 1, t, ends, out, line_at)
                        pos = m.end()
                    else:
                        e = self._std_end(data, vs)
                        if e is None:
                            if final:
                                self._fault(line_at(pos), f"INSERT INTO {t.name}: unterminated string or "
                                                          "statement (dump cut?)")
                                return out, n
                            return out, pos
                        self._insert_region(data, vs, e[0], t, ends, out, line_at)
                        pos = e[1]
                    continue
            elif c in b"Cc":
                h = COPY_HDR.match(data, pos)
                if h:
                    t = self._table(h.group(1))
                    if h.group(2):
                        t.columns = column_list(h.group(2))
                    self._mode = ("copy", t)
                    pos = h.end()
                    continue
                h = CREATE_HDR.match(data, pos)
                if h:
                    e = self._std_end(data, pos, ddl=True)
                    if e is None:
                        if final:
                            self._fault(line_at(pos), "CREATE TABLE not terminated (dump cut?)")
                            return out, n
                        return out, pos
                    ddl = self._ddl_text(data[pos:e[0]])
                    parsed = parse_create_table(ddl)
                    if parsed:
                        parts, cols, pk = parsed
                        name = self._qualified(parts)
                        t = self.tables.setdefault(name, TableInfo(name))
                        inherited: list[str] = []
                        for parent in inherited_tables(ddl) if self.dialect != "mysql" else ():
                            p = self.tables.get(self._qualified(parent))
                            inherited += [c for c in (p.columns if p else []) if c not in inherited]
                        t.columns, t.pk = [*inherited, *(c for c in cols if c not in inherited)], pk
                    pos = e[1]
                    continue
            elif c in b"Uu":
                h = USE_STMT.match(data, pos)
                if h:
                    self._db = split_qname(h.group(1).decode("utf-8", "replace"))[0]
            elif c == 92 and self.dialect != "mysql":  # pg_dumpall: \connect to the next database
                h = _CONNECT.match(data, pos)
                if h:
                    raw = h.group(1) or h.group(2) or h.group(3) or b""
                    self._db = raw.decode("utf-8", "replace").replace("''", "'").replace('""', '"')
            elif c in b"Ss" and self.dialect != "mysql":
                h = _SET_STD_STRINGS.match(data, pos)
                if h:
                    self._set_backslashes(h.group(1).lower() == b"off")
                elif data.startswith(b"SELECT pg_catalog.lo", pos):
                    self._large_object(data, pos, out, line_at)
            # any other line: scanned as plain text (comments, UPDATEs…), no column
            le = data.find(b"\n", pos)
            le = n if le == -1 else le + 1
            if self._has_hit(ends, pos, le):
                text = data[pos:le].decode("utf-8", "replace").rstrip("\r\n")
                out.append(Cell(text, line=line_at(pos), offset=0))
            pos = le
        return out, n

    def _ddl_text(self, stmt: bytes) -> str:
        """A ``CREATE TABLE`` as text. mysqldump ``--default-character-set=gbk`` writes rows in GBK but the
        ``SHOW CREATE TABLE`` text in UTF-8: read as GB18030 (the dump's encoding), its Chinese table and
        column names would not match the rows' (``INSERT INTO `客户```). Such a statement reads back as
        UTF-8 once encoded to GB18030 again; one really in GBK does not (GBK bytes are rarely valid UTF-8)."""
        text = stmt.decode("utf-8", "replace")
        if self._ds is not None and self._ds.encoding == "gb18030" and not text.isascii():
            try:
                return text.encode("gb18030").decode("utf-8")
            except UnicodeError:
                pass
        return text

    def _large_object(self, data: bytes, pos: int, out: list[Cell | CellBatch], line_at: Callable[[int], int]
                      ) -> None:
        """A plain dump's large object: ``lo_open`` names it, each ``lowrite`` holds a piece of its bytes
        in hex, read as a cell of ``pg_catalog.pg_largeobject.data`` with the oid as its row (columns count
        in the piece's decoded bytes). A value split across two pieces (16 KiB each) is not found."""
        h = _LO_OPEN.match(data, pos)
        if h:
            self._lo_oid = h.group(1).decode()
            return
        h = _LOWRITE.match(data, pos)
        if h is None:
            return
        t = self.tables.get(LARGE_OBJECTS)
        if t is None:
            t = self.tables[LARGE_OBJECTS] = TableInfo(LARGE_OBJECTS, ["loid", "data"], ["loid"])
        if self._lo_oid != self._lo_counted:
            self._lo_counted = self._lo_oid
            t.rows += 1
            key = (LARGE_OBJECTS, "data")
            self.counts[key] = self.counts.get(key, 0) + 1
        text = bytes.fromhex(h.group(1).decode("ascii")).decode("utf-8", "replace")
        if _DIGITS3.search(text):  # (a picture or a zip holds none worth a scan)
            out.append(Cell(text, line=line_at(pos), offset=0, table=LARGE_OBJECTS, column="data",
                            row=self._lo_oid, context=("data",)))

    def _cut_header(self, block: bytes, line: int) -> None:
        """A fault when the dump's last line (in its last ``block``, starting at ``line``) is an INSERT or COPY
        cut before its values (``INSERT INTO t VALU``): read as plain text, it would end the scan silently."""
        body = block.rstrip(b"\r\n")
        ls = body.rfind(b"\n") + 1
        tail = body[ls:].lstrip()
        if _CUT_HEAD.match(tail) and not INSERT_HDR.match(tail) and not COPY_HDR.match(tail + b"\n"):
            self._fault(line + body.count(b"\n", 0, ls), "INSERT or COPY cut before its values (dump truncated?)")

    def _set_backslashes(self, on: bool) -> None:
        self._backslashes = on
        if self.dialect != "mysql":
            self._unescape = functools.partial(unescape_std, backslashes=True) if on else unescape_std

    @staticmethod
    def _extra_candidates(data: bytes) -> list[int]:
        """Positions inside values the prefilter cannot report (see ``_ESC_DIGIT``, ``_HEX_LIT``), found
        in one Hyperscan pass where it is installed (:func:`_extra_by_scanner`), else by searches."""
        scanner = _extra_scanner()
        if scanner is not None:
            return _extra_by_scanner(scanner, data)
        return SqlDumpReader._extra_by_search(data)

    @staticmethod
    def _extra_by_search(data: bytes) -> list[int]:
        """:meth:`_extra_candidates` with ``re`` and ``bytes`` searches (~1.8 ms per MiB)."""
        out: list[int] = []
        backslash = b"\\" in data
        if backslash:
            out.extend(m.end() + 1 for m in _ESC_DIGIT.finditer(data))
        # a two-byte find reads ~1 ms per MiB, a one-byte one ~1/100 of that: a block without "x" or "X" needs
        # none of the prefix searches below, and "0x"/"0X" and "x'"/"X'" are looked for once each in the
        # lower-cased block before each is searched for where it is
        lower_x, upper_x = b"x" in data, b"X" in data
        low = data.lower() if lower_x or upper_x else b""
        present = {b"0x": b"0x" in low, b"X'": b"x'" in low, b"\\x": backslash and lower_x}
        present[b"0X"], present[b"x'"] = present[b"0x"], present[b"X'"]
        for lit in _HEX_PREFIXES:
            if not present[lit]:
                continue
            i = data.find(lit)
            while i != -1:
                m = _HEX_LIT.match(data, i)
                nxt = i + 1
                if m is not None and (lit == b"\\x" or i == 0 or data[i - 1] not in _WORD):
                    if _HEX_DIGITS.search(bytes.fromhex(m.group(1).decode("ascii"))):
                        out.append(m.end())
                    nxt = m.end()  # a literal right after this one is searched for too
                i = data.find(lit, nxt)
        out.sort()
        return out

    def _pats(self, s: int, e: int) -> tuple[int, ...] | None:
        """Patterns to run on the value spanning ``[s, e)``: those the prefilter reported, or all of them
        for a value only an extra candidate points at."""
        extra = self._extra
        if extra:
            k = bisect_right(extra, s)
            if k < len(extra) and extra[k] <= e + 1:
                return None
        cands = self._cands
        ce = cands.ends
        k = bisect_right(ce, s)
        if k < len(ce) and ce[k] <= e + 1 and (k + 1 == len(ce) or ce[k + 1] > e + 1):  # one report: the usual
            pid = cands.pids[k]
            return None if pid < 0 else (pid,)
        return cands.between(s, e + 1)

    @staticmethod
    def _has_hit(ends: list[int] | None, a: int, b: int) -> bool:
        if ends is None:
            return True
        i = bisect_right(ends, a)
        return i < len(ends) and ends[i] <= b

    def _std_end(self, data: bytes, start: int, ddl: bool = False) -> tuple[int, int] | None:
        """``(end of the statement's text, end of its line)`` in standard SQL quoting: an INSERT ends with the
        first ``);`` at a line end outside quotes, a ``CREATE TABLE`` with ``;`` (T-SQL: ``)`` without ``;``,
        and a ``GO`` line)."""
        rx = self._ddl_end if ddl else self._insert_end
        p = start
        while True:
            m = rx.search(data, p)
            if m is None:
                return None
            if data.count(b"'", start, m.start()) % 2 == 0:
                return (m.start() if ddl else m.start() + 1), m.end()
            p = m.end()

    # ------------------------------------------------------------------ INSERT values
    def _insert_region(self, data: bytes, rs: int, re_: int, t: TableInfo, ends, out, line_at) -> None:
        tok = self._tok
        row_base = t.rows
        ncols = len(t.columns)
        if self._structure and ncols:
            return
        counted: list[bytes] | bool = False
        if ncols and self.dialect == "mysql":
            # with a report in the region, the split keeps the values to read the candidates by position
            counted = self._count_rows(data, rs, re_, t, ends is not None and self._has_hit(ends, rs, re_))
        if not counted:
            toks = tok.findall(data, rs, re_)
            if not t.columns:  # no CREATE TABLE and no column list: name columns by position
                first = toks.index(b")") if b")" in toks else len(toks)
                t.columns = [f"col{i + 1}" for i in range(first)]
            ncols = len(t.columns)
            period = ncols + 1
            rows = len(toks) // period
            if len(toks) % period or toks[ncols::period].count(b")") != rows:
                self._ragged_insert(data, rs, re_, t, line_at)
            else:
                nulls = [0] * ncols
                if b"NULL" in toks:
                    i = -1
                    try:
                        while True:
                            i = toks.index(b"NULL", i + 1)
                            nulls[i % period] += 1
                    except ValueError:
                        pass
                self._count(t, rows, nulls)
        period = ncols + 1
        # candidate values: tokenise only the lines that hold a prefilter report
        if ends is not None and not self._has_hit(ends, rs, re_):
            return
        if ends is not None and isinstance(counted, list) and self._mysql_rows_by_position(
                data, rs, re_, counted, t, row_base, ends, out, line_at):
            return
        if ends is None or self.dialect != "mysql":  # std: one statement per row, strings span lines
            lines = [(rs, re_, -1)]
        else:
            lo, hi = bisect_right(ends, rs), bisect_right(ends, re_)
            lines = []
            for e in ends[lo:hi]:
                if lines and e <= lines[-1][1]:
                    continue
                lst = data.rfind(b"\n", 0, e - 1) + 1
                le = data.find(b"\n", e)
                lines.append((max(rs, lst), re_ if le == -1 or le > re_ else le, lst))
        unesc = self._unescape
        std = self.dialect != "mysql"  # '\x3133…' is a bytea in hex only in standard SQL
        pk_i = t.pk_index
        columns = t.columns
        found: list[list[tuple]] = [[] for _ in columns]  # candidate values per column, in input order
        pats_of = self._pats
        # code-point column of a byte position, counted incrementally: an Oracle MySQL dump holds a whole
        # table on one line, and decoding the line prefix for every value was quadratic
        cc = [-1, 0, 0]  # line start, byte position, code points from line start to it

        def col_of(p: int) -> int:
            if cc[0] >= 0 and p >= cc[1] and data.find(b"\n", cc[1], p) == -1:  # same line, further on
                cc[2] += len(data[cc[1]:p].decode("utf-8", "replace"))
            else:
                cc[0] = data.rfind(b"\n", 0, p) + 1
                cc[2] = len(data[cc[0]:p].decode("utf-8", "replace"))
            cc[1] = p
            return cc[2]

        rpos, rcount = rs, row_base
        for ls, le, lst in lines:
            rcount += data.count(b"\n", rpos, ls)  # MariaDB: one row per line
            rpos = ls
            if lst >= 0 and ncols:
                starts = self._row_values(data, ls, le, ncols)
                if starts is not None:
                    self._mysql_row(data, starts, lst, rcount + 1, pk_i, ends, found, line_at(ls))
                    continue
            row_no = rcount
            row: list[re.Match[bytes]] = []
            for m in tok.finditer(data, ls, le):
                if m.group() != b")":
                    row.append(m)
                    continue
                row_no += 1
                if len(row) == ncols:
                    key = self._ordinal(row_no)
                    if pk_i is not None and SAFE_ROW_KEY_BYTES.fullmatch(row[pk_i].group()):
                        key = row[pk_i].group().decode()
                    for ci, vm in enumerate(row):
                        s, e = vm.span()
                        pats = None
                        if ends is not None:
                            k = bisect_right(ends, s)
                            # a report ends at most one byte past the value: the prefilter consumes the
                            # boundary character after it (Hyperscan has no look-ahead)
                            if k >= len(ends) or ends[k] > e + 1:
                                continue
                            pats = pats_of(s, e)
                        raw = vm.group()
                        if raw == b"NULL":
                            continue
                        text = raw.decode("utf-8", "replace")
                        hexed = (decode_hex_literal(text) if raw[:1] in b"0Xx" or (raw[:1] == b"'" and std)
                                 else None)
                        text = unesc(text) if hexed is None else hexed
                        if std and hexed is None and text[:2] == "\\x":  # bytea once its backslash is unescaped
                            text = decode_hex_literal(text) or text
                        q = raw.find(b"'") if std else opening_quote(raw)
                        off = col_of(s + (q + 1 if q >= 0 else 0))
                        found[ci].append((text, line_at(s), off, key, pats))
                row = []
        self._flush(t, found, out, self.written)

    def _mysql_rows_by_position(self, data: bytes, rs: int, re_: int, parts: list[bytes], t: TableInfo,
                                row_base: int, ends: list[int], out: list, line_at) -> bool:
        """Candidate values of the MySQL rows ``data[rs:re_]`` (split into ``parts`` by :meth:`_count_rows`)
        when they are MariaDB rows, one per line (each row starts its line, the first one where the values
        start, and ends it with ``),`` or ``)`` at the end of the statement), or Oracle MySQL rows, all on
        the statement's one line (``),(`` between rows); no value holds a newline. Then every part is one
        byte after the previous one (``(``, ``,`` or ``)`` between them), so the position of each value comes
        from the lengths of the parts: the same values, patterns, rows, lines and offsets as tokenising the
        rows one by one. ``False`` (nothing read) when the rows are not written either way."""
        ncols = len(t.columns)
        period = ncols + 1
        rows = len(parts) // period
        last_gap = parts[-1]
        if not rows or parts[0]:
            return False
        inner = parts[period:len(parts) - 1:period]
        newlines = data.count(b"\n", rs, re_)
        if ((not last_gap or last_gap == b",\n") and inner.count(b",\n") == rows - 1
                and newlines == rows - 1 + (last_gap == b",\n")):
            one_line = None
        elif newlines == 0 and last_gap in (b"", b",") and inner.count(b",") == rows - 1:
            one_line = [data.rfind(b"\n", 0, rs) + 1, 0]
        else:
            return False
        # pstarts[k]: where part k starts (pstarts[-1]: one past the end of the region)
        pstarts = list(accumulate(map((1).__add__, map(len, parts)), initial=rs))
        self._by_position(parts, pstarts, rs, re_, ends, period, True, MYSQL, t, out, functools.partial(
            self._mysql_locate, one_line, data, parts, pstarts, period, t.pk_index, line_at(rs), row_base))
        return True

    def _by_position(self, parts: list[bytes], starts: list[int], rs: int, re_: int, ends: list[int], period: int,
                     gap: bool, kind: int, t: TableInfo, out: list, locate: Any) -> None:
        """One located-on-demand ``CellBatch`` per column of the candidate values that the reports in
        ``(rs, re_]`` point at (see :func:`piscan.sources.dump_rows.read_by_position`); ``locate(where, i)``
        says where value ``i`` of a column is, ``where`` its part indexes."""
        cands = self._cands if not self._extra else None
        found, where, known = read_by_position(
            parts, starts, ends, bisect_right(ends, rs), bisect_right(ends, re_), period, gap, kind,
            cands.pids if cands is not None else None, cands.between if cands is not None else None, self._pats,
            cands.texts if cands is not None else None, cands.verdicts if cands is not None else None)
        for ci, values in enumerate(found):
            if values:
                col = t.columns[ci]
                out.append(CellBatch(t.name, col, (col,), values, functools.partial(locate, where[ci]),
                                     known[ci], "copy" if kind == COPY else self.written))

    def _mysql_locate(self, one_line: list[int] | None, data: bytes, parts: list[bytes], pstarts: list[int],
                      period: int, pk_i: int | None, line0: int, row_base: int, where: list[int],
                      i: int) -> tuple[int, int, Any]:
        """``(line, offset, row)`` of value ``i`` of a column read by :meth:`_mysql_rows_by_position` (part
        ``where[i]``). MariaDB rows (``one_line`` ``None``): row ``r`` is on line ``line0 + r``. Oracle MySQL
        rows, all on line ``line0``: the offset is counted in code points from the line start incrementally
        (``one_line``: a byte position on the line and the code points before it, from the last value
        located; values are located in input order, and decoding the line up to each of them was quadratic
        on a line of a megabyte)."""
        k = where[i]
        r = k // period
        first = r * period + 1  # the row's first value; its "(" is one byte before
        key: Any = self._ordinal(row_base + r + 1)
        if pk_i is not None and SAFE_ROW_KEY_BYTES.fullmatch(parts[first + pk_i]):
            key = parts[first + pk_i].decode()
        s = mysql_value(parts[k], pstarts[k])[1]
        if one_line is None:
            ls = data.rfind(b"\n", 0, pstarts[first] - 1) + 1
            return line0 + r, len(data[ls:s].decode("utf-8", "replace")), key
        at, before = one_line
        if s < at:  # (not in input order: count from the line start again)
            at, before = data.rfind(b"\n", 0, s) + 1, 0
        before += len(data[at:s].decode("utf-8", "replace"))
        one_line[0], one_line[1] = s, before
        return line0, before, key

    def _value_pats(self, cands: Any, pids: list[int], ends: list[int], i: int, s: int,
                    nxt: int) -> tuple[int, ...] | None:
        """The patterns of the value at ``[s, nxt - 1)`` whose first report is ``ends[i]`` (``cands``: the
        block's candidates when there are no extra ones; see :func:`~piscan.sources.dump_rows.value_patterns`)."""
        if cands is None:
            return value_patterns(ends, None, None, self._pats, i, s, nxt)
        return value_patterns(ends, pids, cands.between, self._pats, i, s, nxt)

    def _row_values(self, data: bytes, ls: int, le: int, ncols: int) -> list[int] | None:
        """Where the values of the MariaDB row line ``(v1,v2,…,vn),`` at ``data[ls:le]`` start, and the end of the
        row (after its ``)``): ``ncols + 1`` positions; ``None`` when the line is not exactly one such row (then
        the values are tokenised with positions).

        One match of the row regex (a group per value) reads the values where the value tokeniser would; a
        line it does not read is checked with one tokeniser ``findall`` (the values sit at known offsets, one
        comma apart)."""
        if data.find(b"\n", ls, le) != -1:
            return None
        m = mysql_row_values(ncols).match(data, ls, le)
        if m is not None:
            e = m.end()
            if e == le or not data[e:le].strip(ROW_GAP):  # no other token on the line
                starts = [v[0] for v in m.regs[1:]]  # a group per value
                starts.append(e)
                return starts
        vals = self._tok.findall(data, ls, le)
        if (len(vals) == ncols + 1 and vals[ncols] == b")" and data[ls] == 40  # "("
                and data.startswith(b",".join(vals[:ncols]) + b")", ls + 1)):
            return list(accumulate([len(v) + 1 for v in vals[:ncols]], initial=ls + 1))
        return None

    def _mysql_row(self, data: bytes, starts: list[int], lst: int, row_no: int, pk_i: int | None,
                   ends: list[int], found: list[list[tuple]], line: int) -> None:
        """Candidate values of one MySQL row ``(v1,…,vn)`` on the line starting at ``lst``: value ``ci`` spans
        ``[starts[ci], starts[ci + 1] - 1)`` (see :meth:`_row_values`)."""
        ncols = len(starts) - 1
        # a report ending in (starts[ci], starts[ci + 1]] belongs to value ci (the prefilter may consume the
        # comma or parenthesis after it)
        lo, hi = bisect_right(ends, starts[0]), bisect_right(ends, starts[ncols])
        key = None
        last = -1
        # patterns of a value: with no extra candidates, ``ends`` are the prefilter's reports, and a value
        # with one report (the usual) takes its pattern without a search (what _pats finds)
        cands = self._cands if not self._extra else None
        pids = cands.pids if cands is not None else []
        pos, off = lst, 0  # code points from the line start, counted incrementally (values start after ASCII)
        for i in range(lo, hi):
            ci = bisect_left(starts, ends[i]) - 1
            if ci == last:
                continue
            last = ci
            s, nxt = starts[ci], starts[ci + 1]
            raw = data[s:nxt - 1]
            if raw == b"NULL":
                continue
            pats = self._value_pats(cands, pids, ends, i, s, nxt)
            if key is None:
                key = self._ordinal(row_no)
                if pk_i is not None:
                    ks, ke = starts[pk_i], starts[pk_i + 1] - 1
                    if SAFE_ROW_KEY_BYTES.fullmatch(data, ks, ke):
                        key = data[ks:ke].decode()
            text, s = mysql_value(raw, s)
            off += len(data[pos:s].decode("utf-8", "replace"))
            pos = s
            found[ci].append((text, line, off, key, pats))

    @staticmethod
    def _flush(t: TableInfo, found: list[list[tuple]], out: list, written: str) -> None:
        for ci, values in enumerate(found):
            if values:
                col = t.columns[ci]
                out.append(CellBatch(t.name, col, (col,), values, written=written))

    def _count_rows(self, data: bytes, rs: int, re_: int, t: TableInfo, values: bool = False) -> list[bytes] | bool:
        """Count the rows and per-column NULLs of MySQL values ``data[rs:re_]`` when every row is written
        ``(v1,…,vn)`` (what mysqldump writes): one pass of :func:`mysql_row_parts` (compiled) when the rows
        lie between plain gaps, else one regex split; no token objects. ``False`` (nothing
        counted) when any row is not, or something other than separators lies between rows; the value
        tokeniser then counts and reports ragged rows.

        ``values``: split with every value captured (:func:`mysql_row_values`) and return the parts (per row,
        the gap before it and its ``ncols`` values, then the gap after the last row) instead of ``True``, so
        that the candidate values can be read by position (:meth:`_mysql_rows_by_position`)."""
        ncols = len(t.columns)
        chunk = data[rs:re_]
        parts = mysql_row_parts(chunk, ncols)  # the split below, for rows between plain gaps
        if parts is None:
            parts = (mysql_row_values if values else mysql_rows)(ncols).split(chunk)
        period = ncols + 1
        gaps = parts[::period]
        if len(parts) % period != 1 or any(g.strip(ROW_GAP) for g in set(gaps)):
            return False
        # a captured value is b"NULL" exactly where mysql_rows captures its NULL group
        self._count(t, len(gaps) - 1, [parts[i::period].count(b"NULL") for i in range(1, period)])
        return parts if values else True

    def _ragged_insert(self, data: bytes, rs: int, re_: int, t: TableInfo, line_at) -> int:
        ncols = len(t.columns)
        nulls = [0] * ncols
        rows = 0
        row: list[bytes] = []
        row_start = rs
        reported = False
        for m in self._tok.finditer(data, rs, re_):
            v = m.group()
            if v != b")":
                if not row:
                    row_start = m.start()
                row.append(v)
                continue
            if len(row) == ncols:
                rows += 1
                for i, x in enumerate(row):
                    nulls[i] += x == b"NULL"
            elif not reported:
                reported = True
                self._fault(line_at(row_start), f"INSERT INTO {t.name}: row with {len(row)} values, expected "
                                                f"{ncols} (cut row or unterminated string?)")
            row = []
        if row and not reported:
            self._fault(line_at(row_start), f"INSERT INTO {t.name}: incomplete row (dump cut mid-statement?)")
        self._count(t, rows, nulls)
        return rows

    # ------------------------------------------------------------------ COPY blocks
    @staticmethod
    def _copy_nulls(data: bytes, rs: int, re_: int, nulls: list[int]) -> bool:
        """Count the ``\\N`` fields per column of COPY rows ``data[rs:re_]`` with C-level splits
        (:func:`copy_fields`) when every line has ``len(nulls)`` fields and ends with a newline (no CR);
        ``False`` (nothing counted) otherwise."""
        fields = copy_fields(data[rs:re_], len(nulls))
        if fields is None:
            return False
        SqlDumpReader._field_nulls(fields, nulls)
        return True

    @staticmethod
    def _field_nulls(fields: list[bytes], nulls: list[int]) -> None:
        """Add the ``\\N`` fields per column of COPY ``fields`` (row by row, ``len(nulls)`` per row) to ``nulls``."""
        ncols = len(nulls)
        for i in range(ncols):
            nulls[i] += fields[i::ncols].count(b"\\N")

    @staticmethod
    def _copy_edge_nulls(data: bytes, rs: int, re_: int, nulls: list[int]) -> bool:
        """Count the ``\\N`` fields of COPY rows ``data[rs:re_]`` (lines start at ``rs``, every line has
        ``len(nulls)`` >= 2 fields in all) without splitting them, when every ``\\N`` in them is a whole
        first or last field (a nullable last column, the usual); ``False`` (nothing counted) otherwise.
        Raw tabs and newlines are always separators in COPY text, so ``\\t\\N\\n`` is a NULL last field and
        ``\\n\\N\\t`` a NULL first field; if these account for every ``\\N``, no other field is NULL.

        >>> nulls = [0, 0, 0]
        >>> SqlDumpReader._copy_edge_nulls(b"\\\\N\\ta\\t\\\\N\\n1\\tb\\t\\\\N\\n2\\tc\\td\\n", 0, 21, nulls), nulls
        (True, [1, 0, 2])
        >>> SqlDumpReader._copy_edge_nulls(b"1\\t\\\\N\\tx\\n", 0, 7, [0, 0, 0])
        False
        """
        ncols = len(nulls)
        if ncols < 2:
            return False
        last = data.count(b"\t\\N\n", rs, re_)
        first = data.count(b"\n\\N\t", rs, re_) + data.startswith(b"\\N\t", rs, re_)
        if first + last != data.count(b"\\N", rs, re_):
            return False
        nulls[0] += first
        nulls[-1] += last
        return True

    @staticmethod
    def _copy_fields(data: bytes, rs: int, re_: int, ncols: int) -> list[bytes] | None:
        """The fields of COPY rows ``data[rs:re_]``, row by row (:func:`copy_fields`)."""
        return copy_fields(data[rs:re_], ncols)

    def _copy_rows_by_position(self, data: bytes, rs: int, re_: int, fields: list[bytes], t: TableInfo,
                               row_base: int, ends: list[int], out: list, line_at) -> None:
        """Candidate values of the COPY rows ``data[rs:re_]``, split into ``fields`` (:meth:`_copy_fields`):
        each field is one byte (tab or newline) before the next, so its position comes from the lengths of
        the fields, and row ``r`` is line ``r`` of the region. The same values, patterns, rows, lines and
        offsets as reading the lines one by one; located on demand (``CellBatch.locate``)."""
        ncols = len(t.columns)
        fstarts = list(accumulate(map((1).__add__, map(len, fields)), initial=rs))
        self._by_position(fields, fstarts, rs, re_, ends, ncols, False, COPY, t, out, functools.partial(
            self._copy_locate, data, fstarts, ncols, line_at(rs), row_base, t.pk_index))

    def _copy_locate(self, data: bytes, fstarts: list[int], ncols: int, line0: int, row_base: int,
                     pk_i: int | None, where: list[int], i: int) -> tuple[int, int, Any]:
        """``(line, offset, row)`` of value ``i`` of a column read by :meth:`_copy_rows_by_position`."""
        k = where[i]
        r = k // ncols
        ls = fstarts[r * ncols]
        key: Any = None
        if pk_i is not None:
            j = r * ncols + pk_i
            key = self._copy_key(data[fstarts[j]:fstarts[j + 1] - 1])
        return (line0 + r, len(data[ls:fstarts[k]].decode("utf-8", "replace")),
                self._ordinal(row_base + r + 1) if key is None else key)

    @staticmethod
    def _copy_key(field: bytes) -> str | None:
        """A COPY row's primary-key field as its ``row`` (short digits only, as for INSERT rows), else
        ``None`` (the row ordinal is shown). pg_dump declares keys after the data, so only an archive
        (:mod:`piscan.sources.pg_archive`) or a hand-made dump with an inline key gets here."""
        field = field.rstrip(b"\r")
        return field.decode() if SAFE_ROW_KEY_BYTES.fullmatch(field) else None

    def _copy_region(self, data: bytes, rs: int, re_: int, t: TableInfo, ends, out, line_at) -> None:
        if rs >= re_ or self._structure:
            return
        ncols = len(t.columns)
        rows = data.count(b"\n", rs, re_)
        if data[re_ - 1:re_] != b"\n":
            rows += 1
        tabs = data.count(b"\t", rs, re_)
        row_base = t.rows
        nulls = [0] * ncols
        if tabs != rows * (ncols - 1):
            good = 0
            p = rs
            for line in data[rs:re_].split(b"\n"):
                if not line and p + 1 >= re_:
                    break
                k = line.count(b"\t") + 1
                if k != ncols:
                    self._fault(line_at(p), f"COPY {t.name}: row has {k} columns, expected {ncols}")
                    if len(self.faults) > 20:
                        break
                else:
                    good += 1
                    for i, f in enumerate(line.rstrip(b"\r").split(b"\t")):
                        nulls[i] += f == b"\\N"
                p += len(line) + 1
            self._count(t, good, nulls)
        else:
            # with a report in the region, one split reads the fields to count the NULLs and to read the
            # candidate values by position
            fields = (self._copy_fields(data, rs, re_, ncols)
                      if ends is not None and self._has_hit(ends, rs, re_) else None)
            if fields is not None:
                self._field_nulls(fields, nulls)
            elif (b"\\N" in data[rs:re_] if re_ - rs < (1 << 16) else data.find(b"\\N", rs, re_) != -1) \
                    and not self._copy_edge_nulls(data, rs, re_, nulls) and not self._copy_nulls(data, rs, re_, nulls):
                for m in _COPY_NULL.finditer(data, rs, re_):
                    p = m.start()
                    ls = data.rfind(b"\n", rs, p) + 1 or rs
                    nulls[data.count(b"\t", max(ls, rs), p)] += 1
            self._count(t, rows, nulls)
            if fields is not None:
                self._copy_rows_by_position(data, rs, re_, fields, t, row_base, ends, out, line_at)
                return
        # candidates: lines with a report, and the indexes of their reports in ``ends``
        if ends is None:
            cand: list[tuple[int, int, list[int] | None]] = []
            p = rs
            while p < re_:
                le = data.find(b"\n", p, re_)
                le = re_ if le == -1 else le
                cand.append((p, le, None))
                p = le + 1
        else:
            lo, hi = bisect_right(ends, rs), bisect_right(ends, re_)
            cand = []
            le = -2
            for k in range(lo, hi):
                e = ends[k]
                if e - 1 <= le:  # on the line of the previous report (before or at its newline)
                    cand[-1][2].append(k)
                    continue
                ls = data.rfind(b"\n", rs, e - 1) + 1 or rs
                ls = max(ls, rs)
                le = data.find(b"\n", e - 1, re_)
                le = re_ if le == -1 else le
                if cand and cand[-1][0] == ls:
                    cand[-1][2].append(k)
                else:
                    cand.append((ls, le, [k]))
        rpos, rcount = rs, row_base + 1  # incremental row ordinal (candidates are in order)
        columns = t.columns
        found: list[list[tuple]] = [[] for _ in columns]  # candidate values per column, in input order
        # patterns of a field: see _value_pats
        cands = self._cands if ends is not None and not self._extra else None
        pids = cands.pids if cands is not None else []
        ordinal = self._ordinal
        pk_i = t.pk_index
        for ls, le, hit_ks in cand:
            rcount += data.count(b"\n", rpos, ls)
            rpos = ls
            line = data[ls:le]
            if line.endswith(b"\r"):
                line = line[:-1]
            fields = line.split(b"\t")
            if len(fields) != ncols:
                continue
            key = ordinal(rcount) if pk_i is None else (self._copy_key(fields[pk_i]) or ordinal(rcount))
            ln = line_at(ls)
            starts = list(accumulate([len(f) + 1 for f in fields], initial=ls))
            # field ci spans [starts[ci], starts[ci + 1] - 1); a report ending in (starts[ci], starts[ci + 1]]
            # belongs to it (the prefilter may consume the tab or newline after it)
            pos, off = ls, 0  # code points from the line start, counted incrementally (fields start after tabs)
            last = -1
            for k in range(ncols) if hit_ks is None else hit_ks:
                if hit_ks is None:
                    ci = k
                else:
                    ci = bisect_left(starts, ends[k]) - 1
                    if not 0 <= ci < ncols or ci == last:
                        continue
                    last = ci
                f = fields[ci]
                if f == b"\\N":
                    continue
                fs = starts[ci]
                text = copy_text(f)
                if fs != pos:
                    off += len(data[pos:fs].decode("utf-8", "replace"))
                    pos = fs
                pats = None if hit_ks is None else self._value_pats(cands, pids, ends, k, fs, starts[ci + 1])
                found[ci].append((text, ln, off, key, pats))
        self._flush(t, found, out, "copy")
