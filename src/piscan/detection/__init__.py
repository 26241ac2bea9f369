"""Detection: recognizers built from rule packs, validators, context scoring and the scan engines."""

from piscan.native import guard as _guard

_guard()  # before any compiled module loads: stale extensions give way to their sources
