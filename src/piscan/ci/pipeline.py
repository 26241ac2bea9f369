"""``piscan scan`` (and ``piscan baseline``) from options to filtered result, gate and (signed) report.

Order: config -> changed files -> scan (with progress) -> inline ignores -> allowlist -> baseline -> gates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import click

from piscan.ci import allowlist as allow_mod
from piscan.ci import baseline as base_mod
from piscan.ci import config as config_mod
from piscan.ci import inline as inline_mod
from piscan.ci.gate import GateConfig, GateResult, evaluate
from piscan.scanner import Scanner, ScanOptions, ScanResult


class UsageError(ValueError):
    """Bad combination of options (exit code 2)."""


@dataclass(slots=True)
class Run:
    params: dict[str, Any]
    config: config_mod.Config
    allow: list[allow_mod.Entry] = field(default_factory=list)
    baseline: base_mod.Baseline | None = None
    warnings: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    only_files: set[str] | None = None
    gate: GateConfig = field(default_factory=GateConfig)

    def p(self, key: str, default: Any = None) -> Any:
        v = self.params.get(key, default)
        return default if v is None else v


def _read_key(path: str, what: str) -> bytes:
    from piscan.fingerprint import read_key_file

    try:
        return read_key_file(path, what)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def prepare(ctx: click.Context, scan_command: click.Command, today: dt.date | None = None,
            overrides: dict[str, Any] | None = None) -> Run:
    """Read the config into ``ctx.params`` and check the options.

    The command line wins over the config; ``overrides`` win over both.
    """
    params = ctx.params
    cfg = config_mod.discover(params.get("paths") or (), params.get("config"))
    extras = config_mod.apply(ctx, scan_command, cfg)
    params.update(overrides or {})
    run = Run(params, cfg)
    if cfg.path:
        run.info.append(f"config: {cfg.path}")
    entries = allow_mod.parse(extras.get("allowlist"))
    run.allow, expired = allow_mod.active(entries, today or dt.date.today())
    run.warnings.extend(expired)
    if run.p("quiet") and run.p("verbose"):
        raise UsageError("--quiet and --verbose exclude each other")
    if run.p("baseline"):
        run.baseline = base_mod.load(run.p("baseline"))
    if run.p("fail_on_new_assets") and run.baseline is None:
        raise UsageError("--fail-on-new-assets needs --baseline (the assets that held PI before)")
    if run.p("changed_since") or run.p("staged"):
        from piscan.ci.changed import changed_files

        run.only_files = changed_files(list(params["paths"]), run.p("changed_since"), bool(run.p("staged")))
        run.info.append(f"changed-files mode: {len(run.only_files)} changed file(s) in git")
    run.gate = GateConfig(fail_on=str(run.p("fail_on", "high")).lower(),
                          fail_on_errors=bool(run.p("fail_on_errors", True)),
                          max_persons=run.p("max_persons"),
                          fail_on_new_assets=bool(run.p("fail_on_new_assets")),
                          baseline_locations=run.baseline.locations if run.baseline else None)
    return run


def scan_options(run: Run) -> ScanOptions:
    engine = run.p("engine")
    opts = ScanOptions(rules=tuple(run.p("rules", ())), show_values=bool(run.p("show_values")),
                       min_confidence=run.p("min_confidence"), jobs=run.p("jobs"),
                       engine=None if engine in (None, "auto") else engine,
                       fingerprint_key_file=run.p("fingerprint_key_file"), input_type=run.p("input_type"),
                       app_type=run.p("app_type"),
                       today=run.p("scan_date").date() if run.p("scan_date") else None,
                       include=tuple(run.p("include", ())), exclude=tuple(run.p("exclude", ())),
                       gitignore=bool(run.p("gitignore")), max_file_size=run.p("max_file_size"),
                       sample=run.p("sample", 1000), full=bool(run.p("full")),
                       max_findings_per_asset=run.p("max_findings_per_asset", 1000))
    if run.only_files is not None:
        from piscan.ci.changed import make_filter

        opts.path_filter = make_filter(run.only_files)
    if run.p("audit_key"):
        opts.audit_key = _read_key(run.p("audit_key"), "audit key")
    return opts


def execute(run: Run, *, use_baseline: bool = True) -> ScanResult:
    """Scan and apply inline ignores, the allowlist and the baseline (the gate comes in :func:`finish`,
    once the risk engine has rated what remains)."""
    from piscan.ci import progress as progress_mod

    opts = scan_options(run)
    scanner = Scanner(opts)
    paths = list(run.params["paths"])
    if progress_mod.wanted(bool(run.p("quiet"))):
        with progress_mod.Progress(paths) as bar:
            opts.progress = bar
            result = scanner.scan(paths)
    else:
        result = scanner.scan(paths)
    findings = result.findings
    suppressed = {"inline": 0, "allowlist": 0, "baseline": 0}
    if run.p("inline_ignore", True):
        findings, suppressed["inline"] = inline_mod.apply(findings, result.fs_paths)
    findings, suppressed["allowlist"] = allow_mod.apply(findings, run.allow)
    if use_baseline and run.baseline is not None:
        base_mod.check_key(run.baseline, result.fingerprint_key_id, run.p("baseline"))
        new, unchanged, absent = base_mod.compare(findings, run.baseline)
        suppressed["baseline"] = len(unchanged)
        findings = new
        result.extra["baseline"] = {"file": run.p("baseline"), "new": len(new), "unchanged": len(unchanged),
                                    "absent": absent}
    result.findings = findings
    result.extra["suppressed"] = suppressed
    run.info.append("suppressed: " + ", ".join(f"{n} by {k}" for k, n in suppressed.items()))
    result.extra["config"] = run.config.report_section()
    if run.p("organization"):
        result.extra["organization"] = run.p("organization")
    if opts.audit_key:
        from piscan.fingerprint import key_id

        result.extra["audit_fingerprint"] = {"algorithm": "HMAC-SHA256/128", "key_id": key_id(opts.audit_key)}
    # every CLI/config parameter, with the scanner's resolved values (e.g. the app type's number) winning
    result.options = {**{k: _jsonable(v) for k, v in sorted(run.params.items())
                         if k not in ("paths", "sign_key", "audit_key")}, **result.options}
    return result


def finish(result: ScanResult, run: Run, pack: Any) -> tuple[dict[str, Any], GateResult]:
    """Build the JSON report document, rate it with the risk engine, evaluate the gates on the rated
    findings, record the gate in the report, and sign it when ``--sign`` was given (last, so the
    signature covers everything)."""
    from piscan.reports.json_report import build
    from piscan.risk.engine import assess

    scan_date = run.p("scan_date")
    doc = assess(build(result), pack, scan_date=scan_date.date().isoformat() if scan_date else None)
    gate = evaluate(doc["findings"], result.errors, run.gate, doc.get("assets"))
    doc["gate"] = {"fail_on": run.gate.fail_on, **gate.to_dict()}
    if run.p("sign_key"):
        from piscan.signing.keys import load_private
        from piscan.signing.sign import sign

        doc = sign(doc, load_private(run.p("sign_key")))
    return doc, gate


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple):
        return list(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    return v


