"""Risk levels as the CI gate sees them.

The risk engine (issue 5) writes ``finding.risk["level"]``. Until a finding carries one, :func:`finding_level`
falls back to a documented default per entity (see ``docs/ci.md``): this is the one function the lead
points at the risk engine later.
"""

from __future__ import annotations

from typing import Any

LEVELS = ("info", "low", "medium", "high", "critical")
#: ``--fail-on`` choices: a level, or ``never`` (gate disabled) / ``any`` (every finding trips it).
GATE_CHOICES = ("any", *LEVELS, "never")

# Fallback when no risk level is present: full ID/card -> high, full phone -> medium, masked -> low.
_DEFAULT_FULL = {"CN_RESIDENT_ID": "high", "CN_BANK_CARD": "high", "CN_MOBILE_PHONE": "medium"}


def rank(level: str) -> int:
    """Position of ``level`` in :data:`LEVELS` (unknown levels rank as ``medium``)."""
    try:
        return LEVELS.index(level.lower())
    except ValueError:
        return LEVELS.index("medium")


def default_level(entity_type: str, masked: bool, sensitive: bool | None) -> str:
    if masked:
        return "low"
    if entity_type in _DEFAULT_FULL:
        return _DEFAULT_FULL[entity_type]
    return "medium" if sensitive else "low"


def finding_level(finding: Any) -> str:
    """The level of a :class:`~piscan.findings.Finding` or of its dict form."""
    get = finding.get if isinstance(finding, dict) else lambda k, d=None: getattr(finding, k, d)
    risk = get("risk")
    if isinstance(risk, dict) and risk.get("level"):
        return str(risk["level"]).lower()
    return default_level(get("entity_type") or "", bool(get("masked")), get("sensitive"))


def at_or_above(level: str, gate: str) -> bool:
    if gate == "never":
        return False
    if gate == "any":
        return True
    return rank(level) >= rank(gate)
