"""The recognizers as Presidio objects: gate-mode validation, normalisation, no raw values in metadata."""

from __future__ import annotations

import pytest
from presidio_analyzer import PatternRecognizer
from presidio_analyzer.recognizer_registry.recognizers_loader_utils import RecognizerListLoader

from piscan.detection.validators import cn_resident_id, luhn
from piscan.presidio import (
    PISCAN_KEY,
    CnBankCardRecognizer,
    CnMobileRecognizer,
    CnResidentIdRecognizer,
    PiscanPatternRecognizer,
)

ID = "11010519491231002X"


def test_named_classes_are_pattern_recognizers_visible_to_the_yaml_loader() -> None:
    for cls in (CnResidentIdRecognizer, CnMobileRecognizer, CnBankCardRecognizer):
        assert issubclass(cls, PatternRecognizer)
        assert RecognizerListLoader.get_existing_recognizer_cls(cls.__name__) is cls
    rec = CnResidentIdRecognizer()
    assert rec.supported_entities == ["CN_RESIDENT_ID"]
    assert rec.rule.id == "CNPI001"
    with pytest.raises(TypeError):
        PiscanPatternRecognizer()


def test_gate_mode_keeps_pattern_score_and_rejects_bad_checksums() -> None:
    rec = CnResidentIdRecognizer()
    assert rec.validate_result(ID) is None
    bad = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    assert rec.invalidate_result(bad) is True
    assert rec.invalidate_result(ID) is False
    res = rec.analyze(f"x {ID} {bad}", ["CN_RESIDENT_ID"])
    assert len(res) == 1
    # no context applied by the recognizer: pattern score 0.8 + known-region bonus 0.05, not 1.0
    assert res[0].score == pytest.approx(0.85)
    assert res[0].recognition_metadata[PISCAN_KEY]["base_score"] == pytest.approx(0.85)


def test_normalised_view_offsets_point_at_the_original_text() -> None:
    rec = CnMobileRecognizer()
    fw = "手机１３８１２３４５６７８"
    (r,) = rec.analyze(fw, ["CN_MOBILE_PHONE"])
    assert fw[r.start:r.end] == "１３８１２３４５６７８"
    url = "GET /a?mobile=%2B86%20138%201234%205678&x=1"
    (r,) = rec.analyze(url, ["CN_MOBILE_PHONE"])
    assert url[r.start:r.end] == "%2B86%20138%201234%205678"
    esc = '{"m":"\\u624b\\u673a13812345678"}'
    (r,) = rec.analyze(esc, ["CN_MOBILE_PHONE"])
    assert esc[r.start:r.end] == "13812345678"


def test_standalone_token_boundaries() -> None:
    rec = CnMobileRecognizer()
    assert rec.analyze("id=x13812345678", ["CN_MOBILE_PHONE"]) == []
    assert rec.analyze("v 13812345678.5", ["CN_MOBILE_PHONE"]) == []
    assert rec.analyze("2138123456789", ["CN_MOBILE_PHONE"]) == []
    assert len(rec.analyze("13812345678@163.com", ["CN_MOBILE_PHONE"])) == 1
    # Presidio's default IGNORECASE would make [A-Za-z] match KELVIN SIGN; piscan's patterns do not
    assert len(rec.analyze("\u212a13812345678", ["CN_MOBILE_PHONE"])) == 1


def test_gansu_id_passing_luhn_is_an_id_not_a_card(analyzer) -> None:
    body = "62010219800101001"
    for seq in range(1000):
        first17 = body[:14] + f"{seq:03d}"
        v = first17 + cn_resident_id.calc_check_digit(first17)
        if v[-1] != "X" and luhn.is_valid(v):
            break
    res = analyzer.analyze(f"身份证{v}", language="zh")
    assert [r.entity_type for r in res] == ["CN_RESIDENT_ID"]


def test_no_raw_value_in_results(analyzer) -> None:
    values = ["13812345678", ID, "6222020200112233446"]
    res = analyzer.analyze(f"手机{values[0]} 身份证{values[1]} 卡号{values[2]}", language="zh",
                           return_decision_process=True)
    assert len(res) == 3
    dumped = repr([(r.to_dict(), r.recognition_metadata, r.analysis_explanation) for r in res])
    for v in values:
        assert v not in dumped
