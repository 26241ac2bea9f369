"""Risk classification: turns findings into a compliance judgement (collection / storage / use).

``rules/risk.yaml`` holds the rules and policy (data), ``rules/citations*.yaml`` the legal basis.
:func:`piscan.risk.engine.assess` adds ``risk`` to every finding and asset of a JSON report document.
See docs/risk.md.
"""

from piscan.risk.engine import assess
from piscan.risk.policy import RiskPack, load_risk_pack

__all__ = ["RiskPack", "assess", "load_risk_pack"]
