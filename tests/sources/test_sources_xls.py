"""Legacy Excel workbooks (``.xls``, and WPS ``.et`` in that format): each sheet a table, the first non-empty
row its header, values attributed to sheet, header column and sheet row -- as for ``.xlsx``. They were
skipped as binary files before. Workbooks are written with xlwt (the BIFF8 writer on PyPI); "xls" files
that web systems export as HTML tables or tab-separated text are read by their content, as before."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from pathlib import Path

import pytest

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen

xlwt = pytest.importorskip("xlwt")


def _book(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("客户名单")
    ws.write(0, 0, "2026年客户信息表")  # a sheet holding only a title: its header, no rows
    ws = wb.add_sheet("客户")
    for c, h in enumerate(["姓名", "身份证号", "手机号", "银行卡", "开户日期", "VIP", ""]):
        if h:
            ws.write(1, c, h)  # the header in the second row: the first is empty
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, (name, rid, phone, card) in enumerate(rows, start=2):
        ws.write(r, 0, name)
        ws.write(r, 1, rid)
        ws.write(r, 2, int(phone) if r % 2 else phone)  # a number cell, as typed into Excel, or text
        ws.write(r, 3, card)
        ws.write(r, 4, dt.date(2020, 1, 1 + r % 28), date)
        ws.write(r, 5, r % 3 == 0)
        ws.write(r, 6, f"备注 {phone}" if r % 5 == 0 else "")
    wb.add_sheet("空表")
    wb.save(str(path))


def _expected_count(rows) -> int:
    """Findings in a :func:`_book`: ID, phone and card per row, and the phone again in every fifth memo."""
    return 3 * len(rows) + sum(1 for i in range(len(rows)) if (i + 2) % 5 == 0)


def _rows(seed: int, n: int = 40) -> list[tuple[str, str, str, str]]:
    v = ValueGen(random.Random(seed))
    return [(f"用户{i}", v.resident_id(), v.mobile(), v.card()) for i in range(n)]


def test_xls_cells_have_sheet_column_and_row(tmp_path):
    rows = _rows(1)
    path = tmp_path / "客户.xls"
    _book(path, rows)
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])
    assert not r.errors, r.errors
    assert r.inputs[0]["type"] == "xls" and r.inputs[0]["sheets"] == 3
    got = sorted((f.table, f.column, f.row, f.line, f.value) for f in r.findings)
    want = sorted(
        [("客户", "身份证号", str(i + 3), i + 3, rid) for i, (_n, rid, _p, _c) in enumerate(rows)]
        + [("客户", "手机号", str(i + 3), i + 3, p) for i, (_n, _r, p, _c) in enumerate(rows)]
        + [("客户", "银行卡", str(i + 3), i + 3, c) for i, (_n, _r, _p, c) in enumerate(rows)]
        + [("客户", "G", str(i + 3), i + 3, p) for i, (_n, _r, p, _c) in enumerate(rows) if (i + 2) % 5 == 0])
    assert got == want
    values = {k[1:]: n for k, n in r.column_values.items()}
    # dates and booleans are no text a number is written in: not counted as values of their columns
    assert values[("客户", "手机号")] == len(rows) and ("客户", "开户日期") not in values
    assert r.inputs[0]["rows_scanned"] == len(rows)


def test_xls_in_a_zip_and_as_wps_et(tmp_path):
    rows = _rows(2, 5)
    book = tmp_path / "a.xls"
    _book(book, rows)
    (tmp_path / "b.et").write_bytes(book.read_bytes())
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as zf:
        zf.write(book, "2026/名单.xls")
    r = Scanner(ScanOptions(jobs=1)).scan([str(tmp_path / "b.et"), str(tmp_path / "export.zip")])
    assert not r.errors, r.errors
    assert sorted(i["path"].replace(str(tmp_path) + "/", "") for i in r.inputs) == [
        "b.et", "export.zip!2026/名单.xls"]
    assert {i["type"] for i in r.inputs} == {"xls"}
    assert len(r.findings) == 2 * _expected_count(rows)


def test_damaged_xls_is_a_scan_error_and_web_exports_named_xls_are_read_as_text(tmp_path):
    rows = _rows(3, 5)
    good = tmp_path / "good.xls"
    _book(good, rows)
    (tmp_path / "cut.xls").write_bytes(good.read_bytes()[:3000])
    # what web systems export as "xls": an HTML table, and tab-separated text
    (tmp_path / "html.xls").write_text(
        "<html><body><table><tr><th>手机号</th></tr>"
        + "".join(f"<tr><td>{p}</td></tr>" for _n, _r, p, _c in rows) + "</table></body></html>",
        encoding="utf-8")
    (tmp_path / "tsv.xls").write_text("姓名\t手机号\n" + "".join(f"{n}\t{p}\n" for n, _r, p, _c in rows),
                                      encoding="utf-8")
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(tmp_path)])
    errors = {Path(e.path).name: e.reason for e in r.errors}
    assert list(errors) == ["cut.xls"] and "Excel 97-2003" in errors["cut.xls"]
    phones = {p for _n, _r, p, _c in rows}
    for name in ("html.xls", "tsv.xls"):
        assert {f.value for f in r.findings if Path(f.path).name == name} == phones, name
    assert sum(1 for f in r.findings if Path(f.path).name == "good.xls") == _expected_count(rows)
