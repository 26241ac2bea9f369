"""JSON findings point at the value as written: the line of a JSON document or JSON Lines record, and the
columns of the value in that line, escapes before it counted as written (``\\u624b`` six characters)."""

from __future__ import annotations

import json
import random

import pytest

from piscan.scanner import Scanner, ScanOptions
from piscan.sources.json_positions import LeafFinder, raw_span, scalars
from piscan.testing.generate import ValueGen

PHONE, PHONE2, ID = "13812345678", "13912345678", "11010519491231002X"


def _scan(path):
    return Scanner(ScanOptions(jobs=1, show_values=True)).scan([str(path)])


def _where(path, r, encoding="utf-8"):
    """(value, column, the text at the finding's line and columns) of every finding."""
    lines = path.read_bytes().decode(encoding).split("\n")
    return sorted((f.value, f.column, lines[f.line - 1][f.start:f.end]) for f in r.findings)


def test_pretty_printed_document_with_escapes_before_values(tmp_path):
    doc = ('{\n  "users": [\n    {\n      "name": "\\u5f20\\u4e09",\n'
           f'      "note": "\\u5907\\u6ce8\\uff1a\\ud83d\\ude00 \\"x\\"\\t\\u624b\\u673a{PHONE}",\n'
           f'      "n": {PHONE2}, "id": "{ID}"\n    }}\n  ]\n}}\n')
    p = tmp_path / "users.json"
    p.write_text(doc, encoding="utf-8")
    r = _scan(p)
    assert not r.errors
    assert _where(p, r) == [(ID, "users[].id", ID), (PHONE, "users[].note", PHONE),
                            (PHONE2, "users[].n", PHONE2)]
    assert {f.line for f in r.findings} == {5, 6}


def test_json_lines_leaves_found_in_any_order_of_key_paths(tmp_path):
    # the reader hands leaves over per key path and block: line 2's "z" comes before its "x.y[]"
    p = tmp_path / "a.jsonl"
    p.write_text(json.dumps({"z": f"{PHONE} {PHONE2}", "a": 1}) + "\n"
                 + json.dumps({"x": {"y": ["a", PHONE2, PHONE2]}, "z": "无"}, ensure_ascii=False) + "\r\n"
                 + json.dumps({"tel": f"手机 {PHONE}"}) + "\n", encoding="utf-8")
    r = _scan(p)
    assert not r.errors
    got = _where(p, r)
    assert all(value == at for value, _, at in got), got
    assert sorted((f.line, f.column) for f in r.findings) == [(1, "z"), (1, "z"), (2, "x.y[]"), (2, "x.y[]"),
                                                              (3, "tel")]


def test_duplicate_keys_and_gbk_documents(tmp_path):
    p = tmp_path / "dup.json"  # the parser keeps the last "tel"
    p.write_text(f'{{"tel": "{PHONE}", "tel": "{PHONE2}"}}', encoding="utf-8")
    r = _scan(p)
    assert _where(p, r) == [(PHONE2, "tel", PHONE2)]
    g = tmp_path / "gbk.json"
    g.write_bytes(f'{{\n "备注": "客户手机",\n "手机号": "{PHONE}"\n}}\n'.encode("gb18030"))
    r = _scan(g)
    assert _where(g, r, "gb18030") == [(PHONE, "手机号", PHONE)]
    assert r.findings[0].line == 3


@pytest.mark.parametrize("seed", range(6))
def test_generated_documents_every_finding_points_at_its_value(tmp_path, seed):
    """Random nesting, key order, indentation and ``ensure_ascii``: each finding's line and columns hold
    exactly its value as written."""
    rnd = random.Random(seed)
    vals = ValueGen(rnd)

    def leaf():
        kind = rnd.random()
        if kind < 0.25:
            return rnd.choice([f"手机{vals.mobile()}", f"备注\t\"{vals.mobile()}\"", f"😀 {vals.resident_id()}"])
        if kind < 0.35:
            return int(vals.mobile())
        return rnd.choice(["无", None, True, 1.5, "x\\y", "订单 2023112812345678901"])

    def node(depth):
        if depth > 3 or rnd.random() < 0.3:
            return leaf()
        if rnd.random() < 0.5:
            return [node(depth + 1) for _ in range(rnd.randint(0, 4))]
        return {rnd.choice(["a", "tel", "联系人", "id_card", "list", "x y"]) + str(k): node(depth + 1)
                for k in range(rnd.randint(0, 4))}

    docs = [node(0) for _ in range(3)]
    for k, doc in enumerate(docs):
        p = tmp_path / f"d{k}.json"
        p.write_text(json.dumps(doc, ensure_ascii=rnd.random() < 0.5, indent=rnd.choice([None, 2, 4])),
                     encoding="utf-8")
        r = _scan(p)
        assert not r.errors
        for value, _, at in _where(p, r):
            assert value == at, (value, at)
    p = tmp_path / "l.jsonl"
    p.write_text("\n".join(json.dumps(d, ensure_ascii=rnd.random() < 0.5) for d in docs) + "\n", encoding="utf-8")
    for value, _, at in _where(p, _scan(p)):
        assert value == at


def test_scalars_and_raw_span_edge_cases():
    assert [(p, t) for p, _, _, t in scalars('{"a": [], "b": {}, "c": [1e3, -2], "d": "\\u00e9"}')] == [
        ("c[]", "1e3"), ("c[]", "-2"), ("d", "é")]
    assert list(scalars('{"a": tru')) == []  # no JSON: stops
    f = LeafFinder('{"a": 1.0}')
    assert f.find("a", "1.0") == (6, 9)
    assert LeafFinder('{"a": "x"}').find("b", "x") is None
    assert raw_span("\\n\\u0031", 1, 2) == (2, 8)
