"""Shared pieces of the SQL dump readers: DDL column lists (via sqlparse), identifiers, value tokens and
the string unescaping of each dialect.

sqlparse is only used for ``CREATE TABLE`` statements (small, rare); data rows are tokenised with one
compiled regex per dialect, which keeps the hot path in C.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from itertools import repeat

import sqlparse
from sqlparse import tokens as T

IDENT = rb'(?:`(?:[^`]|``)+`|"(?:[^"]|"")+"|\[[^\]]+\]|[\w$\x80-\xff]+)'  # bare: ASCII word or UTF-8 (手机号)
QNAME = IDENT + rb"(?:\s*\.\s*" + IDENT + rb")*"

# a column list: identifiers, quoted ones may hold commas and parentheses (``"a,b"``, ``"x)y"``)
_COLS = rb"\(\s*(" + IDENT + rb"(?:\s*,\s*" + IDENT + rb")*)\s*\)"
# ``INTO`` is optional in MySQL and T-SQL (SQL Server Management Studio writes ``INSERT [dbo].[t] (…) VALUES``)
# pg_dump --inserts writes ``OVERRIDING SYSTEM VALUE`` before the values of a table with an identity column
INSERT_HDR = re.compile(rb"(?:INSERT|REPLACE)(?:\s+IGNORE)?(?:\s+INTO)?\s+(" + QNAME + rb")\s*(?:" + _COLS + rb"\s*)?"
                        rb"(?:OVERRIDING\s+(?:SYSTEM|USER)\s+VALUE\s+)?VALUES\s*", re.I)
COPY_HDR = re.compile(rb"COPY\s+(" + QNAME + rb")\s*(?:" + _COLS + rb")?\s+FROM\s+stdin;\r?\n", re.I)
CREATE_HDR = re.compile(rb"CREATE\s+(?:TEMPORARY\s+|UNLOGGED\s+)?TABLE\b", re.I)
# ``USE db;`` (mysqldump), ``USE [db]`` and a ``GO`` line (T-SQL scripts)
USE_STMT = re.compile(rb"USE\s+(" + IDENT + rb")[ \t]*(?:;|\r?\n)", re.I)

# Possessive: the alternatives never overlap, and a quote with no closing quote (a dump cut inside a string)
# must fail in linear time, not by trying every split of the run of characters after it (exponential).
# MySQL strings in single or double quotes (mydumper writes "…"; outside ANSI_QUOTES both are strings)
_STR_MYSQL = rb"(?:_\w+\s*)?(?:'(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\")"
_STR_STD = (rb"(?:(?:replace\()+'(?:[^']++|'')*+'(?:,'\\[rn]',char\(\d+\)\))+"
            rb"|[EeXxNn]?'(?:[^']++|'')*+'(?:::[\w ]+?(?=[,)]))?)")
# a function call as a value, one token with the commas inside it: T-SQL conversions SQL Server Management
# Studio writes for dates and decimals (``CAST(N'2023-05-01T00:00:00.000' AS DateTime)``, ``CAST(12.50 AS
# Decimal(18, 2))``), Oracle SQL Developer's and PL/SQL Developer's dates (``to_date('01-JAN-90','DD-MON-RR')``,
# ``TO_TIMESTAMP(…)``); SQLite's ``replace(…)`` form is read by the string alternative before it
_CALL = rb"[A-Za-z_][\w.]*\((?:[EeNn]?'(?:[^']++|'')*+'|[^()']++|\((?:[^()']++|'(?:[^']++|'')*+')*+\))*+\)"
_BARE = rb"[^,()'\s;]+"
_BARE_MYSQL = rb"[^,()'\"\s;]+"
#: one token per value, plus ``)`` closing each row (the opening parenthesis and commas are skipped)
VALUE_TOKEN = {
    "mysql": re.compile(_STR_MYSQL + rb"|" + _BARE_MYSQL + rb"|\)"),
    "std": re.compile(_STR_STD + rb"|" + _CALL + rb"|" + _BARE + rb"|\)"),
}

# One MySQL row ``(v1,…,vn)`` with single commas, each value the token VALUE_TOKEN["mysql"] reads there: NULL
# (captured, the only group), a string, or a bare literal. Atomic and possessive, so a row that is not
# written this way fails fast instead of backtracking into another reading. The alternatives start with
# different characters except NULL and a string after a charset introducer (``_binary '…'``), which come
# before the bare literal that could also start there: so the plain string, the most common value, is
# tried first (an optional introducer group before every value cost a fifth of the split).
_MYSQL_STRING = rb"(?:'(?:[^'\\]++|\\.|'')*+'|\"(?:[^\"\\]++|\\.|\"\")*+\")"
_MYSQL_VALUE = rb"(?>" + _MYSQL_STRING + rb"|(NULL)(?=[,)])|_\w+\s*" + _MYSQL_STRING + rb"|[^,()'\"\s;]++)"
# the same value without a group of its own (mysql_row_values captures each whole value)
_MYSQL_VALUE_NG = _MYSQL_VALUE.replace(rb"(NULL)", rb"NULL", 1)
#: bytes the value tokeniser skips between rows (no token starts with one)
ROW_GAP = b",(; \t\n\r\x0b\x0c"


@functools.lru_cache(maxsize=64)
def mysql_rows(ncols: int) -> re.Pattern[bytes]:
    """Regex of a MySQL row of ``ncols`` values; ``split`` with it yields, per row, the gap before it and
    one ``NULL``-or-``None`` entry per column."""
    return re.compile(rb"\(" + rb",".join([_MYSQL_VALUE] * ncols) + rb"\)")


@functools.lru_cache(maxsize=64)
def mysql_row_values(ncols: int) -> re.Pattern[bytes]:
    """Regex of a MySQL row of ``ncols`` values as :func:`mysql_rows`, with group ``k + 1`` capturing value
    ``k`` (``split`` with it yields, per row, the gap before it and the row's values; a value is ``NULL``
    exactly where :func:`mysql_rows` captures one)."""
    return re.compile(rb"\(" + rb",".join([rb"(" + _MYSQL_VALUE_NG + rb")"] * ncols) + rb"\)")


def copy_fields(rows: bytes, ncols: int) -> list[bytes] | None:
    """The fields of the COPY data lines ``rows``, row by row (``ncols`` per line), when every line has
    ``ncols`` tab-separated fields and ends with a newline (no CR); ``None`` otherwise.

    C-level splits and counts instead of a regex split (which walked every byte in ``sre``: about 40 instructions
    a byte): the lines' tab counts are checked with ``bytes.count``, then the newlines become tabs and one
    ``split`` yields the fields.

    >>> copy_fields(b"1\\ta\\t\\\\N\\n2\\tb\\tc\\n", 3)
    [b'1', b'a', b'\\\\N', b'2', b'b', b'c']
    >>> copy_fields(b"1\\ta\\n2\\tb\\tc\\n", 3) is None, copy_fields(b"1\\ta\\tb", 3) is None
    (True, True)
    """
    if rows[-1:] != b"\n" or b"\r" in rows:
        return None
    lines = rows.split(b"\n")
    lines.pop()  # after the last newline
    tabs = ncols - 1
    if list(map(bytes.count, lines, repeat(b"\t"))).count(tabs) != len(lines):
        return None
    fields = rows.replace(b"\n", b"\t").split(b"\t")
    fields.pop()  # after the last newline
    return fields


_MYSQL_ESC = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "b": "\b"}
_BACKSLASH_RX = re.compile(r"\\(.)", re.S)
_MYSQL_ESC_RX = {"'": re.compile(r"\\(.)|''", re.S), '"': re.compile(r'\\(.)|""', re.S)}  # by quote
_COPY_ESC_RX = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.S)
_COPY_ESC = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v"}
_SQLITE_WRAP = re.compile(r"^(?:replace\()+'(.*)'((?:,'\\[rn]',char\(\d+\)\))+)$", re.S)


def unquote_ident(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] in "`\"[":
        inner = name[1:-1]
        q = name[0]
        return inner.replace(q * 2, q) if q != "[" else inner
    return name


def split_qname(raw: str) -> list[str]:
    parts = re.findall(r'`(?:[^`]|``)+`|"(?:[^"]|"")+"|\[[^\]]+\]|[\w$]+', raw)
    return [unquote_ident(p) for p in parts]


def column_list(raw: bytes) -> list[str]:
    """The names of a header's column list (``_COLS``); a quoted name may hold a comma."""
    return split_qname(raw.decode("utf-8", "replace"))


@dataclass(slots=True)
class TableInfo:
    name: str
    columns: list[str] = field(default_factory=list)
    pk: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def pk_index(self) -> int | None:
        if len(self.pk) == 1 and self.pk[0] in self.columns:
            return self.columns.index(self.pk[0])
        return None


_CONSTRAINT_WORDS = {"CONSTRAINT", "PRIMARY", "PRIMARY KEY", "KEY", "UNIQUE", "UNIQUE KEY", "INDEX",
                     "FOREIGN", "FOREIGN KEY", "CHECK", "FULLTEXT", "SPATIAL", "EXCLUDE", "LIKE"}


def parse_create_table(stmt: str) -> tuple[list[str], list[str], list[str]] | None:
    """(qualified name parts, column names, primary-key columns) of a ``CREATE TABLE`` statement."""
    toks = [(tt, v) for tt, v in sqlparse.lexer.tokenize(stmt)
            if tt not in T.Whitespace and tt not in T.Newline and tt not in T.Comment
            and tt is not T.Text.Whitespace.Newline]
    try:
        open_at = next(i for i, (tt, v) in enumerate(toks) if v == "(")
    except StopIteration:
        return None
    name_toks = [v for tt, v in toks[:open_at] if tt in T.Name or tt in T.String.Symbol or v == "."
                 or (tt in T.Keyword and v.upper() not in ("CREATE", "TABLE", "IF", "NOT", "EXISTS",
                                                             "IF NOT EXISTS", "TEMPORARY", "UNLOGGED"))]
    name = split_qname("".join(name_toks))
    defs: list[list[tuple]] = [[]]
    depth = 0
    for tt, v in toks[open_at + 1:]:
        if v == "(":
            depth += 1
        elif v == ")":
            if depth == 0:
                break
            depth -= 1
        elif v == "," and depth == 0:
            defs.append([])
            continue
        defs[-1].append((tt, v))
    cols: list[str] = []
    pk: list[str] = []
    for d in defs:
        if not d:
            continue
        first = d[0][1].upper()
        words = " ".join(v.upper() for _, v in d)
        is_pk = re.search(r"\bPRIMARY\s+KEY\b", words) is not None
        if first in _CONSTRAINT_WORDS:
            if is_pk:
                inner, on = [], False
                for _tt, v in d:
                    if v == "(":
                        on = True
                    elif v == ")":
                        break
                    elif on and v != "," and v.upper() not in ("ASC", "DESC"):  # T-SQL: ([id] ASC)
                        inner.append(unquote_ident(v))
                pk = inner
            continue
        col = unquote_ident(d[0][1])
        cols.append(col)
        if is_pk:
            pk = [col]
    return name, cols, pk


_INHERITS = re.compile(r"\)\s*INHERITS\s*\(([^()]*)\)", re.I)


def inherited_tables(stmt: str) -> list[list[str]]:
    """The parents a PostgreSQL ``CREATE TABLE … INHERITS (p1, p2)`` names (qualified name parts each):
    the child's columns are theirs, then its own, which pg_dump ``--inserts`` rows of the child fill
    without a column list.

    >>> inherited_tables('CREATE TABLE s.staff (dept text) INHERITS (s.person, "Other");')
    [['s', 'person'], ['Other']]
    """
    m = _INHERITS.search(stmt)
    return [split_qname(p.strip()) for p in m.group(1).split(",") if p.strip()] if m else []


def unescape_mysql(s: str) -> str:
    if s.startswith("_"):
        s = s[min(i for i in (s.find("'"), s.find('"'), len(s)) if i >= 0):]
    if len(s) >= 2 and s[0] in "'\"" and s[-1] == s[0]:
        body = s[1:-1]
        return _MYSQL_ESC_RX[s[0]].sub(
            lambda m: m.group()[0] if m.group(1) is None else _MYSQL_ESC.get(m.group(1), m.group(1)), body)
    return s


def unescape_backslashes(s: str) -> str:
    """MySQL's backslash escapes (``\\n``, ``\\0``, ``\\Z``…; any other character after a backslash is
    itself) without string quotes: a ``LOAD DATA`` / ``mysqldump --tab`` field."""
    return _BACKSLASH_RX.sub(lambda m: _MYSQL_ESC.get(m.group(1), m.group(1)), s) if "\\" in s else s


_CREATE_STMT = re.compile(r"CREATE\s+TABLE\b.*?\)[^;]*;", re.S | re.I)


def read_schema_file(path: str) -> tuple[str, tuple[list[str], list[str], list[str]]] | None:
    """The text (its first MiB) of a schema file -- mysqldump ``--tab``'s ``t.sql``, mydumper's
    ``db.t-schema.sql``, plain or compressed -- and its first ``CREATE TABLE`` parsed (see
    :func:`parse_create_table`); ``None`` when it cannot be read or holds none."""
    from piscan.sources.compressed import compression_of, open_decompressed

    try:
        comp = compression_of(path)
        with (open_decompressed(path, comp) if comp else open(path, "rb")) as fh:
            text = fh.read(1 << 20).decode("utf-8", "replace")
    except (OSError, EOFError, ValueError):
        return None
    m = _CREATE_STMT.search(text)
    parsed = parse_create_table(m.group()) if m else None
    return (text, parsed) if parsed else None


def unescape_std(s: str, backslashes: bool = False) -> str:
    """The text of a standard SQL literal. ``backslashes``: PostgreSQL with ``standard_conforming_strings`` off,
    where backslashes in every string are escapes (as always in an ``E'…'`` string)."""
    m = _SQLITE_WRAP.match(s)
    if m:
        body = m.group(1).replace("''", "'")
        for esc in re.findall(r"'\\([rn])'", m.group(2)):
            body = body.replace("\\" + esc, "\n" if esc == "n" else "\r")
        return body
    if s[-1:] == ")" and "'" in s:
        m = _CALL_LITERAL.match(s)
        if m:  # CAST(N'…' AS type), CONVERT(type, N'…'[, style]), to_date('…', 'fmt'): the literal's text
            s = m.group(1)
    if s[:1] in "EeNnXx" and s[1:2] == "'":
        backslashes = backslashes or s[0] in "Ee"
        s = s[1:]
    if s.startswith("'"):
        end = s.rfind("'")
        if backslashes and "\\" in s:
            return _PG_ESC_RX.sub(_pg_esc, s[1:end])
        return s[1:end].replace("''", "'")
    return s


# the first string literal inside a function-call value (see ``_CALL``): its text is what the column holds
_CALL_LITERAL = re.compile(r"[A-Za-z_][\w.]*\([^']*?([EeNn]?'(?:[^']|'')*')")

_PG_ESC_RX = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|''", re.S)
_PG_ESC = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _pg_esc(m: re.Match[str]) -> str:
    """One escape of a PostgreSQL escape string (``E'…'``)."""
    e = m.group(1)
    if e is None:
        return "'"
    if e[0] in "01234567":
        return chr(int(e, 8))
    if len(e) > 1:  # \xh(h), \uXXXX, \UXXXXXXXX
        cp = int(e[1:], 16)
        return chr(cp) if cp <= 0x10FFFF and not 0xD800 <= cp < 0xE000 else "\ufffd"
    return _PG_ESC.get(e, e)


_HEX_BODY = re.compile(r"(?:[0-9A-Fa-f]{2})+")


def decode_hex_literal(s: str) -> str | None:
    """The text of a hex-encoded binary value, or ``None`` when ``s`` is not one.

    ``0x3133…`` (mysqldump ``--hex-blob``), ``X'3133…'`` (SQLite ``.dump``, MySQL), ``\\x3133…`` (PostgreSQL
    ``bytea`` in hex output, as a string or an unescaped COPY field). Invalid UTF-8 is replaced.
    """
    if s[:2] in ("0x", "0X"):
        body = s[2:]
    elif s[:2] in ("X'", "x'") and s.endswith("'"):
        body = s[2:-1]
    elif s.startswith("'\\x") and s.endswith("'"):
        body = s[3:-1]
    elif s.startswith("\\x"):
        body = s[2:]
    else:
        return None
    if not _HEX_BODY.fullmatch(body):
        return None
    return bytes.fromhex(body).decode("utf-8", "replace")


def unescape_copy(s: str) -> str:
    def rep(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "x" and len(e) > 1:
            return chr(int(e[1:], 16))
        if e[0] in "01234567":
            return chr(int(e, 8))
        return _COPY_ESC.get(e, e)

    return _COPY_ESC_RX.sub(rep, s) if "\\" in s else s



#: characters a dump writes as two inside a value (an escape, or a doubled quote), by how it writes strings:
#: ``mysql`` mysqldump's backslash escapes, ``copy`` pg_dump's COPY fields, ``std`` standard SQL (pg_dump
#: ``--inserts``: quotes doubled, newlines written as they are, so a value spans lines), ``sqlite`` the
#: sqlite3 shell's ``.dump`` (quotes doubled, newlines written ``\n`` inside ``replace(…)``)
_WRITTEN_TWICE = {
    "mysql": frozenset("\0\n\r\\'\"\x1a"),
    "copy": frozenset("\\\n\r\t\b\f\v"),
    "std": frozenset("'"),
    "csv": frozenset('"'),  # a quoted CSV field doubles its quotes; its line breaks are written as they are
    "sqlite": frozenset("'\n\r"),
    # mysqldump --tab / INTO OUTFILE: a backslash before a backslash, tab or newline (a line break: columns
    # after it count from the next line's start, as for "std"), NUL as \0
    "tab": frozenset("\\\t\0"),
}


def as_written(text: str, start: int, end: int, style: str) -> tuple[int, int, int, bool]:
    r"""Where ``text[start:end]``, part of an unescaped dump value, is in the dump as written:
    ``(lines down, start, end, from_line_start)``. Columns count from the value's first character, or from
    the start of the line ``lines down`` when ``from_line_start`` (a standard SQL string with newlines in it).

    Exact for values as their dumper writes them (mysqldump, pg_dump, sqlite3); a hand-written escape the
    dumper would not write (MySQL ``\t``) or a hex literal (``0x…``) still shifts the columns.

    >>> as_written("O'Brien 13812345678", 8, 19, "mysql")
    (0, 9, 20, False)
    >>> as_written("line1\nline2 13812345678", 12, 23, "std")
    (1, 6, 17, True)
    >>> as_written('{"a": "13812345678"}', 7, 18, "mysql")
    (0, 10, 21, False)
    """
    twice = _WRITTEN_TWICE[style]
    lines, base, fresh = 0, 0, False
    if style in ("std", "tab", "csv") and "\n" in text[:start]:
        lines = text.count("\n", 0, start)
        base, fresh = text.rfind("\n", 0, start) + 1, True
    s = start - base + sum([1 for c in text[base:start] if c in twice])
    e = s + end - start + sum([1 for c in text[start:end] if c in twice])
    return lines, s, e, fresh
