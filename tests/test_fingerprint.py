"""Keyed fingerprints are HMAC-SHA256 (RFC 2104), truncated to 128 bits, whatever the key length."""

from __future__ import annotations

import hashlib
import hmac
import os
import subprocess
import sys

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


def test_person_is_the_process_keyed_string_hash_or_else_the_fingerprint_prefix():
    fp = Fingerprinter(b"piscan-test-fingerprint-key")
    values = ["13812345678", "11010519491231002X", "6222020200112233446"]
    fp.process_keyed = True
    for value in values:
        assert fp.person("CN_MOBILE_PHONE", value) == hash(value) & (2**64 - 1)
    assert fp.persons("CN_MOBILE_PHONE", values) == [fp.person("CN_MOBILE_PHONE", v) for v in values]
    fp.process_keyed = False  # PYTHONHASHSEED fixed: the secret would be known
    for value in values:
        assert fp.person("CN_MOBILE_PHONE", value) == int(fp("CN_MOBILE_PHONE", value)[:16], 16)
    assert fp.persons("CN_MOBILE_PHONE", values) == [fp.person("CN_MOBILE_PHONE", v) for v in values]


_PERSON = ("import sys; from piscan.fingerprint import Fingerprinter; fp = Fingerprinter(b'k'); "
           "print(fp.process_keyed, fp.person('CN_MOBILE_PHONE', sys.argv[1]))")


def _person_in_subprocess(seed: str | None) -> tuple[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    if seed is not None:
        env["PYTHONHASHSEED"] = seed
    out = subprocess.run([sys.executable, "-c", _PERSON, "13812345678"], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    return out[0], int(out[1])


def test_person_secret_is_per_process_unless_pythonhashseed_fixes_it():
    expected = int(Fingerprinter(b"k")("CN_MOBILE_PHONE", "13812345678")[:16], 16)
    for seed in ("0", "123"):  # a known seed: persons must not be a hash an outsider can recompute
        assert _person_in_subprocess(seed) == ("False", expected)
    first, second = _person_in_subprocess(None), _person_in_subprocess("random")
    if sys.hash_info.algorithm.startswith("siphash"):
        assert first[0] == second[0] == "True"
        assert first[1] != second[1]  # a fresh secret in each process (equal with probability 2**-64)
        assert expected not in (first[1], second[1])
