"""Mainland China mobile numbers (11 digits, ``1`` + 10), allocated segments only.

The segment table ``data/cn_mobile_segments.tsv`` is derived from libphonenumber's CN metadata by
``scripts/derive_mobile_segments.py``. Written forms: plain, ``+86``/``0086``/``86`` prefixes, 3-4-4
groups with spaces or dashes.

>>> compact('+86 138-1234-5678')
'13812345678'
>>> is_valid('13812345678')
True
>>> is_valid('14012345678')   # 140 is not an allocated mobile segment
False
>>> info('13812345678')['carrier']
'中国移动'
"""

from __future__ import annotations

from typing import Any

from piscan.detection.validators.base import InvalidComponent, InvalidFormat, Verdict, is_valid_with, unify_masks
from piscan.resources import data_dir

_SEGMENTS: dict[str, str] | None = None  # read on first use (a global, not an lru_cache: see cn_bank_card)


def segments() -> dict[str, str]:
    """Allocated prefix (3-5 digits) -> carrier hint."""
    global _SEGMENTS
    if _SEGMENTS is None:
        _SEGMENTS = _read_segments()
    return _SEGMENTS


def _read_segments() -> dict[str, str]:
    table: dict[str, str] = {}
    with (data_dir() / "cn_mobile_segments.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            prefix, _, carrier = line.rstrip("\n").partition("\t")
            table[prefix] = carrier
    return table


def segment_of(number: str) -> str | None:
    table = segments()
    for n in (3, 4, 5):
        if number[:n] in table:
            return number[:n]
    return None


def compact(number: str) -> str:
    s = number if number.isdigit() else "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    return s


def validate(number: str) -> str:
    number = compact(number)
    if len(number) != 11 or not number.isdigit() or number[0] != "1":
        raise InvalidFormat("not an 11-digit number starting with 1")
    if segment_of(number) is None:
        raise InvalidComponent("not an allocated mobile segment")
    return number


def is_valid(number: str) -> bool:
    return is_valid_with(validate, number)


def info(number: str) -> dict[str, Any]:
    number = compact(number)
    seg = segment_of(number)
    return {"segment": seg, "carrier": segments().get(seg or "", "") or None}


def check(candidate: str, params: dict[str, Any]) -> Verdict | None:
    """Rule-pack validator ``cn_mobile``."""
    number = compact(candidate)
    if len(number) != 11 or number[0] != "1" or not number.isdigit():
        return None
    seg = segment_of(number)
    if seg is None:
        return None
    attrs: dict[str, Any] = {}
    carrier = segments()[seg]
    if carrier:
        attrs["carrier"] = carrier
    delta = 0.0
    written = len(candidate) if candidate.isdigit() else sum(ch.isdigit() or ch == "+" for ch in candidate)
    if written > 11:  # written with a country prefix: a phone, not an id
        delta += float(params.get("prefix_bonus", 0.1))
        attrs["country_prefix"] = True
    elif int(number) % 1048576 == 0:
        # a whole number of MiB in bytes (GC heap 17179869184 bytes, a 13-19 GiB memory limit); one phone
        # number in a million is such a multiple
        delta -= float(params.get("byte_size_penalty", 0.3))
        attrs["byte_size_like"] = True
    return Verdict(normalised=number, score_delta=delta, attributes=attrs)


def check_masked(candidate: str, params: dict[str, Any]) -> Verdict | None:
    """Rule-pack validator ``cn_mobile_masked``: ``138****5678``, ``138 **** 5678``, ``1381234****``.

    11 positions after removing separators and a country prefix, the first three visible and an
    allocated 3-digit segment, at least one masked position. ``weak_mask`` when fewer than
    ``min_hidden_effective`` (default 4) digits are hidden.
    """
    mask_chars = "*"
    s = "".join(ch for ch in unify_masks(candidate) if ch.isdigit() or ch in mask_chars or ch == "+")
    for p in ("+86", "0086"):
        if s.startswith(p):
            s = s[len(p):]
    if len(s) != 11 or not s[:3].isdigit() or s[0] != "1":
        return None
    hidden = sum(ch in mask_chars for ch in s)
    if hidden == 0 or hidden > int(params.get("max_hidden", 8)):
        return None
    if not any(p.startswith(s[:3]) or s[:3].startswith(p) for p in segments()):
        return None
    if segment_of(s.replace("*", "0")) is None and not any(k.startswith(s[:3]) for k in segments()):
        return None
    attrs: dict[str, Any] = {"weak_mask": hidden < int(params.get("min_hidden_effective", 4)), "hidden": hidden}
    return Verdict(normalised=s, attributes=attrs, masked=True)
