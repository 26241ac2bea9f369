"""Files as real systems write them: CSV exports with ``;``/tab under a ``.csv`` name or with no header
row, logs with NUL bytes (``copytruncate`` padding, raw BLOBs in ``mysqldump --xml``), UTF-16 without a
BOM, compressed members inside a zip. Every planted value is found once, with no scan error."""

from __future__ import annotations

import gzip
import random
import zipfile

import pytest

from piscan.scanner import Scanner, ScanOptions
from piscan.sources.text import sniff_encoding
from piscan.testing.generate import ValueGen


def _scan(path):
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])
    found: dict[str, list] = {}
    for f in r.findings:
        if f.rule_id.startswith("CNPI") and not f.masked:
            found.setdefault(f.value, []).append(f.column)
    return r, found


def _vals(seed: int):
    v = ValueGen(random.Random(seed))
    return v.resident_id(), v.mobile(), v.card()


def test_csv_semicolon_and_tab_delimiters_under_csv_name(tmp_path):
    rid, phone, card = _vals(1)
    for delim in (";", "\t", "|"):
        p = tmp_path / "export.csv"
        p.write_text(delim.join(["name", "memo", "contact"]) + "\n"
                     + delim.join(["张三", rid, phone]) + "\n" + delim.join(["李四", '"a, b"', card]) + "\n",
                     encoding="utf-8")
        r, found = _scan(p)
        assert not r.errors
        assert found == {rid: ["memo"], phone: ["contact"], card: ["contact"]}, delim


def test_csv_without_header_row_scans_the_first_row(tmp_path):
    rid, phone, card = _vals(2)
    p = tmp_path / "noheader.csv"
    p.write_text(f"张三,{rid},{phone}\n李四,x,{card}\n", encoding="utf-8")
    r, found = _scan(p)
    assert not r.errors
    assert found == {rid: ["col2"], phone: ["col3"], card: ["col3"]}


def test_csv_header_row_still_names_columns(tmp_path):
    rid, phone, _card = _vals(3)
    p = tmp_path / "h.csv"
    p.write_text(f"序号,备注,联系\n1,{rid},{phone}\n", encoding="utf-8")
    _r, found = _scan(p)
    assert found == {rid: ["备注"], phone: ["联系"]}


def test_log_with_nul_padding_is_text(tmp_path):
    rid, phone, _card = _vals(4)
    p = tmp_path / "app.log"  # logrotate copytruncate: the writer's offset leaves a run of NULs
    p.write_bytes(b"\x00" * 70000 + f"after rotate {rid}\n".encode() + b"a\x00b " + f"{phone}\n".encode())
    r, found = _scan(p)
    assert not r.errors
    assert set(found) == {rid, phone}


def test_binary_files_stay_binary():
    assert sniff_encoding(b"SQLite format 3\x00" + b"\x00" * 100 + b"13800138000") is None
    assert sniff_encoding(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4) is None
    noise = random.Random(0).randbytes(4096)
    assert b"\x00" in noise and sniff_encoding(noise) is None


def test_utf16_without_bom(tmp_path):
    rid, phone, _card = _vals(5)
    for enc in ("utf-16-le", "utf-16-be"):
        p = tmp_path / f"{enc}.log"
        p.write_bytes(f"user id {rid} phone {phone}\r\n".encode(enc) * 2)
        r, found = _scan(p)
        assert not r.errors
        assert {k: len(v) for k, v in found.items()} == {rid: 2, phone: 2}, enc


def test_compressed_members_inside_a_zip(tmp_path):
    rid, phone, card = _vals(6)
    p = tmp_path / "logs.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("logs/", "")
        z.writestr("logs/app/app.log", f"a {rid}\n")
        z.writestr("logs/app/app.log.1.gz", gzip.compress(f"old {phone}\n".encode()))
        z.writestr("data/users.csv.gz", gzip.compress(f"name,contact\n张三,{card}\n".encode()))
    r, found = _scan(p)
    assert not r.errors, r.errors
    assert found == {rid: [None], phone: [None], card: ["contact"]}
    kinds = {i["path"]: i["type"] for i in r.inputs}
    assert kinds[f"{p}!data/users.csv.gz"] == "csv"


def test_excel_workbooks_give_sheet_column_and_row(tmp_path):
    """An .xlsx was read as a zip archive: findings in xl/sharedStrings.xml, no column, no row."""
    import random
    import zipfile

    import openpyxl

    from piscan.scanner import Scanner, ScanOptions
    from piscan.testing.generate import ValueGen

    v = ValueGen(random.Random(41))
    rid, phone, phone2, card = v.resident_id(), v.mobile(), v.mobile(), v.card()
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "客户"
    ws.append([None])  # a blank first row: the header is the first row with a value
    ws.append(["姓名", "手机号", "身份证号", "备注"])
    ws.append(["张三", int(phone), rid, f"卡号 {card}"])  # a phone typed into a number cell
    ws.append(["李四", float(phone2), None, "无"])
    ws2 = book.create_sheet("订单")
    ws2.append(["order_no", "amount"])
    ws2.append([202300000000000001, 12.5])
    path = tmp_path / "导出.xlsx"
    book.save(path)
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as z:
        z.write(path, "in/导出.xlsx")
    (tmp_path / "bad.xlsx").write_bytes(path.read_bytes()[:300])
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(tmp_path)])
    got = sorted((f.path, f.table, f.column, f.row, f.line, f.value) for f in r.findings
                 if f.rule_id.startswith("CNPI"))
    want = [("客户", "备注", "3", 3, card), ("客户", "手机号", "3", 3, phone), ("客户", "手机号", "4", 4, phone2),
            ("客户", "身份证号", "3", 3, rid)]
    assert got == sorted([(p, *w) for p in ("bundle.zip!in/导出.xlsx", "导出.xlsx") for w in want])
    assert [(e.path, "cannot read Excel workbook" in e.reason) for e in r.errors] == [("bad.xlsx", True)]
    inputs = {i["path"]: i for i in r.inputs}
    assert inputs["导出.xlsx"]["type"] == "xlsx" and inputs["导出.xlsx"]["rows_scanned"] == 3
    import hashlib

    assert inputs["导出.xlsx"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_workbook_title_rows_and_sheets_without_a_header(tmp_path, fmt):
    """A report sheet starts with its title (often merged across the columns), a date line and a blank
    row: the title was taken as the header, so every column was named by its letter. A sheet without a
    header row lost its first row (read as the header). Now the header is the first row of two or more
    column names after title rows; title cells are scanned without a column; a sheet whose first row is
    data keeps it, with letter columns."""
    import random

    from piscan.scanner import Scanner, ScanOptions
    from piscan.testing.generate import ValueGen

    v = ValueGen(random.Random(43))
    rid, phone, phone2, note_phone = v.resident_id(), v.mobile(), v.mobile(), v.mobile()
    sheets = {
        "客户": [["客户信息导出表（2024-03-01）"], [f"导出人：张三 {note_phone}"], [],
                ["姓名", "身份证号", "手机号码"], ["李四", rid, phone]],
        "无表头": [["王五", rid, phone2]],
        "单列": [["手机号"], [phone2]],
    }
    path = tmp_path / f"report.{fmt}"
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, rows in sheets.items():
            ws = book.create_sheet(name)
            for row in rows:
                ws.append(row or [None])
            if name == "客户":
                ws.merge_cells("A1:C1")
        book.save(path)
    else:
        xlwt = pytest.importorskip("xlwt")
        book = xlwt.Workbook(encoding="utf-8")
        for name, rows in sheets.items():
            ws = book.add_sheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    ws.write(r, c, value)
        book.save(str(path))
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])
    assert not r.errors, r.errors
    got = sorted((f.table, f.column or "", f.row, f.value) for f in r.findings if f.rule_id.startswith("CNPI"))
    assert got == sorted([("客户", "", "2", note_phone), ("客户", "身份证号", "5", rid),
                          ("客户", "手机号码", "5", phone), ("无表头", "B", "1", rid), ("无表头", "C", "1", phone2),
                          ("单列", "手机号", "2", phone2)])
    assert r.inputs[0]["rows_scanned"] == 3


def test_export_review_fixes(tmp_path):
    """From an independent review of data exports: a password-protected .xlsx (an OLE2 container) was
    'binary, skipped' with exit 0; a card number in a number cell was read as the float's exact value,
    digits that are nowhere in the file; a zip made on Chinese Windows showed its GBK member names as
    CP437 mojibake (and ``verify --inputs`` must find those members by the names the report shows)."""
    import openpyxl

    from piscan.digest import sha256_member

    (tmp_path / "enc.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["姓名", "银行卡号"])
    ws.append(["张三", 6228482104087201234])  # typed into a number cell: Excel keeps 15 digits
    book.save(tmp_path / "cards.xlsx")
    body = "姓名,手机号码\n张三,13812345678\n"
    buf = tmp_path / "gbk.zip"
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("abcdefgh.csv", body)
    buf.write_bytes(buf.read_bytes().replace(b"abcdefgh", "客户信息".encode("gbk")))
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(tmp_path)])
    errors = {e.path: e for e in r.errors}
    assert set(errors) == {"enc.xlsx"} and errors["enc.xlsx"].kind == "error"
    assert "password-protected" in errors["enc.xlsx"].reason
    values = {f.path: f.value for f in r.findings if f.rule_id.startswith("CNPI")}
    assert values.get("gbk.zip!客户信息.csv") == "13812345678"
    assert "6228482104087200768" not in str(values)  # no invented digits
    member = next(i for i in r.inputs if i["path"] == "gbk.zip!客户信息.csv")
    assert sha256_member(buf, ["客户信息.csv"]) == member["sha256"]


def test_excel_unicode_text_export_is_tab_separated(tmp_path):
    # Excel / WPS "Unicode 文本" saves UTF-16 tab-separated rows as .txt: read as text before, so its
    # values had no column; a UTF-16 log with tabs but no column names stays text
    rows = "姓名\t身份证号\t手机号码\r\n张三\t11010519491231002X\t13812345678\r\n"
    (tmp_path / "export.txt").write_bytes(b"\xff\xfe" + rows.encode("utf-16-le"))
    log = "2024-03-01 10:00:00\tINFO\tuser 13912345678 login\r\n"
    (tmp_path / "app.txt").write_bytes(b"\xff\xfe" + log.encode("utf-16-le"))
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(tmp_path)])
    assert not r.errors
    assert {i["path"]: i["type"] for i in r.inputs} == {"export.txt": "tsv", "app.txt": "text"}
    got = sorted((f.path, f.column, f.value) for f in r.findings)
    assert got == [("app.txt", None, "13912345678"), ("export.txt", "手机号码", "13812345678"),
                   ("export.txt", "身份证号", "11010519491231002X")]


def test_web_system_html_table_exports(tmp_path, monkeypatch):
    """Web back-ends answer "导出Excel" with an HTML page named .xls (often GB2312): it was read as text, so
    its values had no column. Now each table's header names the columns, a title row above it has none,
    rows are numbered, and lines and columns point at the value."""
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>\n'
            "<h3>导出人：管理员 电话 13500001111</h3>\n"
            '<table border="1">\n<tr><td colspan="3">客户信息导出表 联系人 13700001111</td></tr>\n'
            "<tr><th>姓名</th><th>身份证号</th><th>手机号码</th></tr>\n"
            "<tr><td>张三</td><td>11010519491231002X</td><td> 13812345678 </td></tr>\n"
            "<tr>\n  <td>李四</td>\n  <td>\n    11010519491231002X</td>\n  <td>13912345678</td>\n</tr>\n"
            "</table>\n<table><tr><th>订单</th><th>收货电话</th></tr><tr><td>A1</td><td>13612345678</td></tr>"
            "</table></body></html>\n")
    p = tmp_path / "导出.xls"
    p.write_bytes(page.encode("gb18030"))
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(p)])
    assert not r.errors
    assert r.inputs[0]["type"] == "html_table" and r.inputs[0]["rows_scanned"] == 3
    got = sorted((f.table or "", f.column or "", f.row or "", f.value) for f in r.findings)
    assert got == [("", "", "", "13500001111"), ("table1", "", "", "13700001111"),
                   ("table1", "手机号码", "1", "13812345678"),
                   ("table1", "手机号码", "2", "13912345678"), ("table1", "身份证号", "1", "11010519491231002X"),
                   ("table1", "身份证号", "2", "11010519491231002X"), ("table2", "收货电话", "1", "13612345678")]
    lines = page.split("\n")
    for f in r.findings:
        assert lines[f.line - 1][f.start:f.end] == f.value
    # a page longer than one read block: the first table's rows come out before the second table is parsed,
    # and keep the same table name
    from piscan.sources import text as text_mod

    monkeypatch.setattr(text_mod, "CHUNK_SIZE", 4096)
    filler = "<tr><td>王五</td><td>无</td><td>无</td></tr>\n" * 3000
    big = tmp_path / "big.xls"
    big.write_bytes(page.replace("</table>\n<table>", filler + "</table>\n<table>").encode("gb18030"))
    again = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(big)])
    assert sorted((f.table or "", f.column or "", f.value) for f in again.findings) == sorted(
        (f.table or "", f.column or "", f.value) for f in r.findings)
