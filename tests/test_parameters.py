"""Typed parameters: every bad value of every parameter of every notebook the Makefile declares
stops the run before a kernel starts, in one line naming the parameter, touching nothing."""

from __future__ import annotations

import math
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterstudy.pipeline import parameters, runner

ROOT = Path(__file__).resolve().parents[1]


def declared_notebooks() -> list[str]:
    """The NOTEBOOKS of the Makefile (``:=`` and ``+=`` lines, with continuations)."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    names = []
    for m in re.finditer(r"^NOTEBOOKS\s*[:+]?=(.*)$", text, flags=re.M):
        names += m.group(1).split()
    return names


@cache
def notebook_specs() -> dict[str, tuple[dict, dict]]:
    out = {}
    for nb in declared_notebooks():
        path = ROOT / "notebooks" / f"{nb}.ipynb"
        defaults = runner.notebook_defaults(path)
        out[nb] = (defaults, parameters.specs(path))
    return out


PAIRS = [(nb, name) for nb, (defaults, _) in notebook_specs().items() for name in defaults]

ANY_VALUE = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
    st.lists(st.one_of(st.text(max_size=5), st.integers(), st.booleans()), max_size=3),
    st.just([]), st.dictionaries(st.text(min_size=1, max_size=3), st.integers(), min_size=1, max_size=2),
)


def out_of_range(spec: parameters.Spec) -> list:
    """Values just outside a numeric spec's bounds (and the bound itself when it is open)."""
    vals = []
    for bound, step, is_open in ((spec.low, -1, spec.low_open), (spec.high, 1, spec.high_open)):
        if bound is not None:
            vals += [bound + step, bound + step * 0.5] + ([bound] if is_open else [])
    if "int" in spec.kinds and "float" not in spec.kinds:
        vals += [1.5]
    return vals


def committed_state() -> dict[str, tuple[int, int]]:
    files = subprocess.run(["git", "ls-files", "figures", "tables", "notebooks", "data", "results.csv"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return {f: ((ROOT / f).stat().st_mtime_ns, (ROOT / f).stat().st_size) for f in files}


def as_typed(value) -> str:
    """A value as a user would type it after ``name=`` (YAML flow style)."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).removesuffix("\n...\n").strip()


def refused(nb: str, name: str, value, capsys) -> str:
    """Run the runner as `make run` does; assert it refuses before any kernel, in one line."""
    variant = ROOT / "build" / "variants" / "property-test"
    code = runner.main([str(ROOT / "notebooks" / f"{nb}.ipynb"), "--variant", "property-test",
                        "--set", f"{name}={as_typed(value)}"])
    err = capsys.readouterr().err.strip()
    assert code != 0, f"{nb}: {name}={value!r} was accepted"
    assert len(err.splitlines()) == 1, err
    assert not variant.exists()
    return err


@pytest.fixture(scope="module")
def untouched():
    before = committed_state()
    yield
    assert committed_state() == before, "a refused run touched a committed file"


def test_makefile_declares_notebooks_with_parameters():
    assert len(PAIRS) >= 40 and "eu_specialisation_innovation" in notebook_specs()
    assert all((nb, "seed") in PAIRS for nb in ("eu_specialisation_innovation", "eu_specification_curve"))


@pytest.mark.parametrize(("nb", "name"), PAIRS)
def test_every_default_is_accepted(nb, name):
    defaults, specs = notebook_specs()[nb]
    assert specs[name].valid(defaults[name]), f"{nb}: {name}'s default {defaults[name]!r} breaks its own spec"


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pair=st.sampled_from(PAIRS), data=st.data())
def test_bad_value_is_refused_in_one_line_naming_it(untouched, capsys, pair, data):
    nb, name = pair
    spec = notebook_specs()[nb][1][name]
    candidates = st.one_of(ANY_VALUE, st.sampled_from(out_of_range(spec) or [{"not": 1}]))
    value = data.draw(candidates.filter(lambda v: not spec.valid(v) and (v != v or runner._parse_value(as_typed(v)) == v)))
    err = refused(nb, name, value, capsys)
    assert f"parameter {name}=" in err and f"{name} takes " in err


@pytest.mark.parametrize(("nb", "name"), PAIRS)
def test_wrong_type_out_of_range_and_empty_list_for_each_parameter(untouched, capsys, nb, name):
    spec = notebook_specs()[nb][1][name]
    bad = [v for v in ("not-a-value", 2.5, True, [], {"a": 1}, *out_of_range(spec)) if not spec.valid(v)]
    assert bad, f"{nb}: {name} accepts every value"
    for value in bad:
        err = refused(nb, name, value, capsys)
        assert name in err, err


def test_reversed_years_name_both(capsys):
    code = runner.main([str(ROOT / "notebooks" / "eu_specialisation_innovation.ipynb"), "--variant", "x",
                        "--assign", "period_start=2012 period_end=2008"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "period_start=2012 and period_end=2008 are reversed" in err


def test_unit_interval_inference():
    spec = parameters.infer("star_quantile", 0.9)
    assert spec.valid(0.5) and not spec.valid(1.0) and not spec.valid(0) and not spec.valid(math.nan)
    assert parameters.infer("country_fe", True).valid(False) and not parameters.infer("country_fe", True).valid("maybe")
    assert parameters.infer("k", 5).valid(0) and not parameters.infer("k", 5).valid(-1)
    assert not parameters.infer("k", 5).valid(2.5) and parameters.infer("x", 0.5).valid(3)


def test_assignments_keep_lists_with_spaces():
    text = "controls=[tertiary_share, gdp_pps_per_inhabitant] country_fe=false title='a b'"
    assert runner.split_assignments(text) == [
        "controls=[tertiary_share, gdp_pps_per_inhabitant]", "country_fe=false", "title='a b'"]
    assert runner.parse_assignments(runner.split_assignments(text)) == {
        "controls": ["tertiary_share", "gdp_pps_per_inhabitant"], "country_fe": False, "title": "a b"}
    assert runner.parse_assignments(["min_employment=1e6", "name='1e6'"]) == {"min_employment": 1e6, "name": "1e6"}


def test_bad_yaml_and_unknown_notebook_are_one_line(capsys):
    nb = str(ROOT / "notebooks" / "eu_specialisation_innovation.ipynb")
    assert runner.main([nb, "--variant", "x", "--assign", "controls=[a, b"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "for controls: not valid YAML" in err
    assert runner.main([str(ROOT / "notebooks" / "eu_specialization.ipynb"), "--variant"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "eu_specialisation_innovation" in err and "the notebooks are:" in err


def test_make_run_passes_p_intact(tmp_path):
    """`make run` hands P to the runner as one string: a list with spaces reaches the check whole."""
    got = subprocess.run(["make", "-s", "run", "NB=eu_specialisation_innovation",
                          "P=controls=[tertiary_share, no_such_column] country_fe=false"],
                         cwd=ROOT, capture_output=True, text=True)
    assert got.returncode != 0
    assert "parameter controls=['tertiary_share', 'no_such_column'] not accepted" in got.stderr, got.stderr
