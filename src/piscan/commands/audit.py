"""``piscan audit DIR``: the regulator's overview of many submitted reports (HTML + JSON)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--pubkey", type=click.Path(exists=True, dir_okay=False), help="One signer's public key.")
@click.option("--trusted-keys", type=click.Path(exists=True, file_okay=False),
              help="Folder of trusted public keys (*.pub); file names name the enterprises.")
@click.option("-o", "--output-dir", default="piscan-audit", show_default=True,
              type=click.Path(file_okay=False),
              help="Where audit.html and audit.json are written.")
@click.option("--audit-key", type=click.Path(exists=True, dir_okay=False),
              help="The regulator key handed to enterprises: only fingerprints made with it are compared.")
@click.option("--fail-on-unverified", is_flag=True, help="Exit 1 when any report fails verification.")
def audit(directory: str, pubkey: str | None, trusted_keys: str | None, output_dir: str,
          audit_key: str | None, fail_on_unverified: bool) -> None:
    """Verify every *.json report in DIRECTORY and aggregate the verified ones."""
    from piscan.commands.verify import load_keys
    from piscan.fingerprint import key_id, read_key_file
    from piscan.signing.audit import audit as run_audit
    from piscan.signing.audit_html import render

    if not pubkey and not trusted_keys:
        raise click.UsageError("give --trusted-keys DIR (or --pubkey KEY)")
    files = sorted(p for p in Path(directory).iterdir() if p.suffix == ".json" and p.is_file())
    akid = key_id(read_key_file(audit_key, "audit key")) if audit_key else None
    overview = run_audit(files, load_keys(pubkey, trusted_keys), akid)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(overview, ensure_ascii=False, indent=2) + "\n"
    (out / "audit.json").write_text(text, encoding="utf-8")
    (out / "audit.html").write_text(render(overview), encoding="utf-8")
    for e in overview["enterprises"]:
        state = "verified" if e["verified"] else "NOT VERIFIED"
        why = f": {'; '.join(e['problems'])}" if e["problems"] else ""
        click.echo(f"{e['file']}: {state}{why}")
    click.echo(f"{overview['verified']}/{overview['reports']} verified; overview in {out}/audit.html, "
               f"{out}/audit.json")
    sys.exit(1 if fail_on_unverified and overview["failed"] else 0)
