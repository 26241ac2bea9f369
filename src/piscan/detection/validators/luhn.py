"""Luhn (ISO/IEC 7812-1 Annex B, mod 10) check digit.

>>> calc_check_digit('622202020011223344')
'6'
>>> is_valid('6222020200112233446')
True
>>> is_valid('6222020200112233441')
False
"""

from __future__ import annotations

_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def checksum(number: str) -> int:
    """Luhn checksum of a digit string (0 means valid)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        total += _DOUBLED[d] if i & 1 else d
    return total % 10


def calc_check_digit(number: str) -> str:
    """The digit to append to ``number`` so that it passes Luhn."""
    return str((10 - checksum(number + "0")) % 10)


def is_valid(number: str) -> bool:
    return number.isdigit() and checksum(number) == 0
