"""Parameter contracts: declared once beside their owners, read by the runner, agreeing with the
data's schemas and with the Makefile's sweeps."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import pytest

from clusterstudy.analyses import china_cities, eu_sample, resource_cities, us_regions
from clusterstudy.core.contracts import Between, between
from clusterstudy.data import coverage
from clusterstudy.data.ingest.registry import EXTRACTS
from clusterstudy.pipeline import cli, parameters, runner

ROOT = Path(__file__).resolve().parents[1]


def years(extract: str) -> tuple[int, int]:
    return EXTRACTS[extract].schema.ranges["year"]


def test_data_ranges_equal_the_extract_schemas():
    eu = between(eu_sample.EuYear)
    assert (eu.low, eu.high) == (years("eu_sbs_employment")[0], years("eu_patents")[1])
    us = between(us_regions.PatentYear)
    assert (us.low, us.high) == years("us_county_patents")
    panel = between(coverage.PanelYear)
    spans = [years("eu_patents"), years("eu_sbs_employment")]
    assert (panel.low, panel.high) == (min(s[0] for s in spans), max(s[1] for s in spans))


def test_runtime_tables_are_keyed_by_their_types():
    assert tuple(eu_sample.SECTOR_SETS) == get_args(eu_sample.SectorSet)
    assert tuple(china_cities.POPULATIONS) == get_args(china_cities.Population)
    assert tuple(resource_cities.METRICS) == get_args(resource_cities.Metric)


def sweeps() -> list[tuple[str, str, str]]:
    """(notebook, parameter, value) for every ``<nb>_VALUES`` of the Makefile."""
    text = (ROOT / "Makefile").read_text()
    swept = dict(re.findall(r"^(\w+)_SWEEP\s*:?=\s*(\S+)", text, flags=re.M))
    values = dict(re.findall(r"^(\w+)_VALUES\s*:?=\s*(.*)$", text, flags=re.M))
    return [(nb, swept[nb], v) for nb in swept for v in values[nb].split()]


@pytest.mark.parametrize(("nb", "name", "value"), sweeps())
def test_every_sweep_value_is_accepted_by_its_notebook(nb, name, value):
    path = ROOT / "notebooks" / f"{nb}.ipynb"
    parameters.check(path, runner.notebook_defaults(path), {name: runner._parse_value(value, name)})


def test_makefile_sweeps_are_found():
    assert {nb for nb, _, _ in sweeps()} >= {"eu_specialisation_innovation", "us_cluster_patenting"}


def _notebook(tmp_path: Path, imports: str, params: str) -> Path:
    cells = [{"cell_type": "code", "id": "types", "metadata": {}, "source": imports, "outputs": [],
              "execution_count": None},
             {"cell_type": "code", "id": "parameters", "metadata": {"tags": ["parameters"]}, "source": params,
              "outputs": [], "execution_count": None}]
    path = tmp_path / "probe.ipynb"
    meta = {"kernelspec": {"name": "clusters", "language": "python", "display_name": "clusters"}}
    path.write_text(json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_annotations_resolve_through_the_notebooks_imports(tmp_path):
    path = _notebook(tmp_path, "from clusterstudy.measures.indices import GiniCutoff\n"
                     "from clusterstudy.analyses.us_regions import MinEmployment as Floor\n"
                     "from clusterstudy.measures.catalogue import EuMeasure\n"
                     "from clusterstudy.core.contracts import Count",
                     'cut: GiniCutoff = "median"  # a number or median\nfloor: Floor = None\n'
                     'ms: list[EuMeasure] = ["hhi"]\nn: Count = 3\nflag: bool = True\nplain = 0.5')
    spec = parameters.specs(path)
    assert spec["cut"] == parameters.Spec(("str", "float"), choices=("median",), low=0, high=1, high_open=True)
    assert spec["floor"] == parameters.Spec(("none", "float"), low=0)
    assert spec["ms"].kinds == ("list",) and "hhi" in spec["ms"].choices and not spec["ms"].valid(["nope"])
    assert spec["n"] == parameters.Spec(("int",), low=1)
    assert spec["flag"] == parameters.Spec(("bool",))
    assert spec["plain"] == parameters.infer("plain", 0.5)


def test_an_unknown_annotation_is_one_line_naming_notebook_and_parameter(tmp_path, capsys):
    path = _notebook(tmp_path, "from clusterstudy.measures.catalogue import EuMeasure",
                     'measure: EuMeasur = "hhi"  # a typo')
    with pytest.raises(parameters.ParameterError, match=r"^probe: parameter measure has type 'EuMeasur'"):
        parameters.specs(path)
    assert runner.main([str(path), "--variant", "contract-probe", "--set", "measure=hhi"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "probe: parameter measure" in err and "EuMeasur" in err


def test_between_bounds():
    assert 0 in Between(0) and -1 not in Between(0)
    assert 1 not in Between(0, 1, high_open=True) and 0.5 in Between(0, 1, low_open=True, high_open=True)


def test_make_params_lists_every_parameter_on_one_line_each(capsys):
    assert cli.main(["params", "eu_specialisation_innovation"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(runner.notebook_defaults(ROOT / "notebooks" / "eu_specialisation_innovation.ipynb"))
    assert any(line.startswith("measure ") and "EuMeasure: one of" in line and "default 'cluster_strength_traded'"
               in line and "  # " in line for line in out)
