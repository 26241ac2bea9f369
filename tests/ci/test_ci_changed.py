"""Changed-files mode in a temporary git repository."""

from __future__ import annotations

import json
import subprocess

from ci_helpers import RAW_CARD, RAW_ID, RAW_PHONE


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _paths(proc) -> set[str]:
    return {f["path"] for f in json.loads(proc.stdout)["findings"]}


def test_changed_since_and_staged(cli, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.cn")
    _git(repo, "config", "user.name", "t")
    (repo / "old.log").write_text(f"身份证 {RAW_ID}\n", encoding="utf-8")
    (repo / "touched.log").write_text("nothing yet\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    assert _paths(cli("scan", repo, "--format", "json")) == {"old.log"}

    (repo / "touched.log").write_text(f"手机 {RAW_PHONE}\n", encoding="utf-8")
    (repo / "new.log").write_text(f"卡号 {RAW_CARD}\n", encoding="utf-8")
    r = cli("scan", repo, "--format", "json", "--changed-since", "HEAD")
    assert _paths(r) == {"touched.log", "new.log"}  # display paths stay relative to the root

    # --staged: only what is in the index
    _git(repo, "add", "new.log")
    assert _paths(cli("scan", repo, "--format", "json", "--staged")) == {"new.log"}

    r = cli("scan", repo, "--changed-since", "no-such-ref")
    assert r.returncode == 2 and "git" in r.stderr
