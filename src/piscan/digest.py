"""SHA-256 of files, streamed: the input digests in reports, and ``piscan verify --inputs``."""

from __future__ import annotations

import hashlib
import os

BLOCK = 8 << 20


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file, read in 8 MiB blocks (``hashlib`` releases the GIL on large blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()
