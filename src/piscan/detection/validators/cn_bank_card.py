"""Bank card numbers (ISO/IEC 7812 PAN) of Chinese issuers: UnionPay 62…, legacy 9…, and Chinese
banks' Visa / Mastercard / JCB / AmEx BINs, 16-19 digits.

Luhn raises confidence; some real Chinese cards fail Luhn (hutool #2510, braintree card-validator
#112), so a non-Luhn candidate counts only with a BIN from the offline table
(``data/cn_bank_bins.tsv``, derived by ``scripts/derive_bank_bins.py``) *and* a context word.

Excluded: IMEIs (15 digits, never in range), ICCIDs (``89…``), and 18-character strings that are valid
resident IDs (an ID wins).

>>> is_valid('6222020200112233446')
True
>>> is_valid('6222020200112233441')   # fails Luhn
False
>>> is_valid('8986011234567890123')   # ICCID
False
>>> check('11010519491231002X', {}) is None
True
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from piscan.detection.validators import cn_resident_id, cn_uscc, luhn
from piscan.detection.validators.base import InvalidComponent, InvalidFormat, Verdict, is_valid_with, unify_masks
from piscan.resources import data_dir

#: issuer prefixes accepted as "a bank card could start like this" (network level)
NETWORK_PREFIXES: tuple[tuple[str, str], ...] = (
    ("62", "unionpay"),
    ("60", "unionpay"),  # some domestic co-branded ranges
    ("81", "unionpay"),
    ("9558", "domestic_legacy"), ("9559", "domestic_legacy"),  # other 9… BINs only via the BIN table
    ("4", "visa"),
    ("51", "mastercard"), ("52", "mastercard"), ("53", "mastercard"), ("54", "mastercard"),
    ("55", "mastercard"),
    *((str(p), "mastercard") for p in range(22, 28)),
    ("35", "jcb"),
    ("34", "amex"), ("37", "amex"),
)


# The tables, read on first use. Module globals, not ``functools.lru_cache``: the validators call them for
# every card candidate, and from compiled code a global is a dict lookup where an lru_cache is a call
_BINS: dict[str, tuple[str, str]] | None = None
_BIN_LENGTHS: dict[str, tuple[int, ...]] | None = None
_IIN4: frozenset[str] | None = None


def bins() -> dict[str, tuple[str, str]]:
    """BIN -> (bank name, card type) from the offline table."""
    global _BINS
    if _BINS is None:
        _BINS = _read_bins()
    return _BINS


def _read_bins() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    path = data_dir() / "cn_bank_bins.tsv"
    if not path.exists():
        return table
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            table.setdefault(parts[0], (parts[2] if len(parts) > 2 else "", parts[3] if len(parts) > 3 else ""))
    return table


def _bin_lengths() -> dict[str, tuple[int, ...]]:
    """First four digits -> the lengths of the BINs starting with them, longest first (a 19-digit number is
    looked up at the one or two lengths its BINs have, not at all seven)."""
    global _BIN_LENGTHS
    if _BIN_LENGTHS is None:
        lengths: dict[str, set[int]] = {}
        for b in bins():
            lengths.setdefault(b[:4], set()).add(len(b))
        _BIN_LENGTHS = {head: tuple(sorted(ns, reverse=True)) for head, ns in lengths.items()}
    return _BIN_LENGTHS


def bin_of(number: str) -> str | None:
    """The longest BIN of the offline table that ``number`` starts with.

    >>> bin_of('6222020200112233446'), bin_of('1234567890123456')
    ('622202', None)
    """
    lengths = _bin_lengths().get(number[:4])
    if lengths is None:
        return None
    table = bins()
    for n in lengths:
        if number[:n] in table:
            return number[:n]
    return None


@lru_cache(maxsize=1)
def _bin_prefixes() -> frozenset[str]:
    """Every leading part (2+ digits) of every known BIN, for masked numbers that show only 4 digits."""
    return frozenset(b[:n] for b in bins() for n in range(2, len(b) + 1))


def known_prefix(head: str) -> bool:
    """Whether ``head`` (the visible start of a number) is consistent with a BIN in the table."""
    return head in _bin_prefixes() or bin_of(head) is not None


def _iin4() -> frozenset[str]:
    global _IIN4
    if _IIN4 is None:
        _IIN4 = frozenset({"9558", "9559"} | {b[:4] for b in bins() if len(b) >= 4})
    return _IIN4


def iin_known(number: str) -> bool:
    """The issuer prefixes piscan scans for: UnionPay 62…, legacy 9558/9559, and the first four digits
    of every BIN in the offline table (Chinese banks' Visa/Mastercard/JCB/AmEx/domestic ranges)."""
    return number.startswith("62") or number[:4] in _iin4()


def iin4_alternatives() -> list[str]:
    """The same set as :func:`iin_known`, as regex alternatives for the byte prefilter."""
    return ["62[0-9]{2}", *sorted(x for x in _iin4() if not x.startswith("62"))]


def network_of(number: str) -> str | None:
    """Card network judged from the leading digits; Chinese-bank BINs outside the well-known network
    ranges (e.g. 68…, 58…) count as ``domestic`` when the BIN table knows them."""
    if number.startswith("9") and not number.startswith(("9558", "9559")):
        return "domestic_legacy" if bin_of(number) else None
    for prefix, name in NETWORK_PREFIXES:
        if number.startswith(prefix):
            if name == "mastercard" and prefix[0] == "2" and not 2221 <= int(number[:4]) <= 2720:
                return None
            if name == "jcb" and not 3528 <= int(number[:4]) <= 3589:
                return None
            return name
    return "domestic" if bin_of(number) else None


def compact(number: str) -> str:
    if number.isdigit():
        return number
    return "".join(ch for ch in number if ch.isdigit())


def validate(number: str) -> str:
    """Structure + Luhn (strict form, for callers that want a yes/no)."""
    number = compact(number)
    if not 16 <= len(number) <= 19:
        raise InvalidFormat("not 16-19 digits")
    if number.startswith("89"):
        raise InvalidComponent("ICCID (SIM serial), not a bank card")
    if not iin_known(number) or network_of(number) is None:
        raise InvalidComponent("not a known Chinese bank card issuer prefix")
    if len(number) == 18 and cn_resident_id.is_valid(number):
        raise InvalidComponent("valid resident ID number")
    if not luhn.is_valid(number):
        raise InvalidComponent("Luhn check fails")
    return number


def is_valid(number: str) -> bool:
    return is_valid_with(validate, number)


def _filler(number: str) -> bool:
    """Whether ``number`` holds at most two distinct digits (``6222222222222222222``-style fillers): a
    scan that stops at the third distinct digit, within the first few of a real number.

    >>> _filler('6222222222222222222'), _filler('6666666666666666'), _filler('6222020200112233446')
    (True, True, False)
    """
    first = number[0]
    second = ""
    for ch in number:
        if ch != first:
            if not second:
                second = ch
            elif ch != second:
                return False
    return True


def check(candidate: str, params: dict[str, Any]) -> Verdict | None:
    """Rule-pack validator ``cn_bank_card``."""
    number = compact(candidate)
    if not 16 <= len(number) <= 19 or number.startswith("89") or not iin_known(number):
        return None
    network = network_of(number)
    if network is None:
        return None
    if len(number) == 18 and cn_resident_id.valid18(number):
        return None  # an ID wins
    if _filler(number):
        return None
    b = bin_of(number)
    attrs: dict[str, Any] = {"network": network, "luhn": luhn.checksum(number) == 0}
    # a company's 统一社会信用代码 in digits (9111… in Beijing) passes as a card about as often as Luhn lets
    # it; one card number in 341 also passes its two checks: such a number counts only next to a card word
    uscc = len(number) == 18 and cn_uscc.is_valid(number)
    if uscc:
        attrs["uscc_like"] = True
    if b:
        attrs["bank"], attrs["card_type"] = bins()[b]
    delta = 0.0
    if attrs["luhn"]:
        delta += float(params.get("luhn_bonus", 0.2))
        if b:
            delta += float(params.get("known_bin_bonus", 0.1))
        elif network not in ("unionpay", "domestic_legacy", "domestic"):
            # a Luhn-valid Visa/Mastercard/JCB/AmEx-shaped number with no Chinese-bank BIN: a foreign card
            # or a random id that happens to pass Luhn (1 in 10 do) -- only with a context word
            delta -= float(params.get("foreign_penalty", 0.1))
            return Verdict(normalised=number, score_delta=delta, attributes=attrs, needs_context=True)
        return Verdict(normalised=number, score_delta=delta, attributes=attrs, needs_context=uscc)
    if not b:
        return None  # non-Luhn needs a known BIN …
    delta -= float(params.get("no_luhn_penalty", 0.2))
    return Verdict(normalised=number, score_delta=delta, attributes=attrs, needs_context=True)  # … and context


def check_masked(candidate: str, params: dict[str, Any]) -> Verdict | None:
    """Rule-pack validator ``cn_bank_card_masked``: ``6222 **** **** 1234``, ``622202*********1234``.

    16-19 positions, a visible issuer prefix of at least 4 digits, a visible tail of 3-4 digits, one
    contiguous masked block. ``weak_mask`` when more than BIN (``max_visible_prefix``, default 6) + last
    4 digits are visible (PCI DSS 3.4.1).
    """
    mask_chars = "*"
    s = "".join(ch for ch in unify_masks(candidate) if ch.isdigit() or ch in mask_chars)
    if not 16 <= len(s) <= 19:
        return None
    hidden = [i for i, ch in enumerate(s) if ch in mask_chars]
    if not hidden or hidden[-1] - hidden[0] + 1 != len(hidden):
        return None
    head, tail = s[: hidden[0]], s[hidden[-1] + 1:]
    if len(head) < 4 or not 3 <= len(tail) <= 8 or not iin_known(head):
        return None
    if head.startswith("89") or (network_of(head + "0" * 4) is None and not known_prefix(head)):
        return None
    weak = len(head) > int(params.get("max_visible_prefix", 6)) or len(tail) > 4
    network = network_of(head + "0000") or "domestic"
    attrs: dict[str, Any] = {"weak_mask": weak, "hidden": len(hidden), "network": network}
    b = bin_of(head) if len(head) >= 6 else None
    if b:
        attrs["bank"] = bins()[b][0]
    # 18 positions is the length of a masked resident ID; cards that long are rare, so without a card
    # context word the masked-ID reading wins
    delta = 0.0
    if len(s) == 18:
        if b and len(head) >= 6 and head[:6] not in cn_resident_id.regions():
            delta += float(params.get("bin_not_region_bonus", 0.1))
        else:
            delta -= float(params.get("id_length_penalty", 0.1))
    return Verdict(normalised=s, score_delta=delta, attributes=attrs, masked=True)
