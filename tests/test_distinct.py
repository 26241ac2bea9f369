"""Distinct-person counts stay exact past the in-memory limit, across --jobs workers, in bounded memory."""

from __future__ import annotations

import glob
import os
import pickle
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from piscan import distinct
from piscan.assets import Accumulator
from piscan.distinct import DistinctSet


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distinct, "EXACT_LIMIT", 100)
    monkeypatch.setattr(distinct, "RUN_SIZE", 64)


def _values(rng: random.Random, n: int, pool: int) -> list[int]:
    # drawn from a pool so that duplicates occur within and across runs; include the extremes
    base = [rng.getrandbits(64) for _ in range(pool)] + [0, (1 << 64) - 1, 1 << 56, (1 << 56) - 1]
    return [rng.choice(base) for _ in range(n)]


def _runs_on_disk() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), f"piscan-distinct-{os.getpid()}-*.u64")))


def test_exact_below_and_above_the_limit(small_limits: None) -> None:
    rng = random.Random(7)
    for n, pool in ((50, 80), (5_000, 1_500), (20_000, 30_000)):
        vals = _values(rng, n, pool)
        d = DistinctSet()
        for v in vals:
            d.add(v)
        assert len(d) == len(set(vals)), (n, pool)
        assert d.spilled == (len(set(vals)) > 100)
        d.add(vals[0])  # a known value after counting: the cached count is recomputed, unchanged
        assert len(d) == len(set(vals))
        d.add(12345)
        assert len(d) == len(set(vals) | {12345})
        d.close()
    assert not _runs_on_disk()


def test_spilled_without_runs_counts_the_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the set's limit but short of a run: the values wait in the buffer and are counted there
    (the common PI-dense column just past the limit); adding more then spills runs, still exact."""
    monkeypatch.setattr(distinct, "EXACT_LIMIT", 100)
    monkeypatch.setattr(distinct, "RUN_SIZE", 1_000)
    rng = random.Random(13)
    vals = _values(rng, 600, 400)
    d = DistinctSet()
    d.update(vals)
    assert d.spilled and not d._runs
    assert len(d) == len(set(vals))
    more = _values(rng, 3_000, 5_000)
    d.update(more)
    assert d._runs
    assert len(d) == len(set(vals) | set(more))
    d.close()


def test_merging_parts_as_the_jobs_do(small_limits: None) -> None:
    """Parts are pickled back from workers (their run files change owner) and OR-ed into the parent."""
    rng = random.Random(11)
    parts = [_values(rng, n, 4_000) for n in (30, 3_000, 7_000, 90)]
    whole = DistinctSet()
    for p in parts:
        d = DistinctSet()
        for v in p:
            d.add(v)
        whole |= pickle.loads(pickle.dumps(d))
    assert len(whole) == len(set().union(*parts))
    whole.close()
    assert not _runs_on_disk()


def test_accumulator_counts_persons_exactly_past_the_limit(small_limits: None) -> None:
    acc = Accumulator(cap=10)
    a = acc.asset("d.sql", "users", "mobile")
    rng = random.Random(3)
    vals = _values(rng, 4_000, 2_500)
    for v in vals:
        acc.count(a, "CN_MOBILE_PHONE", False, False, v, "138****5678")
    (entry,) = acc.build({("d.sql", "users", "mobile"): 4_000})
    assert entry["entities"]["CN_MOBILE_PHONE"]["distinct"] == len(set(vals))
    assert entry["distinct_persons"] == len(set(vals))


def test_memory_stays_bounded_for_millions_of_persons(tmp_path: Path) -> None:
    """1.5 million distinct persons: a set would take ~140 MB; the spilled count stays far below."""
    probe = (
        "import random, resource\n"
        "from piscan.distinct import DistinctSet\n"
        "rng = random.Random(5)\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "d = DistinctSet()\n"
        "for _ in range(1_500_000):\n"
        "    d.add(rng.getrandbits(64))\n"
        "n = len(d)\n"
        "print(n, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "TMPDIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    n, grown_mb = map(int, proc.stdout.split())
    assert n == 1_500_000  # 64-bit random values: a collision has probability ~6e-8
    assert grown_mb < 50, f"peak RSS grew by {grown_mb} MB"
    assert not list(tmp_path.iterdir())  # the run files are removed at exit


def test_without_a_writable_temporary_directory_the_count_stays_exact_in_memory(
        small_limits: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise PermissionError("read-only /tmp")

    monkeypatch.setattr(distinct.tempfile, "mkstemp", refuse)
    monkeypatch.setattr(distinct, "_NO_DISK", [])  # (the failure is remembered per process)
    vals = _values(random.Random(9), 3_000, 2_000)
    d = DistinctSet()
    for v in vals:
        d.add(v)
    assert d.spilled and len(d) == len(set(vals))
    assert distinct._NO_DISK  # it stopped trying after the first failure
