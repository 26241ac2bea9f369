"""Command-line interface. Thin: parse options, call :mod:`piscan.scanner`, hand the result to a renderer.

Heavy modules are imported inside commands so ``piscan --version`` stays fast.

Exit codes: 0 = scan completed (no gate tripped); 1 = a gate tripped (see ``--fail-on``, CI issue);
2 = usage error or a scan error (an input could not be read completely).
"""

from __future__ import annotations

import sys

import click

from piscan import __version__

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


def _write(output: str | None, text: str) -> None:
    if output and output != "-":
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here (default stdout).")
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
@click.option("--type", "input_type", help="Force the input type instead of auto-detection (text, mysqldump, "
              "pg_dump, sqlite_dump, csv, tsv, json, jsonl).")
@click.option("--include", multiple=True, help="Only scan files matching this glob (folders); repeatable.")
@click.option("--exclude", multiple=True, help="Skip files/folders matching this glob; repeatable.")
@click.option("--gitignore/--no-gitignore", default=False, show_default=True,
              help="Respect .gitignore files when walking folders.")
@click.option("--max-file-size", type=click.IntRange(1), help="Skip files larger than this many bytes (noted).")
@click.option("--sample", type=click.IntRange(1), default=1000, show_default=True,
              help="Live databases: rows per table (the first N by primary key; deterministic).")
@click.option("--full", is_flag=True, help="Live databases: scan every row instead of a sample.")
def scan(paths, fmt, output, rules, show_values, min_confidence, jobs, engine, fingerprint_key_file,
         input_type, include, exclude, gitignore, max_file_size, sample, full) -> None:
    """Scan files, folders (recursively) and live databases (SQLAlchemy URLs) for personal information."""
    from piscan.scanner import Scanner, ScanOptions

    options = ScanOptions(rules=rules, show_values=show_values, min_confidence=min_confidence, jobs=jobs,
                          engine=None if engine == "auto" else engine,
                          fingerprint_key_file=fingerprint_key_file, input_type=input_type,
                          include=include, exclude=exclude, gitignore=gitignore, max_file_size=max_file_size,
                          sample=sample, full=full)
    result = Scanner(options).scan(list(paths))
    if fmt == "json":
        from piscan.reports.json_report import render
    else:
        from piscan.reports.text_report import render
    _write(output, render(result))
    for e in result.errors:
        click.echo(f"piscan: {e.kind}: {e.path}: {e.reason}", err=True)
    sys.exit(EXIT_ERROR if result.failed else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
