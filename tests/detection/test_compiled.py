"""The mypyc-compiled hot path (hatch_build.py, piscan.native) behaves exactly like its sources."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from piscan import native
from piscan.testing.generate import LineGen

ROOT = Path(__file__).resolve().parents[2]


def _scan_json(path: Path, out: Path, **env: str) -> list[dict]:
    cmd = [sys.executable, "-m", "piscan.cli", "scan", str(path), "--format", "json", "-o", str(out),
           "--jobs", "1", "--max-findings-per-asset", "0", "--fail-on", "never"]
    proc = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(out.read_text(encoding="utf-8"))["findings"]


def test_hot_path_is_compiled_where_a_compiler_exists() -> None:
    if os.environ.get("PISCAN_PURE_PYTHON") or not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("pure-Python install requested, or no C compiler")
    assert native.guard() == "compiled", (
        "the detection hot path runs uncompiled: re-run `pip install -e .` (hatch_build.py compiles it; "
        "`pip install -v -e .` shows why it did not)")


def test_compiled_and_pure_python_give_identical_findings(tmp_path: Path) -> None:
    if native.guard() != "compiled":
        pytest.skip("no compiled modules in this install")
    log = tmp_path / "mixed.log"
    log.write_text("\n".join(ln.text for ln in LineGen(21).corpus(30_000, 3)) + "\n", encoding="utf-8")
    compiled = _scan_json(log, tmp_path / "c.json")
    pure = _scan_json(log, tmp_path / "p.json", PISCAN_PURE_PYTHON="1")
    assert len(compiled) > 5000
    assert compiled == pure


def test_stale_extensions_give_way_to_the_sources(tmp_path: Path) -> None:
    if native.guard() != "compiled":
        pytest.skip("no compiled modules in this install")
    pkg = Path(native.__file__).resolve().parent
    copy = tmp_path / "piscan"
    shutil.copytree(pkg, copy, ignore=shutil.ignore_patterns("__pycache__"))
    ctx = copy / "detection" / "context.py"
    ctx.write_text(ctx.read_text(encoding="utf-8") + "\nEDITED_SINCE_INSTALL = True\n", encoding="utf-8")
    probe = ("import piscan.detection.context as c, piscan.native as n; "
             "print(n.guard(), c.__file__.endswith('.py'), getattr(c, 'EDITED_SINCE_INSTALL', False))")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["stale", "True", "True"]
    assert "do not match their sources" in proc.stderr
