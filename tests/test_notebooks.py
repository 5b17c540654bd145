"""Committed notebooks are clean, parameterised, wired into the Makefile and reproduce."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from clusterstudy.pipeline import notebooks, verify

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


def _head(path: str) -> bytes | None:
    """The committed bytes of ``path`` in git HEAD (None if not committed)."""
    got = subprocess.run(["git", "-C", str(ROOT), "show", f"HEAD:{path}"], capture_output=True)
    return got.stdout if got.returncode == 0 else None


def test_nbval_run_reproduces_committed_outputs_byte_for_byte():
    """nbval (make nbval) writes the notebooks' outputs to build/nbval-out; they must equal
    the committed figures/ and tables/ as in git HEAD (not the working tree, which the build
    may just have rewritten); a PNG may differ only within verify.PNG_RMS_TOLERANCE."""
    if not NBVAL_OUT.is_dir():
        pytest.skip("no build/nbval-out: run `make nbval`, which runs nbval before this test")
    if _head("Makefile") is None:
        pytest.skip("not a git checkout: no committed results to compare with")
    produced = sorted(p for p in NBVAL_OUT.glob("*/*") if p.parent.name in ("figures", "tables"))
    assert produced, "nbval wrote no outputs"
    differing = []
    for p in produced:
        rel = str(p.relative_to(NBVAL_OUT))
        old = _head(rel)
        if old is None:
            differing.append(f"{rel}: not committed")
        elif old != p.read_bytes():
            ok, details = verify.describe_difference(rel, old, p.read_bytes())
            if not ok:
                differing.append(f"{rel}: {'; '.join(details) or 'bytes differ'}")
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_hold_no_warnings_or_machine_paths(path):
    """A warning on stderr carries this machine's paths, so nbval fails on any other checkout."""
    import json

    stderr = [c["id"] for c in json.loads(path.read_text())["cells"] for o in c.get("outputs", [])
              if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    assert not stderr, f"{path.name}: cells {stderr} write to stderr; silence or fix the warning at its source"

