"""The shipped pre-commit hook, run for real by `pre-commit` in a temporary git repository.

pre-commit clones this worktree at HEAD and pip-installs piscan from it (dependencies from PyPI).
Set PISCAN_SKIP_PRECOMMIT=1 to skip when offline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from ci_helpers import RAW_ID

WORKTREE = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("pre-commit") is None or os.environ.get("PISCAN_SKIP_PRECOMMIT") == "1",
    reason="pre-commit not installed or skipped")


def _run(cmd, cwd, env):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_precommit_hook_blocks_a_leak(tmp_path):
    head = _run(["git", "rev-parse", "HEAD"], WORKTREE, None).stdout.strip()
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "PISCAN_FINGERPRINT_KEY": "k",
           "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    env.pop("PYTHONPATH", None)
    for args in (["init", "-q"], ["config", "user.email", "t@example.cn"], ["config", "user.name", "t"]):
        _run(["git", *args], repo, env)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {WORKTREE}\n    rev: {head}\n    hooks:\n      - id: piscan\n", encoding="utf-8")
    assert _run(["pre-commit", "install"], repo, env).returncode == 0
    (repo / "notes.txt").write_text("meeting notes\n", encoding="utf-8")
    _run(["git", "add", "."], repo, env)
    ok = _run(["git", "commit", "-qm", "clean"], repo, env)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    (repo / "export.csv").write_text(f"name,id_card\n张三,{RAW_ID}\n", encoding="utf-8")
    _run(["git", "add", "export.csv"], repo, env)
    blocked = _run(["git", "commit", "-qm", "leak"], repo, env)
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0
    assert "piscan" in out and "CN_RESIDENT_ID" in out and RAW_ID not in out
    log = _run(["git", "log", "--oneline"], repo, env).stdout
    assert "leak" not in log
