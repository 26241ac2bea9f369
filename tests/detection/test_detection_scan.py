"""The scan path end to end: engines agree, parallel scanning keeps exact line numbers, long lines,
bad input, no raw values anywhere, start-up time, and precision/recall on a generated corpus."""

from __future__ import annotations

import gzip
import io
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from piscan.scanner import Scanner, ScanOptions
from piscan.testing.evaluate import score
from piscan.testing.generate import LineGen

ROOT = Path(__file__).resolve().parents[2]
PHONE, ID, CARD = "13812345678", "11010519491231002X", "6222020200112233446"


def _key(f):
    return (f.path, f.line, f.start, f.end, f.rule_id, f.confidence, f.evidence, f.fingerprint)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    lines = LineGen(21).corpus(30_000, 6)
    path = tmp_path_factory.mktemp("corpus") / "mixed.log"
    path.write_text("\n".join(ln.text for ln in lines) + "\n", encoding="utf-8")
    return lines, path


def test_precision_and_recall_on_generated_corpus(corpus):
    lines, path = corpus
    result = Scanner(ScanOptions(jobs=1)).scan([str(path)])
    full = score(lines, result.findings, masked=False)
    targets = {"CN_RESIDENT_ID": 0.995, "CN_MOBILE_PHONE": 0.995, "CN_BANK_CARD": 0.99}
    for entity, target in targets.items():
        s = full[entity]
        assert s.tp > 500, entity
        assert s.precision >= target and s.recall >= target, (entity, s.precision, s.recall, s.fp_samples,
                                                              s.fn_samples)
    masked = score(lines, result.findings, masked=True)
    for entity, s in masked.items():
        assert s.precision >= 0.97 and s.recall >= 0.97, (entity, s.precision, s.recall)


@pytest.mark.parametrize("engine", ["re2", "re"])
def test_every_engine_gives_identical_findings(corpus, engine):
    _, path = corpus
    base = Scanner(ScanOptions(jobs=1, engine="hyperscan")).scan([str(path)])
    other = Scanner(ScanOptions(jobs=1, engine=engine)).scan([str(path)])
    assert [_key(f) for f in other.findings] == [_key(f) for f in base.findings]


@pytest.mark.parametrize("cap", [0, 50])
def test_parallel_scan_keeps_exact_line_numbers(corpus, cap):
    """Split across processes: the same findings (line numbers included), listing and asset statistics as
    one process, with every finding listed (cap 0) or only the first ``cap`` (workers then send back only
    those and their statistics)."""
    _, path = corpus
    one = Scanner(ScanOptions(jobs=1, max_findings_per_asset=cap)).scan([str(path)])
    scanner = Scanner(ScanOptions(jobs=2, parallel_min_bytes=1, max_findings_per_asset=cap))
    two = scanner.scan([str(path)])
    assert len(one.findings) == (cap or len(one.findings)) and len(one.findings) >= 50
    assert [_key(f) for f in two.findings] == [_key(f) for f in one.findings]
    assert two.assets == one.assets and one.assets[0]["findings_total"] > 1000
    assert two.inputs[0]["sha256"] == one.inputs[0]["sha256"]
    from piscan import scanner as scanner_mod

    # with a cap, the asset filled in an early range: the ranges scanned after that only counted
    assert (scanner._full_after.value < scanner_mod._NOT_FULL) == bool(cap)


def test_parallel_count_only_point_is_per_file(tmp_path):
    """Ranges after the point where the file's asset filled up only count, and that point belongs to the
    file being scanned: after other scans (the same scanner, another scanner), a file whose PI is all in
    its later ranges lists and samples exactly as one process does."""
    dense = tmp_path / "dense.log"
    dense.write_text("\n".join(ln.text for ln in LineGen(3).corpus(20_000, 2)) + "\n", encoding="utf-8")
    late = tmp_path / "late.log"
    quiet = "\n".join(f"2026-11-28 10:00:{i % 60:02d} INFO heartbeat ok seq={i}" for i in range(40_000))
    late.write_text(quiet + "\n" + "\n".join(ln.text for ln in LineGen(4).corpus(3_000, 2)) + "\n",
                    encoding="utf-8")
    opts = {"jobs": 2, "parallel_min_bytes": 1, "max_findings_per_asset": 50}
    first = Scanner(ScanOptions(**opts))
    first.scan([str(dense)])
    Scanner(ScanOptions(**opts)).scan([str(dense)])
    got = first.scan([str(late)])
    want = Scanner(ScanOptions(jobs=1, max_findings_per_asset=50)).scan([str(late)])
    assert len(want.findings) == 50
    assert [_key(f) for f in got.findings] == [_key(f) for f in want.findings]
    assert got.assets == want.assets


def test_parallel_workers_read_in_blocks_across_long_lines(tmp_path, monkeypatch):
    """A worker reads its range in line-aligned blocks: lines longer than a block (joined, not cut),
    invalid UTF-8 in a later block, and a last line without a newline give what one process gives."""
    from piscan import scanner as scanner_mod

    lines = [ln.text for ln in LineGen(12).corpus(4000, 5)]
    long_json = '{"note": "' + "x" * 30_000 + f'", "mobile": "{PHONE}", "id": "{ID}"}}'
    lines[1500] = long_json
    lines[2600] = long_json.replace("x" * 30_000, "\u5907\u6ce8" * 3000)
    data = "\n".join(lines).encode("utf-8")
    at = data.index(b"\n", len(data) * 7 // 10) + 1  # (inside a range, not where one starts)
    data = data[:at] + b"bad \xff byte, card " + CARD.encode() + b"\n" + data[at:] + b"\ntail " + PHONE.encode()
    path = tmp_path / "blocks.log"
    path.write_bytes(data)
    monkeypatch.setattr(scanner_mod, "WORKER_BLOCK", 4099)
    one = Scanner(ScanOptions(jobs=1)).scan([str(path)])
    two = Scanner(ScanOptions(jobs=2, parallel_min_bytes=1)).scan([str(path)])
    assert [_key(f) for f in two.findings] == [_key(f) for f in one.findings]
    lines_found = {f.line for f in one.findings}
    assert {1501, 2601, data.count(b"\n") + 1} <= lines_found
    bad = data[:at].count(b"\n") + 1
    assert [e.reason for e in two.errors] == [e.reason for e in one.errors]
    assert f"from line {bad} " in one.errors[0].reason
    assert two.assets == one.assets


def test_parallel_ranges_shrink_towards_the_end():
    from piscan.scanner import range_targets

    for size, jobs in ((100 << 20, 2), (1 << 30, 2), (400 << 20, 8), (5_000_000, 2), (10, 2)):
        cuts = [0, *range_targets(size, jobs), size]
        sizes = [b - a for a, b in itertools.pairwise(cuts)]
        assert len(sizes) >= jobs * 4 and all(s > 0 for s in sizes), (size, jobs)
        assert sizes[-1] <= sizes[0] and max(sizes) <= 16 << 20
        assert sizes[:-1] == sorted(sizes[:-1], reverse=True) and sizes[-1] <= 2 * min(sizes[:-1]), sizes
    tail = [b - a for a, b in itertools.pairwise([0, *range_targets(1 << 30, 2)])][-4:]
    assert max(tail) <= 4 << 20  # the last ranges are small: the workers finish close together


def test_chunk_boundaries_do_not_lose_or_shift_findings(tmp_path, monkeypatch):
    from piscan.sources import text as text_mod

    lines = LineGen(8).corpus(3000, 3)
    path = tmp_path / "a.log"
    path.write_text("\n".join(ln.text for ln in lines) + "\n", encoding="utf-8")
    big = Scanner(ScanOptions(jobs=1)).scan([str(path)])
    monkeypatch.setattr(text_mod, "CHUNK_SIZE", 4099)  # many chunks, cut mid-line
    with path.open("rb") as fh:
        blocks = [b for b, _ in text_mod.DecodedStream(fh).blocks()]
    assert len(blocks) > 50 and all(b.endswith(b"\n") for b in blocks)
    assert b"".join(blocks) == path.read_bytes()
    small = Scanner(ScanOptions(jobs=1)).scan([str(path)])
    assert [_key(f) for f in small.findings] == [_key(f) for f in big.findings]
    # the same bytes from a decompressing stream (the reader that joins partial lines across reads)
    stream = gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(path.read_bytes())))
    streamed = [b for b, _ in text_mod.DecodedStream(stream).blocks()]
    assert b"".join(streamed) == path.read_bytes() and len(streamed) > 50


def test_long_single_line_json(tmp_path):
    # a 1 MB single-line JSON document with values spread through it
    items = [{"id": i, "note": "x" * 200, "mobile": PHONE if i % 500 == 0 else "0"} for i in range(5000)]
    path = tmp_path / "one.json.log"
    path.write_text(json.dumps(items), encoding="utf-8")
    res = Scanner(ScanOptions(jobs=1)).scan([str(path)])
    phones = [f for f in res.findings if f.entity_type == "CN_MOBILE_PHONE"]
    assert len(phones) == 10 and all(f.line == 1 for f in phones)
    text = path.read_text(encoding="utf-8")
    for f in phones:
        assert text[f.start:f.end] == PHONE


def _cli(*args, **kw):
    env = {**os.environ, "PISCAN_FINGERPRINT_KEY": "k"}
    return subprocess.run([sys.executable, "-m", "piscan.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, **kw)


def test_bad_input_is_a_scan_error_not_a_traceback(tmp_path):
    (tmp_path / "ok.log").write_text(f"手机 {PHONE}\n", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" * 1000)
    unreadable = tmp_path / "secret.log"
    unreadable.write_text("x\n", encoding="utf-8")
    unreadable.chmod(0)
    r = _cli("scan", tmp_path, tmp_path / "missing.log", "--format", "json", "--fail-on", "never")
    doc = json.loads(r.stdout)
    errors = {e["path"]: e for e in doc["errors"]}
    assert errors["missing.log".join([str(tmp_path) + "/", ""])]["kind"] == "error"
    # (two targets: the folder's files are shown under the folder as given)
    blob = f"{tmp_path}/blob.bin"
    assert errors[blob]["kind"] == "skipped" and "binary" in errors[blob]["reason"]
    if os.geteuid() != 0:  # root can read mode-0 files
        assert f"{tmp_path}/secret.log" in errors
    assert [f["path"] for f in doc["findings"]] == [f"{tmp_path}/ok.log"]  # the rest of the scan went on
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "missing.log" in r.stderr


def test_unknown_rule_pack_key_is_a_clear_error(tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text("pack: {id: x, version: '1'}\nrules:\n  - id: X1\n    entity: E\n    patterns: []\n"
                    "    validator: nope\n    pi_category: c\n    sensitive: false\n    legal_basis: []\n"
                    "    colour: red\n", encoding="utf-8")
    r = _cli("scan", tmp_path, "--rules", pack)
    assert r.returncode == 2 and "colour" in r.stderr and "Traceback" not in r.stderr


def test_user_rule_pack_adds_a_rule(tmp_path):
    pack = tmp_path / "extra.yaml"
    pack.write_text(
        "pack: {id: acme-extra, version: '0.1'}\n"
        "rules:\n"
        "  - id: ACME001\n    entity: ACME_MEMBER_PHONE\n"
        "    patterns: [{name: member, regex: '1[3-9][0-9]{9}', score: 0.3}]\n"
        "    validator: cn_mobile\n    context: [会员]\n    pi_category: 个人基本资料\n    sensitive: false\n"
        "    legal_basis: [PIPL-51]\n", encoding="utf-8")
    (tmp_path / "a.log").write_text(f"会员 {PHONE}\n", encoding="utf-8")
    r = _cli("scan", tmp_path / "a.log", "--rules", pack, "--format", "json", "--fail-on", "never")
    doc = json.loads(r.stdout)
    assert {f["rule_id"] for f in doc["findings"]} >= {"ACME001"}
    assert any(p["id"] == "acme-extra" and len(p["sha256"]) == 64 for p in doc["rule_packs"])


def test_no_raw_value_in_any_output_unless_asked(tmp_path):
    (tmp_path / "a.log").write_text(f"注册 手机{PHONE} 身份证{ID}\n绑卡 {CARD}\n", encoding="utf-8")
    outs = {}
    for fmt in ("text", "json", "html", "sarif", "md", "report"):
        r = _cli("scan", tmp_path / "a.log", "--format", fmt, "--fail-on", "never")
        assert r.returncode == 0, r.stderr
        outs[fmt] = r.stdout + r.stderr
    for fmt, text in outs.items():
        for raw in (PHONE, ID, CARD):
            assert raw not in text, (fmt, raw)
    shown = _cli("scan", tmp_path / "a.log", "--format", "json", "--show-values", "--fail-on", "never")
    values = {f.get("value") for f in json.loads(shown.stdout)["findings"]}
    assert {PHONE, ID, CARD} <= values


def test_deterministic_output(tmp_path):
    (tmp_path / "a.log").write_text(f"手机{PHONE}\n身份证{ID}\n", encoding="utf-8")
    (tmp_path / "b.log").write_text(f"卡 {CARD}\n", encoding="utf-8")

    def run():
        doc = json.loads(_cli("scan", tmp_path, "--format", "json", "--fail-on", "never").stdout)
        return doc["findings"], doc["summary"]

    assert run() == run()


def test_version_starts_fast():
    best = min(_timed() for _ in range(3))
    assert best < 0.3, best  # lazy imports: no presidio, hyperscan, jinja2 or yaml at start-up


def _timed() -> float:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "piscan.cli", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and "piscan" in r.stdout
    return time.perf_counter() - t0


def test_columns_after_multibyte_characters_on_candidate_lines():
    """Stage 2 maps the prefilter's byte offsets to characters; lines with one 2-byte character (the
    case a byte-length test mistook for ASCII), CJK text and CRLF keep exact columns."""
    from piscan.detection.detector import Detector
    from piscan.detection.rules import load_packs

    d = Detector(load_packs([]))
    for line, start in [("é 13812345678 x\n", 2), ("éé手机13812345678\r\n", 4), ("a 13812345678\r\n", 2),
                        ("café tel:13812345678 ok\n", 9)]:
        hits = d.scan_chunk(line.encode("utf-8"))
        assert [(h.start, h.end, h.value) for h in hits] == [(start, start + 11, "13812345678")], line
