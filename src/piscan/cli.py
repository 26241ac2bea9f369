"""Command-line interface. Thin: parse options, call :mod:`piscan.scanner`, hand the result to a renderer.

Heavy modules are imported inside commands so ``piscan --version`` stays fast.

Exit codes: 0 = scan completed (no gate tripped); 1 = a gate tripped (see ``--fail-on``, CI issue);
2 = usage error or a scan error (an input could not be read completely).
"""

from __future__ import annotations

import sys

import click

from piscan import __version__
from piscan.cli_options import report_options
from piscan.cli_report import report as report_command

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2


class PiscanGroup(click.Group):
    """Turns expected user errors into one-line messages with exit code 2 (never a traceback)."""

    def invoke(self, ctx: click.Context):
        from piscan.detection.rules import RulePackError

        try:
            return super().invoke(ctx)
        except RulePackError as exc:
            click.echo(f"piscan: error: rule pack: {exc}", err=True)
            ctx.exit(EXIT_ERROR)
        except (OSError, ValueError) as exc:
            click.echo(f"piscan: error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=PiscanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="piscan")
def main() -> None:
    """piscan — find Chinese personal information (身份证号, 手机号, 银行卡号) in dumps, logs and apps."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "formats", multiple=True,
              type=click.Choice(["text", "json", "html", "sarif", "md", "report"]),
              help="Output format (default text); repeatable, paired in order with --output.")
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
              help="Write the report here (default stdout, or '-'); one per --format.")
@click.option("--rules", "rules", multiple=True, type=click.Path(exists=True),
              help="Extra rule pack (YAML file or directory); repeatable.")
@click.option("--show-values", is_flag=True, help="Include raw values in the output (off by default: piscan "
              "never prints raw identifiers unless asked).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), help="Report findings at or above this score "
              "(default: each rule pack's min_confidence, 0.5 for the built-in pack).")
@click.option("-j", "--jobs", type=click.IntRange(1), help="Worker processes for large files (default: all cores).")
@click.option("--engine", type=click.Choice(["auto", "hyperscan", "re2", "re"]), default="auto",
              show_default=True, help="Stage-1 regex engine (results are identical; speed differs).")
@click.option("--fingerprint-key-file", type=click.Path(exists=True, dir_okay=False),
              help="Key for value fingerprints (else $PISCAN_FINGERPRINT_KEY, else ~/.config/piscan/fingerprint.key).")
@click.option("--type", "input_type", help="Force the input type instead of auto-detection.")
@click.option("--scan-date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Date used for age checks (minors under 14; default today).")
@report_options
def scan(paths, formats, outputs, rules, show_values, min_confidence, jobs, engine, fingerprint_key_file,
         input_type, scan_date, risk_policy, sensitive_id_view, org_config, now, sarif_max_results) -> None:
    """Scan files, folders (recursively) for personal information."""
    from piscan.reports import outputs as out
    from piscan.scanner import Scanner, ScanOptions

    pairs = out.pair_outputs(formats, outputs)
    today = scan_date.date() if scan_date else None
    options = ScanOptions(rules=rules, show_values=show_values, min_confidence=min_confidence, jobs=jobs,
                          engine=None if engine == "auto" else engine,
                          fingerprint_key_file=fingerprint_key_file, input_type=input_type, today=today)
    doc_formats = {f for f, _ in pairs} - {"text"}
    pack = org = None
    if doc_formats:  # load (and validate) risk rules and org config before the scan, not after
        from piscan.reports.special_report import load_org
        from piscan.risk.policy import load_policy_file, load_risk_pack

        pack = load_risk_pack(overrides=load_policy_file(risk_policy) if risk_policy else None,
                              sensitive_id_view=sensitive_id_view)
        org = load_org(org_config)
    result = Scanner(options).scan(list(paths))
    doc = out.document(result, pack, scan_date=today.isoformat() if today else None) if pack else None
    for fmt, dest in pairs:
        if fmt == "text":
            from piscan.reports.text_report import render

            out.write(dest, render(result))
            continue
        out.write(dest, out.render(doc, fmt, generated_at=now, org=org, max_results=sarif_max_results))
        if fmt == "sarif" and len(doc["findings"]) > sarif_max_results:
            click.echo(f"piscan: note: SARIF capped at {sarif_max_results} of {len(doc['findings'])} results "
                       "(GitHub code scanning limit; most severe kept)", err=True)
    for e in result.errors:
        click.echo(f"piscan: {e.kind}: {e.path}: {e.reason}", err=True)
    sys.exit(EXIT_ERROR if result.failed else EXIT_OK)


main.add_command(report_command)


if __name__ == "__main__":  # pragma: no cover
    main()
