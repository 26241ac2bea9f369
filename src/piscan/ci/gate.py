"""CI gates: turn a filtered scan into an exit code and the reasons for it.

Exit codes: 0 = no gate tripped; 1 = a gate tripped; 2 = a usage or scan error (an input could not be read
completely) unless ``--no-fail-on-errors``. When both apply, 2 wins (a broken scan cannot pass or fail).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from piscan.ci.assets import asset_key, get
from piscan.ci.levels import at_or_above, finding_level
from piscan.findings import Finding, ScanError

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2


@dataclass(slots=True)
class GateConfig:
    fail_on: str = "high"
    fail_on_errors: bool = True
    max_persons: int | None = None
    fail_on_new_assets: bool = False
    baseline_locations: set[str] | None = None  # needed by fail_on_new_assets


@dataclass(slots=True)
class GateResult:
    exit_code: int = EXIT_OK
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"exit_code": self.exit_code, "reasons": list(self.reasons)}


def persons_per_asset(findings: list[Finding]) -> dict[str, int]:
    """Distinct persons per asset: the largest number of distinct fingerprints of full (unmasked) values
    of one entity type — the definition of ``assets[].distinct_persons`` and the risk engine."""
    fps: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for f in findings:
        if not get(f, "masked") and get(f, "fingerprint"):
            fps[asset_key(f)][get(f, "entity_type")].add(get(f, "fingerprint"))
    return {a: max(len(s) for s in by_entity.values()) for a, by_entity in fps.items()}


def exact_persons(persons: dict[str, int], assets: list[dict] | None) -> dict[str, int]:
    """``persons`` (per asset, from the findings a report lists) with the scanner's exact count for each
    asset the report lists only part of (``truncated``: past ``--max-findings-per-asset`` findings are
    counted, not listed), so a gate never sees the listing cap instead of the people."""
    out = dict(persons)
    for a in assets or ():
        key = asset_key(a)
        if a.get("truncated") and key in out:
            out[key] = max(out[key], int(a.get("distinct_persons") or 0))
    return out


def evaluate(findings: list[Finding], errors: list[ScanError], cfg: GateConfig,
             assets: list[dict] | None = None) -> GateResult:
    """Evaluate the gates over the findings that remain after allowlist, inline ignores and baseline.
    ``assets``: the report's assets, whose exact person counts stand in for a truncated listing."""
    res = GateResult()
    levels = [finding_level(f) for f in findings]
    tripped = Counter(lv for lv in levels if at_or_above(lv, cfg.fail_on))
    if tripped:
        levels = ", ".join(f"{n} {lvl}" for lvl, n in sorted(tripped.items()))
        n = sum(tripped.values())
        res.reasons.append(f"--fail-on {cfg.fail_on}: {n} finding(s) at or above ({levels})")
    if cfg.max_persons is not None:
        over = {a: n for a, n in exact_persons(persons_per_asset(findings), assets).items() if n > cfg.max_persons}
        for a, n in sorted(over.items()):
            res.reasons.append(f"--max-persons {cfg.max_persons}: asset {a} holds {n} distinct persons")
    if cfg.fail_on_new_assets and cfg.baseline_locations is not None:
        new_assets = sorted({asset_key(f) for f in findings} - cfg.baseline_locations)
        for a in new_assets:
            res.reasons.append(f"--fail-on-new-assets: asset {a} held no PI in the baseline")
    if res.reasons:
        res.exit_code = EXIT_GATE
    if cfg.fail_on_errors and any(e.kind == "error" for e in errors):
        res.exit_code = EXIT_ERROR
        res.reasons.append("scan errors: an input could not be read completely "
                           "(--no-fail-on-errors to ignore)")
    return res
