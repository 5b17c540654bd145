"""A content-addressed cache of arrays in ``build/cache/`` for slow, deterministic computations.

A result is stored under a key that hashes every input that made it (arrays byte for byte,
tables, parameters and the source text of the code that computes it), so it is reused only
when a recomputation would give exactly the same arrays. ``make clean`` removes the cache;
``CLUSTERS_CACHE=0`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from clusterstudy.core import atomic, paths


def _feed(h: hashlib._Hash, part: object) -> None:
    if isinstance(part, np.ndarray):
        h.update(f"nd{part.dtype.str}{part.shape}".encode())
        h.update(np.ascontiguousarray(part).tobytes())
    elif isinstance(part, pd.DataFrame | pd.Series):
        h.update(b"pd")
        h.update(part.to_csv(float_format="%.17g").encode())
    elif isinstance(part, bytes):
        h.update(b"b" + part)
    elif isinstance(part, str | int | float | bool) or part is None:
        h.update(f"{type(part).__name__}:{part!r}".encode())
    elif isinstance(part, dict):
        for k in sorted(part, key=str):
            _feed(h, str(k))
            _feed(h, part[k])
    elif isinstance(part, Iterable):
        h.update(b"[")
        for p in part:
            _feed(h, p)
        h.update(b"]")
    else:
        raise TypeError(f"cannot hash a {type(part).__name__} for the cache key")


def key(*parts: object) -> str:
    """The sha256 of ``parts`` (arrays, tables, strings, numbers, and nested lists or dicts of them)."""
    h = hashlib.sha256()
    for p in parts:
        _feed(h, p)
    return h.hexdigest()


def source(*files: str | Path) -> list[bytes]:
    """The bytes of source files, for a key that changes when the code changes."""
    return [Path(f).read_bytes() for f in files]


def arrays(name: str, digest: str, compute: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """``compute()`` once per ``digest``; later calls with the same digest load the stored arrays."""
    if os.environ.get("CLUSTERS_CACHE", "1") == "0":
        return compute()
    path = paths.project_root() / "build" / "cache" / f"{name}-{digest[:24]}.npz"
    if path.is_file():
        try:
            with np.load(path) as stored:
                return {k: stored[k] for k in stored.files}
        except (OSError, ValueError):
            path.unlink(missing_ok=True)  # a damaged entry is recomputed
    result = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_with(path, lambda f: np.savez(f, **result))  # type: ignore[arg-type]
    return result
