"""Shared types for validators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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
