"""A CSV/TSV finding's ``line``, ``start`` and ``end`` select its value in the file, as the findings contract
says for every input (they counted within the field before): quoted fields with doubled quotes, delimiters
and line breaks inside, CRLF, Chinese text before the value, a value on the second line of a field, with
the prefiltered path and with every cell scanned (a lone CR turns the prefilter off)."""

from __future__ import annotations

import csv
import io
import random

import pytest

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen


def _rows(seed: int, n: int = 150) -> list[list[str]]:
    v = ValueGen(random.Random(seed))
    out = []
    for i in range(n):
        pi = (v.mobile(), v.resident_id(), v.card())[i % 3]
        memo = (f'说"明" {pi}', f"第一行\n第二行 电话{pi}", f"a, b; {pi}", f"plain {pi}", "")[i % 5]
        out.append([f"用户{i}", v.mobile(), memo, str(i)])
    return out


@pytest.mark.parametrize(("delimiter", "line_end"), [(",", "\r\n"), (",", "\n"), ("\t", "\n")])
def test_csv_findings_point_at_the_value_in_the_file(tmp_path, delimiter, line_end):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator=line_end)
    w.writerow(["姓名", "手机号", "备注", "序号"])
    w.writerows(_rows(len(line_end) + len(delimiter)))
    text = buf.getvalue()
    path = tmp_path / ("x.tsv" if delimiter == "\t" else "x.csv")
    path.write_text(text, encoding="utf-8", newline="")
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])
    assert not r.errors, r.errors
    lines = text.split("\n")
    assert len(r.findings) > 250
    for f in r.findings:
        assert lines[f.line - 1][f.start:f.end] == f.value, (f.column, f.line, f.start, f.end, f.value)


def test_csv_positions_without_the_prefilter(tmp_path):
    """A lone CR ends a record for the csv module: the prefilter is off from there, every cell is scanned,
    and positions still point at the values on lines without a lone CR."""
    rows = _rows(9, 20)
    body = "".join(",".join(f'"{c}"' if ("," in c or "\n" in c or '"' in c) and '"' not in c
                            else c.replace('"', "'") for c in row) + "\n" for row in rows if "\n" not in row[2])
    path = tmp_path / "cr.csv"
    path.write_text("姓名,手机号,备注,序号\r" + body, encoding="utf-8", newline="")
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])
    lines = ("姓名,手机号,备注,序号\r" + body).split("\n")
    assert len(r.findings) > 20
    for f in r.findings:
        assert lines[f.line - 1][f.start:f.end] == f.value, (f.column, f.line, f.start, f.end, f.value)


@pytest.mark.parametrize("preamble", [
    "客户信息导出表（2024-03-01）\n\n",  # a title line and a blank line, as a report tool writes them
    "客户信息导出表,,,\n导出时间：2024-03-01 张三 13900001111,,,\n,,,\n",  # Excel: a merged title row, a note
    "导出时间：2024-03-15 10:22:01,导出人：admin 13900001111,,\n",  # a row of label：value notes
])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_title_rows_above_the_header(tmp_path, preamble, delimiter):
    """Excel/WPS report exports put a title (and a date, a blank line) above the header row: the title was
    taken as the header, every column became colN and every row a ragged-row error. The header is now the
    first row of two or more column names after such lines; the lines themselves are scanned as text."""
    rows = _rows(9, 30)
    body = io.StringIO()
    w = csv.writer(body, delimiter=delimiter, lineterminator="\n")
    w.writerow(["姓名", "手机号码", "备注", "编号"])
    w.writerows(rows)
    pre = preamble.replace(",", delimiter)
    p = tmp_path / "report.csv"
    p.write_text(pre + body.getvalue(), encoding="utf-8")
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(p)])
    assert not r.errors, r.errors
    cols = {f.column for f in r.findings}
    assert cols <= {"手机号码", "备注", None}, cols
    lines = p.read_text(encoding="utf-8").split("\n")
    for f in r.findings:
        assert lines[f.line - 1][f.start:f.end] == f.value
    mobiles = sorted((int(f.row), f.value) for f in r.findings if f.column == "手机号码")
    assert mobiles == sorted((i + 1, row[1]) for i, row in enumerate(rows))
    # a phone in the preamble is still found, as text (no column)
    assert [f.value for f in r.findings if f.column is None] == (["13900001111"] if "139" in pre else [])
    assert r.inputs[0]["rows_scanned"] == len(rows)


def test_excel_formula_text_fields_point_at_the_value(tmp_path):
    # ="11010519491231002X" keeps a long number as text in Excel: an unquoted field holding quotes, written
    # once (a quoted field doubles its quotes); its columns were one too far (found by the export review)
    v = ValueGen(random.Random(17))
    rows = [(v.resident_id(), v.mobile()) for _ in range(40)]
    text = "姓名,身份证号,手机号码,备注\n" + "".join(
        f'用户{i},="{rid}",{phone if i % 2 else f"={chr(34)}{phone}{chr(34)}"},"说""好"" {phone}"\n'
        for i, (rid, phone) in enumerate(rows))
    p = tmp_path / "excel.csv"
    p.write_text(text, encoding="utf-8")
    r = Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(p)])
    assert not r.errors
    lines = text.split("\n")
    assert len(r.findings) == 120
    for f in r.findings:
        assert lines[f.line - 1][f.start:f.end] == f.value, (f.column, f.line, f.start)
