"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015): not personal information, but an all-digit
code is an 18-digit number that a bank card reading of a Beijing company (``9111…``) would take.

18 characters: registration authority (1), organisation type (1), region code (6), the organisation code
of GB 11714 (8 characters and its own check character), and a MOD 31 check character over the 17 before
it. A random 18-digit number passes both checks about once in 341 times.

>>> is_valid('91110108551385082Q')
True
>>> is_valid('911101085513850820')
False
>>> is_valid('911101001686641855'), is_valid('6222020200112233446'), is_valid('91350100M000100Y43')
(True, False, True)
"""

from __future__ import annotations

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def calc_check_char(first17: str) -> str:
    """The MOD 31 check character of the first 17 characters.

    >>> calc_check_char('91110108551385082')
    'Q'
    """
    total = sum(_ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    """The GB 11714 check character of an organisation code's first 8 characters ('X' for 10).

    >>> org_check_char('55138508')
    '2'
    """
    total = sum(_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def is_valid(code: str) -> bool:
    """Whether ``code`` (18 characters, upper case) is a well-formed USCC: its region part six digits,
    both check characters right."""
    if len(code) != 18 or any(c not in _ALPHABET for c in code) or not code[2:8].isdigit():
        return False
    return org_check_char(code[8:16]) == code[16] and calc_check_char(code[:17]) == code[17]
