"""Command-line interface. Thin: parse options, call :mod:`piscan.scanner`, hand the result to a renderer.

Heavy modules are imported inside commands so ``piscan --version`` stays fast.

Exit codes: 0 = scan completed (no gate tripped); 1 = a gate tripped (see ``--fail-on``, CI issue);
2 = usage error or a scan error (an input could not be read completely).
"""

from __future__ import annotations

import sys

import click

from piscan import __version__
from piscan.ci.options import ci_options
from piscan.cli_options import report_options
from piscan.cli_report import report as report_command

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2


def tune_gc() -> None:
    """A scan allocates many short-lived objects per candidate line and keeps few: move what exists
    (modules, compiled rules) out of the collector's sight and collect the young generation less often. A
    dump region's candidate values (~150,000 tuples, verdicts and dicts for 4 MB of a PI-dense table) live
    until the region is counted, so a lower threshold collected them again and again for nothing: 50,000
    cost ~5 % of a dump scan (0.15 s of 3 s for 30 MB), 500,000 costs ~4 ms there, with the same peak RSS.
    The scan makes few reference cycles."""
    import gc

    gc.freeze()
    gc.set_threshold(500_000, 20, 20)


class PiscanGroup(click.Group):
    """Turns expected user errors into one-line messages with exit code 2 (never a traceback)."""

    def invoke(self, ctx: click.Context):
        from piscan.detection.rules import RulePackError

        tune_gc()
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
@click.option("--format", "formats", multiple=True, type=click.Choice(["text", "json", "html", "sarif", "md",
              "report"]), help="Output format (default text); repeatable, paired in order with --output.")
@click.option("-o", "--output", "outputs", multiple=True,
              help="Where the matching --format goes ('-' = stdout); one per --format.")
@click.option("--rules", "rules", multiple=True, type=click.Path(exists=True),
              help="Extra rule pack (YAML file or directory); repeatable.")
@click.option("--show-values", is_flag=True, help="Include raw values in the output (off by default: piscan "
              "never prints raw identifiers unless asked).")
@click.option("--min-confidence", type=click.FloatRange(0, 1), help="Report findings at or above this score "
              "(default: each rule pack's min_confidence, 0.5 for the built-in pack).")
@click.option("-j", "--jobs", type=click.IntRange(1),
              help="Worker processes for large files and folders of many files (default: the usable CPUs).")
@click.option("--engine", type=click.Choice(["auto", "hyperscan", "re2", "re"]), default="auto",
              show_default=True, help="Stage-1 regex engine (results are identical; speed differs).")
@click.option("--fingerprint-key-file", type=click.Path(exists=True, dir_okay=False),
              help="Key for value fingerprints (else $PISCAN_FINGERPRINT_KEY, else ~/.config/piscan/fingerprint.key).")
@click.option("--type", "input_type", help="Force the input type instead of auto-detection (text, mysqldump, "
              "pg_dump, pg_archive, mysql_xml, mysql_tab, sqlite_dump, mssql_script, csv, tsv, json, jsonl, "
              "xlsx, xls, html_table, sqlite_db; app manifests: android-manifest, apk, ios-plist, ipa, "
              "harmony-module, wechat-app).")
@click.option("--include", multiple=True, help="Only scan files matching this glob (folders); repeatable.")
@click.option("--exclude", multiple=True, help="Skip files/folders matching this glob; repeatable.")
@click.option("--gitignore/--no-gitignore", default=False, show_default=True,
              help="Respect .gitignore files when walking folders.")
@click.option("--max-file-size", type=click.IntRange(1),
              help="Skip files larger than this many bytes (noted); compressed files and zip members are "
                   "read up to this many decompressed bytes, the rest noted as skipped.")
@click.option("--sample", type=click.IntRange(1), default=1000, show_default=True,
              help="Live databases: rows per table (the first N by primary key; deterministic).")
@click.option("--full", is_flag=True, help="Live databases: scan every row instead of a sample.")
@click.option("--max-findings-per-asset", type=click.IntRange(0), default=1000, show_default=True,
              help="List at most N findings per file or table.column in reports (0 = all); assets still count "
              "every finding, distinct person and share, so volumes stay exact and memory stays bounded.")
@click.option("--app-type", "app_type", metavar="TYPE",
              help="App manifests: the app's type under the 2021 necessary-PI rule (国信办秘字〔2021〕14号), "
              "a number 1-39 or a slug such as ditu-daohang / map-navigation (see `piscan app-types`).")
@click.option("--scan-date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Date used for age checks (minors under 14; default today).")
@report_options
@ci_options
@click.pass_context
def scan(ctx: click.Context, **_params) -> None:
    """Scan files, folders (recursively) and databases for personal information.

    Exit codes: 0 = no gate tripped, 1 = a gate tripped (--fail-on, --max-persons, --fail-on-new-assets),
    2 = usage or scan error. Options can also come from .piscan.yml / [tool.piscan] (see docs/ci.md).
    """
    from piscan.ci.pipeline import UsageError, execute, finish, prepare
    from piscan.reports import outputs as out
    from piscan.risk.policy import load_policy_file, load_risk_pack

    run = prepare(ctx, scan)
    p = run.params
    pairs = out.pair_outputs(p.get("formats") or (), p.get("outputs") or ())
    if p.get("sign_key") and "json" not in {f for f, _ in pairs}:
        raise UsageError("--sign signs the JSON report: add --format json")
    # risk rules and organisation config are loaded (and validated) before the scan, not after
    pack = load_risk_pack(overrides=load_policy_file(p["risk_policy"]) if p.get("risk_policy") else None,
                          sensitive_id_view=p.get("sensitive_id_view"))
    org: dict = {}
    if p.get("org_config"):  # (the special report's module loads Jinja2: only when it is needed)
        from piscan.reports.special_report import load_org

        org = load_org(p["org_config"])
    result = execute(run)
    doc, gate = finish(result, run, pack)
    max_results = p.get("sarif_max_results")
    for fmt, dest in pairs:
        if fmt == "text":
            from piscan.reports.text_report import render

            out.write(dest, render(result, doc))
            continue
        out.write(dest, out.render(doc, fmt, generated_at=p.get("now"), org=org, max_results=max_results))
        if fmt == "sarif" and len(doc["findings"]) > max_results:
            click.echo(f"piscan: note: SARIF capped at {max_results} of {len(doc['findings'])} results "
                       "(GitHub code scanning limit; most severe kept)", err=True)
    quiet, verbose = bool(p.get("quiet")), bool(p.get("verbose"))
    for e in result.errors:
        click.echo(f"piscan: {e.kind}: {e.path}: {e.reason}", err=True)
    if not quiet:
        for w in run.warnings:
            click.echo(f"piscan: warning: {w}", err=True)
        for r in gate.reasons:
            click.echo(f"piscan: gate: {r}", err=True)
    if verbose:
        for i in run.info:
            click.echo(f"piscan: {i}", err=True)
        click.echo(f"piscan: exit code {gate.exit_code}", err=True)
    sys.exit(gate.exit_code)


def _register() -> None:
    from piscan.commands.audit import audit
    from piscan.commands.baseline import baseline
    from piscan.commands.keygen import keygen
    from piscan.commands.verify import verify

    for cmd in (baseline, keygen, verify, audit):
        main.add_command(cmd)


_register()


@main.command("app-types")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
def app_types(fmt) -> None:
    """List the 39 app types of the 2021 necessary-PI rule (values for `scan --app-type`)."""
    from piscan.detection.app_checks import load_app_types

    types = load_app_types()
    if fmt == "json":
        import json

        rows = [{"id": t.id, "slug": t.slug, "slug_en": t.slug_en, "zh": t.zh, "en": t.en, "no_pi": t.no_pi,
                 "necessary_pi": list(t.necessary_pi), "necessary_categories": sorted(t.necessary)}
                for t in types]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for t in types:
        scope = "无需个人信息 / no PI needed" if t.no_pi else "；".join(t.necessary_pi)
        click.echo(f"{t.id:>2}  {t.slug:<20} {t.slug_en:<22} {t.zh} / {t.en}: {scope}")


main.add_command(report_command)


if __name__ == "__main__":  # pragma: no cover
    main()
