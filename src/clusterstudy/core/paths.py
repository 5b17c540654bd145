"""Where the project, its data and its outputs live.

The project root is found from the environment variable ``CLUSTERS_ROOT`` or by walking up
from the working directory (and then from this file) to the folder holding ``pyproject.toml``
and ``notebooks/``. Outputs go under ``CLUSTERS_OUTPUT_ROOT`` when it is set (the Makefile's
notebook runner points it at a staging folder, nbval at ``build/nbval-out``), else under the
project root.
"""

from __future__ import annotations

import os
from pathlib import Path


def _is_root(path: Path) -> bool:
    return (path / "pyproject.toml").is_file() and (path / "notebooks").is_dir()


def project_root() -> Path:
    """The compendium's top folder."""
    env = os.environ.get("CLUSTERS_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd().resolve(), Path(__file__).resolve()):
        for candidate in (start, *start.parents):
            if _is_root(candidate):
                return candidate
    raise RuntimeError("cannot find the compendium root; set CLUSTERS_ROOT")


def data_dir() -> Path:
    """``data/``: seed encodings and tidy extracts (inputs only; never written by notebooks)."""
    return project_root() / "data"


def output_root() -> Path:
    """Folder under which ``figures/``, ``tables/`` and ``build/meta/`` are written."""
    env = os.environ.get("CLUSTERS_OUTPUT_ROOT")
    return Path(env).resolve() if env else project_root()


def output_path(kind: str, filename: str) -> Path:
    """Path of an output file of ``kind`` ('figures' or 'tables')."""
    if kind not in ("figures", "tables"):
        raise ValueError(f"unknown output kind {kind!r}; expected 'figures' or 'tables'")
    return output_root() / kind / filename


def meta_path(kind: str, filename: str) -> Path:
    """Sidecar JSON recording the caption and source of an output."""
    return output_root() / "build" / "meta" / kind / f"{filename}.json"


def mirror_dir() -> Path:
    """The source-data mirror (``CLUSTERS_MIRROR``, default ``../shared/data``)."""
    env = os.environ.get("CLUSTERS_MIRROR")
    return Path(env).resolve() if env else (project_root().parent / "shared" / "data").resolve()
