#!/usr/bin/env python3
"""Derive the allocated mainland-China mobile segment table from libphonenumber metadata.

Source: the ``phonenumbers`` package (Python port of Google's libphonenumber), CN region metadata,
``mobile.national_number_pattern``; carrier names from ``phonenumbers.carrier`` (zh).
The pattern only depends on the first five digits, which this script checks before expanding it to
a minimal prefix list written to ``src/piscan/data/cn_mobile_segments.tsv``.

Usage: python scripts/derive_mobile_segments.py   (re-run after upgrading phonenumbers)
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneMetadata, carrier

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "piscan" / "data" / "cn_mobile_segments.tsv"


def main() -> int:
    pattern = PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern
    rx = re.compile(f"(?:{pattern})")
    rng = random.Random(2260)
    allowed: set[str] = set()
    for p in range(10000, 20000):
        prefix = str(p)
        results = {bool(rx.fullmatch(prefix + "".join(rng.choice("0123456789") for _ in range(6))))
                   for _ in range(12)}
        results.add(bool(rx.fullmatch(prefix + "000000")))
        if len(results) != 1:
            raise SystemExit(f"pattern depends on more than 5 digits at {prefix}")
        if results.pop():
            allowed.add(prefix)

    # collapse complete groups of ten into shorter prefixes
    prefixes = set(allowed)
    for length in (4, 3):
        parents = {p[:length] for p in prefixes if len(p) == length + 1}
        for parent in sorted(parents):
            kids = {parent + d for d in "0123456789"}
            if kids <= prefixes:
                prefixes -= kids
                prefixes.add(parent)
    rows = []
    for p in sorted(prefixes):
        num = phonenumbers.parse(p + "0" * (11 - len(p)), "CN")
        name = carrier.name_for_number(num, "zh") or ""
        rows.append((p, name))
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# Allocated mainland mobile segments (11-digit numbers), minimal prefix list.\n")
        fh.write(f"# Derived by scripts/derive_mobile_segments.py from phonenumbers {phonenumbers.__version__} "
                 "(libphonenumber) CN mobile pattern:\n")
        fh.write(f"# {pattern}\n")
        fh.write("# carrier: libphonenumber zh carrier name for the segment (number portability makes it a hint).\n")
        fh.write("# prefix\tcarrier\n")
        for p, name in rows:
            fh.write(f"{p}\t{name}\n")
    print(f"wrote {len(rows)} prefixes ({len(allowed)} five-digit segments) to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
