"""Format registry and output writing shared by ``piscan scan`` and ``piscan report``.

``--format``/``--output`` pairs: the n-th ``--output`` belongs to the n-th ``--format``; a single
format without ``--output`` goes to stdout (``-`` also means stdout).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

FORMATS = ("text", "json", "html", "sarif", "md", "report")
DOC_FORMATS = ("json", "html", "sarif", "md", "report")  # renderable from a saved JSON report


def pair_outputs(formats: Sequence[str], outputs: Sequence[str],
                 default: str = "text") -> list[tuple[str, str]]:
    fmts = list(formats) or [default]
    outs = list(outputs)
    if not outs:
        if len(fmts) > 1:
            raise ValueError("several --format values need one --output each (use '-' for stdout)")
        return [(fmts[0], "-")]
    if len(outs) != len(fmts):
        if len(fmts) == 1 and not formats:
            fmts = [default] * len(outs)
        else:
            raise ValueError(f"{len(fmts)} --format value(s) but {len(outs)} --output value(s); give one "
                             "--output per --format")
    if sum(o == "-" for o in outs) > 1:
        raise ValueError("only one output may go to stdout ('-')")
    return list(zip(fmts, outs, strict=True))


def render(doc: dict[str, Any], fmt: str, **opts: Any) -> str:
    if fmt == "json":
        from piscan.reports.json_report import dumps

        return dumps(doc)
    if fmt == "html":
        from piscan.reports.html import render as r
    elif fmt == "sarif":
        from piscan.reports.sarif import render as r
    elif fmt == "md":
        from piscan.reports.markdown import render as r
    elif fmt == "report":
        from piscan.reports.special_report import render as r
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return r(doc, **opts)


def write(output: str, text: str) -> None:
    if output and output != "-":
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def document(result: Any, pack: Any, scan_date: str | None = None) -> dict[str, Any]:
    """The JSON report document of a scan result, with risk assessed."""
    from piscan.reports.json_report import build
    from piscan.risk.engine import assess

    return assess(build(result), pack, scan_date=scan_date)
