"""Graded assignments: nbgrader generates the student versions and autogrades them.

The instructors' solutions get full marks; the untouched stubs get zero.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from clusterstudy.pipeline import grading, student

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


def test_autograde_gives_solutions_full_marks_and_stubs_zero(tmp_path, monkeypatch, capfd):
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
            log = grading.run(course, "autograde", name, who)
            # untouched locked cells are restored silently (stock nbgrader warns for each test cell)
            assert "has changed!" not in log, (name, who, log)
    # a plausible but wrong answer (a coefficient 1% off) passes the visible checks, not the hidden ones
    name = "cn_resource_cities"
    wrong = course / "submitted" / "wrong" / name / f"{name}.ipynb"
    wrong.parent.mkdir(parents=True)
    nb = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "model")
    cell.source = cell.source.replace("### END SOLUTION",
                                      'coefs.loc[coefs["term"] == "declining", "coef"] *= 1.01\n### END SOLUTION')
    test_cell = next(c for c in nb.cells if c.get("id") == "model-test")
    test_cell.source = test_cell.source.replace("assert", "assert True or", 1)  # tampering is still reported
    nbformat.write(nb, wrong)
    capfd.readouterr()
    log = grading.run(course, "autograde", name, "wrong")
    assert "Attribute 'checksum' for cell model-test has changed!" in log
    noise = capfd.readouterr().err
    # autograde is quiet: no SQLAlchemy autoflush warnings, no kernel start-up warning
    assert "SAWarning" not in noise and "without encryption" not in noise, noise
    # the feedback page: the failed test's one-line message, wrapped; no hidden test code, no traceback
    grading.run(course, "generate_feedback", name, "wrong")
    page = (course / "feedback" / "wrong" / name / f"{name}.html").read_text()
    assert grading.WRAP_CSS in page
    assert "coefficient of declining: expected" in page
    assert "HIDDEN TESTS" not in page and "fit_declining" not in page and "most recent call last" not in page
    scores = _scores(course)
    print(json.dumps({f"{a}/{w}": s for (a, w), s in scores.items()}))
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(name, "wrong").score == 0
    graded = _cells(course / "autograded" / "wrong" / name / f"{name}.ipynb")
    error = next(o for c in graded if c.get("id") == "model-test" for o in c.outputs if o.output_type == "error")
    # the hidden coefficient check says what differs: which model and term, expected vs got
    assert error.ename == "AssertionError"
    assert re.fullmatch(r"model declining vs other resource; county-level resource cities coded resource-bearing: "
                        r"coefficient of declining: expected (-?[\d.e+-]+), got (-?[\d.e+-]+)", error.evalue), error.evalue
    want, got = map(float, re.findall(r"(?:expected|got) (-?[\d.e+-]+)", error.evalue))
    assert got == pytest.approx(want * 1.01, rel=1e-4)
    for name, total in totals.items():
        assert scores[(name, "solutions")] == (total, total)
        assert scores[(name, "stubs")] == (0, total)


def test_prompts_name_what_their_tests_read(tmp_path):
    for name, exercises in student.ASSIGNMENTS.items():
        dest = tmp_path / f"{name}.ipynb"
        student.make_source(ROOT / "notebooks" / f"{name}.ipynb", dest, exercises)
        prompts = [c.source for c in _cells(dest) if c.get("id", "").endswith("-prompt")]
        for ex, prompt in zip(exercises, prompts, strict=True):
            variable = re.match(r"`(\w+)`", ex.expects).group(1)
            assert f"The test reads `{variable}`" in prompt, prompt
            assert re.search(rf"\b{variable}\b", ex.visible + ex.hidden), (name, ex.cell, variable)
            if ".fit" in ex.hidden:  # a model exercise names the outcome its hidden test fits
                outcome = re.search(r"`(\w+)`", ex.outcome).group(1)
                assert f"The outcome is {ex.outcome}" in prompt, prompt
                assert re.search(rf"[\"( ]{outcome}[\",)]", ex.hidden), (name, ex.cell, outcome)


def test_student_variant_stops_at_the_first_exercise_ready(tmp_path):
    """The README's per-student variant: a release notebook run as a variant ends with a ✔ line, exit 0."""
    name = "cn_resource_cities"
    course = tmp_path / "course"
    student.ASSIGNMENTS, saved = {name: student.ASSIGNMENTS[name]}, student.ASSIGNMENTS
    try:
        student.build(course)
    finally:
        student.ASSIGNMENTS = saved
    release = course / "release" / name / f"{name}.ipynb"
    env = {**os.environ, "CLUSTERS_ROOT": str(ROOT)}
    env.pop("CLUSTERS_OUTPUT_ROOT", None)
    got = subprocess.run([sys.executable, "-m", "clusterstudy.pipeline.runner", str(release), "--variant",
                          "pytest-student", "--set", "population=registered"],
                         capture_output=True, text=True, env=env)
    variant = ROOT / "build" / "variants" / "pytest-student"
    try:
        assert got.returncode == 0, got.stderr
        last = got.stdout.strip().splitlines()[-1]
        assert last.startswith("✔ build/variants/pytest-student/cn_resource_cities.ipynb: stopped at Exercise 1, "
                               "ready for the student"), last
        assert (variant / f"{name}.ipynb").is_file()
    finally:
        shutil.rmtree(variant, ignore_errors=True)


def test_make_clean_keeps_the_course_with_its_submission(tmp_path):
    """`make clean` over a course with a submission and a gradebook: both intact, and it says so."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    course = tmp_path / "build" / "student"
    submission = course / "submitted" / "alice" / "cn_resource_cities" / "cn_resource_cities.ipynb"
    submission.parent.mkdir(parents=True)
    submission.write_text('{"cells": []}')
    (course / "gradebook.db").write_bytes(b"SQLite format 3\x00")
    (tmp_path / "build" / "notebooks").mkdir()
    (tmp_path / "build" / "notebooks" / "x.ipynb").write_text("{}")
    (tmp_path / "build" / ".data-verified").write_text("")
    got = subprocess.run(["make", "-s", "clean"], cwd=tmp_path, capture_output=True, text=True)
    assert got.returncode == 0, got.stderr
    assert submission.read_text() == '{"cells": []}' and (course / "gradebook.db").is_file()
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == ["student"]
    assert "kept build/student/" in got.stdout
    shutil.rmtree(course)  # without a course, make clean removes build/ entirely
    got = subprocess.run(["make", "-s", "clean"], cwd=tmp_path, capture_output=True, text=True)
    assert got.returncode == 0 and not (tmp_path / "build").exists()
