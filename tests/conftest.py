"""Shared fixtures: a temporary copy of the project to corrupt, and the project root."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of pyproject.toml, data/ and notebooks/ in tmp_path, set as the project root."""
    dst = tmp_path / "project"
    dst.mkdir()
    shutil.copy(ROOT / "pyproject.toml", dst)
    shutil.copytree(ROOT / "data", dst / "data")
    shutil.copytree(ROOT / "notebooks", dst / "notebooks")
    monkeypatch.setenv("CLUSTERS_ROOT", str(dst))
    monkeypatch.setenv("CLUSTERS_OUTPUT_ROOT", str(dst))
    return dst
