"""``piscan baseline create|update``: record today's findings as accepted so CI fails only on new ones."""

from __future__ import annotations

import click

from piscan.ci.baseline import STATUSES

DEFAULT_FILE = ".piscan-baseline.json"


def _scan_like(f):
    """The scan options a baseline needs (same config keys as ``piscan scan``)."""
    opts = [
        click.argument("paths", nargs=-1, required=True),
        click.option("-f", "--file", "baseline_file", default=DEFAULT_FILE, show_default=True,
                     type=click.Path(dir_okay=False), help="Baseline file to write."),
        click.option("--status", type=click.Choice(STATUSES), default="accepted", show_default=True,
                     help="Audit status of new entries."),
        click.option("--reason", help="Why these findings are accepted (recorded on new entries)."),
        click.option("--owner", help="Who accepted them (recorded on new entries)."),
        click.option("--config", type=click.Path(dir_okay=False), help="Config file (as for scan)."),
        click.option("--rules", multiple=True, type=click.Path(exists=True), help="Extra rule pack."),
        click.option("--min-confidence", type=click.FloatRange(0, 1)),
        click.option("--fingerprint-key-file", type=click.Path(exists=True, dir_okay=False)),
        click.option("--type", "input_type"),
        click.option("--inline-ignore/--no-inline-ignore", default=True),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def _run(ctx: click.Context, update: bool, keep_absent: bool = False) -> None:
    from piscan.ci import baseline as base_mod
    from piscan.ci.pipeline import execute, prepare
    from piscan.cli import scan

    run = prepare(ctx, scan, overrides={"quiet": True, "verbose": False, "fail_on": "never", "baseline": None,
                                        "fail_on_new_assets": False, "max_persons": None, "sign_key": None,
                                        "changed_since": None, "staged": False})
    for w in run.warnings:
        click.echo(f"piscan: warning: {w}", err=True)
    result = execute(run, use_baseline=False)
    for e in result.errors:
        click.echo(f"piscan: {e.kind}: {e.path}: {e.reason}", err=True)
    p = run.params
    previous = None
    if update:
        previous = base_mod.load(p["baseline_file"])
        base_mod.check_key(previous, result.fingerprint_key_id, p["baseline_file"])
    b = base_mod.build(result.findings, result.fingerprint_key_id, previous=previous, status=p["status"],
                       reason=p.get("reason"), owner=p.get("owner"), keep_absent=keep_absent)
    b.write(p["baseline_file"])
    before = len(previous.entries) if previous else 0
    kept = len(set(b.entries) & set(previous.entries)) if previous else 0
    click.echo(f"baseline {p['baseline_file']}: {len(b.entries)} entries ({len(b.entries) - kept} added, "
               f"{before - kept} removed)", err=True)
    ctx.exit(2 if result.failed else 0)


@click.group()
def baseline() -> None:
    """Create or update a baseline file (entries keyed by rule, location and fingerprint; no line numbers)."""


@baseline.command()
@_scan_like
@click.pass_context
def create(ctx: click.Context, **_params) -> None:
    """Write a new baseline with every current finding."""
    _run(ctx, update=False)


@baseline.command()
@_scan_like
@click.option("--keep-absent", is_flag=True,
              help="Keep entries whose findings are gone (default: drop them).")
@click.pass_context
def update(ctx: click.Context, keep_absent: bool, **_params) -> None:
    """Add new findings to a baseline, keep the audit fields of existing entries, drop fixed ones."""
    _run(ctx, update=True, keep_absent=keep_absent)
