"""Luhn (ISO/IEC 7812-1 Annex B, mod 10) check digit.

>>> calc_check_digit('622202020011223344')
'6'
>>> is_valid('6222020200112233446')
True
>>> is_valid('6222020200112233441')
False
"""

from __future__ import annotations

from typing import Final

# every second digit from the right is doubled and its digits summed: 0 2 4 6 8 1 3 5 7 9
_DOUBLED: Final = bytes.maketrans(b"0123456789", b"0246813579")


def checksum(number: str) -> int:
    """Luhn checksum of an ASCII digit string (0 means valid); ``ValueError`` for anything else.

    The digit sums are byte sums of the number's two halves (C loops, not a Python one per digit).
    """
    if not (number.isascii() and number.isdigit()):
        raise ValueError("not an ASCII digit string")
    b = number.encode("ascii")
    return (sum(b[-1::-2]) + sum(b[-2::-2].translate(_DOUBLED)) - 48 * len(b)) % 10


def calc_check_digit(number: str) -> str:
    """The digit to append to ``number`` so that it passes Luhn."""
    return str((10 - checksum(number + "0")) % 10)


def is_valid(number: str) -> bool:
    return number.isascii() and number.isdigit() and checksum(number) == 0
