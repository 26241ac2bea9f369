"""Risk classification: turns findings into a compliance judgement (collection / storage / use).

``rules/risk.yaml`` holds the rules and policy (data), ``rules/citations*.yaml`` the legal basis.
:func:`piscan.risk.engine.assess` adds ``risk`` to every finding and asset of a JSON report document.
See docs/risk.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from piscan.risk.engine import assess
    from piscan.risk.policy import RiskPack, load_risk_pack

__all__ = ["RiskPack", "assess", "load_risk_pack"]


def __getattr__(name: str) -> Any:
    """Import the engine on first use: ``piscan.risk.levels`` (CLI option choices) must not pull in the
    engine, the policy loader and PyYAML when ``piscan --version`` starts."""
    if name == "assess":
        from piscan.risk.engine import assess

        return assess
    if name in ("RiskPack", "load_risk_pack"):
        from piscan.risk import policy

        return getattr(policy, name)
    raise AttributeError(f"module 'piscan.risk' has no attribute {name!r}")
