"""Folder walking: recursive, sorted, with ``--include``/``--exclude`` globs, optional ``.gitignore`` (via
pathspec, the gitwildmatch implementation pip and black use), symlink-loop and permission reporting, and a
``--max-file-size`` guard. Faults become :class:`~piscan.findings.ScanError` entries; the walk goes on.

Globs match the path relative to the scanned root (``logs/*.gz``) or, when they hold no ``/``, the basename.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from piscan.findings import ScanError


@dataclass(slots=True)
class WalkOptions:
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    gitignore: bool = False
    max_file_size: int | None = None


def _match(rel: str, globs: Sequence[str]) -> bool:
    base = rel.rsplit("/", 1)[-1]
    for g in globs:
        if fnmatch.fnmatchcase(rel, g) or ("/" not in g and fnmatch.fnmatchcase(base, g)):
            return True
        if g.endswith("/**") and (rel + "/").startswith(g[:-2]):
            return True
    return False


def _gitignore_spec(path: str):
    import pathspec

    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return pathspec.PathSpec.from_lines("gitwildmatch", fh)
    except OSError:
        return None


def is_url(target: str) -> bool:
    return "://" in target and not os.path.exists(target)


def iter_targets(targets: Sequence[str], errors: list[ScanError],
                 opts: WalkOptions | None = None) -> Iterator[tuple[str, str]]:
    """Yield (filesystem path or URL, display path) for every input under the targets, in sorted order."""
    opts = opts or WalkOptions()
    several = len(targets) > 1
    for target in targets:
        if is_url(target):
            yield target, target
            continue
        if os.path.isdir(target):
            # one folder: paths relative to it; several targets: a folder's files under the folder as given
            # (``a/app.log`` and ``b/app.log`` are two files, not one asset)
            prefix = root_label(target) if several else ""
            yield from _walk_dir(target, errors, opts, f"{prefix}/" if prefix else "")
        elif os.path.lexists(target) and not os.path.exists(target):
            errors.append(ScanError(target, "broken symbolic link"))
        elif os.path.exists(target):
            if _size_ok(target, target, errors, opts):
                yield target, target
        else:
            errors.append(ScanError(target, "no such file or directory"))


def _size_ok(path: str, display: str, errors: list[ScanError], opts: WalkOptions) -> bool:
    if opts.max_file_size is None:
        return True
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        errors.append(ScanError(display, f"cannot stat: {exc.strerror}"))
        return False
    if size > opts.max_file_size:
        errors.append(ScanError(display, f"larger than --max-file-size ({size} > {opts.max_file_size} "
                                         "bytes), skipped", "skipped"))
        return False
    return True


def root_label(target: str) -> str:
    """How a scanned folder prefixes its files' paths when several targets are scanned: the folder as
    given, normalised (``./logs/`` is ``logs``; the current folder, ``.``, adds nothing).

    >>> root_label("./logs/"), root_label("."), root_label("/srv/app")
    ('logs', '', '/srv/app')
    """
    label = os.path.normpath(target).replace(os.sep, "/")
    return "" if label == "." else label


def _walk_dir(root: str, errors: list[ScanError], opts: WalkOptions, prefix: str = "") -> Iterator[tuple[str, str]]:
    """``(path, display)`` of the files under ``root``; ``display`` is ``prefix`` and the path relative to
    ``root``, which globs and ``.gitignore`` patterns match without the prefix."""
    seen: set[tuple[int, int]] = set()
    specs: list[tuple[str, object]] = []  # (relative dir, pathspec) of .gitignore files in scope

    def ignored(rel: str, is_dir: bool) -> bool:
        for base, spec in specs:
            if base and not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1:] if base else rel
            if spec.match_file(sub + ("/" if is_dir else "")):
                return True
        return False

    def shown(rel: str) -> str:
        return prefix + rel if rel else prefix.rstrip("/") or "."

    def walk(dirpath: str, rel: str) -> Iterator[tuple[str, str]]:
        try:
            st = os.stat(dirpath)
        except OSError as exc:
            errors.append(ScanError(shown(rel), f"cannot stat directory: {exc.strerror}"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            errors.append(ScanError(shown(rel), "symbolic link loop (directory already visited), skipped"))
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(dirpath), key=lambda e: e.name)
        except OSError as exc:
            errors.append(ScanError(shown(rel), f"cannot list directory: {exc.strerror}"))
            return
        if any(e.name == "toc.dat" for e in entries) and _pg_directory_archive(os.path.join(dirpath, "toc.dat")):
            # a pg_dump -Fd archive: its toc.dat reads the data files beside it, attributed to tables
            from piscan.sources.pg_archive import is_directory_member

            entries = [e for e in entries if not is_directory_member(e.name)]
        pushed = False
        if opts.gitignore and any(e.name == ".gitignore" for e in entries):
            spec = _gitignore_spec(os.path.join(dirpath, ".gitignore"))
            if spec is not None:
                specs.append((rel, spec))
                pushed = True
        try:
            for e in entries:
                erel = f"{rel}/{e.name}" if rel else e.name
                if opts.gitignore and e.name == ".git":
                    continue
                try:
                    is_dir = e.is_dir()  # follows symlinks
                except OSError:
                    is_dir = False
                if opts.gitignore and ignored(erel, is_dir):
                    continue
                if opts.exclude and _match(erel, opts.exclude):
                    continue
                if is_dir:
                    yield from walk(e.path, erel)
                    continue
                if e.is_symlink() and not os.path.exists(e.path):
                    errors.append(ScanError(prefix + erel, "broken symbolic link"))
                    continue
                if opts.include and not _match(erel, opts.include):
                    continue
                if not os.access(e.path, os.R_OK):
                    errors.append(ScanError(prefix + erel, "permission denied"))
                    continue
                if _size_ok(e.path, prefix + erel, errors, opts):
                    yield e.path, prefix + erel
        finally:
            if pushed:
                specs.pop()

    yield from walk(root, "")


def _pg_directory_archive(toc: str) -> bool:
    try:
        with open(toc, "rb") as fh:
            head = fh.read(11)
    except OSError:
        return False
    if head[:5] != b"PGDMP":
        return False
    from piscan.sources.pg_archive import archive_format

    return archive_format(head) == "directory"
