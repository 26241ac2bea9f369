"""Shared by the dump tests that compare a fast path with the general one.

Imported as ``from sources_helpers import ...`` (a unique module name, like ``reports_helpers``).
"""

from __future__ import annotations

from piscan.scanner import Scanner, ScanOptions


def scan_report(*paths, **options) -> dict:
    """Everything a one-process scan of ``paths`` reports that a faster path must not change: findings,
    assets, values scanned per column, inputs (without timings) and errors."""
    r = Scanner(ScanOptions(jobs=1, **options)).scan([str(p) for p in paths])
    return {
        "findings": [f.to_dict() for f in r.findings],
        "assets": r.assets,
        "values": r.column_values,
        "inputs": [{k: v for k, v in i.items() if k != "seconds"} for i in r.inputs],
        "errors": [e.to_dict() for e in r.errors],
    }
