"""Inputs from a real-world audit of text sources: files as exporters and log shippers write them.
Every planted value is found once, where it is, with no scan error."""

from __future__ import annotations

import json
import random

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.generate import ValueGen


def _scan(path, **kw):
    return Scanner(ScanOptions(jobs=1, show_values=True, **kw)).scan([str(path)])


def _vals(seed: int):
    v = ValueGen(random.Random(seed))
    return v.resident_id(), v.mobile(), v.card()


def _pi(r):
    return sorted((f.value, f.line, f.column, f.start, f.end) for f in r.findings
                  if f.rule_id.startswith("CNPI"))


def test_json_lines_under_a_json_name_are_json_lines(tmp_path):
    # mongoexport (default), filebeat, Docker and many log shippers write one object per line to *.json
    rid, phone, card = _vals(101)
    p = tmp_path / "export.json"
    p.write_text(json.dumps({"_id": {"$oid": "65657a1b2c"}, "mobile": phone}) + "\n"
                 + json.dumps({"user": {"idCard": rid}, "ts": 1701136800123}) + "\n\n"
                 + json.dumps({"bank": {"cardNo": int(card)}}) + "\n", encoding="utf-8")
    r = _scan(p)
    assert not r.errors
    assert _pi(r) == sorted([(phone, 1, "mobile", 0, 11), (rid, 2, "user.idCard", 0, 18),
                             (card, 4, "bank.cardNo", 0, len(card))])
    assert r.inputs[0]["rows_scanned"] == 3


def test_invalid_json_document_is_still_an_error(tmp_path):
    _rid, phone, _card = _vals(102)
    p = tmp_path / "broken.json"
    p.write_text('{"mobile": "' + phone + '"\n{"a": 1}\n', encoding="utf-8")
    r = _scan(p)
    assert [e.reason for e in r.errors] and "invalid JSON" in r.errors[0].reason
    assert [f.value for f in r.findings if f.rule_id.startswith("CNPI")] == [phone]
