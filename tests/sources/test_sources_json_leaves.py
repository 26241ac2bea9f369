"""The compiled JSON leaf walk (``piscan.sources.json_leaves``) yields what the interpreted walk it replaced
did, and ``collect`` counts every leaf and queues exactly those holding a candidate value."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from piscan.sources.json_leaves import collect, leaves


def reference_leaves(obj: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """The walk as json_source had it before it was compiled."""
    stack = [(path, obj)]
    while stack:
        p, o = stack.pop()
        if isinstance(o, dict):
            for k, v in reversed(list(o.items())):
                stack.append((f"{p}.{k}" if p else str(k), v))
        elif isinstance(o, list):
            for v in reversed(o):
                stack.append((f"{p}[]", v))
        elif o is None or isinstance(o, bool):
            continue
        else:
            yield p, o if isinstance(o, str) else repr(o) if isinstance(o, float) else str(o)


def _value(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randrange(-10**20, 10**20)
    if kind == 3:
        return rng.uniform(-1e6, 1e6)
    if kind in (4, 5):
        return rng.choice(["13812345678", "手机 13900001111", "", "x", "11010519491231002X", "6222 0202"])
    if kind in (6, 7):
        return {rng.choice(["a", "phone", "身份证", "id_card", "k.v", ""]) + str(i): _value(rng, depth + 1)
                for i in range(rng.randrange(4))}
    return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]


def test_leaves_equal_the_interpreted_walk():
    rng = random.Random(3)
    for _ in range(3000):
        obj = _value(rng, 0)
        assert list(leaves(obj)) == list(reference_leaves(obj)), obj
    assert list(leaves({"a": {"b": [1, None, "x"]}, "c": 2.5, "d": True})) == [
        ("a.b[]", "1"), ("a.b[]", "x"), ("c", "2.5")]


def test_collect_counts_every_leaf_and_queues_those_with_a_candidate():
    rng = random.Random(4)
    choices = [None, {}, {"13812345678": (2,)}, {"13900001111": (2, 5), "x": (0,)},
               {"11010519491231002X": (0,), "13812345678": (2,)}]
    for _ in range(1000):
        obj = _value(rng, 0)
        values = rng.choice(choices)
        counts: dict[tuple[str | None, str], int] = {("", "other"): 1} if rng.random() < 0.1 else {}
        before = dict(counts)
        pending: dict[str, list[tuple[Any, ...]]] = {}
        unscanned = collect(obj, values, counts, pending, 7, "3")
        want_counts, want_pending, want_unscanned = dict(before), {}, 0
        for path, text in reference_leaves(obj):
            col = path or "$"
            want_counts[(None, col)] = want_counts.get((None, col), 0) + 1
            pats = None
            if values is not None:
                held = sorted({p for v, pids in values.items() if v in text for p in pids})
                if not held:
                    want_unscanned += len(text)
                    continue
                pats = tuple(held)
            want_pending.setdefault(col, []).append((text, 7, 0, "3", pats))
        assert (counts, pending, unscanned) == (want_counts, want_pending, want_unscanned), obj
