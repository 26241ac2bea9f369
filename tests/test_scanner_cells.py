"""The scanner's cell path: FindingBuilder builds findings positionally, in Finding's field order."""

from __future__ import annotations

import dataclasses

from piscan.detection.detector import Hit
from piscan.findings import Finding
from piscan.fingerprint import Fingerprinter
from piscan.scanner import FindingBuilder, Scanner, ScanOptions


def test_finding_field_order_is_what_the_builder_passes():
    # FindingBuilder.located passes these positionally: a new or moved Finding field must update it
    assert [f.name for f in dataclasses.fields(Finding)] == [
        "rule_id", "entity_type", "path", "line", "start", "end", "masked", "confidence", "evidence",
        "fingerprint", "table", "column", "row", "pi_category", "sensitive", "permission", "platform", "purpose",
        "value", "attributes", "risk", "baseline_state", "audit_fingerprint", "person"]


def test_located_equals_keyword_construction():
    rules = Scanner(ScanOptions()).rules
    rule = next(r for r in rules.values() if r.entity == "CN_MOBILE_PHONE")
    fp, audit = Fingerprinter(b"k"), Fingerprinter(b"a")
    hit = Hit(rule.id, rule.entity, 3, 14, "13800138000", "13800138000", False, 0.9, "p", evidence="138****8000",
              line=7, attributes={"carrier": "x"})
    for show, aud in ((False, None), (True, audit)):
        got = FindingBuilder(rules, fp, show, aud).located(hit, "d.sql", "t", "c", "5")
        want = Finding(rule_id=rule.id, entity_type=rule.entity, path="d.sql", line=7, start=3, end=14, masked=False,
                       confidence=0.9, evidence="138****8000", fingerprint=fp(rule.entity, "13800138000"),
                       table="t", column="c", row="5", pi_category=rule.pi_category, sensitive=rule.sensitive,
                       value="13800138000" if show else None, attributes={"carrier": "x"},
                       audit_fingerprint=audit(rule.entity, "13800138000") if aud else None,
                       person=fp.person(rule.entity, "13800138000"))
        assert got == want
        assert got.person == want.person  # (not compared by ==: it is internal)
        assert "person" not in got.to_dict() and str(got.person) not in repr(got)
    hit.masked = True
    assert FindingBuilder(rules, fp, False).located(hit, "d.sql", "t", "c", "5").person is None
