"""``make student``: graded assignments made from the notebooks, in nbgrader's format.

The exercises are declared here (:data:`ASSIGNMENTS`), not in the notebooks: each names a
code cell of a notebook (tagged ``solution`` by the notebook's author; its first line may be
``# Exercise: <prompt>``) and the test of the student's answer. ``make student`` writes an
nbgrader course in ``build/student/``:

- ``source/<notebook>/<notebook>.ipynb``: the instructor's version. Each exercise becomes a
  prompt (markdown), the solution between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (an
  nbgrader solution cell) and a locked, autograded test cell: mild visible asserts, then
  the real check between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` (the student's
  count or coefficient against the one the data give, recomputed with the compendium's own
  functions). Outputs are cleared; a first cell sends the notebook's figures and tables to
  ``outputs/`` beside it, so a student never overwrites the committed results.
- ``release/<notebook>/``: the student version (``nbgrader generate_assignment``), where each
  solution is a stub that raises ``NotImplementedError`` and the hidden tests are removed.

Grade with ``nbgrader autograde`` in ``build/student/`` (see the README, "For instructors").
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from clusterstudy.core import paths

TAG = "solution"
SCHEMA_VERSION = 3
DEFAULT_PROMPT = "Write the code for this step, using the functions of `clusterstudy`."
COURSE_ID = "clusters"


@dataclass(frozen=True)
class Exercise:
    """One exercise: the solution cell's id, its points, and the test code.

    ``visible`` holds mild checks the student sees; ``hidden`` the check against the data
    (names starting with ``_`` keep the test's variables out of the student's way).
    """

    cell: str
    points: int
    visible: str
    hidden: str


_EU_EXPECTED = ("_expected, _ = europe.region_indicators(\n"
                "    period, sectors, min_cell_share, size_quantile=size_quantile, focus_quantile=focus_quantile,\n"
                "    min_stars=min_stars, complete_years=complete_years, lq_threshold=lq_threshold,\n"
                "    star_quantile=star_quantile, gini_cutoff=gini_cutoff, suppressed=suppressed)\n")
_US_EXPECTED = "_expected = us_regions.region_indicators(geography, (patent_start, patent_end), min_employment)\n"

ASSIGNMENTS: dict[str, tuple[Exercise, ...]] = {
    "eu_specialisation_innovation": (
        Exercise("sample", 2,
                 visible='assert isinstance(regions, pd.DataFrame), "regions should be a DataFrame"\n'
                         'assert {"nuts2", measure} <= set(regions.columns), "regions needs nuts2 and the measure"\n',
                 hidden=_EU_EXPECTED
                 + 'assert len(regions) == len(_expected), f"{len(regions)} regions; the data give {len(_expected)}"\n'
                   'assert set(regions["nuts2"]) == set(_expected["nuts2"])\n'
                   'import numpy as _np\n'
                   '_m = regions.set_index("nuts2")[measure].reindex(_expected["nuts2"]).to_numpy(dtype=float)\n'
                   '_e = _expected[measure].to_numpy(dtype=float)\n'
                   'assert _np.allclose(_m, _e, rtol=1e-9, equal_nan=True), measure\n'),
        Exercise("models", 3,
                 visible='assert {"model", "term", "coef", "se", "p"} <= set(table.columns)\n'
                         'assert measure in set(table["term"])\n',
                 # models (2) and (3) of europe.fit_models: log patents per million on the standardised
                 # measure, size and controls, errors clustered by country; (3) adds country fixed effects
                 hidden=_EU_EXPECTED
                 + "_ctrl = [size_control, *controls]\n"
                   '_d = models.prepare(_expected, "patents_per_million", measure, _ctrl, zero_patents, cluster="country")\n'
                   '_specs = [("(2) size + controls", None)] + ([("(3) + country FE", "country")] if country_fe else [])\n'
                   "for _model, _fe in _specs:\n"
                   "    _res = models.fit(_d, measure, _ctrl, _fe, se, standardise=True)\n"
                   "    _row = table[(table[\"model\"] == _model) & (table[\"term\"] == measure)]\n"
                   "    assert len(_row) == 1, f\"one row for the measure in model {_model}\"\n"
                   "    assert abs(_row[\"coef\"].iloc[0] - _res.params[measure]) < 1e-6, measure\n"
                   "    assert abs(_row[\"se\"].iloc[0] - _res.bse[measure]) < 1e-6, _model\n"
                   "    assert int(_row[\"n\"].iloc[0]) == int(_res.nobs), _model\n"),
    ),
    "us_cluster_patenting": (
        Exercise("indicators", 2,
                 visible='assert isinstance(regions, pd.DataFrame) and len(regions) > 0\n'
                         'assert "patents_per_10k_employees" in regions.columns\n',
                 hidden=_US_EXPECTED
                 + 'assert len(regions) == len(_expected), f"{len(regions)} regions; the data give {len(_expected)}"\n'
                   'assert set(regions["region_code"]) == set(_expected["region_code"])\n'),
        Exercise("models", 3,
                 visible='assert {"model", "term", "coef", "se", "p"} <= set(table.columns)\n'
                         'assert set(us_regions.MEASURES) <= set(table["term"]), "one set of models per measure"\n',
                 # every specification of us_regions.SPECS for every measure, models named "<measure>: <spec>"
                 hidden=_US_EXPECTED
                 + "from clusterstudy.estimation import models as _models  # the notebook does not import it\n"
                   "_frame = us_regions.model_frame(_expected)\n"
                   "for _m in us_regions.MEASURES:\n"
                   "    for _spec, _ctrl in us_regions.SPECS.items():\n"
                   "        _d = _models.prepare(_frame, \"patents_per_10k_employees\", _m, _ctrl, cluster=\"state\")\n"
                   "        _res = _models.fit(_d, _m, _ctrl, None, se, cluster=\"state\", standardise=True)\n"
                   "        _row = table[(table[\"model\"] == f\"{_m}: {_spec}\") & (table[\"term\"] == _m)]\n"
                   "        assert len(_row) == 1, f\"one row for {_m} in model {_m}: {_spec}\"\n"
                   "        assert abs(_row[\"coef\"].iloc[0] - _res.params[_m]) < 1e-6, _m\n"
                   "        assert abs(_row[\"se\"].iloc[0] - _res.bse[_m]) < 1e-6, f\"{_m}: {_spec}\"\n"
                   "        assert int(_row[\"n\"].iloc[0]) == int(_res.nobs), f\"{_m}: {_spec}\"\n"),
    ),
    "cn_resource_cities": (
        Exercise("model", 3,
                 visible='assert {"model", "term", "coef"} <= set(coefs.columns)\n'
                         'assert any(m.startswith("declining vs other resource") for m in set(coefs["model"]))\n',
                 hidden="_res, _ = china_cities.fit_declining(cities, y, coding=\"coded\")\n"
                        "_model = \"declining vs other resource; county-level resource cities coded resource-bearing\"\n"
                        "for _t in (\"declining\", \"other_resource\"):\n"
                        "    _row = coefs[(coefs[\"model\"] == _model) & (coefs[\"term\"] == _t)]\n"
                        "    assert len(_row) == 1, f\"one row for {_t}\"\n"
                        "    assert abs(_row[\"coef\"].iloc[0] - _res.params[_t]) < 1e-6, _t\n"
                        "    assert int(_row[\"n\"].iloc[0]) == int(_res.nobs)\n"),
    ),
}

OUTPUTS_CELL = ('import os\n\n'
                '# a student\'s figures and tables go to outputs/ beside this notebook, not to the compendium\'s\n'
                'os.environ.setdefault("CLUSTERS_OUTPUT_ROOT", "outputs")')


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
          points: int | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def _prompt(source: str) -> tuple[str, str]:
    """Split a solution's ``# Exercise: <prompt>`` first line from its code."""
    first, _, rest = source.partition("\n")
    if first.startswith("# Exercise:"):
        return first.removeprefix("# Exercise:").strip(), rest.strip("\n")
    return DEFAULT_PROMPT, source.strip("\n")


def make_source(src: Path, dest: Path, exercises: tuple[Exercise, ...]) -> int:
    """Write the nbgrader source version of notebook ``src`` to ``dest``; return its points."""
    nb = nbformat.read(src, as_version=4)
    by_cell = {e.cell: e for e in exercises}
    ids = {c.get("id") for c in nb.cells}
    missing = sorted(set(by_cell) - ids)
    if missing:
        raise ValueError(f"{src.name}: no cell with id {missing[0]!r} for its exercise; "
                         "update clusterstudy.build.student.ASSIGNMENTS")
    cells, n, points = [], 0, 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        ex = by_cell.get(cell.get("id"))
        if ex is None:
            cells.append(cell)
            if cell.get("id") == "parameters" or "parameters" in cell.metadata.get("tags", []):
                out = nbformat.v4.new_code_cell(OUTPUTS_CELL)
                out.id = "student-outputs"
                cells.append(out)
            continue
        if TAG not in cell.metadata.get("tags", []):
            raise ValueError(f"{src.name}: cell {ex.cell!r} is not tagged {TAG!r}")
        n += 1
        points += ex.points
        prompt, code = _prompt(cell.source)
        md = nbformat.v4.new_markdown_cell(f"**Exercise {n}** ({ex.points} points). {prompt}")
        md.id = f"{ex.cell}-prompt"
        cell.source = f"### BEGIN SOLUTION\n{code}\n### END SOLUTION"
        cell.metadata["nbgrader"] = _meta(f"{ex.cell}-solution", solution=True)
        test = nbformat.v4.new_code_cell(
            f"# Test of exercise {n}: mild checks you can see; the grader also checks your result against the data\n"
            f"{ex.visible}### BEGIN HIDDEN TESTS\n{ex.hidden}### END HIDDEN TESTS")
        test.id = f"{ex.cell}-test"
        test.metadata["nbgrader"] = _meta(f"{ex.cell}-test", grade=True, locked=True, points=ex.points)
        cells += [md, cell, test]
    nb.cells = cells
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    return points


def nbgrader(course: Path, command: str, assignment: str, student: str | None = None) -> None:
    """Run nbgrader's ``generate_assignment`` or ``autograde`` (its Python API) in ``course``.

    Raises with the end of nbgrader's log on failure.
    """
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.course_id = COURSE_ID
    config.ExecutePreprocessor.timeout = 600
    # nbgrader runs the ``alembic`` executable of its environment to set up the gradebook
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"
    api = NbGraderAPI(config=config)
    if command == "generate_assignment":
        result = api.generate_assignment(assignment, force=True, create=True)
    elif command == "autograde":
        result = api.autograde(assignment, student, force=True, create=True)
    else:
        raise ValueError(f"unknown nbgrader command {command!r}; use generate_assignment or autograde")
    if not result["success"]:
        tail = (result.get("error") or result.get("log") or "").strip().splitlines()[-5:]
        raise RuntimeError(f"nbgrader {command} {assignment} failed: " + " | ".join(tail))


def build(course: Path, release: bool = True) -> dict[str, int]:
    """Write the nbgrader course (source tree, and the student release); return points per assignment."""
    root = paths.project_root()
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        "c.ExecutePreprocessor.timeout = 600\n", encoding="utf-8")
    totals = {}
    for name, exercises in ASSIGNMENTS.items():
        totals[name] = make_source(root / "notebooks" / f"{name}.ipynb",
                                   course / "source" / name / f"{name}.ipynb", exercises)
        if release:
            nbgrader(course, "generate_assignment", name)
    return totals


def main() -> int:
    course = paths.project_root() / "build" / "student"
    for name, pts in build(course).items():
        print(f"✔ build/student/source/{name}/{name}.ipynb and release/{name}/: {pts} points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
