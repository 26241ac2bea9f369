"""Chinese resident identity number 公民身份号码 (GB 11643-1999), legacy 15-digit form and relatives.

Structure of the 18-character number: 6-digit address code (GB/T 2260), 8-digit birth date YYYYMMDD,
3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character (``X`` = 10).

The same algorithm covers the 2018 residence permits of Hong Kong, Macao and Taiwan residents (address
codes 810000 / 820000 / 830000) and the 2023 foreigner permanent-residence ID (first digit ``9``,
digits 2-3 the province that accepted the application). The legacy 15-digit form has a 6-digit
address code, a YYMMDD birth date in the 1900s and a 3-digit sequence, and no check digit.

Validation deliberately does **not** gate on the county code: an ID keeps the address code of the place
and time it was assigned, and codes are retired and reused. The 2-digit province prefix is checked
strictly; the full county table (current and abolished codes) only adds confidence and enrichment.
(python-stdnum 2.2 rejects real IDs whose county code did not exist in the birth year.)

>>> validate('11010519491231002X')
'11010519491231002X'
>>> is_valid('110105194912310021')
False
>>> to_18('110105491231002')
'11010519491231002X'
>>> calc_check_digit('11010519491231002')
'X'
>>> info('11010519491231002X')['province']
'北京市'
"""

from __future__ import annotations

import datetime as _dt
import time
from functools import lru_cache
from typing import Any, Final

from piscan.detection.validators.base import InvalidChecksum, InvalidComponent, InvalidFormat, Verdict, unify_masks
from piscan.resources import data_dir

_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ZERO_SUM: Final = 48 * sum(_WEIGHTS)  # the weighted sum of seventeen "0" characters' code points
_CHECK: Final = "10X98765432"
_CHECK_CHARS: Final = frozenset("0123456789X")

#: residence-permit prefixes that are not GB/T 2260 province codes but use the ID algorithm
PERMIT_PREFIXES = {"810000": "香港居民居住证", "820000": "澳门居民居住证", "830000": "台湾居民居住证"}


@lru_cache(maxsize=1)
def regions() -> dict[str, tuple[str, str]]:
    """GB/T 2260 code -> (name, status) for every code published 1980-2019 (see data/gb2260.tsv)."""
    table: dict[str, tuple[str, str]] = {}
    with (data_dir() / "gb2260.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            code, name, status, *_ = line.rstrip("\n").split("\t")
            table[code] = (name, status)
    return table


@lru_cache(maxsize=1)
def provinces() -> frozenset[str]:
    """Valid 2-digit prefixes: GB/T 2260 provinces (incl. 71 Taiwan, 81 HK, 82 Macao) plus 83."""
    codes = {c[:2] for c in regions() if c.endswith("0000")}
    codes.add("83")  # Taiwan residents' residence permit (830000), not a GB/T 2260 code
    return frozenset(codes)


def foreigner_provinces() -> frozenset[str]:
    """2-digit provinces of acceptance a foreigner permanent-residence ID (``9`` + province) can carry: the
    mainland ones of :func:`provinces` (not 71 Taiwan, 81 HK, 82 Macao, 83)."""
    return provinces() - {"71", "81", "82", "83"}


def compact(number: str) -> str:
    """Remove separators and upper-case the check character.

    >>> compact(' 110105 19491231 002x ')
    '11010519491231002X'
    """
    if number.isdigit() or (number[-1:] == "X" and number[:-1].isdigit()):  # the usual forms, as they are
        return number
    return "".join(number.split()).replace("-", "").upper()


def _weighted_sum(raw: bytes) -> int:
    """The MOD 11-2 weighted sum of the first 17 bytes of ``raw`` (ASCII digits), as code points: the
    :data:`_WEIGHTS` written out, which compiles to plain arithmetic (8x faster than ``sum(map(mul, …))``
    there; ``tests/detection/test_detection_validators.py`` checks it against the weights)."""
    return (7 * raw[0] + 9 * raw[1] + 10 * raw[2] + 5 * raw[3] + 8 * raw[4] + 4 * raw[5] + 2 * raw[6] + raw[7]
            + 6 * raw[8] + 3 * raw[9] + 7 * raw[10] + 9 * raw[11] + 10 * raw[12] + 5 * raw[13] + 8 * raw[14]
            + 4 * raw[15] + 2 * raw[16])


def calc_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17:
        raise ValueError("need 17 digits")
    return _CHECK[(_weighted_sum(first17.encode("ascii")) - _ZERO_SUM) % 11]


_MONTH_DAYS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _Calendar:
    """Today as ``YYYYMMDD`` (an int) and the latest birth date of someone aged 14 (the PIPL's minors), for
    checking birth dates with integer arithmetic instead of building ``date`` objects.

    :meth:`refresh` reads the clock on every 256th call only (reading it cost more than the rest of
    validating an ID): a date change is noticed within 256 validations, or at the next call after an hour.
    """

    __slots__ = ("calls", "minor_after", "today", "until")

    def __init__(self) -> None:
        self.until = 0.0
        self.calls = 0
        self.today = 0
        self.minor_after = ""

    def refresh(self) -> _Calendar:
        self.calls -= 1
        if self.calls > 0:
            return self
        self.calls = 256
        now = time.time()
        if now >= self.until:
            today = _dt.date.today()
            self.today = today.year * 10000 + today.month * 100 + today.day
            self.minor_after = f"{today.year - 14:04d}{today.month:02d}{today.day:02d}"
            tomorrow = _dt.datetime.combine(today + _dt.timedelta(days=1), _dt.time())
            self.until = min(tomorrow.timestamp(), now + 3600)
        return self

    def born(self, raw: bytes) -> bool:
        """Whether ASCII digits ``raw[6:14]`` are a calendar date from 1900-01-01 to today."""
        y = (raw[6] - 48) * 1000 + (raw[7] - 48) * 100 + (raw[8] - 48) * 10 + raw[9] - 48
        m = (raw[10] - 48) * 10 + raw[11] - 48
        d = (raw[12] - 48) * 10 + raw[13] - 48
        if y < 1900 or not 1 <= m <= 12 or d < 1 or y * 10000 + m * 100 + d > self.today:
            return False
        if d <= _MONTH_DAYS[m]:
            return True
        return m == 2 and d == 29 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


_CALENDAR: Final = _Calendar()


def _birth_date(yyyymmdd: str, today: _dt.date | None = None) -> _dt.date:
    try:
        d = _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        raise InvalidComponent("birth date is not a calendar date") from None
    if d < _dt.date(1900, 1, 1) or d > (today or _dt.date.today()):
        raise InvalidComponent("birth date out of range 1900-01-01..today")
    return d


def _check_prefix(number: str) -> str:
    """Return the ID form for a number whose prefix is acceptable, else raise."""
    if number[0] == "9":
        if number[1:3] not in foreigner_provinces():
            raise InvalidComponent("foreigner permanent-residence ID: unknown province of acceptance")
        return "foreigner_pr"
    if number[:6] in PERMIT_PREFIXES:
        return "residence_permit"
    if number[:2] not in provinces():
        raise InvalidComponent("unknown province prefix")
    return "id18"


def validate(number: str, today: _dt.date | None = None) -> str:
    """Validate an 18-character number; return its compact form or raise a ``ValueError`` subclass."""
    number = compact(number)
    if today is None and len(number) == 18 and valid18(number):
        return number
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise InvalidFormat("not 17 digits and a check character")
    _check_prefix(number)
    _birth_date(number[6:14], today)
    if calc_check_digit(number[:17]) != number[17]:
        raise InvalidChecksum("MOD 11-2 check character does not match")
    return number


def validate_15(number: str) -> str:
    """Validate a legacy 15-digit number (address + YYMMDD in the 1900s + sequence).

    >>> validate_15('110105491231002')
    '110105491231002'
    """
    number = compact(number)
    if len(number) != 15 or not number.isdigit():
        raise InvalidFormat("not 15 digits")
    if number[:2] not in provinces() or number[:6] in PERMIT_PREFIXES:
        raise InvalidComponent("unknown province prefix")
    _birth_date("19" + number[6:12])
    return number


def to_18(number: str) -> str:
    """Convert a legacy 15-digit number to its 18-character form."""
    number = validate_15(number)
    first17 = number[:6] + "19" + number[6:]
    return first17 + calc_check_digit(first17)


def is_valid(number: str) -> bool:
    try:
        if len(compact(number)) == 15:
            validate_15(number)
        else:
            validate(number)
        return True
    except ValueError:
        return False


def info(number: str, today: _dt.date | None = None) -> dict[str, Any]:
    """Enrichment for a valid number: form, province, county name and status, minor at ``today``.

    The raw number and the exact birth date are not returned.
    """
    number = compact(number)
    if len(number) == 15:
        number = to_18(number)
    form = _check_prefix(number)
    today = today or _dt.date.today()
    born = _birth_date(number[6:14], today)
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    out: dict[str, Any] = {"id_form": form, "minor": age < 14}
    table = regions()
    if form == "foreigner_pr":
        prov = table.get(number[1:3] + "0000")
        out["province"] = prov[0] if prov else None
        out["region_status"] = "n/a"
        return out
    if form == "residence_permit":
        out["province"] = PERMIT_PREFIXES[number[:6]]
        out["region_status"] = "permit"
        return out
    prov = table.get(number[:2] + "0000")
    out["province"] = prov[0] if prov else None
    county = table.get(number[:6])
    out["region_status"] = county[1] if county else "unknown"
    if county:
        out["county"] = county[0]
    return out


_PLACES: Final[dict[str, dict[str, Any] | None]] = {}


def _place(prefix6: str) -> dict[str, Any] | None:
    """What :func:`info` says of an 18-character number's first six digits, as the attributes of a
    verdict in their order (``id_form``, ``minor`` as a placeholder, ``province``, ``region_status``,
    ``county``: copy it and set ``minor``), or ``None`` when the prefix is not acceptable. Remembered: a
    dump holds the same few thousand prefixes millions of times, and copying a dict costs a fraction of
    building it."""
    if prefix6 in _PLACES:
        return _PLACES[prefix6]
    if len(_PLACES) >= 65536:
        _PLACES.clear()
    found = _place_of(prefix6)
    place: dict[str, Any] | None = None
    if found is not None:
        place = {found[0][0]: found[0][1], "minor": False}
        for k, v in found[1:]:
            place[k] = v
    _PLACES[prefix6] = place
    return place


def _place_of(prefix6: str) -> tuple[tuple[str, Any], ...] | None:
    try:
        form = _check_prefix(prefix6 + "0" * 12)
    except ValueError:
        return None
    table = regions()
    if form == "foreigner_pr":
        prov = table.get(prefix6[1:3] + "0000")
        return (("id_form", form), ("province", prov[0] if prov else None), ("region_status", "n/a"))
    if form == "residence_permit":
        return (("id_form", form), ("province", PERMIT_PREFIXES[prefix6]), ("region_status", "permit"))
    prov = table.get(prefix6[:2] + "0000")
    county = table.get(prefix6)
    out: tuple[tuple[str, Any], ...] = (("id_form", form), ("province", prov[0] if prov else None),
                                        ("region_status", county[1] if county else "unknown"))
    return out + ((("county", county[0]),) if county else ())


def valid18(number: str) -> bool:
    """:func:`is_valid` of a compact 18-character number as of today, without building dates or raising
    (other validators ask it whether a number is an ID: a bank card candidate of 18 digits).

    >>> valid18('11010519491231002X'), valid18('110105194912310021')
    (True, False)
    """
    return _place18(number) is not None


def _place18(number: str) -> dict[str, Any] | None:
    """:func:`_place` of a compact 18-character number that is a valid ID as of today, else ``None``."""
    if len(number) != 18 or not number[:17].isdigit() or not number.isascii() or number[17] not in _CHECK_CHARS:
        return None
    raw = number.encode("ascii")
    # most look-alikes (order numbers, snowflake ids) fail the date
    if _CALENDAR.refresh().born(raw) and _CHECK[(_weighted_sum(raw) - _ZERO_SUM) % 11] == number[17]:
        return _place(number[:6])
    return None


def _fast_info(number: str) -> dict[str, Any] | None:
    """:func:`validate` and :func:`info` of a compact 18-character candidate in one pass (the scan's hot
    path): ``None`` when it is not a valid ID."""
    place = _place18(number)
    if place is None:
        return None
    out = place.copy()
    out["minor"] = number[6:14] > _CALENDAR.minor_after
    return out


def check(candidate: str, params: dict[str, Any]) -> Verdict | None:
    """Rule-pack validator ``cn_resident_id``: 18- or 15-character candidates."""
    number = compact(candidate)
    if len(number) == 18:
        attrs = _fast_info(number)
        if attrs is None:
            return None
        normalised = number
    else:
        try:
            if len(number) != 15:
                return None
            validate_15(number)
            normalised = to_18(number)
        except ValueError:
            return None
        attrs = info(normalised)
    delta = 0.0
    status = attrs.get("region_status")
    if status in ("current", "abolished", "permit", "n/a"):
        delta += float(params.get("known_region_bonus", 0.05))
    else:
        delta -= float(params.get("unknown_region_penalty", 0.1))
    if len(number) == 15:
        attrs["legacy_15"] = True
        # a Luhn-valid 15-digit number looks like an IMEI; legacy IDs have no check digit
        from piscan.detection.validators import luhn

        if luhn.is_valid(number):
            delta -= float(params.get("imei_like_penalty", 0.1))
        elif (status in ("current", "abolished")
              and 1900 + int(number[6:8]) >= int(params.get("legacy_bonus_from_year", 1920))):
            # a county code ever published and a birth date of a person alive when 15-digit IDs were issued
            # (1984-1999): about one random 15-digit number in 10,000 has both (and no IMEI's check digit),
            # so such a value stands without a context word
            delta += float(params.get("legacy_county_bonus", 0.0))
    return Verdict(normalised=normalised, score_delta=delta, attributes=attrs)


def check_masked(candidate: str, params: dict[str, Any]) -> Verdict | None:
    """Rule-pack validator ``cn_resident_id_masked``: ``110101********1234``, ``1101011990****1234``…

    Accepts 18 positions of digits and mask characters with at least ``min_hidden`` (default 4) masked,
    a visible province prefix, and a visible last position or at least 6 visible leading digits.
    ``weak_mask`` is set when any full birth-date component stays visible (the year digits) or fewer
    than ``min_hidden_effective`` (default 8) characters are hidden.
    """
    mask_chars = "*"
    s = "".join(unify_masks(candidate).split()).upper()
    if len(s) != 18:
        return None
    hidden = [i for i, ch in enumerate(s) if ch in mask_chars]
    if len(hidden) < int(params.get("min_hidden", 4)) or len(hidden) == 18:
        return None
    visible = [i for i in range(18) if i not in set(hidden)]
    for i in visible:
        if not (s[i].isdigit() or (i == 17 and s[i] == "X")):
            return None
    if 0 in hidden or 1 in hidden:
        return None
    if s[:2] not in provinces() and s[0] != "9":
        return None
    # the masked run must be contiguous (real masks hide a block, random strings don't)
    if hidden[-1] - hidden[0] + 1 != len(hidden):
        return None
    dob_positions = set(range(6, 14))
    dob_visible = dob_positions - set(hidden)
    year_visible = {6, 7, 8, 9} <= dob_visible
    weak = bool(year_visible and len(dob_visible) >= 4) or len(hidden) < int(params.get("min_hidden_effective", 8))
    if year_visible:
        try:
            y = int(s[6:10])
        except ValueError:
            return None
        if not 1900 <= y <= _dt.date.today().year:
            return None
    attrs: dict[str, Any] = {"weak_mask": weak, "hidden": len(hidden)}
    if dob_positions <= set(visible):
        attrs["birth_date_visible"] = True
    prov = regions().get(s[:2] + "0000")
    if prov:
        attrs["province"] = prov[0]
    delta = 0.0
    if hidden[0] >= 6 and s[0] != "9" and s[:6] not in PERMIT_PREFIXES and s[:6] not in regions():
        # six visible leading digits that are no GB/T 2260 code ever published: likely a masked card
        delta -= float(params.get("unknown_region_penalty", 0.25))
    return Verdict(normalised=s, score_delta=delta, attributes=attrs, masked=True)
