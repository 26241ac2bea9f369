"""Precision / recall of a scan against planted ground truth (see :mod:`piscan.testing.generate`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from piscan.findings import Finding
from piscan.testing.generate import Line


@dataclass
class EntityScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    exact_span: int = 0
    fp_samples: list[str] = field(default_factory=list)
    fn_samples: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(lines: list[Line], findings: list[Finding], *, masked: bool | None = None) -> dict[str, EntityScore]:
    """Match findings to planted values by (line, entity, overlapping span).

    ``masked``: restrict to masked (True) or full (False) values; ``None`` scores all. A finding of the
    right entity that overlaps a planted value is a true positive; the wrong masked-ness counts as both
    a false positive and a false negative (a masked value reported as full PI is a real error).
    """
    by_line: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        if masked is None or f.masked == masked:
            by_line[f.line or 0].append(f)
    out: dict[str, EntityScore] = defaultdict(EntityScore)
    for i, line in enumerate(lines, start=1):
        found = by_line.get(i, [])
        used: set[int] = set()
        for p in line.planted:
            if masked is not None and p.masked != masked:
                continue
            s = out[p.entity]
            hit = None
            for k, f in enumerate(found):
                if k in used or f.entity_type != p.entity or f.masked != p.masked:
                    continue
                if f.start is not None and f.end is not None and f.start < p.end and p.start < f.end:
                    hit = k
                    break
            if hit is None:
                s.fn += 1
                if len(s.fn_samples) < 20:
                    s.fn_samples.append(f"{i}: {p.kind} {line.text[max(0, p.start - 25):p.end + 10]!r}")
            else:
                used.add(hit)
                s.tp += 1
                if found[hit].start == p.start and found[hit].end == p.end:
                    s.exact_span += 1
        for k, f in enumerate(found):
            if k not in used:
                s = out[f.entity_type]
                s.fp += 1
                if len(s.fp_samples) < 20:
                    s.fp_samples.append(f"{i}: {f.rule_id} {f.evidence}")
    return dict(out)
