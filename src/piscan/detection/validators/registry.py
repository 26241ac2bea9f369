"""Validator names used by rule packs -> callables ``check(candidate, params) -> Verdict | None``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from piscan.detection.validators import cn_bank_card, cn_mobile, cn_resident_id
from piscan.detection.validators.base import Verdict

Validator = Callable[[str, dict[str, Any]], Verdict | None]

REGISTRY: dict[str, Validator] = {
    "cn_resident_id": cn_resident_id.check,
    "cn_resident_id_masked": cn_resident_id.check_masked,
    "cn_mobile": cn_mobile.check,
    "cn_mobile_masked": cn_mobile.check_masked,
    "cn_bank_card": cn_bank_card.check,
    "cn_bank_card_masked": cn_bank_card.check_masked,
}


def get_validator(name: str) -> Validator:
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown validator {name!r} (known: {known})") from None
