"""Validators with public vectors (GB 11643, ISO 7064, Luhn, libphonenumber segments)."""

from __future__ import annotations

import datetime as dt

import pytest

from piscan.detection.validators import cn_bank_card, cn_mobile, cn_resident_id, luhn


def test_unrolled_weighted_sum_is_the_iso7064_weights():
    # _weighted_sum writes the 17 weights out for speed; it must be exactly sum(w_i * byte_i)
    import random

    rng = random.Random(7)
    for _ in range(2000):
        digits = "".join(rng.choice("0123456789") for _ in range(17))
        raw = digits.encode("ascii")
        expected = sum(w * b for w, b in zip(cn_resident_id._WEIGHTS, raw, strict=True))
        assert cn_resident_id._weighted_sum(raw + b"X") == expected
        # and the fast validity check agrees with the reference check digit
        assert cn_resident_id.calc_check_digit(digits) == cn_resident_id._CHECK[
            (cn_resident_id._weighted_sum(raw) - cn_resident_id._ZERO_SUM) % 11]


def test_gb11643_example_and_check_digit():
    # the standard's own example
    assert cn_resident_id.validate("11010519491231002X") == "11010519491231002X"
    assert cn_resident_id.calc_check_digit("11010519491231002") == "X"
    assert cn_resident_id.is_valid("11010519491231002x")  # lower-case x accepted
    for bad in ("110105194912310021", "11010519491231002Y", "1101051949123100", "A1010519491231002X"):
        assert not cn_resident_id.is_valid(bad), bad


def test_15_to_18_conversion():
    assert cn_resident_id.to_18("110105491231002") == "11010519491231002X"
    assert cn_resident_id.check("110105491231002", {}).normalised == "11010519491231002X"
    assert cn_resident_id.check("110105491331002", {}) is None  # month 13


@pytest.mark.parametrize("number,reason", [
    ("110105" + "19490230" + "002", "impossible date"),
    ("000000" + "19900101" + "123", "province 00"),
    ("480101" + "19900101" + "123", "province 48 does not exist"),
    ("110101" + "18991231" + "123", "before 1900"),
])
def test_checksum_valid_but_impossible(number, reason):
    full = number + cn_resident_id.calc_check_digit(number)
    assert cn_resident_id.check(full, {}) is None, reason


def test_birth_date_arithmetic_is_the_calendar():
    """The integer date check of the ID hot path accepts exactly the dates ``datetime`` knows, 1900..today."""
    cal = cn_resident_id._CALENDAR.refresh()
    today = dt.date.today()
    for y in range(1890, today.year + 3):
        for m in range(14):
            for d in range(33):
                try:
                    ok = dt.date(1900, 1, 1) <= dt.date(y, m, d) <= today
                except ValueError:
                    ok = False
                assert cal.born(f"110105{y:04d}{m:02d}{d:02d}0000".encode()) == ok, (y, m, d)


def test_future_birth_date_rejected():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    first17 = "110101" + tomorrow.strftime("%Y%m%d") + "001"
    assert not cn_resident_id.is_valid(first17 + cn_resident_id.calc_check_digit(first17))


def test_abolished_region_codes_are_accepted_and_enriched():
    # 110103 崇文区 (abolished 2010) and 110228 密云县 (became 110118 in 2015): real old IDs keep them;
    # python-stdnum 2.2 rejects such IDs by birth year, piscan must not
    for region in ("110103", "110228"):
        first17 = region + "19700101" + "001"
        v = cn_resident_id.check(first17 + cn_resident_id.calc_check_digit(first17), {})
        assert v is not None and v.attributes["region_status"] == "abolished"
    # an unknown county in a valid province is accepted with lower confidence, not rejected
    first17 = "110199" + "19700101" + "001"
    v = cn_resident_id.check(first17 + cn_resident_id.calc_check_digit(first17), {})
    assert v is not None and v.attributes["region_status"] == "unknown" and v.score_delta < 0


def test_residence_permits_and_foreigner_pr():
    for prefix in ("810000", "820000", "830000"):
        first17 = prefix + "19800101" + "001"
        v = cn_resident_id.check(first17 + cn_resident_id.calc_check_digit(first17), {})
        assert v is not None and v.attributes["id_form"] == "residence_permit"
    first17 = "9" + "11" + "840" + "19800101" + "001"  # accepted in Beijing, nationality 840
    v = cn_resident_id.check(first17 + cn_resident_id.calc_check_digit(first17), {})
    assert v is not None and v.attributes["id_form"] == "foreigner_pr"


def test_gansu_id_that_passes_luhn_is_an_id_not_a_card():
    # Gansu (62…) IDs share UnionPay's 62 prefix; find one that also passes Luhn
    for seq in range(1000):
        first17 = "620102" + "19800101" + f"{seq:03d}"
        number = first17 + cn_resident_id.calc_check_digit(first17)
        if number[-1] != "X" and luhn.is_valid(number):
            break
    else:
        pytest.fail("no Luhn-valid Gansu ID found")
    assert cn_resident_id.is_valid(number)
    assert cn_bank_card.check(number, {}) is None  # an ID wins


def test_minor_flag_uses_scan_date():
    first17 = "110101" + f"{dt.date.today().year - 5}0101" + "001"
    info = cn_resident_id.info(first17 + cn_resident_id.calc_check_digit(first17))
    assert info["minor"] is True and "birth" not in str(info)


def test_mobile_segments():
    assert cn_mobile.is_valid("13812345678") and cn_mobile.is_valid("+86 138 1234 5678")
    assert cn_mobile.is_valid("19212345678")  # 192 China Broadnet
    for bad in ("14012345678", "12012345678", "15412345678", "1381234567", "23812345678"):
        assert not cn_mobile.is_valid(bad), bad
    assert cn_mobile.info("13312345678")["carrier"] == "中国电信"


def test_luhn_vectors():
    assert luhn.is_valid("79927398713")  # the classic Luhn example
    assert not luhn.is_valid("79927398710")
    assert luhn.calc_check_digit("7992739871") == "3"


def _luhn_by_definition(number: str) -> int:
    """ISO/IEC 7812-1 Annex B as written: from the right, every second digit doubled, digits summed."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d // 10 + d % 10
    return total % 10


def test_luhn_checksum_is_the_definition():
    import random

    rng = random.Random(7)
    numbers = ["0", "9", "18", "91", *("".join(rng.choice("0123456789") for _ in range(rng.randint(1, 24)))
                                      for _ in range(5000))]
    for number in numbers:
        assert luhn.checksum(number) == _luhn_by_definition(number), number
    for bad in ("", "12a4", "１２３４", "12 34"):
        with pytest.raises(ValueError):
            luhn.checksum(bad)


def test_bank_card_rules():
    assert cn_bank_card.is_valid("6222020200112233446")
    v = cn_bank_card.check("6222020200112233446", {})
    assert v is not None and v.attributes["luhn"] and not v.needs_context
    # non-Luhn with a known BIN counts only with a context word
    v = cn_bank_card.check("6222020200112233441", {})
    assert v is not None and v.needs_context
    # non-Luhn without a known BIN is rejected
    assert cn_bank_card.check("6299999999999999990", {}) is None
    # ICCID and IMEI are never cards
    iccid = "898601" + "1234567890123"
    assert cn_bank_card.check(iccid + luhn.calc_check_digit(iccid), {}) is None
    imei = "35693803564380"
    assert cn_bank_card.check(imei + luhn.calc_check_digit(imei), {}) is None  # 15 digits
    # fillers: at most two distinct digits, whatever the prefix and Luhn say
    for filler in ("6222222222222222222", "2222222222222222", "6262626262626262", "6226666666666666"):
        assert cn_bank_card.check(filler, {}) is None, filler
    assert cn_bank_card.bin_of("6222020200112233446") == "622202" and cn_bank_card.bin_of("1234567890123456") is None


@pytest.mark.parametrize("text,weak", [
    ("138****5678", False), ("138 **** 5678", False), ("1381234**78", True),
])
def test_masked_mobile(text, weak):
    v = cn_mobile.check_masked(text, {})
    assert v is not None and v.masked and v.attributes["weak_mask"] is weak


@pytest.mark.parametrize("text,weak", [
    ("110101********1234", False), ("1101011990****1234", True), ("11010119901231****", True),
])
def test_masked_id(text, weak):
    v = cn_resident_id.check_masked(text, {})
    assert v is not None and v.masked and v.attributes["weak_mask"] is weak


@pytest.mark.parametrize("text,weak", [
    ("6222 **** **** 1234", False), ("622202*********1234", False), ("62220212****1234", True),
])
def test_masked_card(text, weak):
    v = cn_bank_card.check_masked(text, {})
    assert v is not None and v.masked and v.attributes["weak_mask"] is weak
