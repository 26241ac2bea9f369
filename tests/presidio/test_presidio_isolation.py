"""piscan's CLI and scan path never import presidio_analyzer (2+ s import)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = r"""
import json, sys
import piscan.cli
after_import = sorted(m for m in sys.modules if m.split(".")[0] in ("presidio_analyzer", "spacy"))
try:
    piscan.cli.main(["scan", "--format", "json", "-o", sys.argv[2], sys.argv[1]])
except SystemExit as exc:
    code = exc.code
after_scan = sorted(m for m in sys.modules if m.split(".")[0] in ("presidio_analyzer", "spacy"))
print(json.dumps({"import": after_import, "scan": after_scan, "code": code,
                  "piscan_presidio": "piscan.presidio" in sys.modules}))
"""


def test_cli_scan_does_not_import_presidio(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("联系电话13812345678\n身份证11010519491231002X\n", encoding="utf-8")
    report = tmp_path / "report.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, str(log), str(report)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["code"] == 1  # the full ID is a high finding: the default gate (--fail-on high) trips
    findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
    assert len(findings) == 2  # the scan really ran
    assert out["import"] == []
    assert out["scan"] == []
    assert out["piscan_presidio"] is False
