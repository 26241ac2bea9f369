"""Keyed fingerprints are HMAC-SHA256 (RFC 2104), truncated to 128 bits, whatever the key length."""

from __future__ import annotations

import hashlib
import hmac

from piscan.fingerprint import Fingerprinter


def test_fingerprint_is_hmac_sha256_for_short_long_and_block_sized_keys():
    values = [("CN_MOBILE_PHONE", "13812345678"), ("CN_RESIDENT_ID", "11010519491231002X"),
              ("CN_BANK_CARD", "6222020200112233446"), ("X", ""), ("CN_MOBILE_PHONE", "手机")]
    for key in (b"", b"k", b"piscan-test-fingerprint-key", b"x" * 64, b"y" * 65, bytes(range(256)) * 3):
        fp = Fingerprinter(key)
        for entity, value in values:
            expected = hmac.new(key, f"{entity}:{value}".encode(), hashlib.sha256).hexdigest()[:32]
            assert fp(entity, value) == expected
            assert fp(entity, value) == expected  # the precomputed pads are copied, never consumed


def test_person_is_the_first_64_bits_of_the_fingerprint():
    fp = Fingerprinter(b"piscan-test-fingerprint-key")
    for value in ("13812345678", "11010519491231002X", "6222020200112233446"):
        assert fp.person("CN_MOBILE_PHONE", value) == int(fp("CN_MOBILE_PHONE", value)[:16], 16)
