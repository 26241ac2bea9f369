"""Options shared by ``piscan scan`` and ``piscan report`` (risk policy, report rendering)."""

from __future__ import annotations

from collections.abc import Callable

import click

from piscan.reports.sarif import GITHUB_MAX_RESULTS, GITHUB_SHOWN_RESULTS


def report_options(f: Callable) -> Callable:
    opts = [
        click.option("--risk-policy", type=click.Path(exists=True, dir_okay=False),
                     help="YAML file overriding risk policy defaults (rules/risk.yaml `policy:`)."),
        click.option("--sensitive-id-view", type=click.Choice(["gbt35273-2020", "gbt45574-2025"]),
                     help="Is a standalone ID number sensitive PI? gbt35273-2020: yes (default); "
                          "gbt45574-2025: not alone."),
        click.option("--org-config", type=click.Path(exists=True, dir_okay=False),
                     help="Organisation and scope (YAML) for --format report."),
        click.option("--now", help="Report generation timestamp to print (ISO 8601; for reproducible "
                                   "reports)."),
        click.option("--sarif-max-results", type=click.IntRange(1, GITHUB_MAX_RESULTS),
                     default=GITHUB_SHOWN_RESULTS, show_default=True,
                     help="Cap SARIF results, most severe first (GitHub shows 5,000, rejects > 25,000)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f
