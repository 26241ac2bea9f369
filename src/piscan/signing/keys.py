"""Ed25519 key pairs (``piscan keygen``): PKCS#8 PEM private key (mode 0600) and SubjectPublicKeyInfo PEM.

``key_id`` = lowercase hex SHA-256 of the 32 raw public-key bytes (RFC 8032 encoding).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class SigningKeyError(ValueError):
    """A key file is missing, unreadable or not an Ed25519 key."""


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def generate(private_path: str, public_path: str | None = None, *, force: bool = False) -> tuple[str, str]:
    """Write a new key pair; returns (public key path, key_id). Refuses to overwrite unless ``force``."""
    public_path = public_path or private_path + ".pub"
    for p in (private_path, public_path):
        if os.path.exists(p) and not force:
            raise SigningKeyError(f"{p} exists (use --force to overwrite)")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    if force and os.path.exists(private_path):
        os.unlink(private_path)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    pub = key.public_key()
    Path(public_path).write_bytes(pub.public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo))
    return public_path, key_id(pub)


def load_private(path: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError as exc:
        raise SigningKeyError(f"signing key {path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, TypeError):
        raise SigningKeyError(f"signing key {path}: not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"signing key {path}: not an Ed25519 key")
    return key


def load_public(path: str) -> Ed25519PublicKey:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"public key {path}: cannot read: {exc.strerror or exc}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        try:  # a private key file also holds the public key
            key = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError):
            raise SigningKeyError(f"public key {path}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"public key {path}: not an Ed25519 key")
    return key


def load_trusted(directory: str) -> dict[str, tuple[str, Ed25519PublicKey]]:
    """key_id -> (name, key) for every ``*.pub``/``*.pem`` public key in ``directory``."""
    d = Path(directory)
    if not d.is_dir():
        raise SigningKeyError(f"trusted keys {directory}: not a directory")
    out = {}
    for p in sorted(d.iterdir()):
        if p.suffix in (".pub", ".pem") and p.is_file():
            k = load_public(str(p))
            out[key_id(k)] = (p.stem.removesuffix(".key"), k)  # acme.key.pub -> "acme"
    return out
