"""INSERT scripts that Oracle tools export (SQL Developer's "Export Data" as INSERT statements, PL/SQL
Developer's "Export Tables" as SQL inserts): dates are function calls with commas inside
(``to_date('01-JAN-90','DD-MON-RR')``, ``TO_TIMESTAMP(…)``), which must stay one value, or every column after
them shifts and the row no longer has its column count. No Oracle runs here: the scripts are written in the
test to the tools' layouts."""

from __future__ import annotations

import random

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen


def _scan(path):
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])
    assert not r.errors, r.errors
    lines = path.read_text(encoding="utf-8").split("\n")
    for f in r.findings:
        assert lines[f.line - 1][f.start:f.end] == f.value, (f.line, f.start, f.end)
    return sorted((f.table, f.column, f.row, f.value) for f in r.findings)


def test_sql_developer_export_with_dates(tmp_path):
    v = ValueGen(random.Random(21))
    rows = [(i, v.resident_id(), v.mobile()) for i in range(1, 6)]
    body = "".join(
        f"Insert into SHOP.CUSTOMERS (ID,BIRTH,ID_CARD,CREATED,MOBILE) values ({i},to_date('01-JAN-90','DD-MON-RR'),"
        f"'{rid}',TO_TIMESTAMP('2020-01-01 10:00:00.000000000','YYYY-MM-DD HH24:MI:SS.FF'),'{m}');\n"
        for i, rid, m in rows)
    path = tmp_path / "export.sql"
    path.write_text(
        "--------------------------------------------------------\n--  File created - Saturday-November-28-2026\n"
        "--------------------------------------------------------\nREM INSERTING into SHOP.CUSTOMERS\n"
        "SET DEFINE OFF;\n" + body, encoding="utf-8")
    assert _scan(path) == sorted(
        [("SHOP.CUSTOMERS", "ID_CARD", str(i), rid) for i, rid, _m in rows]
        + [("SHOP.CUSTOMERS", "MOBILE", str(i), m) for i, _rid, m in rows])


def test_plsql_developer_export_statements_span_lines(tmp_path):
    v = ValueGen(random.Random(22))
    rows = [(i, v.card(), v.mobile()) for i in range(1, 4)]
    body = "".join(
        f"insert into CUSTOMERS (ID, CARD_NO, JOINED, NOTE)\nvalues ({i}, '{c}', to_date('28-11-2026 10:00:00', "
        f"'dd-mm-yyyy hh24:mi:ss'), '联系电话 {m}');\n\n" for i, c, m in rows)
    path = tmp_path / "customers.sql"
    path.write_text("prompt Importing table CUSTOMERS...\nset feedback off\nset define off\n" + body
                    + "prompt Done.\n", encoding="utf-8")
    assert _scan(path) == sorted(
        [("CUSTOMERS", "CARD_NO", str(i), c) for i, c, _m in rows]
        + [("CUSTOMERS", "NOTE", str(i), m) for i, _c, m in rows])
