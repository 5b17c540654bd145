"""Committed notebooks are clean, parameterised, wired into the Makefile and reproduce."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from clusterstudy import notebooks

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NBVAL_OUT = ROOT / "build" / "nbval-out"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean_and_parameterised(path):
    nb = json.loads(path.read_text())
    assert notebooks.problems(nb) == []
    assert nb["metadata"]["kernelspec"]["name"] == "clusters"
    assert path.read_text() == notebooks.dumps(notebooks.clean(nb))


def test_every_notebook_has_a_make_rule():
    listed = subprocess.run(["make", "-s", "-f", "Makefile", "--eval",
                             "print-nbs: ; @echo $(NOTEBOOKS)", "print-nbs"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert sorted(listed) == sorted(p.stem for p in NOTEBOOKS)


def test_nbval_run_reproduces_committed_outputs_byte_for_byte():
    """nbval (make test) writes the notebooks' outputs to build/nbval-out; they must equal
    the committed figures/ and tables/ exactly."""
    if not NBVAL_OUT.is_dir():
        pytest.skip("no build/nbval-out: run `make test`, which runs nbval before this test")
    produced = sorted(p for p in NBVAL_OUT.glob("*/*") if p.parent.name in ("figures", "tables"))
    assert produced, "nbval wrote no outputs"
    differing = [str(p.relative_to(NBVAL_OUT)) for p in produced
                 if not (ROOT / p.relative_to(NBVAL_OUT)).is_file()
                 or (ROOT / p.relative_to(NBVAL_OUT)).read_bytes() != p.read_bytes()]
    assert differing == []


def test_clean_strips_papermill_noise():
    nb = {"cells": [{"cell_type": "code", "id": "a", "source": "", "execution_count": 1,
                     "metadata": {"papermill": {"duration": 1.0}, "tags": ["parameters"]},
                     "outputs": []}],
          "metadata": {"papermill": {}, "kernelspec": {"name": "clusters"},
                       "language_info": {"name": "python", "version": "3.11.7"}}}
    cleaned = notebooks.clean(nb)
    assert cleaned["metadata"] == {"kernelspec": {"name": "clusters"},
                                   "language_info": {"name": "python"}}
    assert cleaned["cells"][0]["metadata"] == {"tags": ["parameters"]}
    assert re.search("papermill", notebooks.dumps(cleaned)) is None
