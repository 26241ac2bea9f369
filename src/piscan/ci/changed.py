"""Changed-files mode: ask git which files changed since a ref (``--changed-since``) or are staged."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class GitError(ValueError):
    """git is missing, the path is not in a repository, or the ref is unknown."""


def _git(cwd: str, *args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("git not found on PATH (needed for --changed-since/--staged)") from None
    if out.returncode != 0:
        msg = (out.stderr.strip().splitlines() or ["failed"])[-1]
        raise GitError(f"git {' '.join(args[:2])}: {msg}")
    return out.stdout


def changed_files(paths: list[str] | tuple[str, ...], since: str | None, staged: bool) -> set[str]:
    """Absolute, resolved paths of files that were added/copied/modified/renamed (deleted files are gone)."""
    start = next((p for p in paths if os.path.isdir(p)), None)
    start = start or (os.path.dirname(paths[0]) if paths else ".")
    top = _git(start or ".", "rev-parse", "--show-toplevel").strip()
    names: set[str] = set()
    if since:
        names.update(_git(top, "diff", "--name-only", "-z", "--diff-filter=ACMR", since).split("\0"))
        # with a ref, also count untracked files (new files not yet committed)
        names.update(_git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0"))
    if staged:
        names.update(_git(top, "diff", "--name-only", "-z", "--diff-filter=ACMR", "--cached").split("\0"))
    return {str((Path(top) / n).resolve()) for n in names if n}


def make_filter(files: set[str]):
    def keep(fs_path: str) -> bool:
        return str(Path(fs_path).resolve()) in files
    return keep
