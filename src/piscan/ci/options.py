"""The CI options of ``piscan scan`` (one decorator, so cli.py stays thin)."""

from __future__ import annotations

import click

from piscan.ci.levels import GATE_CHOICES

CI_OPTIONS = [
    click.option("--config", "config", type=click.Path(dir_okay=False),
                 help="Config file (default: .piscan.yml or [tool.piscan] in pyproject.toml at the "
                 "scanned root)."),
    click.option("--fail-on", type=click.Choice(GATE_CHOICES, case_sensitive=False), default="high",
                 show_default=True, help="Exit 1 when a reported finding is at or above this risk level."),
    click.option("--fail-on-errors/--no-fail-on-errors", default=True, show_default=True,
                 help="Exit 2 when an input could not be read completely."),
    click.option("--max-persons", type=click.IntRange(0), help="Exit 1 when one asset (file or table.column) "
                 "holds more than N distinct persons (distinct fingerprints)."),
    click.option("--fail-on-new-assets", is_flag=True, help="Exit 1 when an asset that held no PI in the "
                 "baseline now does (needs --baseline)."),
    click.option("--baseline", "baseline", type=click.Path(dir_okay=False),
                 help="Report only findings not in this baseline (see `piscan baseline`)."),
    click.option("--inline-ignore/--no-inline-ignore", default=True, show_default=True,
                 help="Honour `piscan:ignore` comments on a finding's line."),
    click.option("--changed-since", metavar="REF", help="Scan only files changed in git since REF."),
    click.option("--staged", is_flag=True,
                 help="Scan only files staged in git (with --changed-since: both)."),
    click.option("-q", "--quiet", is_flag=True, help="No progress, warnings or gate messages (errors only)."),
    click.option("-v", "--verbose", is_flag=True, help="Explain config, suppressions, baseline and gates."),
    click.option("--sign", "sign_key", type=click.Path(dir_okay=False),
                 help="Sign the JSON report with this Ed25519 private key (see `piscan keygen`)."),
    click.option("--audit-key", type=click.Path(dir_okay=False),
                 help="Regulator-supplied key: add a cross-submission HMAC fingerprint to each finding."),
    click.option("--organization", help="Name of the submitting organization, recorded in the report."),
]


def ci_options(f):
    for opt in reversed(CI_OPTIONS):
        f = opt(f)
    return f
