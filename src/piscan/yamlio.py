"""YAML loading for rule data and configs: libyaml's C loader when PyYAML has it (about 10x faster than
the pure-Python loader; the rule folder is read on every scan), the safe Python loader otherwise.

Rule data (``cached=True``: detection, risk, citation, permission and app-check packs, built-in or a
user's) is kept parsed in piscan's cache (:mod:`piscan.cache`) as ``marshal`` data named by the SHA-256 of
its text, so a scan reads the packs it used before without importing or running PyYAML (~100 M
instructions, a sixth of a small scan's start-up). A document marshal cannot hold (a YAML date) is parsed
every time; an organisation's configs are never cached. ``YAMLError`` is PyYAML's, imported when first
asked for.
"""

from __future__ import annotations

import hashlib
import marshal
from typing import Any

from piscan import cache

_CACHE_TAG = b"piscan-yaml 1\n"  # change to drop every cached document


def _parse(stream: str | bytes) -> Any:
    import yaml

    return yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load(stream: str | bytes, *, cached: bool = False) -> Any:
    """Like ``yaml.safe_load`` (safe tags only); raises ``yaml.YAMLError`` on bad input. ``cached``: keep
    and reuse the parsed document in the cache (rule data only)."""
    if not cached:
        return _parse(stream)
    raw = stream.encode("utf-8", "surrogatepass") if isinstance(stream, str) else stream
    name = f"yaml-{hashlib.sha256(_CACHE_TAG + raw).hexdigest()[:32]}.marshal"
    blob = cache.read(name)
    if blob is not None:
        try:
            return marshal.loads(blob)
        except (ValueError, EOFError, TypeError):  # a damaged entry: parse again
            pass
    data = _parse(stream)
    try:
        blob = marshal.dumps(data)
    except ValueError:  # e.g. a date: not cached
        return data
    cache.write(name, blob)
    return data


def __getattr__(name: str) -> Any:
    if name == "YAMLError":
        import yaml

        return yaml.YAMLError
    raise AttributeError(name)
