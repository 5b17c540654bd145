"""A deleted data file stops `make all` and `make run` in one line naming it and its fix, before any notebook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = "data/extracts/cn_cities.csv"
LINE = f"✘ {EXTRACT}: missing; restore it with git checkout -- {EXTRACT} (or make extracts)"


@pytest.fixture
def tree_without_an_extract(tmp_path: Path) -> Path:
    """A copy of the project's Makefile, data, notebooks and sources, one extract removed."""
    dst = tmp_path / "project"
    dst.mkdir()
    for f in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / f, dst)
    for d in ("data", "notebooks", "src"):
        shutil.copytree(ROOT / d, dst / d, ignore=shutil.ignore_patterns("__pycache__"))
    (dst / EXTRACT).unlink()
    (dst / "stamp").touch()
    return dst


def _make(tree: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "CLUSTERS_ROOT": str(tree)}
    return subprocess.run(["make", "--no-print-directory", "-C", str(tree), *args, f"ENV_STAMP={tree / 'stamp'}",
                           f"PY={sys.executable}"], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("goal", [["all"], ["run", "NB=cn_resource_cities", "NAME=t"]])
def test_a_deleted_extract_is_one_line_with_the_fix(tree_without_an_extract, goal):
    got = _make(tree_without_an_extract, *goal)
    assert got.returncode != 0
    lines = got.stderr.splitlines()
    assert lines[0] == LINE, got.stderr
    assert "No rule to make target" not in got.stderr
    assert "▶" not in got.stdout  # no notebook started
    assert not (tree_without_an_extract / "build" / "notebooks").exists()
