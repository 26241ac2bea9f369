"""The SQL dump readers' fast paths give exactly what the general tokeniser gives.

Fast paths (``piscan.sources.sql_dump``): rows and NULLs of a MySQL INSERT counted with one regex split
(``_count_rows``), NULL fields of COPY rows counted the same way (``_copy_nulls``), MariaDB row lines read
with one match of a row regex (``_row_values``), COPY rows split into fields with one regex split and
their candidate values read by position (``_copy_fields``), and candidate values handed to the scanner as
one ``CellBatch`` per column, located on demand. Each test scans a dump twice, once with every fast path
switched off (the general tokeniser and one ``Cell`` per value, as before they existed), and compares
everything a report is made of: findings with their line, offsets, row keys and evidence, assets, values
counted per column, rows scanned and errors.
"""

from __future__ import annotations

import os
import random
import re
import shutil

import pytest
from sources_helpers import scan_report

from piscan.sources.base import Cell, CellBatch
from piscan.sources.sql_dump import DUMP_BLOCK, SqlDumpReader
from piscan.testing.generate import ValueGen
from piscan.testing.services import listening, real_mysqldump, real_pg_dump


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch every fast path off: the general tokeniser counts and reads rows, one Cell per value."""
    monkeypatch.setattr(SqlDumpReader, "_count_rows", lambda *a: False)
    monkeypatch.setattr(SqlDumpReader, "_copy_nulls", staticmethod(lambda *a: False))
    monkeypatch.setattr(SqlDumpReader, "_copy_edge_nulls", staticmethod(lambda *a: False))
    monkeypatch.setattr(SqlDumpReader, "_row_values", lambda *a: None)
    monkeypatch.setattr(SqlDumpReader, "_copy_fields", staticmethod(lambda *a: None))

    def flush(t, found, out, written):
        for ci, values in enumerate(found):
            col = t.columns[ci]
            out.extend(Cell(text, line=line, offset=off, table=t.name, column=col, row=row, context=(col,),
                            patterns=pats, written=written) for text, line, off, row, pats in values)

    monkeypatch.setattr(SqlDumpReader, "_flush", staticmethod(flush))


def _spy(f, name: str, used: set[str]):
    def spy(*a):
        res = f(*a)
        if res is not False and res is not None:
            used.add(name)
        return res
    return spy


def _same_both_ways(path, monkeypatch: pytest.MonkeyPatch, **kw) -> dict:
    used: set[str] = set()
    with monkeypatch.context() as m:  # record which fast paths this dump takes
        for name in ("_count_rows", "_copy_nulls", "_copy_edge_nulls", "_row_values", "_mysql_rows_by_position",
                     "_copy_fields"):
            spy = _spy(getattr(SqlDumpReader, name), name, used)
            static = name in ("_copy_nulls", "_copy_edge_nulls", "_copy_fields")
            m.setattr(SqlDumpReader, name, staticmethod(spy) if static else spy)
        fast = scan_report(path, **kw)
        fast["fast_paths"] = used
    with monkeypatch.context() as m:
        _general(m)
        general = scan_report(path, **kw)
    assert {k: v for k, v in fast.items() if k != "fast_paths"} == general
    return fast


def _v(seed: int) -> ValueGen:
    return ValueGen(random.Random(seed))


def test_mysql_rows_of_every_shape(tmp_path, monkeypatch):
    v = _v(1)
    ids = [v.resident_id() for _ in range(12)]
    tels = [v.mobile() for _ in range(12)]
    dump = tmp_path / "d.sql"
    dump.write_text(
        "CREATE TABLE `u` (\n  `id` int NOT NULL,\n  `name` varchar(20),\n  `idc` varchar(20),\n"
        "  `tel` varchar(20),\n  `memo` text,\n  PRIMARY KEY (`id`)\n);\n"
        # MariaDB extended INSERT: one row per line; NULLs in several columns, 'NULL' and ',NULL,' as text
        f"INSERT INTO `u` VALUES (1,'张三','{ids[0]}','{tels[0]}',NULL),\n"
        f"(2,'a,NULL,b','{ids[1]}',NULL,'NULL'),\n"
        f"(3,NULL,'{ids[2]}','{tels[2]}','(x); y'),\n"
        # spaces between values, escapes, doubled quotes, a charset introducer, hex: the general path
        f"(4, 'spaced', '{ids[3]}', '{tels[3]}', NULL),\n"
        f"(5,_binary 'bin','{ids[4]}','{tels[4]}','it\\'s ''q'' \\\\ (p)'),\n"
        f"(6,'{tels[5]}',NULL,NULL,0x{ids[5].encode().hex()}),\n"
        f"(7,'a\\n{tels[6]}','{ids[6]}','+86{tels[7]}',NULL);\n"
        # Oracle MySQL: every row of the statement on one line
        f"INSERT INTO `u` VALUES (8,'a','{ids[7]}','{tels[8]}',NULL),(9,'b','{ids[8]}','{tels[9]}','c');\n"
        # a ragged row: reported, the other rows still scanned
        f"INSERT INTO `u` VALUES (10,'x','{ids[9]}'),\n(11,'y','{ids[10]}','{tels[10]}',NULL);\n"
        # non-integer key, values after a row on the same line, CRLF
        f"INSERT INTO `u` VALUES (12,'z','{ids[11]}','{tels[11]}',NULL),\r\n(13,'w',NULL,NULL,NULL);\r\n",
        encoding="utf-8")
    r = _same_both_ways(dump, monkeypatch, show_values=True)
    assert r["fast_paths"] == {"_count_rows", "_row_values", "_mysql_rows_by_position"}  # (the Oracle statement)
    assert len(r["errors"]) == 1 and "row with 3 values" in r["errors"][0]["reason"]
    rows = {(f["column"], f["row"]) for f in r["findings"] if f["entity_type"] == "CN_RESIDENT_ID"}
    assert ("idc", "1") in rows and ("idc", "12") in rows and ("memo", "6") in rows


def test_copy_rows_of_every_shape(tmp_path, monkeypatch):
    v = _v(2)
    ids = [v.resident_id() for _ in range(8)]
    tels = [v.mobile() for _ in range(8)]
    dump = tmp_path / "d.sql"
    dump.write_bytes((
        "CREATE TABLE public.p (\n    id integer,\n    idc text,\n    tel text,\n    memo text\n);\n\n"
        "COPY public.p (id, idc, tel, memo) FROM stdin;\n"
        f"1\t{ids[0]}\t\\N\tx\n"
        f"2\t\\N\t{tels[1]}\t\\N\n"
        f"3\t\\Nabc\t{tels[2]}\t{ids[2]}\n"
        f"4\t{ids[3]}\t{tels[3]}\ta\\t{tels[4]}\n"
        f"\\N\t{ids[4]}\t\\N\t\\\\N\n"
        "\\.\n\n"
        "COPY public.q (id, idc) FROM stdin;\r\n"  # CRLF lines
        f"1\t{ids[5]}\r\n2\t\\N\r\n"
        "\\.\r\n\n"
        "COPY public.r (id, idc, tel) FROM stdin;\n"  # a row with the wrong column count
        f"1\t{ids[6]}\t{tels[6]}\n2\t{ids[7]}\n3\t\\N\t{tels[7]}\n"
        "\\.\n").encode())
    r = _same_both_ways(dump, monkeypatch, show_values=True)
    assert r["fast_paths"] == {"_copy_fields"}  # public.q (CRLF) and public.r (ragged) take the general path
    assert any("row has 2 columns" in e["reason"] for e in r["errors"])
    assert {a["asset"] for a in r["assets"]} >= {"public.p.idc", "public.p.tel", "public.q.idc", "public.r.idc"}


def test_copy_nulls_counted_without_splitting_when_only_edge_columns_are_null(tmp_path, monkeypatch):
    """COPY regions without a report count their NULLs from the first and last columns' ``\\N`` alone when
    those are all of them (``_copy_edge_nulls``), else by splitting the rows: the same non-null counts, and
    so the same shares, as the general tokeniser. The tables span several 1 MiB blocks, so their later
    regions hold no report; their first rows hold the phone numbers that make every column an asset."""
    v = _v(3)
    body = ""
    null, text_bs_n = "\\N", "\\\\N"  # the NULL marker; an escaped backslash and N (text, not NULL)
    tables = {"e": lambda i: f"{null if i % 7 == 0 else i}\tx{i}\t{null if i % 3 else 'memo'}",
              "m": lambda i: f"{i}\t{null if i % 5 == 0 else 'y'}\t{null if i % 3 else 'memo'}",
              "b": lambda i: f"{i}\tz\t{text_bs_n if i % 11 == 0 else null}"}
    for name, row in tables.items():
        body += f"COPY public.{name} (contact, tel, memo) FROM stdin;\n"
        body += "".join(f"{v.mobile()}\t{v.mobile()}\t{v.mobile()}\n" for i in range(50))
        body += "".join(row(i) + "\n" for i in range(50, 150000))
        body += "\\.\n\n"
    dump = tmp_path / "d.sql"
    dump.write_text(body, encoding="utf-8")
    assert dump.stat().st_size > 5 * DUMP_BLOCK
    r = _same_both_ways(dump, monkeypatch)
    assert {"_copy_edge_nulls", "_copy_nulls"} <= r["fast_paths"]
    assets = {a["asset"] for a in r["assets"]}
    assert {f"public.{t}.{c}" for t in tables for c in ("contact", "tel", "memo")} <= assets


def test_located_batches_give_the_cells_of_the_general_path(tmp_path, monkeypatch):
    """Batches read by position carry no line, offset or row; ``cells()`` and ``where()`` compute them, equal
    to the Cells the general tokeniser yields (COPY rows and MariaDB rows)."""
    from piscan.scanner import Scanner
    from piscan.sources.mysql_dump import MysqlDumpReader
    from piscan.sources.pg_dump import PgDumpReader

    v = _v(3)
    rows = [(v.resident_id(), v.mobile()) for _ in range(6)]
    pg = tmp_path / "pg.sql"
    pg.write_text("COPY public.p (id, name, idc, tel) FROM stdin;\n" + "".join(
        f"{i}\t名字{i}\t{idc}\t{tel}\n" for i, (idc, tel) in enumerate(rows, 1)) + "\\.\n", encoding="utf-8")
    my = tmp_path / "my.sql"
    my.write_text("CREATE TABLE `u` (\n  `id` int NOT NULL,\n  `name` text,\n  `idc` text,\n  `tel` text,\n"
                  "  PRIMARY KEY (`id`)\n);\nINSERT INTO `u` VALUES " + ",\n".join(
                      f"({i},'名字{i}','{idc}','{tel}')" for i, (idc, tel) in enumerate(rows, 1)) + ";\n",
                  encoding="utf-8")
    detector = Scanner().detector

    def cells(path, reader_class):
        reader = reader_class(path)
        reader.prefilter = detector
        out, lazy = [], 0
        for item in reader.items():
            if isinstance(item, CellBatch):
                lazy += item.locate is not None
                assert all(item.where(i) == (c.line, c.offset, c.row) for i, c in enumerate(item.cells()))
                out.extend(item.cells())
            else:
                out.append(item)
        return sorted((c.column, c.line, c.offset, c.row, c.text) for c in out), lazy

    for path, reader_class in ((pg, PgDumpReader), (my, MysqlDumpReader)):
        fast, lazy = cells(path, reader_class)
        assert lazy == 2 and len(fast) == 12, (reader_class, lazy, fast)
        with monkeypatch.context() as m:
            _general(m)
            assert cells(path, reader_class) == (fast, 0), reader_class


def test_listing_cap_and_blocks(tmp_path, monkeypatch):
    """Many rows across several 2 MiB blocks, with the listing cap on: the same findings are listed."""
    v = _v(3)
    lines = []
    for i in range(1, 30001):
        lines.append(f"({i},'{v.resident_id()}','{v.mobile()}',{'NULL' if i % 3 else repr('x' * 40)},"
                     f"'{'y' * (i % 50)}')")
    dump = tmp_path / "d.sql"
    dump.write_text("CREATE TABLE `t` (`id` int, `a` text, `b` text, `c` text, `d` text, PRIMARY KEY (`id`));\n"
                    + "".join("INSERT INTO `t` VALUES " + ",\n".join(lines[k:k + 997]) + ";\n"
                              for k in range(0, len(lines), 997)), encoding="utf-8")
    assert dump.stat().st_size > DUMP_BLOCK
    r = _same_both_ways(dump, monkeypatch, max_findings_per_asset=50)
    assert r["values"][(str(dump), "t", "c")] == 10000
    assert "_mysql_rows_by_position" in r["fast_paths"]


@pytest.mark.parametrize("between", [",\n", ","], ids=["mariadb", "oracle"])
def test_mysql_rows_read_by_position(tmp_path, monkeypatch, between):
    """MariaDB rows, one per line, and Oracle MySQL rows, a statement's all on one line, read by position
    from the counting split: escapes, hex and charset literals, NULL and 'NULL', text before the values
    (offsets, counted in code points on a line of Chinese text), keys too long to show, statements across
    blocks (a statement cut at a block end), several tables and statements (row ordinals)."""
    v = _v(4)
    rng = random.Random(4)

    def q(x: str) -> str:
        return "'" + x.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def val() -> str:
        r = rng.random()
        if r < 0.35:
            return q(v.mobile())
        if r < 0.5:
            return q(v.resident_id())
        if r < 0.55:
            return "NULL"
        if r < 0.6:
            return "'NULL'"
        if r < 0.65:
            return q(f"张三 it's {v.mobile()}")
        if r < 0.7:
            return "0x" + v.mobile().encode().hex()
        if r < 0.75:
            return "_binary " + q(v.mobile())
        if r < 0.8:
            return q("a\\n" + v.mobile())
        if r < 0.85:
            return q(v.card())
        return q("用户" * rng.randint(0, 3))

    stmts = []
    for table, pk, n, per in (("u", "`id`", 30000, 700), ("w", "`k`", 8000, 8000)):
        stmts.append(f"CREATE TABLE `{table}` (`id` bigint, `k` bigint, `a` text, `b` text, `c` text, "
                     f"PRIMARY KEY ({pk}));\n")
        rows = [f"({i},{rng.choice([i, 10 ** 12 + i, -i])},{val()},{val()},{val()})" for i in range(1, n + 1)]
        stmts += ["INSERT INTO `" + table + "` VALUES " + between.join(rows[k:k + per]) + ";\n"
                  for k in range(0, n, per)]
    dump = tmp_path / "d.sql"
    dump.write_text("".join(stmts), encoding="utf-8")
    assert dump.stat().st_size > 2 * DUMP_BLOCK
    for kw in ({"show_values": True}, {"max_findings_per_asset": 30}):
        r = _same_both_ways(dump, monkeypatch, **kw)
        assert "_mysql_rows_by_position" in r["fast_paths"]
        assert not r["errors"]
        keys = {f["row"] for f in r["findings"] if f["table"] == "w"}
        assert any(k.startswith("-") for k in keys)  # keys shown; the 13-digit ones as row ordinals



def _rows(seed: int, n: int) -> list[tuple]:
    v = _v(seed)
    rows = []
    for i in range(1, n + 1):
        rows.append((i, None if i % 5 == 0 else f"用户{i}", None if i % 7 == 0 else v.resident_id(),
                     None if i % 3 == 0 else v.mobile(), None if i % 4 else f"备注 {v.card()} it's",
                     "x" * (i % 13)))
    return rows


def _my_quote(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _std_quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _values_sql(rows, quote) -> str:
    def lit(x):
        return "NULL" if x is None else str(x) if isinstance(x, int) else quote(x)
    return ",".join("(" + ",".join(lit(x) for x in r) + ")" for r in rows)


@pytest.mark.skipif(not shutil.which("mysqldump") or not listening(3306), reason="MariaDB/mysqldump unavailable")
@pytest.mark.parametrize("flags", [[], ["--skip-extended-insert"], ["--complete-insert", "--hex-blob"]])
def test_real_mysqldump(tmp_path, monkeypatch, flags):
    db = f"piscan_fast_{len(flags)}"
    rows = _rows(10 + len(flags), 3000)
    sql = (f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db} CHARACTER SET utf8mb4; USE {db};"
           "CREATE TABLE users (id int primary key, name varchar(20), id_card varchar(20), mobile varchar(20),"
           " memo text, pad varbinary(20));"
           f"INSERT INTO users VALUES {_values_sql(rows, _my_quote)};")
    dump = real_mysqldump(sql, db, tmp_path / "d.sql", flags)
    r = _same_both_ways(dump, monkeypatch)
    assert not r["errors"]
    assert r["values"][(str(dump), "users", "mobile")] == sum(1 for x in rows if x[3] is not None)


@pytest.mark.skipif(not shutil.which("pg_dump") or not listening(5432), reason="PostgreSQL/pg_dump unavailable")
@pytest.mark.parametrize("flags", [[], ["--inserts"]])
def test_real_pg_dump(tmp_path, monkeypatch, flags):
    schema = f"piscan_fast_{len(flags)}"
    rows = _rows(20 + len(flags), 3000)
    sql = (f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"
           f"CREATE TABLE {schema}.users (id int primary key, name text, id_card text, mobile text, memo text,"
           " pad text);"
           f"INSERT INTO {schema}.users VALUES {_values_sql(rows, _std_quote)};")
    dump = real_pg_dump(sql, schema, tmp_path / "d.sql", flags)
    r = _same_both_ways(dump, monkeypatch)
    assert not r["errors"]
    assert r["values"][(str(dump), f"{schema}.users", "memo")] == sum(1 for x in rows if x[4] is not None)


def test_cell_batch_is_its_cells():
    b = CellBatch("t", "c", ("c",), [("13800138000", 3, 5, "7", (1,)), ("x", None, None, None, None)])
    assert list(b.cells()) == [
        Cell("13800138000", line=3, offset=5, table="t", column="c", row="7", context=("c",), patterns=(1,)),
        Cell("x", table="t", column="c", context=("c",))]


def test_row_regexes_read_values_as_the_tokeniser():
    """The row regexes (strings tried first) split and match rows exactly as the value regex with an optional
    charset introducer before every string did, and each value they read is the tokeniser's token there."""
    import re

    from piscan.sources.sql_common import VALUE_TOKEN, mysql_row_values, mysql_rows

    before = rb"(?>(NULL)(?=[,)])|(?:_\w+\s*)?'(?:[^'\\]++|\\.|'')*+'|[^,()'\s;]++)"
    rng = random.Random(7)
    pieces = ["NULL", "NULLX", "'NULL'", "''", "'a''b'", "'it\\'s'", "'\\\\'", "'x\\", "_binary 'ab'", "_utf8mb4'c'",
              "_binary x", "_x", "12", "-3.5", "0x3133", "'a,b)'", "'(,)'", "'用户'", "N", " 1", "'", ")", "("]
    for ncols in (1, 3):
        old_rx = re.compile(rb"\(" + rb",".join([before] * ncols) + rb"\)")
        for _ in range(3000):
            row = "(" + ",".join(rng.choice(pieces) for _ in range(ncols)) + ")"
            text = (row + rng.choice([",\n", ",", ";", " ", ""])) * rng.randint(1, 3)
            data = text.encode()
            assert mysql_rows(ncols).split(data) == old_rx.split(data)
            m = mysql_row_values(ncols).match(data)
            assert (m is None) == (old_rx.match(data) is None)
            if m is not None:
                assert [data[s:e] for s, e in m.regs[1:]] == VALUE_TOKEN["mysql"].findall(data, 0, m.end())[:ncols]


def test_extra_candidates_as_every_prefix_searched():
    """Hex literals and escapes are found where every prefix searched over the whole block finds them
    (blocks without "x", with some prefixes only, adjacent and word-joined literals, escapes before digits
    and "+"), by the Hyperscan pass and by the searches used without Hyperscan."""
    from piscan.sources.sql_dump import _ESC_DIGIT, _HEX_DIGITS, _HEX_LIT, _HEX_PREFIXES, _WORD, _extra_scanner

    assert _extra_scanner() is not None  # Hyperscan is a dependency: the fast path is the one tested here

    def every_prefix(data: bytes) -> list[int]:
        out: list[int] = []
        if b"\\" in data:
            out.extend(m.end() + 1 for m in _ESC_DIGIT.finditer(data))
        for lit in _HEX_PREFIXES:
            i = data.find(lit)
            while i != -1:
                m = _HEX_LIT.match(data, i)
                nxt = i + 1
                if m is not None and (lit == b"\\x" or i == 0 or data[i - 1] not in _WORD):
                    if _HEX_DIGITS.search(bytes.fromhex(m.group(1).decode("ascii"))):
                        out.append(m.end())
                    nxt = m.end()
                i = data.find(lit, nxt)
        out.sort()
        return out

    v = _v(8)
    rng = random.Random(8)
    hexed = v.mobile().encode().hex()
    pieces = [f"0x{hexed}", f"0X{hexed.upper()}", f"X'{hexed}'", f"x'{hexed}'", f"\\x{hexed}", f"a0x{hexed}",
              f"0x{hexed}0x{hexed}", "0x3a", "Linux", "X11", "'x'", "\\n138", "(1,'a',NULL),\n", "用户", "abc",
              "\\n+86", "\\t1", "\\0", "\\Z9", "\\\\n1", "+", "1", "\\", "0", "x", "'", "0x3133", "\\N\t"]
    for _ in range(4000):
        data = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))).encode()
        want = every_prefix(data)
        assert SqlDumpReader._extra_candidates(data) == want, data
        assert SqlDumpReader._extra_by_search(data) == want, data
    assert SqlDumpReader._extra_candidates(b"(1,'a',NULL)") == []


def test_copy_end_finds_what_the_terminator_regex_finds():
    import doctest

    from piscan.sources import sql_dump
    from piscan.sources.sql_dump import _COPY_END, copy_end

    res = doctest.testmod(sql_dump)
    assert res.attempted and not res.failed

    rng = random.Random(11)
    pieces = [b"\\.", b"\n", b"\r", b"a", b"\t", b"\\", b".", b"\\N", b"1"]
    for _ in range(20000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        pos = rng.randint(0, len(data))
        m = _COPY_END.search(data, pos)
        assert copy_end(data, pos) == (m.start() if m else -1), (data, pos)


def test_copy_fields_is_the_line_by_line_split():
    """``copy_fields`` (C-level splits) gives what splitting each line on tabs gives, and ``None`` exactly
    when a line has another number of fields, holds a CR, or the rows do not end with a newline."""
    import doctest

    from piscan.sources import sql_common
    from piscan.sources.sql_common import copy_fields

    res = doctest.testmod(sql_common)
    assert res.attempted and not res.failed

    def reference(rows: bytes, ncols: int) -> list[bytes] | None:
        if not rows.endswith(b"\n") or b"\r" in rows:
            return None
        out: list[bytes] = []
        for line in rows[:-1].split(b"\n"):
            fields = line.split(b"\t")
            if len(fields) != ncols:
                return None
            out += fields
        return out

    rng = random.Random(12)
    pieces = [b"\t", b"\n", b"\r", b"a", b"\\N", b"13800138000", b"\xe7\x94\xa8", b"", b"\\t"]
    outcomes = set()
    for _ in range(20000):
        ncols = rng.randint(1, 4)
        if rng.random() < 0.5:  # well-formed rows, sometimes with one fault
            lines = [b"\t".join(rng.choice(pieces[3:]) for _ in range(ncols)) for _ in range(rng.randint(1, 4))]
            rows = b"".join(line + b"\n" for line in lines)
            if rng.random() < 0.3:
                k = rng.randrange(len(rows) + 1)
                rows = rows[:k] + rng.choice(pieces[:3]) + rows[k:]
        else:
            rows = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        got = copy_fields(rows, ncols)
        assert got == reference(rows, ncols), (rows, ncols)
        outcomes.add(got is None)
    assert outcomes == {True, False}


def test_mysql_row_parts_is_the_row_regex_split():
    """``mysql_row_parts`` (compiled, value by value) gives what the row regex's split gives whenever it
    answers, answers for every well-formed region, and leaves everything else to the regex."""
    import doctest
    import importlib.util

    from piscan.sources import dump_rows
    from piscan.sources.dump_rows import mysql_row_parts
    from piscan.sources.sql_common import mysql_row_values

    # the module's doctests, run on its source (the compiled module's functions hide their docstrings)
    spec = importlib.util.spec_from_file_location(
        "dump_rows_source", os.path.join(os.path.dirname(dump_rows.__file__), "dump_rows.py"))
    source = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(source)
    res = doctest.testmod(source)
    assert res.attempted >= 3 and not res.failed

    rng = random.Random(13)
    good = ["1", "-2.5e3", "NULL", "''", "'a,b'", "'(x)'", "'it\\'s'", "'a''b'", "'\\\\'", "'line\nbreak'",
            "'用户'", "_binary 'x\\0'", "_utf8mb4'y'", "0x3133", "'13800138000'", "NULLX", "_abc"]
    bad = ["", "'open", "( 1", "'\\\n'", "a b", "x)", "'a'b", ";", "\\", "b'0101'"]
    gaps = [",\n", ",", ";", "", " ", "\n", ",(", "x"]
    answered = 0
    for _ in range(20000):
        ncols = rng.randint(1, 4)
        text = rng.choice(["", "", ",\n"])
        for _ in range(rng.randint(1, 4)):
            n = rng.choice([ncols, ncols, ncols - 1, ncols + 1])
            vals = [rng.choice(good if rng.random() < 0.95 else bad) for _ in range(n)]
            text += "(" + ",".join(vals) + ")" + rng.choice(gaps if rng.random() < 0.2 else gaps[:2])
        data = text.encode()
        got = mysql_row_parts(data, ncols)
        if got is not None:
            answered += 1
            assert got == mysql_row_values(ncols).split(data), (data, ncols)
    assert answered > 2000
    # a well-formed region is always answered
    for _ in range(2000):
        ncols = rng.randint(1, 5)
        rows = ["(" + ",".join(rng.choice(good) for _ in range(ncols)) + ")" for _ in range(rng.randint(1, 5))]
        data = (",\n".join(rows) + ";\n").encode()
        got = mysql_row_parts(data, ncols)
        assert got is not None and got == mysql_row_values(ncols).split(data), (data, ncols)


def test_read_by_position_finds_each_reports_part_as_a_binary_search():
    """``read_by_position`` walks from one report's part to the next (a binary search when far ahead): the
    parts it reads are those a binary search per report names, for dense and sparse reports alike."""
    from bisect import bisect_left

    from piscan.sources.dump_rows import COPY, read_by_position

    rng = random.Random(14)
    for _ in range(300):
        ncols = rng.randint(1, 6)
        parts = [rng.choice([b"13800138000", b"\\N", b"x", b""]) for _ in range(ncols * rng.randint(1, 400))]
        starts = [0]
        for p in parts:
            starts.append(starts[-1] + len(p) + 1)
        density = rng.choice([0.01, 0.2, 1.0, 3.0])
        ends = sorted(rng.randint(1, starts[-1]) for _ in range(max(1, int(len(parts) * density))))
        pids = [0] * len(ends)
        found, where, _ = read_by_position(parts, starts, ends, 0, len(ends), ncols, False, COPY, pids,
                                           lambda a, b: (0,), lambda a, b: (0,))
        expect: list[list[int]] = [[] for _ in range(ncols)]
        last = -1
        for e in ends:
            k = bisect_left(starts, e) - 1
            if k != last:
                last = k
                if parts[k] != b"\\N":
                    expect[k % ncols].append(k)
        assert where == expect
        assert [[v[0] for v in col] for col in found] == [[parts[k].decode() for k in col] for col in expect]


def test_lines_of_statements_that_span_blocks(tmp_path, monkeypatch):
    """Extended INSERTs of up to ~1 MB cross the reader's 1 MiB blocks, and some strings hold a raw newline
    (an escaped one too), so statements start in one block and end in the next with rows left over: every
    finding still names the line its value is on (counted from the file's text here)."""
    rng = random.Random(15)
    v = ValueGen(rng)
    statements, row = [], 0
    for _ in range(10):
        rows = []
        for _ in range(rng.randint(2000, 8000)):
            row += 1
            tel = v.mobile() if rng.random() < 0.03 else "n/a"
            note = "x" * rng.randint(10, 150) + ("\\n" if row % 9 == 0 else "\ny" if row % 3 else "")
            rows.append(f"({row},'{note}','{tel}')")
        statements.append("INSERT INTO `t` VALUES " + ",\n".join(rows) + ";\n")
    # and many small tables, whose multi-line CREATE TABLE statements blocks cut
    small = "".join(f"CREATE TABLE `s{k}` (\n  `id` int,\n  `tel` varchar(20)\n);\n"
                    f"INSERT INTO `s{k}` VALUES ({k},'{v.mobile()}');\n" for k in range(15000))
    text = "CREATE TABLE `t` (\n  `id` int,\n  `note` text,\n  `tel` varchar(20)\n);\n" + "".join(statements) + small
    dump = tmp_path / "d.sql"
    dump.write_text(text, encoding="utf-8")
    assert dump.stat().st_size > 2 * DUMP_BLOCK
    where: dict[str, list[int]] = {}
    for n, line in enumerate(text.split("\n"), 1):
        for tel in re.findall(r"'(1[0-9]{10})'", line):
            where.setdefault(tel, []).append(n)
    left: list[int] = []  # bytes a block left to the next (a row cut by the block's end)
    parse = SqlDumpReader._parse

    def spy(self, data, first, final):
        cells, used = parse(self, data, first, final)
        left.append(len(data) - used)
        return cells, used

    monkeypatch.setattr(SqlDumpReader, "_parse", spy)
    r = scan_report(dump, show_values=True, max_findings_per_asset=0)
    assert any(left)
    got: dict[str, list[int]] = {}
    for f in r["findings"]:
        got.setdefault(f["value"], []).append(f["line"])
    assert len(where) > 300 and got == where
