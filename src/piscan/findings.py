"""The findings contract: what every scan produces and every renderer consumes.

A :class:`Finding` is one located occurrence of personal information (or, for app manifests,
one privacy-relevant permission). Its JSON form is documented by ``docs/schema/findings.schema.json``
and must stay stable: later stages (risk, reports, baselines, signing) key on these fields.

Field notes
-----------
``path``      path relative to the scanned root when one folder was given, else as given on the command line
              (with several targets, a folder's files under the folder as given: ``a/app.log``, ``b/app.log``);
              for live databases the URL without credentials.
``line``      1-based line number in the decoded, decompressed text (lines split on LF); ``None`` where
              lines have no meaning (a live database cell).
``start/end`` 0-based, end-exclusive offsets in Unicode code points within that line (SARIF column = start+1).
``masked``    the value is a masked form (``138****5678``): evidence of de-identification, never full PI.
``confidence`` 0..1, from the rule's scores, validators and context words.
``evidence``  a masked snippet; raw values never appear unless the user asked (``--show-values``).
``fingerprint`` keyed HMAC-SHA256 of the normalised value (see :mod:`piscan.fingerprint`).
``table/column/row`` structured location (dump/database/CSV/JSON sources).
``value``     the raw value, present only with ``--show-values``.
``baseline_state`` ``new``/``unchanged``/``absent`` against a ``--baseline`` file (SARIF ``baselineState``).
``audit_fingerprint`` HMAC of the normalised value under a regulator-supplied key (``--audit-key``), so a
              regulator can count persons across submissions; see ``docs/threat-model.md``.
``attributes`` open-ended per-entity facts (``weak_mask``, ``province``, ``minor``, ``luhn`` …) that never
              contain the raw value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1.0"

# Keys in the order they are written; optional keys are omitted when empty.
_REQUIRED = (
    "rule_id",
    "entity_type",
    "path",
    "line",
    "start",
    "end",
    "masked",
    "confidence",
    "evidence",
    "fingerprint",
)
_OPTIONAL = (
    "table",
    "column",
    "row",
    "pi_category",
    "sensitive",
    "permission",
    "platform",
    "purpose",
    "value",
    "attributes",
    "risk",
    "baseline_state",
    "audit_fingerprint",
)


@dataclass(slots=True)
class Finding:
    rule_id: str
    entity_type: str
    path: str
    line: int | None
    start: int | None
    end: int | None
    masked: bool
    confidence: float
    evidence: str
    fingerprint: str
    table: str | None = None
    column: str | None = None
    row: str | None = None
    pi_category: str | None = None
    sensitive: bool | None = None
    permission: str | None = None
    platform: str | None = None
    purpose: str | None = None
    value: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    risk: dict[str, Any] | None = None
    baseline_state: str | None = None  # "new" | "unchanged" | "absent" (only with --baseline)
    audit_fingerprint: str | None = None  # regulator-keyed HMAC (only with --audit-key)
    # internal, never written: the integer distinct persons are counted by (``Fingerprinter.person``)
    person: int | None = field(default=None, compare=False, repr=False)

    def sort_key(self) -> tuple:
        return (
            self.path,
            self.table or "",
            self.column or "",
            self.line if self.line is not None else -1,
            self.start if self.start is not None else -1,
            self.row or "",
            self.rule_id,
            self.end if self.end is not None else -1,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in _REQUIRED}
        for k in _OPTIONAL:
            v = getattr(self, k)
            if v is None or (k == "attributes" and not v):
                continue
            out[k] = v
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        kwargs = {k: d.get(k) for k in _REQUIRED}
        for k in _OPTIONAL:
            if k in d:
                kwargs[k] = d[k]
        if kwargs.get("attributes") is None:
            kwargs["attributes"] = {}
        return cls(**kwargs)


@dataclass(slots=True)
class ScanError:
    """A file (or table, or URL) that could not be read completely.

    ``reason`` must never contain a raw PI value or a credential.
    """

    path: str
    reason: str
    kind: str = "error"  # "error" (counts for the exit code) or "skipped" (a note: binary file, too large…)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason, "kind": self.kind}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Deterministic order used by every output format."""
    return sorted(findings, key=Finding.sort_key)


def qualified_column(table: str | None, column: str | None) -> str | None:
    """``table.column`` (or whichever part is known); ``None`` for findings without structure."""
    return ".".join(x for x in (table, column) if x) or None


def column_of(finding: Any) -> str | None:
    """``table.column`` of a finding (a :class:`Finding` or its dict form)."""
    if isinstance(finding, dict):
        return qualified_column(finding.get("table"), finding.get("column"))
    return qualified_column(getattr(finding, "table", None), getattr(finding, "column", None))
