"""Parsed rule data comes from piscan's cache when its text was parsed before: equal to a fresh parse for
every built-in pack, re-parsed when the entry is damaged, never written for a user's config, and off
with PISCAN_CACHE_DIR=off."""

from __future__ import annotations

import datetime as dt

import pytest

from piscan import yamlio
from piscan.resources import rules_dir


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PISCAN_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_cached_packs_equal_a_fresh_parse(cache_dir):
    packs = sorted(rules_dir().glob("*.yaml"))
    assert len(packs) >= 5
    for p in packs:
        raw = p.read_bytes()
        fresh = yamlio._parse(raw)
        assert yamlio.load(raw, cached=True) == fresh  # parsed, then stored
        again = yamlio.load(raw, cached=True)  # from the cache
        assert again == fresh and list(again) == list(fresh), p.name  # (key order too)
    assert len(list(cache_dir.glob("yaml-*.marshal"))) == len(packs)


def test_each_load_returns_its_own_objects(cache_dir):
    raw = b"a: &x [1, 2]\nb: *x\n"
    first = yamlio.load(raw, cached=True)
    first["a"].append(3)
    second = yamlio.load(raw, cached=True)
    assert second == {"a": [1, 2], "b": [1, 2]}


def test_damaged_entry_is_parsed_again_and_dates_are_not_cached(cache_dir):
    raw = b"k: [1, 2, {v: x}]\n"
    assert yamlio.load(raw, cached=True) == {"k": [1, 2, {"v": "x"}]}
    (entry,) = cache_dir.glob("yaml-*.marshal")
    entry.write_bytes(entry.read_bytes()[:5])
    assert yamlio.load(raw, cached=True) == {"k": [1, 2, {"v": "x"}]}
    entry.unlink()
    assert yamlio.load(b"d: 2021-05-01\n", cached=True) == {"d": dt.date(2021, 5, 1)}
    assert not list(cache_dir.glob("yaml-*.marshal"))


def test_configs_are_not_cached_and_the_cache_can_be_off(cache_dir, monkeypatch):
    assert yamlio.load(b"organization: ACME\n") == {"organization": "ACME"}
    assert not list(cache_dir.iterdir())
    monkeypatch.setenv("PISCAN_CACHE_DIR", "off")
    assert yamlio.load(b"x: 1\n", cached=True) == {"x": 1}
    assert not list(cache_dir.iterdir())
    with pytest.raises(yamlio.YAMLError):
        yamlio.load(b"a: [1\n", cached=True)
