"""Shared fixtures: a temporary copy of the project to corrupt, the project root, the figure theme."""

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


@pytest.fixture
def theme():
    """The project's figure theme for a test that draws; every figure closed after it.

    A module that draws in every test uses it with ``pytestmark = pytest.mark.usefixtures("theme")``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from clusterstudy.publish import figures

    figures.set_theme()
    yield
    plt.close("all")
