"""Fixtures for the Presidio adapter tests (skipped when presidio-analyzer is not installed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("presidio_analyzer")
sys.path.insert(0, str(Path(__file__).parent))

import presidio_corpus

from piscan.detection.detector import Detector
from piscan.detection.rules import load_packs


@pytest.fixture(scope="session")
def corpus() -> presidio_corpus.Corpus:
    return presidio_corpus.generate(4000)


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector(load_packs())


@pytest.fixture(scope="session")
def analyzer():
    from piscan.presidio import build_analyzer

    return build_analyzer()
