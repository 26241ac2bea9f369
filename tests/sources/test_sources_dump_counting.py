"""Hits past a column's listing cap are counted without building hits or findings, with the same report.

Once a column asset lists no more findings and holds its samples, ``piscan.scanner.count_cells`` counts the
rest of each batch of its cells: whole-cell values are read by ``Detector.whole_cells`` (verdict, column
context, threshold, masking) and their persons fingerprinted in bulk (``Fingerprinter.persons``), the other
values go through ``scan_text`` as before. Each test scans a dump with that path and with a reference that
hands every cell to ``scan_text`` and counts each hit with ``count_unlisted`` (what the scanner did before
the counting path existed), and compares everything a report is made of.
"""

from __future__ import annotations

import random

import pytest
from sources_helpers import scan_report

from piscan import scanner as scanner_mod
from piscan.assets import Accumulator
from piscan.detection.detector import Detector
from piscan.detection.rules import load_packs
from piscan.distinct import DistinctSet
from piscan.fingerprint import Fingerprinter
from piscan.scanner import count_unlisted
from piscan.testing.generate import NegativeGen, ValueGen


def _reference_count_cells(scanner, acc, a, values, context, verdicts=None) -> None:
    """``count_cells`` as every cell's ``scan_text`` hits counted one by one (the gate's verdicts unused)."""
    for text, line, offset, _row, patterns in values:
        hits = scanner.detector.scan_text(text, context=context, line=line, offset=offset or 0, only=patterns)
        for hit in hits:
            count_unlisted(acc, a, hit, scanner.fingerprinter)
        if hits:
            a.cells += 1


def _same_both_ways(paths, monkeypatch: pytest.MonkeyPatch, **kw) -> dict:
    counted: list[int] = []
    known: list[int] = []
    real = scanner_mod.count_cells

    def spy(scanner, acc, a, values, context, verdicts=None):
        counted.append(len(values))
        known.append(sum(v is not None for v in verdicts or ()))
        return real(scanner, acc, a, values, context, verdicts)

    with monkeypatch.context() as m:
        m.setattr(scanner_mod, "count_cells", spy)
        fast = scan_report(*paths, **kw)
    with monkeypatch.context() as m:
        m.setattr(scanner_mod, "count_cells", _reference_count_cells)
        slow = scan_report(*paths, **kw)
    assert fast == slow
    fast["counted"] = sum(counted)
    fast["known"] = sum(known)  # values read with the gate's verdict
    return fast


def _cells(seed: int, n: int) -> list[tuple[str, ...]]:
    """Rows of cells of every kind the counting path must read like ``scan_text``: full, masked and weakly
    masked values, values that fail their validator, values that count only with a context word (a card
    number failing Luhn), values with text around them or in another form (``scan_text``'s general path),
    two values in one cell, repeated values (persons are distinct values) and cells without any value."""
    v, neg = ValueGen(random.Random(seed)), NegativeGen(random.Random(seed + 1))
    rng = random.Random(seed + 2)
    repeated = [v.mobile() for _ in range(5)]
    rows = []
    for _ in range(n):
        r = rng.random()
        if r < 0.3:
            phone = v.mobile()
        elif r < 0.45:
            phone = v.masked_phone()[0]
        elif r < 0.55:
            phone = rng.choice(repeated)
        elif r < 0.65:
            phone = v.phone_form(v.mobile())
        elif r < 0.7:
            phone = f"tel {v.mobile()} / {v.mobile()}"
        elif r < 0.75:
            phone = neg.any()[0]
        elif r < 0.8:
            phone = "１３８" + v.mobile()[3:]  # full-width digits: not a whole-cell candidate
        else:
            phone = "n/a"
        r = rng.random()
        idc = (v.resident_id() if r < 0.5 else v.masked_id()[0] if r < 0.7 else neg.bad_id() if r < 0.85
               else v.resident_id("id15"))
        card = v.card(luhn_ok=rng.random() < 0.7) if rng.random() < 0.7 else v.masked_card()[0]
        order = neg.order_no() if rng.random() < 0.5 else v.card(luhn_ok=False)
        rows.append((phone, idc, card, card, order))
    return rows


_COLS = ("mobile", "id_card", "bank_card", "remark", "order_no")  # card column and context-free twin


def _mysql(path, rows) -> None:
    def q(s: str) -> str:
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"
    lines = [f"({i}," + ",".join(q(c) for c in row) + ")" for i, row in enumerate(rows, 1)]
    path.write_text(
        "CREATE TABLE `t` (`id` int, " + ", ".join(f"`{c}` text" for c in _COLS) + ", PRIMARY KEY (`id`));\n"
        + "".join("INSERT INTO `t` VALUES " + ",\n".join(lines[k:k + 400]) + ";\n"
                  for k in range(0, len(lines), 400)), encoding="utf-8")


def _copy(path, rows) -> None:
    path.write_text(
        "CREATE TABLE public.t (\n    id integer,\n" + ",\n".join(f"    {c} text" for c in _COLS) + "\n);\n\n"
        f"COPY public.t (id, {', '.join(_COLS)}) FROM stdin;\n"
        + "".join(f"{i}\t" + "\t".join(row) + "\n" for i, row in enumerate(rows, 1)) + "\\.\n",
        encoding="utf-8")


@pytest.mark.parametrize("cap", [1, 2, 7, 60])
def test_counting_path_equals_scan_text(tmp_path, monkeypatch, cap):
    rows = _cells(cap, 1500)
    my, pg = tmp_path / "my.sql", tmp_path / "pg.sql"
    _mysql(my, rows)
    _copy(pg, rows)
    r = _same_both_ways([my, pg], monkeypatch, max_findings_per_asset=cap)
    assert r["counted"] > 1000  # the counting path took most cells
    assert r["known"] > 500  # most of them with the gate's verdict (a whole-cell candidate)
    by_asset = {(a["path"], a["asset"]): a for a in r["assets"]}
    mobile = by_asset[(str(my), "t.mobile")]["entities"]["CN_MOBILE_PHONE"]
    assert mobile["masked"] and mobile["weak_masked"] and mobile["distinct"] < mobile["full"]
    assert by_asset[(str(my), "t.bank_card")]["findings_total"] > by_asset[(str(my), "t.remark")]["findings_total"]
    # the same counts as listing every finding
    uncapped = {(a["path"], a["asset"]): a for a in scan_report(my, pg)["assets"]}
    for key, a in by_asset.items():
        assert {k: v for k, v in a.items() if k not in ("findings_listed", "truncated")} == uncapped[key]


def test_counting_path_with_min_confidence(tmp_path, monkeypatch):
    rows = _cells(11, 800)
    my = tmp_path / "my.sql"
    _mysql(my, rows)
    _same_both_ways([my], monkeypatch, max_findings_per_asset=5, min_confidence=0.9)


def test_whole_cells_reads_like_scan_text():
    det = Detector(load_packs())
    rows = _cells(5, 400)
    for ci, col in enumerate(_COLS):
        # patterns as the dump reader gives them: those the prefilter reports for each value
        values = []
        for k, row in enumerate(rows):
            text = row[ci]
            reps = det.prefilter.reports(text.encode())
            pats = None if any(p < 0 for _, p, _ in reps) else tuple(sorted({p for _, p, _ in reps}))
            values.append((text, 1, 0, str(k), pats))
        readings, rest = det.whole_cells(values, (col,))
        # the gate's verdicts, as the dump reader hands them over, change nothing
        verdicts = []
        for text, _, _, _, pats in values:
            cands = det.candidates(text.encode())
            one = len(cands.ends) == 1 and cands.texts[0] == text and pats == (cands.pids[0],)
            verdicts.append(cands.verdicts[0] if one else None)
        assert sum(v is not None for v in verdicts) > 20
        assert det.whole_cells(values, (col,), verdicts) == (readings, rest)
        expect = []
        for k, (text, _, _, _, pats) in enumerate(values):
            if k in rest:
                continue
            hits = det.scan_text(text, context=(col,), only=pats)
            assert len(hits) <= 1
            expect += [(h.entity, h.masked, bool(h.attributes.get("weak_mask")), h.normalised) for h in hits]
        assert readings == expect


@pytest.mark.parametrize("process_keyed", [True, False])
def test_bulk_persons_and_counts(process_keyed):
    from piscan.detection.detector import group_readings

    fp = Fingerprinter(b"k")
    fp.process_keyed = process_keyed
    norms = ["13800138000", "13900139000", "13800138000"]
    assert fp.persons("CN_MOBILE_PHONE", norms) == [fp.person("CN_MOBILE_PHONE", n) for n in norms]
    assert fp.persons("CN_RESIDENT_ID", norms[:1]) == [fp.person("CN_RESIDENT_ID", norms[0])]
    one, bulk = Accumulator(1), Accumulator(1)
    a1, a2 = one.asset("p", "t", "c"), bulk.asset("p", "t", "c")
    for a in (a1, a2):
        a.samples[:] = ["x", "y", "z"]
    readings = [("CN_MOBILE_PHONE", False, False, n) for n in norms] + [("CN_MOBILE_PHONE", True, True, "")] \
        + [("CN_RESIDENT_ID", True, False, "")] + [("CN_RESIDENT_ID", False, False, "11010519491231002X")]
    for entity, masked, weak, norm in readings:
        one.count(a1, entity, masked, weak, None if masked else fp.person(entity, norm), "e")
    bulk.count_readings(a2, readings, fp)
    assert one.build({}) == bulk.build({})
    assert one.build({})[0]["entities"]["CN_MOBILE_PHONE"]["distinct"] == 2
    # the compiled grouping hashes as Fingerprinter.person does in its process-keyed mode
    full, masked = group_readings(readings, True)
    fp.process_keyed = True
    assert full == {"CN_MOBILE_PHONE": [fp.person("CN_MOBILE_PHONE", n) for n in norms],
                    "CN_RESIDENT_ID": [fp.person("CN_RESIDENT_ID", "11010519491231002X")]}
    assert masked == [("CN_MOBILE_PHONE", True), ("CN_RESIDENT_ID", False)]


def test_distinct_bulk_update_spills_exactly(monkeypatch):
    from piscan import distinct

    monkeypatch.setattr(distinct, "EXACT_LIMIT", 50)
    monkeypatch.setattr(distinct, "RUN_SIZE", 64)
    one, bulk = DistinctSet(), DistinctSet()
    values = [random.Random(3).randrange(1 << 64) for _ in range(10)] * 3 + list(range(500)) * 2
    for v in values:
        one.add(v)
    for k in range(0, len(values), 37):
        bulk.update(values[k:k + 37])
    assert len(one) == len(bulk) == len(set(values))
    one.close()
    bulk.close()
