"""``piscan keygen``: make an Ed25519 key pair for signing reports."""

from __future__ import annotations

import click


@click.command()
@click.option("-o", "--output", "private_path", default="piscan-signing.key", show_default=True,
              type=click.Path(dir_okay=False), help="Private key file (written with mode 0600).")
@click.option("--public", "public_path", type=click.Path(dir_okay=False),
              help="Public key file (default: the private key path + .pub).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def keygen(private_path: str, public_path: str | None, force: bool) -> None:
    """Create an Ed25519 key pair; give the .pub file to whoever verifies your reports."""
    from piscan.signing.keys import generate

    pub, kid = generate(private_path, public_path, force=force)
    click.echo(f"private key: {private_path} (mode 0600, keep it secret)")
    click.echo(f"public key:  {pub}")
    click.echo(f"key_id:      {kid}")
