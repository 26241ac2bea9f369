"""Per-asset aggregation: one entry per table.column (or file) with counts per entity, masked vs full,
distinct values by keyed fingerprint (the unit regulators count is persons, not rows), the share of
non-null values that matched and up to three masked samples.

``values_scanned`` comes from the readers (non-null values per (path, table, column)); it is ``None`` for
plain-text files, where there are no cells to count.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from piscan.distinct import DistinctSet
from piscan.findings import Finding

MAX_SAMPLES = 3

ColumnKey = tuple[str, str | None, str | None]  # (path, table, column)


def asset_key(f: Finding) -> ColumnKey:
    """The asset ``f`` counts in: its table column, or its file."""
    return (f.path, f.table, f.column) if f.column else (f.path, None, None)


def asset_name(path: str, table: str | None, column: str | None) -> str:
    if column is None:
        return path
    if table:
        return f"{table}.{column}"
    return f"{path}:{column}"


class _Acc:
    __slots__ = ("cells", "distinct", "entities", "kind", "listed", "samples", "total")

    def __init__(self) -> None:
        self.entities: dict[str, dict[str, int]] = {}
        # persons (``Fingerprinter.person``, 64-bit), counted exactly in bounded memory
        self.distinct: dict[str, DistinctSet] = defaultdict(DistinctSet)
        self.cells = 0  # structured cells with at least one finding
        self.samples: list[str] = []
        self.total = 0
        self.listed = 0
        self.kind = "file"


class Accumulator:
    """Per-asset statistics kept while scanning, for every finding, listed or not.

    A dump can hold millions of values; the report lists at most ``cap`` findings per asset (``0`` = no
    cap) and every count here still covers them all, so persons, shares and volumes stay exact while
    memory stays bounded (a person costs one 64-bit integer, not a finding object). Cells are counted
    per structured cell with at least one hit (``add_cell``), lines per text line.
    """

    def __init__(self, cap: int = 0) -> None:
        self.cap = cap
        self._acc: dict[ColumnKey, _Acc] = {}

    def add(self, f: Finding) -> bool:
        """Record ``f``; return whether it should be listed in the report."""
        if f.column:
            return self.record(self.asset(f.path, f.table, f.column), f)
        return self.record(self.file_asset(f.path, "manifest" if f.permission else "file"), f)

    def asset(self, path: str, table: str | None, column: str) -> _Acc:
        """The statistics of column asset ``(path, table, column)`` (``column`` non-empty), created on first
        use; hand it to :meth:`record` for each of its findings (one lookup per batch of cells)."""
        a = self._acc.get((path, table, column))
        if a is None:
            a = self._acc[(path, table, column)] = _Acc()
            a.kind = "column"
        return a

    def file_asset(self, path: str, kind: str = "file") -> _Acc:
        """The statistics of file ``path`` (a finding without a column), created as ``kind`` on first use."""
        a = self._acc.get((path, None, None))
        if a is None:
            a = self._acc[(path, None, None)] = _Acc()
            a.kind = kind
        return a

    def record(self, a: _Acc, f: Finding) -> bool:
        """Count ``f`` in its asset ``a``; return whether it should be listed in the report."""
        person = f.person  # None for a masked value
        if person is None and f.fingerprint and not f.masked:  # a finding read back from a report
            person = int(f.fingerprint[:16], 16)
        self.count(a, f.entity_type, f.masked, bool(f.attributes.get("weak_mask")), person, f.evidence)
        if self.full(a):
            return False
        a.listed += 1
        return True

    def full(self, a: _Acc) -> bool:
        """Whether ``a`` lists no more findings: the scanner then counts hits with :meth:`count` and
        never builds their :class:`Finding` (a PI-dense dump column has millions past the cap)."""
        return bool(self.cap) and a.listed >= self.cap

    def settled(self, a: _Acc | None) -> bool:
        """Whether ``a`` lists no more findings and holds all its samples: nothing of its further hits but
        their counts can change the report (they are counted in bulk, without evidence)."""
        return a is not None and self.full(a) and len(a.samples) >= MAX_SAMPLES

    def file_settled(self, path: str) -> bool:
        """:meth:`settled` for file ``path``'s asset, without creating it."""
        return self.settled(self._acc.get((path, None, None)))

    @staticmethod
    def _entity(a: _Acc, entity: str) -> dict[str, int]:
        """The counters of ``entity`` in ``a``, created on first use."""
        e = a.entities.get(entity)
        if e is None:
            e = a.entities[entity] = {"findings": 0, "full": 0, "masked": 0, "weak_masked": 0, "distinct": 0}
        return e

    def count(self, a: _Acc, entity: str, masked: bool, weak_mask: bool, person: int | None,
              evidence: str | None) -> None:
        """Count one finding in ``a`` without listing it. ``person``: its ``Fingerprinter.person`` (a keyed 64-bit
        integer) for a full value, ``None`` for a masked one; ``evidence``
        ``None``: not a sample candidate."""
        a.total += 1
        e = self._entity(a, entity)
        e["findings"] += 1
        if masked:
            e["masked"] += 1
            if weak_mask:
                e["weak_masked"] += 1
        else:
            e["full"] += 1
            if person is not None:
                a.distinct[entity].add(person)
        samples = a.samples
        if evidence is not None and len(samples) < MAX_SAMPLES and evidence not in samples:
            samples.append(evidence)

    def count_readings(self, a: _Acc, readings: list[tuple[str, bool, bool, str]], fingerprinter: Any) -> None:
        """:meth:`count` each of ``readings`` (``(entity, masked, weak_mask, normalised)``, see
        ``Detector.whole_cells``) in ``a`` without taking samples (the caller knows ``a`` needs none: its
        samples are all taken, or a merge will ignore them); the persons of full values are hashed while the
        readings are grouped (``group_readings``, compiled) or come from ``fingerprinter.persons`` in one
        call per entity."""
        from piscan.detection.detector import group_readings

        hashed = fingerprinter.process_keyed
        full, masked = group_readings(readings, hashed)
        for entity, weak in masked:
            self.count(a, entity, True, weak, None, None)
        for entity, values in full.items():
            n = len(values)
            a.total += n
            e = self._entity(a, entity)
            e["findings"] += n
            e["full"] += n
            a.distinct[entity].update(values if hashed else fingerprinter.persons(entity, values))

    def merge(self, part: Accumulator, listed: dict[ColumnKey, list[Finding]]) -> list[Finding]:
        """Add the statistics of the next part of an input, scanned on its own (a range of a dump scanned
        by another process, with the same cap): the same counts, samples and listing as if its findings had
        been added here one by one. ``listed``: per asset, the findings ``part`` listed, in order (the first
        ``cap`` of them are all that can be listed here). Returns the findings to list."""
        out: list[Finding] = []
        for key, w in part._acc.items():
            a = self._acc.get(key)
            if a is None:
                a = self._acc[key] = _Acc()
                a.kind = w.kind
            a.total += w.total
            for ent, counts in w.entities.items():
                mine = a.entities.get(ent)
                if mine is None:
                    a.entities[ent] = dict(counts)
                else:
                    for k in ("findings", "full", "masked", "weak_masked"):
                        mine[k] += counts[k]
            for ent, fps in w.distinct.items():
                a.distinct[ent] |= fps
            a.cells += w.cells
            # the first new samples of the part are among its first MAX_SAMPLES distinct ones
            for ev in w.samples:
                if len(a.samples) < MAX_SAMPLES and ev not in a.samples:
                    a.samples.append(ev)
            fs = listed.get(key, ())
            take = len(fs) if not self.cap else max(0, min(len(fs), self.cap - a.listed))
            a.listed += take
            out.extend(fs[:take])
        return out

    def add_cell(self, f: Finding) -> None:
        """Count one structured cell that produced findings (``match_ratio`` numerator); call once per
        cell, after :meth:`add` of one of its findings."""
        a = self._acc.get((f.path, f.table, f.column))
        if a is not None:
            a.cells += 1

    def build(self, values: dict[ColumnKey, int]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for (path, table, column), a in self._acc.items():
            for ent, fps in a.distinct.items():
                a.entities[ent]["distinct"] = len(fps)
            scanned = values.get((path, table, column)) if column else None
            entry = {
                "asset": asset_name(path, table, column),
                "kind": a.kind,
                "path": path,
                "table": table,
                "column": column,
                "entities": dict(sorted(a.entities.items())),
                "values_scanned": scanned,
                "match_ratio": round(a.cells / scanned, 4) if scanned else None,
                # persons: the largest count of distinct values of one entity type (an ID and a phone of
                # one person count once; the same definition the risk engine and --max-persons use)
                "distinct_persons": max((len(f) for f in a.distinct.values()), default=0),
                "samples": a.samples,
                "findings_total": a.total,
            }
            if a.listed < a.total:
                entry["findings_listed"] = a.listed
                entry["truncated"] = True
            out.append(entry)
        out.sort(key=lambda a: (a["path"], a["table"] or "", a["column"] or ""))
        return out


def build(findings: list[Finding], values: dict[ColumnKey, int]) -> list[dict[str, Any]]:
    """Assets of a finished list of findings (no cap)."""
    acc = Accumulator()
    seen: set[tuple] = set()
    for f in findings:
        acc.add(f)
        if f.column:
            cell = (f.path, f.table, f.column, f.row if f.row is not None else (f.line, f.start))
            if cell not in seen:
                seen.add(cell)
                acc.add_cell(f)
    return acc.build(values)
