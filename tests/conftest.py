"""Test-wide settings: a fixed fingerprint key (never touch the user's ~/.config) and a fixed scan date."""

from __future__ import annotations

import os

import pytest

TEST_KEY = "piscan-test-fingerprint-key"


@pytest.fixture(autouse=True)
def _fingerprint_key(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("PISCAN_FINGERPRINT_KEY", TEST_KEY)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


os.environ.setdefault("PISCAN_FINGERPRINT_KEY", TEST_KEY)
