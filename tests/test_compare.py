"""`make compare NAME=…`: a variant's estimates beside the default's, only where they differ."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from clusterstudy.core.errors import DataError
from clusterstudy.pipeline import compare

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLUSTERS_ROOT", str(tmp_path))
    rows = {"model": ["m1", "m1", "m2"], "term": ["Intercept", "x", "x"], "coef": [1.0, 0.25, 0.5],
            "p": [0.01, 0.04, 0.2]}
    (tmp_path / "tables").mkdir()
    pd.DataFrame(rows).to_csv(tmp_path / "tables" / "reg.csv", index=False)
    pd.DataFrame({"a": [1, 2]}).to_csv(tmp_path / "tables" / "plain.csv", index=False)
    var = tmp_path / "build" / "variants" / "v"
    (var / "tables").mkdir(parents=True)
    changed = pd.DataFrame(rows).assign(coef=[2.0, 0.25, -0.125], p=[0.01, 0.04, 0.6])
    changed.to_csv(var / "tables" / "reg.csv", index=False)
    pd.DataFrame({"a": [1, 3]}).to_csv(var / "tables" / "plain.csv", index=False)
    pd.DataFrame({"b": [1]}).to_csv(var / "tables" / "new.csv", index=False)
    (var / "build" / "meta" / "runs").mkdir(parents=True)
    (var / "build" / "meta" / "runs" / "nb.json").write_text(json.dumps(
        {"notebook": "notebooks/nb.ipynb", "parameters": {"measure": "hhi"}}))
    return tmp_path


def test_only_the_estimates_that_differ_are_shown_default_then_variant(project):
    lines = compare.report("v")
    assert lines[0] == 'variant v: notebooks/nb.ipynb with {"measure": "hhi"}'
    assert "tables/new.csv: only in the variant (no default table of that name)" in lines
    at = lines.index("tables/reg.csv:")
    # the intercept changed too, but is not an estimate of interest; m1's x is the same
    assert lines[at + 1] == "  m2 | x: +0.5000 (p 0.200) -> -0.1250 (p 0.600)"
    assert lines[lines.index("tables/plain.csv:") + 1] == "  differs (2 -> 2 rows)"


def test_an_unknown_variant_is_one_line_naming_the_known_ones(project):
    with pytest.raises(DataError, match=r"no variant 'w' under build/variants/ \(known: v\)"):
        compare.report("w")


def test_make_compare_without_a_name_says_how(tmp_path):
    got = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "-o", "build/deps.mk", "compare",
                          f"ENV_STAMP={ROOT / 'Makefile'}", f"PY={sys.executable}"],
                         capture_output=True, text=True, env={**os.environ})
    assert got.returncode == 2 and got.stderr.startswith("✘ usage: make compare NAME=")
