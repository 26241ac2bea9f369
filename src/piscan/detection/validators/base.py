"""Shared types for validators."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final


class InvalidFormat(ValueError):
    """The value does not have the structure of the identifier."""


class InvalidChecksum(ValueError):
    """The check digit does not match."""


class InvalidComponent(ValueError):
    """A component (region, birth date, segment, BIN…) is not valid."""


@dataclass(slots=True)
class Verdict:
    """Outcome of validating one candidate.

    ``normalised`` is the canonical value the fingerprint is computed from (digits only, 15-digit IDs
    converted to 18, phone prefixes removed). ``score_delta`` adjusts the pattern score (a known county
    code, a Luhn pass…). ``attributes`` never hold the raw value. ``needs_context``: the candidate only
    counts when a context word is present (a non-Luhn card number, for example).
    """

    normalised: str
    score_delta: float = 0.0
    attributes: dict[str, Any] = field(default_factory=dict)
    needs_context: bool = False
    masked: bool = False


def is_valid_with(validate: Callable[[str], str], number: str) -> bool:
    """``is_valid`` of a python-stdnum-style module: whether ``validate`` accepts ``number``."""
    try:
        validate(number)
        return True
    except ValueError:
        return False


_MASK_RUN: Final = re.compile(r"[xX#]{3,}")


def unify_masks(text: str) -> str:
    """Mask characters as ``*``: ``*``, ``•``, full-width ``＊``, and runs of three or more ``x``/``X``/``#``
    (``138xxxx5678``, ``110101########1234``). A lone ``X`` stays: it is an ID check character.

    >>> unify_masks("138xxxx5678"), unify_masks("6222 •••• •••• 1234"), unify_masks("11010519491231002X")
    ('138****5678', '6222 **** **** 1234', '11010519491231002X')
    """
    text = text.replace("•", "*").replace("＊", "*")
    if "x" in text or "X" in text or "#" in text:
        text = _MASK_RUN.sub(lambda m: "*" * len(m.group()), text)
    return text
