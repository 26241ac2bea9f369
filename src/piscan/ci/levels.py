"""Risk levels as the CI gate sees them.

Every scan is rated by the risk engine before the gates run, so a finding's level is its
``risk["level"]``; :func:`finding_level` falls back to a documented default per entity only for findings
without one (e.g. from an old report; see ``docs/ci.md``). The levels themselves are
:data:`piscan.risk.levels.LEVELS`.
"""

from __future__ import annotations

from typing import Any

from piscan.ci.assets import get
from piscan.risk.levels import LEVELS, RANK

#: ``--fail-on`` choices: a level, or ``never`` (gate disabled) / ``any`` (every finding trips it).
GATE_CHOICES = ("any", *LEVELS, "never")

# Fallback when no risk level is present: full ID/card -> high, full phone -> medium, masked -> low.
_DEFAULT_FULL = {"CN_RESIDENT_ID": "high", "CN_BANK_CARD": "high", "CN_MOBILE_PHONE": "medium"}


def rank(level: str) -> int:
    """Position of ``level`` in :data:`LEVELS` (unknown levels rank as ``medium``)."""
    return RANK.get(level.lower(), RANK["medium"])


def default_level(entity_type: str, masked: bool, sensitive: bool | None) -> str:
    if masked:
        return "low"
    if entity_type in _DEFAULT_FULL:
        return _DEFAULT_FULL[entity_type]
    return "medium" if sensitive else "low"


def finding_level(finding: Any) -> str:
    """The level of a :class:`~piscan.findings.Finding` or of its dict form."""
    risk = get(finding, "risk")
    if isinstance(risk, dict) and risk.get("level"):
        return str(risk["level"]).lower()
    return default_level(get(finding, "entity_type") or "", bool(get(finding, "masked")), get(finding, "sensitive"))


def at_or_above(level: str, gate: str) -> bool:
    if gate == "never":
        return False
    if gate == "any":
        return True
    return rank(level) >= rank(gate)
