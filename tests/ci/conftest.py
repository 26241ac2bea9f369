"""Fixtures for the CI/signing tests (constants and the CLI runner live in ci_helpers.py)."""

from __future__ import annotations

import os

import pytest
from ci_helpers import CLI, SRC


@pytest.fixture
def cli(tmp_path_factory: pytest.TempPathFactory) -> CLI:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    env["CI"] = "true"
    env["PISCAN_FINGERPRINT_KEY"] = "piscan-test-fingerprint-key"
    env["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("xdg"))
    return CLI(env)
