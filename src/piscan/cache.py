"""piscan's on-disk cache of derived data: compiled Hyperscan databases and parsed YAML packs.

The folder is ``$PISCAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/piscan`` or ``~/.cache/piscan``
(``PISCAN_CACHE_DIR=off`` disables the cache). Entries are named by a hash of everything they derive from,
so a changed input never meets a stale entry, and written atomically, so parallel scans never read half
a file. The cache is best effort: a missing, unreadable or read-only folder means working without it.
It holds nothing from the scanned inputs (no values, no paths): only what piscan derives from its own
rules.
"""

from __future__ import annotations

import contextlib
import os


def cache_dir() -> str | None:
    """The cache folder, or ``None`` when ``PISCAN_CACHE_DIR=off``."""
    root = os.environ.get("PISCAN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "piscan")
    return None if root == "off" else root


def read(name: str) -> bytes | None:
    """The bytes of entry ``name``, or ``None`` (no cache, no entry, unreadable)."""
    root = cache_dir()
    if root is None:
        return None
    try:
        with open(os.path.join(root, name), "rb") as fh:
            return fh.read()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    """Store entry ``name`` (atomically; any failure leaves the cache as it was)."""
    root = cache_dir()
    if root is None:
        return
    path = os.path.join(root, name)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(root, mode=0o700, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
