"""CSV cells reach stage 2 only where the prefilter points (per field, or per record when quoted), with the
same findings, assets and summary as scanning every cell."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from piscan.reports.json_report import build
from piscan.scanner import Scanner, ScanOptions
from piscan.sources.csv_source import CsvReader
from piscan.testing.generate import LineGen, ValueGen


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


def write_csv(path: Path, rows: int, seed: int = 5, *, delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> None:
    rng = random.Random(seed)
    v = ValueGen(rng)
    lines = [ln.text for ln in LineGen(seed).corpus(rows, 3)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=delimiter, quoting=quoting)
        w.writerow(["id", "姓名", "身份证号", "手机", "bank_card", "message", "备注", "order_no"])
        for i in range(rows):
            mob, idv, card = v.mobile(), v.resident_id(), v.card()
            msg = lines[i] + (f"\n第二行 {rng.choice([mob, idv, card])} 带\"引号\"" if i % 25 == 0 else "")
            w.writerow([
                i, f"用户{i}",
                rng.choice([idv, idv[:6] + "********" + idv[14:], f"{idv[:6]} {idv[6:14]} {idv[14:]}", ""]),
                rng.choice([mob, "+86 " + mob, mob[:3] + "****" + mob[7:], _fullwidth(mob), f'="{mob}"', ""]),
                rng.choice([card, " ".join(card[j:j + 4] for j in range(0, len(card), 4)), ""]),
                msg,
                rng.choice(["", "VIP", f"备用电话{mob}", f"订单2023{rng.randint(10**15, 10**16 - 1)}"]),
                f"2023{rng.randint(10**15, 10**16 - 1)}",
            ])


def _report(path: Path, cap: int) -> dict:
    result = Scanner(ScanOptions(jobs=1, max_findings_per_asset=cap)).scan([str(path)])
    doc = json.loads(json.dumps(build(result)))
    return {k: doc[k] for k in ("findings", "assets", "summary", "errors")}


@pytest.mark.parametrize(("delimiter", "quoting"), [(",", csv.QUOTE_MINIMAL), (";", csv.QUOTE_MINIMAL),
                                                     (",", csv.QUOTE_ALL)])
def test_prefiltered_csv_equals_scanning_every_cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     delimiter: str, quoting: int) -> None:
    """Unquoted one-line records map reports to fields by offset; quoted ones (all of them with QUOTE_ALL)
    hand over the fields holding a reported value."""
    path = tmp_path / "export.csv"
    write_csv(path, 3000, delimiter=delimiter, quoting=quoting)
    filtered = {cap: _report(path, cap) for cap in (0, 50)}
    # every cell through stage 2: the reader ignores the detector the scanner hands it
    monkeypatch.setattr(CsvReader, "prefilter", property(lambda self: None, lambda self, value: None))
    for cap, got in filtered.items():
        assert got == _report(path, cap), cap
    assert len(filtered[0]["findings"]) > 5000
    kinds = {(f["entity_type"], f["masked"]) for f in filtered[0]["findings"]}
    assert len(kinds) == 6  # full and masked forms of all three entities are in the comparison


def test_cells_without_a_candidate_are_counted_not_scanned(tmp_path: Path) -> None:
    path = tmp_path / "neg.csv"
    rng = random.Random(1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["订单号", "金额", "时间", "备注"])
        for i in range(2000):
            w.writerow([f"2023{rng.randint(10**15, 10**16 - 1)}", f"{rng.random() * 999:.2f}",
                        "2023-11-28 12:00:00", f"第{i}单"])
    result = Scanner(ScanOptions(jobs=1)).scan([str(path)])
    assert result.findings == [] and not result.errors
    assert {k[2]: v for k, v in result.column_values.items()} == {"订单号": 2000, "金额": 2000, "时间": 2000,
                                                                  "备注": 2000}
    doc = build(result)
    assert doc["assets"] == []  # a column whose candidates all fail is not an asset
    assert doc["summary"]["bytes_scanned"] == sum(len(c) for row in csv.reader(path.open(encoding="utf-8"))
                                                  for c in row) - len("订单号金额时间备注")


def test_lone_cr_line_ends_fall_back_to_scanning_every_cell(tmp_path: Path) -> None:
    mob = "13812345678"
    path = tmp_path / "mac.csv"
    path.write_bytes(("name,mobile\r" + "\r".join(f"u{i},{mob[:-2]}{i:02d}" for i in range(30)) + "\r")
                     .encode())
    result = Scanner(ScanOptions(jobs=1)).scan([str(path)])
    assert len(result.findings) == 30 and {f.column for f in result.findings} == {"mobile"}


def write_jsonl(path: Path, rows: int, seed: int = 8) -> None:
    rng = random.Random(seed)
    v = ValueGen(rng)
    lines = [ln.text for ln in LineGen(seed).corpus(rows, 3)]
    out = []
    for i in range(rows):
        mob, idv, card = v.mobile(), v.resident_id(), v.card()
        rec = {"id": i, "ts": 1_700_000_000_000 + i, "msg": lines[i],
               "user": {"name": f"用户{i}", "phone": rng.choice([mob, int(mob), mob[:3] + "****" + mob[7:],
                                                               _fullwidth(mob), None]),
                        "idCard": rng.choice([idv, idv[:6] + "********" + idv[14:], ""]),
                        "cards": rng.choice([[card], [], [card, " ".join(card[j:j + 4] for j in range(0, 16, 4))]])},
               "order_no": f"2023{rng.randint(10**15, 10**16 - 1)}"}
        if i % 3 == 0:
            rec = {"id": i, "event": "page_view", "url": f"/p/{rng.randint(1, 99999)}", "ts": 1_700_000_000_000 + i}
        out.append(json.dumps(rec, ensure_ascii=rng.random() < 0.3))
        if i % 500 == 0:
            out.append("{not json " + mob)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_prefiltered_json_lines_equal_scanning_every_leaf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from piscan.sources.json_source import JsonLinesReader

    path = tmp_path / "events.jsonl"
    write_jsonl(path, 3000)
    filtered = {cap: _report(path, cap) for cap in (0, 50)}
    monkeypatch.setattr(JsonLinesReader, "prefilter", property(lambda self: None, lambda self, value: None))
    for cap, got in filtered.items():
        assert got == _report(path, cap), cap
    assert len(filtered[0]["findings"]) > 3000
    assert filtered[0]["errors"]  # the invalid lines are reported (and scanned as text) either way
    assert {(f["entity_type"], f["masked"]) for f in filtered[0]["findings"]} >= {
        ("CN_MOBILE_PHONE", False), ("CN_MOBILE_PHONE", True), ("CN_RESIDENT_ID", False),
        ("CN_RESIDENT_ID", True), ("CN_BANK_CARD", False)}
