"""The compiled hot path: which modules mypyc compiles, and a guard against stale compiled code.

``hatch_build.py`` compiles :data:`COMPILED` with mypyc at install time and records the SHA-256 of each
source it compiled in ``piscan/detection/compiled-sources.json``. An editable install puts the
extensions next to the sources, where Python prefers them to the ``.py`` files; after a source is
edited (or a ``git checkout``), the old extension would silently run the old code. :func:`guard`
(called by :mod:`piscan.detection` before any of its modules load) notices the mismatch and loads
every compiled module from its source instead, with a one-line warning, until the next install.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from pathlib import Path

#: modules mypyc compiles (all in one group: they call each other natively)
COMPILED = (
    "piscan.detection.normalise",
    "piscan.detection.evidence",
    "piscan.detection.context",
    "piscan.detection.detector",
    "piscan.detection.validators.base",
    "piscan.detection.validators.luhn",
    "piscan.detection.validators.cn_resident_id",
    "piscan.detection.validators.cn_mobile",
    "piscan.detection.validators.cn_bank_card",
    "piscan.sources.dump_rows",
    "piscan.sources.json_leaves",
    "piscan.sources.csv_fields",
)
MANIFEST = "compiled-sources.json"  # in piscan/detection/

_PKG = Path(__file__).resolve().parent
_state: str | None = None


def source_path(module: str) -> Path:
    """``piscan.detection.context`` -> ``…/piscan/detection/context.py``."""
    return _PKG.joinpath(*module.split(".")[1:]).with_suffix(".py")


def source_digests() -> dict[str, str]:
    return {m: hashlib.sha256(source_path(m).read_bytes()).hexdigest() for m in COMPILED}


def _compiled_present() -> bool:
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    return any(source_path(m).with_suffix(s).exists() for m in COMPILED for s in suffixes)


class _SourceFinder:
    """Meta-path finder that loads the compiled modules from their ``.py`` files."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name not in COMPILED:
            return None
        return importlib.util.spec_from_file_location(name, source_path(name))


def guard() -> str:
    """Return ``compiled``, ``pure-python`` or ``stale`` (then the sources are used); idempotent.

    ``PISCAN_PURE_PYTHON=1`` in the environment runs the sources even when fresh extensions exist (the
    differential test compares both)."""
    global _state
    if _state is not None:
        return _state
    manifest = _PKG / "detection" / MANIFEST
    if os.environ.get("PISCAN_PURE_PYTHON"):
        _state = "pure-python"
        sys.meta_path.insert(0, _SourceFinder())
    elif not _compiled_present():
        _state = "pure-python"
    elif manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")) == source_digests():
        _state = "compiled"
    else:
        _state = "stale"
        sys.meta_path.insert(0, _SourceFinder())
        print("piscan: compiled detection modules do not match their sources (edited since the last "
              "install?); running the sources. Re-run `pip install -e .` to recompile.", file=sys.stderr)
    return _state
