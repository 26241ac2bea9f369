"""Progress on a TTY: files, bytes and MB/s on stderr (rich). Silent when ``CI`` is set, stderr is not a TTY
or ``--quiet``. Progress lines show counts only: never a value, never a file name (names can hold PI too).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path


def wanted(quiet: bool) -> bool:
    if quiet:
        return False
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return False
    return sys.stderr.isatty()


def total_size(paths: Iterable[str]) -> tuple[int, int]:
    """(files, bytes) under ``paths`` for the bar's total (a cheap stat walk)."""
    files = size = 0
    for p in paths:
        pp = Path(p)
        if pp.is_file():
            files, size = files + 1, size + pp.stat().st_size
        elif pp.is_dir():
            for dirpath, _d, names in os.walk(pp):
                for n in names:
                    try:
                        size += os.stat(os.path.join(dirpath, n)).st_size
                        files += 1
                    except OSError:
                        pass
    return files, size


class Progress:
    """Callable passed as ``ScanOptions.progress``; use as a context manager."""

    def __init__(self, paths: Iterable[str]) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            TextColumn,
            TimeElapsedColumn,
            TransferSpeedColumn,
        )
        from rich.progress import Progress as RichProgress

        self.files_total, self.bytes_total = total_size(paths)
        self.files = 0
        self.t0 = time.perf_counter()
        self._bar = RichProgress(TextColumn("[bold]piscan[/] {task.fields[files]}"), BarColumn(),
                                 DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=False)
        self._task = self._bar.add_task("scan", total=self.bytes_total or None,
                                        files=f"0/{self.files_total} files")

    def __enter__(self) -> Progress:
        self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self._bar.stop()

    def __call__(self, display: str, nbytes: int) -> None:  # display deliberately unused: no names on screen
        self.files += 1
        self._bar.update(self._task, advance=nbytes, files=f"{self.files}/{self.files_total} files")
