"""Config files: ``.piscan.yml`` at the scanned root, or ``[tool.piscan]`` in its ``pyproject.toml``.

``--config PATH`` overrides discovery. Every option of ``piscan scan`` has a key, derived from the click
command itself (long option name, ``-`` or ``_`` accepted), so a new CLI option is configurable without
touching this module. Extra keys that are not CLI options: ``allowlist`` (see :mod:`piscan.ci.allowlist`).
An unknown key is an error naming it. Command-line values always win over the file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from piscan import yamlio

CONFIG_NAMES = (".piscan.yml", ".piscan.yaml")
EXTRA_KEYS = ("allowlist",)
_NOT_CONFIGURABLE = {"config", "help"}


class ConfigError(ValueError):
    """A config file is unreadable or has an unknown/invalid key (exit code 2)."""


@dataclass(slots=True)
class Config:
    path: str | None = None
    sha256: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def report_section(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256}


def option_keys(command: click.Command) -> dict[str, click.Parameter]:
    """Config key -> click parameter, for every option of ``command``."""
    keys: dict[str, click.Parameter] = {}
    for p in command.params:
        if not isinstance(p, click.Option) or p.name in _NOT_CONFIGURABLE:
            continue
        longs = [o for o in p.opts if o.startswith("--")]
        key = (longs[0][2:] if longs else p.name or "").replace("-", "_")
        keys[key] = p
    return keys


def _root(paths: tuple[str, ...] | list[str]) -> Path:
    for p in paths:
        if os.path.isdir(p):
            return Path(p)
    return Path.cwd()


def _load_file(path: Path) -> tuple[dict[str, Any], bytes]:
    import tomllib  # (only when a config file is read)

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"config {path}: cannot read: {exc.strerror or exc}") from None
    try:
        if path.name == "pyproject.toml" or path.suffix == ".toml":
            data = tomllib.loads(raw.decode("utf-8"))
            data = data.get("tool", {}).get("piscan", {}) if path.name == "pyproject.toml" else data
        else:
            data = yamlio.load(raw) or {}
    except (tomllib.TOMLDecodeError, yamlio.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config {path}: not valid YAML/TOML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config {path}: expected a mapping at the top level")
    return data, raw


def discover(paths: tuple[str, ...] | list[str], explicit: str | None) -> Config:
    """Find and read the config (``explicit`` first, then ``.piscan.yml``, then ``pyproject.toml``)."""
    if explicit:
        candidates = [Path(explicit)]
        if not candidates[0].is_file():
            raise ConfigError(f"config {explicit}: no such file")
    else:
        root = _root(paths)
        candidates = [root / n for n in CONFIG_NAMES if (root / n).is_file()]
        pp = root / "pyproject.toml"
        if not candidates and pp.is_file():
            data, raw = _load_file(pp)
            if data:
                return Config(str(pp), hashlib.sha256(raw).hexdigest(), data)
            return Config()
    if not candidates:
        return Config()
    data, raw = _load_file(candidates[0])
    return Config(str(candidates[0]), hashlib.sha256(raw).hexdigest(), data)


def apply(ctx: click.Context, command: click.Command, config: Config) -> dict[str, Any]:
    """Validate ``config`` and fill every option the user did not give on the command line.

    Returns the non-CLI keys (``allowlist``). Raises :class:`ConfigError` naming an unknown key.
    """
    keys = option_keys(command)
    extras: dict[str, Any] = {}
    for raw_key, value in config.values.items():
        key = str(raw_key).replace("-", "_")
        if key in EXTRA_KEYS:
            extras[key] = value
            continue
        param = keys.get(key)
        if param is None:
            known = ", ".join(sorted([*keys, *EXTRA_KEYS]))
            raise ConfigError(f"config {config.path}: unknown key {raw_key!r} (known: {known})")
        source = ctx.get_parameter_source(param.name)
        if source not in (click.core.ParameterSource.DEFAULT, None):
            continue  # the command line (or an env var) wins
        if getattr(param, "multiple", False) and not isinstance(value, list | tuple):
            value = [value]
        try:
            ctx.params[param.name] = param.type_cast_value(ctx, value)
        except click.BadParameter as exc:
            raise ConfigError(f"config {config.path}: key {raw_key!r}: {exc.format_message()}") from None
    return extras
