"""The same rule pack through piscan's Detector and through a Presidio AnalyzerEngine: identical results."""

from __future__ import annotations

import collections
from pathlib import Path

from piscan.detection.detector import Detector
from piscan.detection.rules import load_packs
from piscan.presidio import PISCAN_KEY, CharWindowContextEnhancer, build_analyzer


def _piscan(hits) -> list[tuple]:
    return sorted((h.start, h.end, h.entity, h.rule_id, h.confidence, h.masked) for h in hits)


def _presidio(results) -> list[tuple]:
    out = []
    for r in results:
        m = r.recognition_metadata[PISCAN_KEY]
        out.append((r.start, r.end, r.entity_type, m["rule_id"], r.score, m["masked"]))
    return sorted(out)


def test_per_line_identical_spans_entities_scores(corpus, detector, analyzer) -> None:
    mismatches = []
    total = 0
    branches: collections.Counter = collections.Counter()
    for i, line in enumerate(corpus.lines):
        expected = _piscan(detector.detect(line))
        results = analyzer.analyze(line, language="zh")
        got = _presidio(results)
        total += len(expected)
        if expected != got:
            mismatches.append((i + 1, expected, got))
        for r in results:
            m = r.recognition_metadata[PISCAN_KEY]
            branches[(m["rule_id"], m.get("context"), m["needs_context"])] += 1
    assert not mismatches, f"{len(mismatches)} lines differ, first: {mismatches[:3]}"
    # the sample really exercises the rules and the scoring branches (not a vacuous comparison)
    assert total >= 0.9 * corpus.planted
    assert {k[0] for k in branches} == {"CNPI001", "CNPI002", "CNPI003", "CNPI101", "CNPI102", "CNPI103"}
    assert branches[("CNPI003", "line", True)] > 0  # non-Luhn card kept only thanks to context
    assert branches[("CNPI002", None, False)] > 0  # no context word at all
    assert len({r for r in branches if r[1] == "line"}) >= 5


def test_scan_path_identical_to_presidio(corpus, detector, analyzer) -> None:
    """piscan's real scan path (stage-1 prefilter over bytes + stage 2) vs Presidio line by line."""
    chunk = sorted((h.line, h.start, h.end, h.entity, h.rule_id, h.confidence) for h in
                   detector.scan_chunk(corpus.text.encode("utf-8"), 1))
    presidio = sorted((i + 1, *t[:5]) for i, line in enumerate(corpus.lines)
                      for t in _presidio(analyzer.analyze(line, language="zh")))
    assert chunk == presidio
    assert len(chunk) > 2000


def test_structured_context_and_low_threshold(corpus) -> None:
    """``analyze(context=[column])`` == ``Detector.detect(text, context)``; min_confidence=0 keeps more."""
    det = Detector(load_packs(), min_confidence=0)
    ana = build_analyzer(min_confidence=0)
    cells = [("13812345678", ["mobile"]), ("13812345678", ["order_no"]), ("110105194912310", ["sfzh"]),
             ("110105194912310", []), ("6222020200112233447", ["card_no"]),
             ("6222020200112233447", ["remark"])]
    for line in corpus.lines[:400]:
        cells.append((line, ["user_id"]))
        cells.append((line, ["联系电话"]))
    low = 0
    for text, ctx in cells:
        # Presidio never returns a score-0 result (remove_duplicates drops them); piscan at threshold 0 does
        expected = [t for t in _piscan(det.detect(text, ctx)) if t[4] > 0]
        got = _presidio(ana.analyze(text, language="zh", context=ctx))
        assert expected == got, (text, ctx)
        low += sum(1 for t in got if t[4] < 0.5)
    assert low > 0  # sub-threshold findings exist and still agree
    # column context decides: the same value scores differently under a positive / negative column
    pos = ana.analyze("13812345678", language="zh", context=["mobile"])[0].score
    neg = ana.analyze("13812345678", language="zh", context=["order_no"])[0].score
    assert pos > neg


def test_user_pack_with_overlapping_rules(tmp_path: Path) -> None:
    """Cross-rule overlap resolution (best score, then longest) is the same in both."""
    pack = tmp_path / "overlap.yaml"
    pack.write_text(
        "pack: {id: test-overlap, version: '0.1'}\n"
        "rules:\n"
        "  - id: TST001\n"
        "    entity: TEST_DIGITS\n"
        "    patterns: [{name: digits11, regex: '1[3-9][0-9]{9}', score: 0.95}]\n"
        "    validator: cn_mobile\n"
        "    context: [号码]\n"
        "    pi_category: test\n    sensitive: false\n    legal_basis: []\n"
        "  - id: TST002\n"
        "    entity: TEST_PREFIXED\n"
        "    patterns: [{name: prefixed, regex: '\\+86 ?1[3-9][0-9]{9}', score: 0.2}]\n"
        "    validator: cn_mobile\n"
        "    context: [手机]\n"
        "    pi_category: test\n    sensitive: false\n    legal_basis: []\n",
        encoding="utf-8")
    det = Detector(load_packs([pack]))
    ana = build_analyzer([pack])
    lines = ["手机 13812345678", "号码13812345678", "手机 +86 13812345678 号码", "+8613812345678",
             "x 13812345678 y 15912345678", "手机+86 13912345678", "订单 13812345678"]
    winners = set()
    for line in lines:
        expected = _piscan(det.detect(line))
        got = _presidio(ana.analyze(line, language="zh"))
        assert expected == got, line
        winners.update(t[3] for t in got)
    assert {"TST001", "CNPI002"} <= winners  # different rules win on different lines
    # the overlaps are real: without resolution the engine returns more (overlapping) results
    keep_all = build_analyzer([pack], enhancer=CharWindowContextEnhancer(resolve_overlaps=False))
    assert sum(len(keep_all.analyze(s, language="zh")) for s in lines) > sum(
        len(ana.analyze(s, language="zh")) for s in lines)
