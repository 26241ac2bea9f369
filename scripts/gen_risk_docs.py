"""Write rules/docs/<id>.md for every risk rule in rules/risk.yaml (run after editing risk.yaml).

Pages are generated from the rule's data (what it finds, why it matters, how to fix, legal basis) so the
docs never drift from the rules.
Usage: python scripts/gen_risk_docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from piscan.risk.citations import cite  # noqa: E402
from piscan.risk.policy import load_risk_pack  # noqa: E402

KIND_TEXT = {
    "base": "Base rule: decides a finding's level (the first matching base rule wins).",
    "modifier": "Modifier: raises the level or adds tags on top of the base rule (see `risk.modifiers`).",
    "derived": "Derived: adds a separate finding next to the one it is derived from.",
    "asset": "Asset aggregate: rates a table.column or file from its findings.",
}


def page(rule, pack) -> str:
    r = rule.data
    lines = [
        f"# {rule.id}: {r['title_en']}",
        "",
        f"**{r['title_zh']}**",
        "",
        f"Kind: `{r['kind']}`"
        + (f" · dimension: `{r['dimension']}`" if r.get("dimension") else "")
        + (f" · level: **{r['level']}**" if r.get("level") else "")
        + (f" · raises: {r['raise']}" if r.get("raise") else "")
        + (f" · sets: **{r['set_level']}**" if r.get("set_level") else ""),
        "",
        KIND_TEXT[r["kind"]],
        "",
    ]
    if r.get("match"):
        lines += ["Matches: " + ", ".join(f"`{k}={v}`" for k, v in r["match"].items()), ""]
    if r.get("min_persons"):
        lines += [
            f"Threshold: ≥ {r['min_persons']:,} distinct persons"
            + (" with sensitive PI" if r.get("sensitive_only") else "")
            + " in the asset.",
            "",
        ]
    lines += ["## What it finds", "", r["reason_en"], "", r["reason_zh"], "", "## Why it matters", ""]
    for cid in r["basis"]:
        c = pack.citations[cid]
        lines.append(f"- **{cid}** {cite(c)} — {c['title_en']} {c['confidence']}: {c['paraphrase'].strip()}")
    lines += ["", "## How to fix", "", r["remediation_en"], "", r["remediation_zh"], ""]
    if r.get("tags"):
        lines += ["Tags: " + ", ".join(f"`{t}`" for t in r["tags"]), ""]
    lines += ["Policy knobs: see `rules/risk.yaml` (`policy:`) and docs/risk.md.", ""]
    return "\n".join(lines)


def main() -> None:
    pack = load_risk_pack()
    out = ROOT / "rules" / "docs"
    out.mkdir(parents=True, exist_ok=True)
    for rid in pack.order:
        (out / f"{rid}.md").write_text(page(pack.rules[rid], pack), encoding="utf-8")
        print(f"wrote rules/docs/{rid}.md")


if __name__ == "__main__":
    main()
