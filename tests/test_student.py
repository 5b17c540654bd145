"""Graded assignments: nbgrader generates the student versions and autogrades them.

The instructors' solutions get full marks; the untouched stubs get zero.
"""

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from clusterstudy.build import student

ROOT = Path(__file__).resolve().parents[1]


def _cells(path: Path) -> list:
    return nbformat.read(path, as_version=4).cells


def test_every_exercise_names_a_solution_cell_of_its_notebook():
    for name, exercises in student.ASSIGNMENTS.items():
        cells = {c.get("id"): c for c in _cells(ROOT / "notebooks" / f"{name}.ipynb")}
        for ex in exercises:
            assert "solution" in cells[ex.cell].metadata.get("tags", []), (name, ex.cell)
            assert "### BEGIN HIDDEN TESTS" not in ex.hidden and ex.hidden.strip() and ex.visible.strip()


def test_source_version_carries_nbgrader_metadata(tmp_path):
    name = "cn_resource_cities"
    dest = tmp_path / name / f"{name}.ipynb"
    points = student.make_source(ROOT / "notebooks" / f"{name}.ipynb", dest, student.ASSIGNMENTS[name])
    assert points == sum(e.points for e in student.ASSIGNMENTS[name])
    cells = _cells(dest)
    sol = [c for c in cells if c.metadata.get("nbgrader", {}).get("solution")]
    tests = [c for c in cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert len(sol) == len(tests) == len(student.ASSIGNMENTS[name])
    assert all(c.source.startswith("### BEGIN SOLUTION\n") and c.source.endswith("### END SOLUTION") for c in sol)
    assert all("### BEGIN HIDDEN TESTS" in c.source and c.metadata["nbgrader"]["locked"] for c in tests)
    assert all(not c.get("outputs") for c in cells if c.cell_type == "code")
    assert len({c.metadata["nbgrader"]["grade_id"] for c in sol + tests}) == 2 * len(sol)


def test_unknown_exercise_cell_is_a_one_line_error(tmp_path):
    bad = (student.Exercise("no-such-cell", 1, "assert True\n", "assert True\n"),)
    with pytest.raises(ValueError, match="no cell with id 'no-such-cell'"):
        student.make_source(ROOT / "notebooks" / "cn_resource_cities.ipynb", tmp_path / "x.ipynb", bad)


def _scores(course: Path) -> dict[tuple[str, str], tuple[float, float]]:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for name in student.ASSIGNMENTS:
            for who in ("solutions", "stubs"):
                sub = gb.find_submission(name, who)
                out[(name, who)] = (sub.score, sub.max_score)
    return out


def test_autograde_gives_solutions_full_marks_and_stubs_zero(tmp_path, monkeypatch):
    course = tmp_path / "course"
    monkeypatch.setenv("CLUSTERS_ROOT", str(ROOT))
    monkeypatch.setenv("CLUSTERS_OUTPUT_ROOT", str(tmp_path / "outputs"))  # never the committed results
    totals = student.build(course)
    for name in student.ASSIGNMENTS:
        release = course / "release" / name / f"{name}.ipynb"
        stubs = [c for c in _cells(release) if c.metadata.get("nbgrader", {}).get("solution")]
        assert stubs and all("raise NotImplementedError()" in c.source for c in stubs)
        assert all("HIDDEN TESTS" not in c.source for c in _cells(release))
        for who, src in (("solutions", course / "source" / name), ("stubs", course / "release" / name)):
            shutil.copytree(src, course / "submitted" / who / name)
        for who in ("solutions", "stubs"):
            student.nbgrader(course, "autograde", name, who)
    # a plausible but wrong answer (a coefficient 1% off) passes the visible checks, not the hidden ones
    name = "cn_resource_cities"
    wrong = course / "submitted" / "wrong" / name / f"{name}.ipynb"
    wrong.parent.mkdir(parents=True)
    nb = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "model")
    cell.source = cell.source.replace("### END SOLUTION",
                                      'coefs.loc[coefs["term"] == "declining", "coef"] *= 1.01\n### END SOLUTION')
    nbformat.write(nb, wrong)
    student.nbgrader(course, "autograde", name, "wrong")
    scores = _scores(course)
    print(json.dumps({f"{a}/{w}": s for (a, w), s in scores.items()}))
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(name, "wrong").score == 0
    graded = _cells(course / "autograded" / "wrong" / name / f"{name}.ipynb")
    error = next(o for c in graded if c.get("id") == "model-test" for o in c.outputs if o.output_type == "error")
    assert (error.ename, error.evalue) == ("AssertionError", "declining")  # the hidden coefficient check
    for name, total in totals.items():
        assert scores[(name, "solutions")] == (total, total)
        assert scores[(name, "stubs")] == (0, total)
