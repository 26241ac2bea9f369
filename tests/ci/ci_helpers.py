"""Shared constants and helpers of the CI/signing tests: run the real CLI as a subprocess against this
worktree's sources.

Imported as ``from ci_helpers import ...`` (a unique module name: ``from conftest import`` would resolve
to whichever folder's conftest.py was imported first). Fixtures stay in conftest.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
# planted raw values (valid: GB 11643 check digit, real mobile segment, Luhn + UnionPay BIN)
RAW_ID = "11010519491231002X"
RAW_PHONE = "13812345678"
RAW_CARD = "6222020200112233446"
RAW_VALUES = (RAW_ID, RAW_PHONE, RAW_CARD)


class CLI:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def __call__(self, *args: str, cwd: str | Path | None = None, check_leak: bool = True,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "piscan.cli", *map(str, args)], cwd=cwd,
                              env={**self.env, **(env or {})}, capture_output=True, text=True, timeout=300)
        assert "Traceback" not in proc.stderr, proc.stderr
        if check_leak and "--show-values" not in args:
            for raw in RAW_VALUES:
                assert raw not in proc.stdout and raw not in proc.stderr, f"raw value leaked: {args}"
        return proc
