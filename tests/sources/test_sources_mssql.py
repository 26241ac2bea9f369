"""SQL Server scripts (T-SQL), as SQL Server Management Studio's "Generate Scripts" writes them with data:
``INSERT [dbo].[t] (…) VALUES (…)`` without ``INTO`` or ``;``, ``GO`` after each statement (SSMS 17 and
older) or only after each table's batch (newer), ``N'…'`` strings, ``CAST(… AS DateTime)`` and
``CAST(… AS Decimal(18, 2))`` values that hold commas, ``CONSTRAINT … PRIMARY KEY CLUSTERED ([id] ASC)``,
CRLF line ends, and UTF-16 with a BOM (the "Unicode" default) or UTF-8.

No SQL Server runs here, so the scripts are written in the test to that documented layout. Each finding must
name its table, column and key, and its line and columns must select its value in the decoded script.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from piscan.scanner import Scanner, ScanOptions
from piscan.sources.registry import sniff_kind
from piscan.sources.sql_common import parse_create_table, unescape_std
from piscan.testing.generate import ValueGen

_CREATE = """\
/****** Object:  Table [dbo].[客户]    Script Date: 2026/11/28 10:00:00 ******/
SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
CREATE TABLE [dbo].[客户](
\t[id] [int] IDENTITY(1,1) NOT NULL,
\t[name] [nvarchar](50) NULL,
\t[memo] [nvarchar](max) NULL,
\t[joined] [datetime] NULL,
\t[balance] [decimal](18, 2) NULL,
\t[mobile] [varchar](20) NULL,
 CONSTRAINT [PK_客户] PRIMARY KEY CLUSTERED \n(
\t[id] ASC
)WITH (PAD_INDEX = OFF, STATISTICS_NORECOMPUTE = OFF, IGNORE_DUP_KEY = OFF, ALLOW_ROW_LOCKS = ON, \
ALLOW_PAGE_LOCKS = ON, OPTIMIZE_FOR_SEQUENTIAL_KEY = OFF) ON [PRIMARY]
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
GO
"""


def _rows(seed: int, n: int = 60) -> list[tuple[int, str, str, str]]:
    """``(id, name, memo, mobile)``; memos hold a value after a doubled quote, on a second line, or plain."""
    v = ValueGen(random.Random(seed))
    out = []
    for i in range(1, n + 1):
        pi = (v.resident_id(), v.mobile(), v.card())[i % 3]
        memo = (f"O''Brien {pi}", f"第一行\r\n第二行 身份证{pi}", f"plain {pi}", f"a, b) {pi}")[i % 4]
        out.append((i + 100, f"用户{i}", memo, v.mobile()))
    return out


def _script(rows, go_each: bool) -> str:
    head = "USE [shop]\nGO\n" + _CREATE + "SET IDENTITY_INSERT [dbo].[客户] ON \n"
    head += "GO\n" if go_each else "\n"
    body = []
    for rid, name, memo, mobile in rows:
        body.append(f"INSERT [dbo].[客户] ([id], [name], [memo], [joined], [balance], [mobile]) VALUES ({rid}, "
                    f"N'{name}', N'{memo}', CAST(N'2023-05-0{rid % 9 + 1}T12:00:00.000' AS DateTime), "
                    f"CAST({rid}.50 AS Decimal(18, 2)), {'NULL' if rid % 7 == 0 else repr(mobile)})\n")
        if go_each:
            body.append("GO\n")
    return (head + "".join(body) + "SET IDENTITY_INSERT [dbo].[客户] OFF\nGO\n").replace("\n", "\r\n")


def _expected(rows) -> dict[tuple[str, str], set[str]]:
    """Each planted value (as the script writes it) -> the (column, row key) it is in."""
    out: dict[tuple[str, str], set[str]] = {}
    for rid, _name, memo, mobile in rows:
        out.setdefault(("memo", str(rid)), set()).add(memo.rsplit(" ", 1)[1].replace("身份证", ""))
        if rid % 7:
            out.setdefault(("mobile", str(rid)), set()).add(mobile)
    return out


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
@pytest.mark.parametrize("go_each", [True, False])
def test_ssms_script_values_have_table_column_key_and_place(tmp_path, encoding, go_each):
    rows = _rows(1 + go_each)
    path: Path = tmp_path / "shop.sql"
    path.write_bytes(_script(rows, go_each).encode(encoding))  # utf-16: with its BOM, as SSMS saves
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])
    assert not r.errors, r.errors
    assert r.inputs[0]["type"] == "mssql_script"
    lines = path.read_bytes().decode(encoding).split("\n")
    got: dict[tuple[str, str], set[str]] = {}
    for f in r.findings:
        assert f.table == "shop.dbo.客户", f.table
        assert not f.masked
        got.setdefault((f.column, f.row), set()).add(f.value)
        assert lines[f.line - 1][f.start:f.end] == f.value, (f.line, f.start, f.end)
    assert got == _expected(rows)
    # every row counted, NULL mobiles not: the column's share of values with PI is over its non-null values
    values = {k[1:]: n for k, n in r.column_values.items()}  # (path, table, column) -> non-null values
    assert values[("shop.dbo.客户", "mobile")] == sum(1 for x in rows if x[0] % 7)
    assert values[("shop.dbo.客户", "joined")] == len(rows)


@pytest.mark.parametrize(("into", "reason"), [(60, "cut before its values"), (160, "unterminated")])
def test_ssms_script_cut_mid_statement_is_a_scan_error_that_keeps_earlier_rows(tmp_path, into, reason):
    rows = _rows(3, 12)
    text = _script(rows, go_each=False)
    # inside the 8th INSERT: in its column list, or in its values
    cut = text.index("INSERT [dbo]", text.index(f"VALUES ({rows[6][0]},")) + into
    path = tmp_path / "cut.sql"
    path.write_text(text[:cut], encoding="utf-8")
    r = Scanner(ScanOptions(jobs=1)).scan([str(path)])
    assert len(r.errors) == 1 and "cut.sql" in r.errors[0].path
    assert reason in r.errors[0].reason
    assert {f.row for f in r.findings if f.column == "mobile"} == {str(x[0]) for x in rows[:7] if x[0] % 7}


def test_navicat_style_tsql_with_into_and_semicolons(tmp_path):
    v = ValueGen(random.Random(5))
    rid, phone = v.resident_id(), v.mobile()
    path = tmp_path / "navicat.sql"
    path.write_text(
        "CREATE TABLE [dbo].[users] (\n  [uid] bigint  NOT NULL,\n  [sfzh] nvarchar(18) NULL,\n"
        "  [sjh] nvarchar(20) NULL\n)\nGO\n\nALTER TABLE [dbo].[users] SET (LOCK_ESCALATION = TABLE)\nGO\n\n"
        f"INSERT INTO [dbo].[users] ([uid], [sfzh], [sjh]) VALUES (N'7', N'{rid}', N'{phone}')\nGO\n"
        "INSERT INTO [dbo].[users] VALUES (N'8', NULL, N'none'),\n(N'9', NULL, NULL);\nGO\n",
        encoding="utf-8")
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])
    assert not r.errors, r.errors
    assert sorted((f.table, f.column, f.row, f.value) for f in r.findings) == [
        ("dbo.users", "sfzh", "1", rid), ("dbo.users", "sjh", "1", phone)]
    assert {k[1:]: n for k, n in r.column_values.items()}[("dbo.users", "sjh")] == 2  # rows 7 and 8


def test_sniffing_tells_tsql_from_other_sql_and_text():
    ssms = "USE [shop]\r\nGO\r\n/****** Object:  Table [dbo].[t] ******/\r\nCREATE TABLE [dbo].[t](\r\n"
    assert sniff_kind("x.sql", ssms.encode("utf-16")) == "mssql_script"
    assert sniff_kind("x.sql", b"INSERT [dbo].[t] ([a]) VALUES (1)\r\n") == "mssql_script"
    assert sniff_kind("x.sql", b"CREATE TABLE t (a int)\nGO\nINSERT INTO t VALUES (1)\nGO\n") == "mssql_script"
    # not T-SQL: pg_dump --inserts, Oracle SQL Developer, and text that merely says GO
    assert sniff_kind("x.sql", b"-- PostgreSQL database dump\nINSERT INTO public.t VALUES (1);\n") == "pg_dump"
    assert sniff_kind("x.sql", b"Insert into SHOP.USERS (ID) values (1);\n") == "pg_dump"
    assert sniff_kind("notes.txt", b"Ready?\nGO\nthe insert failed\n") == "text"


def test_tsql_pieces():
    assert parse_create_table(_CREATE[_CREATE.index("CREATE"):_CREATE.index("\nGO", _CREATE.index("CREATE"))]) == (
        ["dbo", "客户"], ["id", "name", "memo", "joined", "balance", "mobile"], ["id"])
    assert unescape_std("CAST(N'2023-05-01T00:00:00.000' AS DateTime)") == "2023-05-01T00:00:00.000"
    assert unescape_std("CONVERT(datetime2(7), N'it''s', 120)") == "it's"
    assert unescape_std("CAST(12.50 AS Decimal(18, 2))") == "CAST(12.50 AS Decimal(18, 2))"
