"""Luhn (ISO/IEC 7812-1 Annex B, mod 10) check digit.

>>> calc_check_digit('622202020011223344')
'6'
>>> is_valid('6222020200112233446')
True
>>> is_valid('6222020200112233441')
False
"""

from __future__ import annotations


def checksum(number: str) -> int:
    """Luhn checksum of an ASCII digit string (0 means valid); ``ValueError`` for anything else.

    Two loops over the bytes with plain integer arithmetic: compiled (``piscan.native``), that is four times
    faster than summing slices of the bytes, and it runs for every bank card candidate.
    """
    if not (number.isascii() and number.isdigit()):
        raise ValueError("not an ASCII digit string")
    b = number.encode("ascii")
    total = 0
    i = len(b) - 1
    while i >= 0:  # the check digit and every second digit left of it, as they are
        total += b[i] - 48
        i -= 2
    i = len(b) - 2
    while i >= 0:  # the others doubled, the digits of the double summed
        d = (b[i] - 48) * 2
        total += d - 9 if d > 9 else d
        i -= 2
    return total % 10


def calc_check_digit(number: str) -> str:
    """The digit to append to ``number`` so that it passes Luhn."""
    return str((10 - checksum(number + "0")) % 10)


def is_valid(number: str) -> bool:
    return number.isascii() and number.isdigit() and checksum(number) == 0
