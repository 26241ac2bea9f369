"""A user pack with look-arounds keeps the Hyperscan engine (prefilter mode for that pattern) and still
finds exactly what stage 2 finds."""

from __future__ import annotations

import pytest

from piscan.detection.detector import Detector
from piscan.detection.rules import load_pack, load_packs


def test_lookaround_pattern_keeps_hyperscan_and_finds_values(tmp_path):
    pack = tmp_path / "member.yaml"
    pack.write_text(
        "pack: {id: acme, version: '1'}\n"
        "rules:\n"
        "  - id: ACME002\n    entity: ACME_MEMBER_PHONE\n"
        "    patterns: [{name: m, regex: '(?<=会员 )1[3-9][0-9]{9}(?! 元)', score: 0.9}]\n"
        "    validator: cn_mobile\n    pi_category: 个人基本资料\n    sensitive: false\n"
        "    legal_basis: [PIPL-51]\n", encoding="utf-8")
    det = Detector([*load_packs(), load_pack(pack)])
    assert det.prefilter.name == "hyperscan" and det.prefilter.loose
    hits = det.scan_chunk("会员 13812345678 其他\n".encode())
    assert ("ACME002", "13812345678") in [(h.rule_id, h.value) for h in hits]
    assert "ACME002" not in [h.rule_id for h in det.scan_chunk("会员 13812345678 元\n".encode())]
    assert [h.rule_id for h in det.scan_chunk(b"x 13812345678 y\n")] == ["CNPI002"]


def test_hyperscan_database_cache_round_trip_and_damage(tmp_path, monkeypatch):
    """A cached database reports exactly what a fresh compile does; a damaged cache file is recompiled."""
    pytest.importorskip("hyperscan")
    from piscan.detection.detector import Detector
    from piscan.detection.engine import HyperscanPrefilter
    from piscan.detection.rules import load_packs

    monkeypatch.setenv("PISCAN_CACHE_DIR", str(tmp_path))
    data = "手机13812345678 身份证11010519491231002X 卡号6222020200112233446 ts=1731411943830\n".encode() * 50

    def reports():
        d = Detector(load_packs([]), engine="hyperscan")
        assert isinstance(d.prefilter, HyperscanPrefilter)
        return d.prefilter.reports(data)

    fresh = reports()
    cached_files = list(tmp_path.glob("hs-*.db"))
    assert len(cached_files) == 1
    assert reports() == fresh and len(fresh) >= 150
    cached_files[0].write_bytes(cached_files[0].read_bytes()[:200])  # truncated: must not be trusted
    assert reports() == fresh
    monkeypatch.setenv("PISCAN_CACHE_DIR", "off")
    assert reports() == fresh
