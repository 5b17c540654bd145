"""Student versions: solutions replaced by exercises; each runs without error up to its first exercise."""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from clusterstudy import student

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

def _has_solutions(path: Path) -> bool:
    cells = json.loads(path.read_text())["cells"]
    return any("solution" in c.get("metadata", {}).get("tags", []) for c in cells)


WITH_SOLUTIONS = [p for p in NOTEBOOKS if _has_solutions(p)]


def test_required_notebooks_have_solution_cells():
    names = {p.stem for p in WITH_SOLUTIONS}
    assert {"eu_specialisation_innovation", "us_cluster_patenting"} <= names


@pytest.mark.parametrize("path", WITH_SOLUTIONS, ids=lambda p: p.stem)
def test_student_version_runs_up_to_its_first_exercise(path, tmp_path, monkeypatch):
    dest = tmp_path / path.name
    n = student.make_student(path, dest)
    nb = nbformat.read(dest, as_version=4)
    assert n >= 1
    assert not any("solution" in c.metadata.get("tags", []) for c in nb.cells)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    first = next(i for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", []))
    assert nb.cells[first - 1].source.startswith("**Exercise 1.**")
    nb.cells = nb.cells[:first]
    monkeypatch.setenv("CLUSTERS_OUTPUT_ROOT", str(tmp_path / "out"))
    NotebookClient(nb, kernel_name="clusters", timeout=300,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
