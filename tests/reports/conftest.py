"""Fixtures for the report tests (helpers and constants live in reports_helpers.py)."""

from __future__ import annotations

from typing import Any

import pytest
from reports_helpers import HERE, normalise, scan_doc


@pytest.fixture
def golden_doc(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(HERE / "data")
    return normalise(scan_doc("golden.log"))
