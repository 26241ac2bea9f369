"""HTML rendering of the ``piscan audit`` overview (one self-contained page, sortable tables, autoescaped)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment


def render(overview: dict[str, Any]) -> str:
    template = resources.files("piscan.signing").joinpath("templates/audit.html").read_text(encoding="utf-8")
    return Environment(autoescape=True).from_string(template).render(a=overview)
