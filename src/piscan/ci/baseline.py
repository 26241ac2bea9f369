"""Baselines that do not churn: entries keyed by (rule_id, location, fingerprint), no line numbers.

``location`` is the finding's path, or ``path#table.column`` for structured data, so moving lines, reordering
rows or re-dumping a table changes nothing. A key seen several times in one location is one entry. Each
entry carries audit fields: ``status`` (``accepted`` | ``false-positive``), ``reason``, ``owner``, ``date``.
Fingerprints are keyed: a baseline only matches scans made with the same fingerprint key (its ``key_id`` is
recorded and checked). The file is JSON, sorted, with no timestamps outside the entries.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piscan.ci.assets import asset_key
from piscan.findings import Finding

FORMAT = "piscan-baseline/1"
STATUSES = ("accepted", "false-positive")
_ENTRY_KEYS = ("rule_id", "location", "fingerprint", "entity_type", "status", "reason", "owner", "date")

Key = tuple[str, str, str]


class BaselineError(ValueError):
    """The baseline file cannot be used (unreadable, wrong format, other fingerprint key)."""


def key_of(f: Finding | dict[str, Any]) -> Key:
    get = f.get if isinstance(f, dict) else lambda k: getattr(f, k)
    return (get("rule_id"), asset_key(f), get("fingerprint"))


@dataclass(slots=True)
class Baseline:
    fingerprint_key_id: str
    entries: dict[Key, dict[str, Any]] = field(default_factory=dict)

    @property
    def locations(self) -> set[str]:
        return {k[1] for k in self.entries}

    def to_json(self) -> str:
        rows = [self.entries[k] for k in sorted(self.entries)]
        doc = {"format": FORMAT, "fingerprint_key_id": self.fingerprint_key_id, "entries": rows}
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"

    def write(self, path: str) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")


def load(path: str) -> Baseline:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"baseline {path}: cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline {path}: not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BaselineError(f"baseline {path}: not a {FORMAT} file")
    b = Baseline(str(doc.get("fingerprint_key_id", "")))
    for i, e in enumerate(doc.get("entries", []), 1):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in ("rule_id", "location",
                                                                                 "fingerprint")):
            raise BaselineError(f"baseline {path}: entry {i} needs rule_id, location and fingerprint")
        if e.get("status", "accepted") not in STATUSES:
            raise BaselineError(f"baseline {path}: entry {i}: status must be one of {', '.join(STATUSES)}")
        b.entries[(e["rule_id"], e["location"], e["fingerprint"])] = e
    return b


def check_key(b: Baseline, key_id: str, path: str) -> None:
    if b.fingerprint_key_id and b.fingerprint_key_id != key_id:
        raise BaselineError(f"baseline {path} was made with fingerprint key {b.fingerprint_key_id}, "
                            f"this scan uses {key_id}: share the key (see docs/ci.md) or recreate the "
                            "baseline")


def build(findings: list[Finding], key_id: str, *, previous: Baseline | None = None, status: str = "accepted",
          reason: str | None = None, owner: str | None = None, today: dt.date | None = None,
          keep_absent: bool = False) -> Baseline:
    """A baseline of ``findings``; entries already in ``previous`` keep their audit fields."""
    today = today or dt.date.today()
    out = Baseline(key_id)
    for f in findings:
        k = key_of(f)
        if k in out.entries:
            continue
        if previous is not None and k in previous.entries:
            out.entries[k] = previous.entries[k]
            continue
        entry = {"rule_id": k[0], "location": k[1], "fingerprint": k[2], "entity_type": f.entity_type,
                 "status": status, "reason": reason, "owner": owner, "date": today.isoformat()}
        out.entries[k] = {x: entry[x] for x in _ENTRY_KEYS if entry[x] is not None}
    if keep_absent and previous is not None:
        for k, e in previous.entries.items():
            out.entries.setdefault(k, e)
    return out


def compare(findings: list[Finding], b: Baseline
            ) -> tuple[list[Finding], list[Finding], list[dict[str, Any]]]:
    """Split findings into (new, unchanged) and list baseline entries no longer found (absent).

    Marks ``baseline_state`` on every finding.
    """
    new, unchanged, seen = [], [], set()
    for f in findings:
        k = key_of(f)
        if k in b.entries:
            f.baseline_state = "unchanged"
            unchanged.append(f)
            seen.add(k)
        else:
            f.baseline_state = "new"
            new.append(f)
    absent = [dict(b.entries[k], baseline_state="absent") for k in sorted(b.entries) if k not in seen]
    return new, unchanged, absent
