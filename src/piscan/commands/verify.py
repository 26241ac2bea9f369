"""``piscan verify REPORT``: check a signed report (and optionally the inputs it names)."""

from __future__ import annotations

import json
import sys

import click


def load_keys(pubkey: str | None, trusted_keys: str | None):
    from piscan.signing.keys import key_id, load_public, load_trusted

    keys = {}
    if trusted_keys:
        keys.update(load_trusted(trusted_keys))
    if pubkey:
        k = load_public(pubkey)
        keys[key_id(k)] = (click.format_filename(pubkey), k)
    return keys


def read_report(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except json.JSONDecodeError as exc:
        raise ValueError(f"report {path}: not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(doc, dict):
        raise ValueError(f"report {path}: not a piscan JSON report")
    return doc


@click.command()
@click.argument("report", type=click.Path(exists=True, dir_okay=False))
@click.option("--pubkey", type=click.Path(exists=True, dir_okay=False), help="The signer's public key.")
@click.option("--trusted-keys", type=click.Path(exists=True, file_okay=False),
              help="Folder of trusted public keys (*.pub, *.pem); the file name is the signer's name.")
@click.option("--inputs", "inputs", type=click.Path(exists=True),
              help="Re-hash the inputs the report names, found under this folder (or this single file).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def verify(report: str, pubkey: str | None, trusted_keys: str | None, inputs: str | None,
           as_json: bool) -> None:
    """Verify a signed report. Exit 0 when everything holds, 1 when anything does not."""
    from piscan.signing.inputs import check
    from piscan.signing.sign import verify as verify_report

    if not pubkey and not trusted_keys:
        raise click.UsageError("give --pubkey KEY or --trusted-keys DIR")
    doc = read_report(report)
    v = verify_report(doc, load_keys(pubkey, trusted_keys))
    if inputs and v.ok:
        check(doc, inputs, v)
    elif inputs:
        v.failed.append("inputs not re-hashed: the report itself does not verify")
    if as_json:
        click.echo(json.dumps(v.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in v.lines():
            click.echo(line)
        click.echo(f"{report}: {'VERIFIED' if v.ok else 'NOT VERIFIED'}")
    sys.exit(0 if v.ok else 1)
