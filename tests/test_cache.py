"""The content-addressed cache: reused only for byte-identical inputs, recomputed otherwise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterstudy.core import cache


@pytest.fixture
def root(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    monkeypatch.setenv("CLUSTERS_ROOT", str(tmp_path))
    monkeypatch.delenv("CLUSTERS_CACHE", raising=False)
    return tmp_path


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return {"a": np.arange(4.0) * len(calls)}
    return calls, compute


def test_same_inputs_reuse_the_stored_arrays(root):
    calls, compute = _counter()
    k = cache.key(np.ones(3), pd.DataFrame({"x": [1.5]}), "code", 7)
    first = cache.arrays("t", k, compute)
    second = cache.arrays("t", k, compute)
    assert len(calls) == 1
    np.testing.assert_array_equal(first["a"], second["a"])
    assert list((root / "build" / "cache").glob("t-*.npz"))


def test_any_changed_input_changes_the_key():
    base = cache.key(np.ones(3), "code", [1, 2], {"b": 1})
    assert base != cache.key(np.ones(3) + 1e-12, "code", [1, 2], {"b": 1})
    assert base != cache.key(np.ones(3, dtype=np.float32), "code", [1, 2], {"b": 1})
    assert base != cache.key(np.ones(3), "code!", [1, 2], {"b": 1})
    assert base != cache.key(np.ones(3), "code", [1, 3], {"b": 1})
    assert base == cache.key(np.ones(3), "code", [1, 2], {"b": 1})


def test_damaged_entry_is_recomputed_and_cache_can_be_turned_off(root, monkeypatch):
    calls, compute = _counter()
    k = cache.key("x")
    cache.arrays("t", k, compute)
    (entry,) = (root / "build" / "cache").glob("t-*.npz")
    entry.write_bytes(b"not an npz")
    cache.arrays("t", k, compute)
    assert len(calls) == 2
    monkeypatch.setenv("CLUSTERS_CACHE", "0")
    cache.arrays("t", k, compute)
    assert len(calls) == 3
