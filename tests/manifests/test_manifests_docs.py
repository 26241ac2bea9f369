"""Every app-manifest rule id (APP-PERM, APP-C01…) has its doc page, and every citation it uses exists."""

from __future__ import annotations

import re

import pytest
import yaml

from piscan.resources import rules_dir
from piscan.risk.citations import cite, load_citations

DOCS = rules_dir() / "docs"
CHECKS_DOC = yaml.safe_load((rules_dir() / "app-checks.yaml").read_text(encoding="utf-8"))
CHECKS = CHECKS_DOC["checks"]
APP_IDS = [CHECKS_DOC["inventory_rule"], *CHECKS]
SECTIONS = ("## What it finds", "## Why it matters", "## How to fix")
CITED = re.compile(r"^- \*\*([A-Za-z0-9.\-]+)\*\* ", re.M)
DIGIT_RUN = re.compile(r"(?<![0-9])[0-9]{11,}(?![0-9])")  # a raw phone / ID / card number


def test_inventory_rule_is_app_perm():
    from piscan.detection.permissions import RULE_ID

    assert CHECKS_DOC["inventory_rule"] == RULE_ID == "APP-PERM"


def test_check_ids_are_well_formed():
    assert CHECKS and all(re.fullmatch(r"APP-C\d{2}", cid) for cid in CHECKS), sorted(CHECKS)


def test_every_citation_id_in_app_checks_exists():
    cites = load_citations()  # every rules/citations*.yaml
    missing = {cid: [b for b in c["basis"] if b not in cites] for cid, c in CHECKS.items()}
    assert {cid: m for cid, m in missing.items() if m} == {}
    assert all(c["basis"] for c in CHECKS.values())


@pytest.mark.parametrize("rid", APP_IDS)
def test_app_rule_has_doc_page(rid):
    page = DOCS / f"{rid}.md"
    assert page.is_file(), f"rules/docs/{rid}.md is missing"
    text = page.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert re.fullmatch(rf"# {re.escape(rid)}: .+ \(.*[\u4e00-\u9fff].*\)", first), first
    for s in SECTIONS:
        assert s in text, f"{rid}: no '{s}'"
    assert not DIGIT_RUN.findall(text), f"{rid}: raw number in the page"
    cites = load_citations()
    assert [c for c in CITED.findall(text) if c not in cites] == [], rid
    chk = CHECKS.get(rid)
    if chk is not None:
        assert f"level: **{chk['level']}**" in text, rid
        for cid in chk["basis"]:
            # the page cites each basis id the way reports do (both Cybersecurity Law numberings)
            assert f"**{cid}** {cite(cites[cid])}" in text, f"{rid}: basis {cid} not cited"
