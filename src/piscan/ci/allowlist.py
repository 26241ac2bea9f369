"""Allowlist entries from the config file (``allowlist:``), never by raw value.

Each entry is a mapping with any of ``path`` (glob, ``*`` crosses ``/``), ``rule`` (rule id or entity type),
``asset`` (``table.column`` glob) and ``fingerprint`` (the keyed value fingerprint from a report); all given
criteria must match. ``reason`` and ``expires`` (a date) document the entry; once ``expires`` is in the
past the entry stops applying and a warning is printed.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from typing import Any

from piscan.ci.config import ConfigError
from piscan.findings import Finding, column_of

_KEYS = {"path", "rule", "rule_id", "asset", "fingerprint", "reason", "expires"}
_CRITERIA = ("path", "rule", "asset", "fingerprint")


@dataclass(slots=True)
class Entry:
    index: int
    path: str | None = None
    rule: str | None = None
    asset: str | None = None
    fingerprint: str | None = None
    reason: str | None = None
    expires: dt.date | None = None

    def matches(self, f: Finding) -> bool:
        if self.path is not None and not fnmatch.fnmatchcase(f.path, self.path):
            return False
        if self.rule is not None and self.rule not in (f.rule_id, f.entity_type):
            return False
        if self.asset is not None:
            col = column_of(f)
            if col is None or not fnmatch.fnmatchcase(col, self.asset):
                return False
        return self.fingerprint is None or self.fingerprint == f.fingerprint

    def describe(self) -> str:
        crit = ", ".join(f"{k}={getattr(self, k)}" for k in _CRITERIA if getattr(self, k) is not None)
        return f"allowlist entry {self.index} ({crit})"


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: expires must be a date (YYYY-MM-DD), got {value!r}") from None


def parse(raw: Any) -> list[Entry]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError("config: allowlist must be a list of entries")
    out = []
    for i, item in enumerate(raw, 1):
        where = f"config: allowlist entry {i}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected a mapping")
        unknown = set(item) - _KEYS
        if unknown:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r} (known: {known})")
        rule = item.get("rule", item.get("rule_id"))
        e = Entry(i, path=item.get("path"), rule=rule, asset=item.get("asset"),
                  fingerprint=item.get("fingerprint"),
                  reason=item.get("reason"),
                  expires=_date(item["expires"], where) if item.get("expires") is not None else None)
        if all(getattr(e, k) is None for k in _CRITERIA):
            raise ConfigError(f"{where}: needs at least one of path, rule, asset, fingerprint")
        out.append(e)
    return out


def active(entries: list[Entry], today: dt.date) -> tuple[list[Entry], list[str]]:
    """Entries still in force, and one warning per expired entry."""
    keep, warnings = [], []
    for e in entries:
        if e.expires is not None and e.expires < today:
            warnings.append(f"{e.describe()} expired on {e.expires.isoformat()} and no longer applies"
                            + (f" (reason was: {e.reason})" if e.reason else ""))
        else:
            keep.append(e)
    return keep, warnings


def apply(findings: list[Finding], entries: list[Entry]) -> tuple[list[Finding], int]:
    """Drop allowlisted findings; return the rest and how many were dropped."""
    if not entries:
        return findings, 0
    kept = [f for f in findings if not any(e.matches(f) for e in entries)]
    return kept, len(findings) - len(kept)
