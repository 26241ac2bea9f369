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


def test_id_province_macros_are_the_validators_provinces_and_keep_impossible_prefixes_out():
    import re

    from piscan.detection.rules import expand_macros
    from piscan.detection.validators import cn_resident_id

    for name, codes in (("id_province", cn_resident_id.provinces()),
                        ("id_province_foreigner", cn_resident_id.foreigner_provinces())):
        for target in ("python", "prefilter"):
            alt = re.compile(expand_macros(f"<<{name}>>", target))
            accepted = {f"{i:02d}" for i in range(100) if alt.fullmatch(f"{i:02d}")}
            assert accepted == set(codes), name
    assert "11" in cn_resident_id.foreigner_provinces() and "81" not in cn_resident_id.foreigner_provinces()

    def ident(prefix6: str) -> str:
        first17 = prefix6 + "19800101" + "001"
        return first17 + cn_resident_id.calc_check_digit(first17)

    det = Detector(load_packs())
    impossible = ident("290101")  # province 29 does not exist: an order number or trace id, not an ID
    valid = [ident("110105"), ident("911840"), ident("810000"), ident("830000")]
    text = " ".join(f"id={v}" for v in [impossible, *valid]).encode() + b"\n"
    starts = {frm for _to, pid, frm in det.prefilter.reports(text) if pid >= 0}
    assert text.index(impossible.encode()) not in starts  # the prefilter no longer reports it
    found = [h.value for h in det.scan_chunk(text) if h.entity == "CN_RESIDENT_ID"]
    assert found == valid
