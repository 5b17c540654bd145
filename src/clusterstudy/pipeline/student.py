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

Grade with ``nbgrader autograde`` and ``nbgrader generate_feedback`` in ``build/student/`` (see the
README, "For instructors"); :mod:`clusterstudy.pipeline.grading` holds the settings they use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from clusterstudy.core import paths

TAG = "solution"
SCHEMA_VERSION = 3
DEFAULT_PROMPT = "Write the code for this step, using the functions of `clusterstudy`."


@dataclass(frozen=True)
class Exercise:
    """One exercise: the solution cell's id, its points, the test code and what it expects.

    ``visible`` holds mild checks the student sees; ``hidden`` the check against the data
    (names starting with ``_`` keep the test's variables out of the student's way; each
    assertion says what differs: expected vs got, and for which model or term); ``expects``
    names the variable the test reads and what it must hold, ``outcome`` the outcome a model
    exercise must use, its variable in backticks (both shown in the prompt).
    """

    cell: str
    points: int
    visible: str
    hidden: str
    expects: str = ""
    outcome: str = ""


# one line of a hidden test: the student's number against the data's, saying which and by how much
_SAME = ("    _got, _want = float(_row[\"{col}\"].iloc[0]), float({want})\n"
         "    assert abs(_got - _want) < 1e-6, f\"model {{_model}}: {what}: expected {{_want:.6g}}, got {{_got:.6g}}\"\n")
_SAME_N = ("    assert int(_row[\"n\"].iloc[0]) == int(_res.nobs), "
           "f\"model {_model}: expected n = {int(_res.nobs)}, got {int(_row['n'].iloc[0])}\"\n")


def _indent(code: str) -> str:
    return "".join("    " + line for line in code.splitlines(keepends=True))


_EU_EXPECTED = ("_expected, _ = eu_sample.region_indicators(\n"
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
                 + 'assert len(regions) == len(_expected), f"regions: expected {len(_expected)} rows, got {len(regions)}"\n'
                   '_extra = sorted(set(regions["nuts2"]) - set(_expected["nuts2"]))\n'
                   '_lost = sorted(set(_expected["nuts2"]) - set(regions["nuts2"]))\n'
                   'assert not _extra and not _lost, f"regions: unexpected {_extra[:5]}, missing {_lost[:5]}"\n'
                   'import numpy as _np\n'
                   '_m = regions.set_index("nuts2")[measure].reindex(_expected["nuts2"]).to_numpy(dtype=float)\n'
                   '_e = _expected[measure].to_numpy(dtype=float)\n'
                   '_off = ~_np.isclose(_m, _e, rtol=1e-9, equal_nan=True)\n'
                   'assert not _off.any(), (f"{measure} of {_expected[\'nuts2\'].to_numpy()[_off][0]}: expected "\n'
                   '    f"{_e[_off][0]:.6g}, got {_m[_off][0]:.6g} ({_off.sum()} regions differ)")\n',
                 expects="`regions`: a DataFrame with one row per region of the sample, columns `nuts2` and "
                         "the measure (`eu_sample.region_indicators` with the parameters above)"),
        Exercise("models", 3,
                 visible='assert {"model", "term", "coef", "se", "p"} <= set(table.columns)\n'
                         'assert measure in set(table["term"])\n',
                 # models (2) and (3) of eu_models.fit_models: log patents per million on the standardised
                 # measure, size and controls, errors clustered by country; (3) adds country fixed effects
                 hidden=_EU_EXPECTED
                 + "_ctrl = [size_control, *controls]\n"
                   '_d = models.prepare(_expected, "patents_per_million", measure, _ctrl, zero_patents, cluster="country")\n'
                   '_specs = [(eu_models.CONTROLS_MODEL, None)]\n'
                   'if country_fe:\n'
                   '    _specs.append((eu_models.COUNTRY_FE_MODEL, "country"))\n'
                   "for _model, _fe in _specs:\n"
                   "    _res = models.fit(_d, measure, _ctrl, _fe, se, standardise=True)\n"
                   "    _row = table[(table[\"model\"] == _model) & (table[\"term\"] == measure)]\n"
                   "    assert len(_row) == 1, f\"model {_model}: expected one row for {measure}, got {len(_row)}\"\n"
                   + _SAME.format(col="coef", want="_res.params[measure]", what="coefficient of {measure}")
                   + _SAME.format(col="se", want="_res.bse[measure]", what="standard error of {measure}")
                   + _SAME_N,
                 expects="`table`: the tidy model table (columns `model`, `term`, `coef`, `se`, `p`, `n`) with "
                         "models `(2) size + controls` and, with country fixed effects, `(3) + country FE`",
                 outcome="the log of `patents_per_million` (patent applications per million inhabitants; "
                         "regions without patents as the `zero_patents` parameter says)"),
    ),
    "us_cluster_patenting": (
        Exercise("indicators", 2,
                 visible='assert isinstance(regions, pd.DataFrame) and len(regions) > 0\n'
                         'assert "patents_per_10k_employees" in regions.columns\n',
                 hidden=_US_EXPECTED
                 + 'assert len(regions) == len(_expected), f"regions: expected {len(_expected)} rows, got {len(regions)}"\n'
                   '_extra = sorted(set(regions["region_code"]) - set(_expected["region_code"]))\n'
                   '_lost = sorted(set(_expected["region_code"]) - set(regions["region_code"]))\n'
                   'assert not _extra and not _lost, f"regions: unexpected {_extra[:5]}, missing {_lost[:5]}"\n',
                 expects="`regions`: a DataFrame with one row per region (`region_code`) and "
                         "`patents_per_10k_employees` (`us_regions.region_indicators`)"),
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
                   "        _model = f\"{_m}: {_spec}\"\n"
                   "        assert len(_row) == 1, f\"model {_model}: expected one row for {_m}, got {len(_row)}\"\n"
                   + _indent(_SAME.format(col="coef", want="_res.params[_m]", what="coefficient of {_m}")
                             + _SAME.format(col="se", want="_res.bse[_m]", what="standard error of {_m}") + _SAME_N),
                 expects="`table`: the tidy results (columns `model`, `term`, `coef`, `se`, `p`, `n`), one model "
                         "per measure and specification, named `<measure>: <specification>`",
                 outcome="the log of `patents_per_10k_employees` (patents per 10,000 employees)"),
    ),
    "cn_resource_cities": (
        Exercise("model", 3,
                 visible='assert {"model", "term", "coef"} <= set(coefs.columns)\n'
                         'assert any(m.startswith(china_cities.DECLINING_MODEL) for m in set(coefs["model"]))\n',
                 hidden="_res, _ = china_cities.fit_declining(cities, y, coding=\"coded\")\n"
                        "_model = china_cities.model_name(china_cities.DECLINING_MODEL, \"coded\")\n"
                        "for _t in (\"declining\", \"other_resource\"):\n"
                        "    _row = coefs[(coefs[\"model\"] == _model) & (coefs[\"term\"] == _t)]\n"
                        "    assert len(_row) == 1, f\"model {_model}: expected one row for {_t}, got {len(_row)}\"\n"
                        + _SAME.format(col="coef", want="_res.params[_t]", what="coefficient of {_t}") + _SAME_N,
                 expects="`coefs`: the tidy table of both codings (columns `model`, `term`, `coef`, `n`), "
                         "from `china_cities.regression_table`",
                 outcome="the log of `y`, the indicator the `outcome` and `population` parameters name "
                         "(patents per 10,000 residents by default)"),
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
                         "update clusterstudy.pipeline.student.ASSIGNMENTS")
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
        expects = f" The test reads {ex.expects}." if ex.expects else ""
        outcome = f" The outcome is {ex.outcome}." if ex.outcome else ""
        md = nbformat.v4.new_markdown_cell(f"**Exercise {n}** ({ex.points} points). {prompt}{expects}{outcome}")
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


def build(course: Path, release: bool = True) -> dict[str, int]:
    """Write the nbgrader course (source tree, and the student release); return points per assignment."""
    from clusterstudy.pipeline import grading

    root = paths.project_root()
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(grading.config_file(), encoding="utf-8")
    totals = {}
    for name, exercises in ASSIGNMENTS.items():
        totals[name] = make_source(root / "notebooks" / f"{name}.ipynb",
                                   course / "source" / name / f"{name}.ipynb", exercises)
        if release:
            grading.run(course, "generate_assignment", name)
    return totals


def open_exercise(executed: Path, ename: str) -> int | None:
    """The exercise number when a release run by the runner stopped (with error ``ename``) at an
    unanswered exercise, else None.

    nbgrader's stubs raise ``NotImplementedError``; the prompt cell before the stub reads
    ``**Exercise N**`` (:func:`make_source` writes them).
    """
    if ename != "NotImplementedError":
        return None
    try:
        cells = json.loads(executed.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        return None
    # the cell that raised (papermill marks it; its error banner shifts indices by one)
    failed = [i for i, c in enumerate(cells) if c.get("metadata", {}).get("papermill", {}).get("exception")]
    if not failed or "nbgrader" not in cells[failed[0]].get("metadata", {}):
        return None
    i = failed[0]
    for cell in reversed(cells[:i]):
        src = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "markdown" and src.startswith("**Exercise "):
            number = src.removeprefix("**Exercise ").split("*", 1)[0]
            return int(number) if number.isdigit() else None
    return None
