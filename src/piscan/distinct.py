"""Exact distinct counts of 64-bit person integers in bounded memory.

Every asset counts distinct persons per entity type (``Fingerprinter.person``: a keyed 64-bit hash of
the normalised value, secret to the scanning process). A Python ``set`` costs ~90 bytes per person, so
one PI-dense column of 10 million people would need ~1 GB, and the dump scan must stay under 300 MB
whatever the dump's size.
:class:`DistinctSet` keeps a ``set`` up to :data:`EXACT_LIMIT` values (every count the risk rules
compare with below ~100,000 costs nothing extra); past it, values go to an 8-byte-per-value buffer that
is sorted and written to a temporary file (a *run*) every :data:`RUN_SIZE` values. The
count is then computed per range of the 64-bit space (:data:`BUCKETS`), reading from each run only the
slice that falls in it, so counting needs memory for one range, not for all the values. Counts stay
exact.

Runs live in the system temporary directory and are removed at exit by the process that owns them. A
set scanned by a ``--jobs`` worker is pickled back to the parent with its run files, which the parent
then owns (workers end with ``os._exit`` and run no exit handlers).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from itertools import count as _counter
from typing import Any

EXACT_LIMIT = 1 << 17  # values held in a Python set (~12 MB at the limit)
RUN_SIZE = 1 << 18  # values per run file (2 MiB of buffer; sorting it briefly takes ~15 MB)
BUCKETS = 256  # ranges of the 64-bit space counted one at a time

_OWNED: set[str] = set()  # run files this process removes at exit
_NO_DISK: list[bool] = []  # non-empty once writing a run failed
_SEQ = _counter()


def _remove(paths: Iterable[str]) -> None:
    for path in list(paths):
        with contextlib.suppress(OSError):
            os.unlink(path)
        _OWNED.discard(path)


atexit.register(lambda: _remove(_OWNED))


def _bounds(values: list[int]) -> list[int]:
    """Index of the first value of each of the :data:`BUCKETS` ranges in sorted ``values``, and the end."""
    step = (1 << 64) // BUCKETS
    return [bisect_left(values, b * step) for b in range(BUCKETS)] + [len(values)]


class DistinctSet:
    """A set of 64-bit non-negative integers that only answers ``add``, ``update`` and ``len``."""

    __slots__ = ("_buf", "_len", "_runs", "_set")

    def __init__(self, values: Iterable[int] = ()) -> None:
        self._set: set[int] | None = set(values)
        self._buf: array | None = None
        self._runs: list[tuple[str, list[int]]] = []  # (file, index of each bucket's first value)
        self._len: int | None = None  # cached count once spilled
        if len(self._set) > EXACT_LIMIT:
            self._start_spilling()

    def add(self, value: int) -> None:
        self._take((value,))

    def _take(self, values: Iterable[int]) -> None:
        """Add plain values. In bulk, the set or the buffer may pass its limit by the values of one call
        before it spills (the count de-duplicates per range, so it stays exact)."""
        s = self._set
        if s is not None:
            s.update(values)
            if len(s) > EXACT_LIMIT:
                self._start_spilling()
            return
        buf = self._buf
        assert buf is not None
        buf.extend(values)
        self._len = None
        if len(buf) >= RUN_SIZE:
            self._spill()

    def update(self, other: DistinctSet | Iterable[int]) -> None:
        if not isinstance(other, DistinctSet):
            self._take(other)
            return
        if other._set is not None:
            self._take(other._set)  # in bulk: the parent merges a worker's set per range of a file
            return
        if self._set is not None:
            self._start_spilling()
        assert self._buf is not None and other._buf is not None
        self._runs.extend(other._runs)  # adopt its run files
        _OWNED.update(path for path, _ in other._runs)
        other._runs = []
        self._take(other._buf)  # this set spills now: into the buffer

    def __ior__(self, other: DistinctSet | Iterable[int]) -> DistinctSet:
        self.update(other)
        return self

    @property
    def spilled(self) -> bool:
        """Whether the values went past :data:`EXACT_LIMIT` (and onto disk)."""
        return self._set is None

    def __len__(self) -> int:
        if self._set is not None:
            return len(self._set)
        if self._len is None:
            self._len = self._count()
        return self._len

    # ------------------------------------------------------------------ spilling
    def _start_spilling(self) -> None:
        assert self._set is not None
        self._buf = array("Q", self._set)
        self._set = None
        self._len = None
        if len(self._buf) >= RUN_SIZE:
            self._spill()

    def _spill(self) -> None:
        buf = self._buf
        assert buf is not None
        if not buf:
            return
        if _NO_DISK:
            return  # values stay in the buffer, 8 bytes each; the count de-duplicates them
        values = sorted(buf)  # (duplicates may stay: the count de-duplicates per range)
        run = array("Q", values)
        path = ""
        try:
            fd, path = tempfile.mkstemp(prefix=f"piscan-distinct-{os.getpid()}-{next(_SEQ)}-", suffix=".u64")
            _OWNED.add(path)
            with os.fdopen(fd, "wb") as fh:
                run.tofile(fh)
        except OSError:  # no writable temporary directory, or a full disk: keep values in memory from now on
            _remove([path] if path else [])
            _NO_DISK.append(True)
            return
        self._runs.append((path, _bounds(values)))
        self._buf = array("Q")

    def _count(self) -> int:
        buf = self._buf
        assert buf is not None
        held = set(buf)
        if not self._runs:  # all values are in the buffer (fewer than RUN_SIZE, or no disk): count them
            return len(held)
        pending = sorted(held)
        del held
        bounds = _bounds(pending)
        files = [open(path, "rb") for path, _ in self._runs]  # noqa: SIM115 (closed below)
        try:
            total = 0
            for b in range(BUCKETS):
                seen: set[int] = set(pending[bounds[b]:bounds[b + 1]])
                for fh, (_, offs) in zip(files, self._runs, strict=True):
                    fh.seek(offs[b] * 8)
                    part = array("Q")
                    part.frombytes(fh.read((offs[b + 1] - offs[b]) * 8))
                    seen.update(part)
                total += len(seen)
            return total
        finally:
            for fh in files:
                fh.close()

    def close(self) -> None:
        """Remove this set's run files now (they are removed at exit otherwise)."""
        _remove(path for path, _ in self._runs)
        self._runs = []

    # ------------------------------------------------------------------ pickling (--jobs workers)
    def __getstate__(self) -> dict[str, Any]:
        for path, _ in self._runs:  # the receiving process owns the files from now on
            _OWNED.discard(path)
        return {"set": self._set, "buf": self._buf, "runs": self._runs}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._set, self._buf, self._runs, self._len = state["set"], state["buf"], state["runs"], None
        _OWNED.update(path for path, _ in self._runs)
