"""Reviewers' conveniences: `make clean` keeps variant runs and says so; `make test-nb` runs one notebook."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_clean_keeps_the_variant_runs_and_says_so(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path)
    for f in ("build/variants/mine/tables/t.csv", "build/notebooks/nb.ipynb", "build/meta/runs/nb.json"):
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("x")
    got = subprocess.run(["make", "--no-print-directory", "-C", str(tmp_path), "clean"],
                         capture_output=True, text=True, check=True)
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == ["variants"]
    assert (tmp_path / "build/variants/mine/tables/t.csv").is_file()
    assert "kept build/variants/" in got.stdout


def test_test_nb_runs_nbval_on_one_notebook(tmp_path):
    stamp = tmp_path / "stamp"
    stamp.touch()
    got = subprocess.run(["make", "--no-print-directory", "-n", "-C", str(ROOT), "-o", "build/deps.mk", "test-nb",
                          "NB=resource_city_clusters", f"ENV_STAMP={stamp}"], capture_output=True, text=True, check=True)
    assert "--nbval" in got.stdout and "nb='resource_city_clusters'" in got.stdout


def test_help_written_to_a_file_has_no_colour_codes(tmp_path):
    out = tmp_path / "help.txt"
    with out.open("w") as f:
        subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "help"], stdout=f, check=True)
    text = out.read_text()
    assert "\x1b[" not in text and "  all " in text
