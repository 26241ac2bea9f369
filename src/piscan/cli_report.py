"""``piscan report FINDINGS.json --format … --output …``: re-render a saved JSON report without rescanning.

Risk is kept as saved unless a risk option is given (``--risk-policy``, ``--sensitive-id-view``,
``--rescore``), in which case the findings are re-rated with the current rules.
"""

from __future__ import annotations

import json
import sys

import click

from piscan.cli_options import report_options

EXIT_OK, EXIT_ERROR = 0, 2


@click.command("report")
@click.argument("findings", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "formats", multiple=True,
              type=click.Choice(["json", "html", "sarif", "md", "report"]),
              help="Output format; repeatable, paired with --output in order (default json).")
@click.option("-o", "--output", "outputs", multiple=True,
              help="Output file ('-' = stdout); one per --format.")
@click.option("--rescore", is_flag=True, help="Re-rate findings with the current risk rules.")
@report_options
def report(findings, formats, outputs, rescore, risk_policy, sensitive_id_view, org_config, now,
           sarif_max_results) -> None:
    """Render a saved JSON report (piscan scan --format json) into other formats."""
    from piscan.reports import outputs as out
    from piscan.reports.special_report import load_org
    from piscan.risk.engine import assess, strip_risk
    from piscan.risk.policy import load_policy_file, load_risk_pack

    try:
        with open(findings, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{findings}: not a readable JSON report ({exc.__class__.__name__})") from None
    if not isinstance(doc, dict) or "findings" not in doc or "schema_version" not in doc:
        raise ValueError(f"{findings}: not a piscan JSON report (no schema_version/findings)")
    pairs = out.pair_outputs(formats, outputs, default="json")
    if rescore or risk_policy or sensitive_id_view or "risk" not in doc:
        pack = load_risk_pack(overrides=load_policy_file(risk_policy) if risk_policy else None,
                              sensitive_id_view=sensitive_id_view)
        scan_date = (doc.get("risk") or {}).get("scan_date")
        strip_risk(doc)
        assess(doc, pack, scan_date=scan_date)
    org = load_org(org_config)
    for fmt, dest in pairs:
        out.write(dest, out.render(doc, fmt, generated_at=now, org=org, max_results=sarif_max_results))
        if fmt == "sarif" and len(doc.get("findings", [])) > sarif_max_results:
            click.echo(f"piscan: note: SARIF capped at {sarif_max_results} of {len(doc['findings'])} results "
                       "(GitHub code scanning limit; most severe kept)", err=True)
    sys.exit(EXIT_OK)
