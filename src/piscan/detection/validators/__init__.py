"""Validators, one module per identifier (python-stdnum style: ``compact``, ``validate``, ``is_valid``).

Rule packs name validators; :data:`REGISTRY` maps those names to callables with the signature
``check(candidate: str, params: dict) -> Verdict | None`` (``None`` = rejected).
"""

from __future__ import annotations

from piscan.detection.validators.base import Verdict
from piscan.detection.validators.registry import REGISTRY, get_validator

__all__ = ["REGISTRY", "Verdict", "get_validator"]
