"""A failing notebook run exits non-zero, says why, and leaves no output behind."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clusterstudy.pipeline import runner


def _notebook(cells):
    return {
        "cells": [
            {"cell_type": "code", "id": f"c{i}", "metadata": {"tags": tags}, "source": src,
             "execution_count": None, "outputs": []}
            for i, (src, tags) in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"name": "clusters", "language": "python",
                                    "display_name": "clusters"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


def test_failed_notebook_leaves_no_outputs(project_copy, capsys):
    nb = _notebook([
        ("x = 1", ["parameters"]),
        ("import matplotlib.pyplot as plt\n"
         "from clusterstudy.publish.figures import save_figure, set_theme\n"
         "set_theme(); fig, ax = plt.subplots(); ax.set(xlabel='x', ylabel='y')\n"
         "save_figure(fig, 'should_not_survive', caption='c')", []),
        ("raise ValueError('boom: bad input')", []),
    ])
    src = project_copy / "notebooks" / "broken.ipynb"
    src.write_text(json.dumps(nb))
    out = project_copy / "build" / "notebooks" / "broken.ipynb"
    assert runner.run(src, out, {}) == 1
    err = capsys.readouterr().err
    assert "ValueError: boom: bad input" in err
    assert not out.exists()
    assert not (project_copy / "figures" / "should_not_survive.png").exists()
    assert not (project_copy / "build" / "staging" / "broken").exists()


def test_successful_run_promotes_outputs_with_parameters(project_copy):
    nb = _notebook([
        ("name = 'a'", ["parameters"]),
        ("import pandas as pd\nfrom clusterstudy.publish.tables import write_table\n"
         "write_table(pd.DataFrame({'x': [1]}), f't_{name}', caption='cap')", []),
    ])
    src = project_copy / "notebooks" / "ok.ipynb"
    src.write_text(json.dumps(nb))
    out = project_copy / "build" / "notebooks" / "ok--name-b.ipynb"
    assert runner.run(src, out, {"name": "b"}) == 0
    assert out.exists()
    assert (project_copy / "tables" / "t_b.csv").read_text() == "x\n1\n"
    meta = json.loads((project_copy / "build/meta/tables/t_b.csv.json").read_text())
    assert meta["parameters"] == {"name": "b"} and meta["caption"] == "cap"


def _table_notebook():
    return _notebook([
        ("name = 'a'", ["parameters"]),
        ("import pandas as pd\nfrom clusterstudy.publish.tables import write_table\n"
         "write_table(pd.DataFrame({'x': [1]}), f't_{name}', caption='cap')", []),
    ])


def test_variant_run_lives_apart(project_copy):
    src = project_copy / "notebooks" / "ok.ipynb"
    src.write_text(json.dumps(_table_notebook()))
    assert runner.main([str(src), "--variant", "--set", "name=zz"]) == 0
    variant = project_copy / "build" / "variants" / "ok--name-zz"
    assert (variant / "tables" / "t_zz.csv").read_text() == "x\n1\n"
    assert (variant / "ok.ipynb").is_file()
    assert json.loads((variant / "build/meta/runs/ok.json").read_text())["parameters"] == {"name": "zz"}
    # nothing outside build/variants/: no committed-results folders, no run record for results.csv
    assert not (project_copy / "tables").exists() and not (project_copy / "figures").exists()
    assert not (project_copy / "build" / "meta").exists()


def test_unknown_parameter_fails_in_one_line_naming_it(project_copy, capsys):
    src = project_copy / "notebooks" / "ok.ipynb"
    src.write_text(json.dumps(_table_notebook()))
    assert runner.main([str(src), "--variant", "v", "--set", "nmae=zz"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "unknown parameter 'nmae'" in err and "its parameters are: name" in err
    assert not (project_copy / "build" / "variants" / "v").exists()


def test_hung_cell_is_stopped_by_the_timeout(project_copy, capsys):
    nb = _notebook([("x = 1", ["parameters"]), ("import time\ntime.sleep(120)", [])])
    src = project_copy / "notebooks" / "hangs.ipynb"
    src.write_text(json.dumps(nb))
    # as `make run ... TIMEOUT=5` calls it: the whole of stderr is one line
    got = subprocess.run([sys.executable, "-m", "clusterstudy.pipeline.runner", "--variant", "h", "--timeout", "5",
                          str(src)],
                         capture_output=True, text=True, env={**os.environ, "CLUSTERS_ROOT": str(project_copy)})
    assert got.returncode == 1
    err = got.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert str(src) in err and "cell 2 (id c1)" in err and "timeout (5 s)" in err
    assert not (project_copy / "build" / "variants" / "h" / "tables").exists()


def test_make_run_passes_name_value_pairs():
    assert runner.parse_assignments(["measure=krugman", "country_fe=false", "k=3"]) == {
        "measure": "krugman", "country_fe": False, "k": 3}
    assert runner.default_variant_name(Path("notebooks/eu.ipynb"), {"measure": "hhi"}) == "eu--measure-hhi"
    assert runner.parse_assignments(["window=null"]) == {"window": None}


def test_an_empty_value_is_named_as_typed_not_as_null():
    with pytest.raises(runner.RunError, match=r"parameter measure has no value \('measure='\)"):
        runner.parse_assignments(["measure="])


def test_readme_variant_example_runs_apart(project_copy):
    """The README's own `make run` example works on the real notebook and writes only under build/variants."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    nb, assignments = re.search(r'make run NB=(\w+) P="([^"]+)"', readme).groups()
    pairs = assignments.split()
    assert runner.main([str(project_copy / "notebooks" / f"{nb}.ipynb"), "--variant", "--set", *pairs]) == 0
    variant = project_copy / "build" / "variants" / runner.default_variant_name(
        Path(f"notebooks/{nb}.ipynb"), runner.parse_assignments(pairs))
    assert (variant / f"{nb}.ipynb").is_file() and any((variant / "tables").glob("*.csv"))
    assert not (project_copy / "tables").exists() and not (project_copy / "figures").exists()


def test_killed_run_leaves_committed_results_and_the_next_run_cleans_its_staging(project_copy):
    """A `make all` killed mid-notebook: nothing reaches tables/; the next run starts from a clean staging."""
    import signal
    import time

    nb = _notebook([
        ("name = 'stale'\npause = 120", ["parameters"]),
        ("import time\nimport pandas as pd\nfrom clusterstudy.publish.tables import write_table\n"
         "write_table(pd.DataFrame({'x': [1]}), f't_{name}', caption='cap')\ntime.sleep(pause)", []),
    ])
    src = project_copy / "notebooks" / "slow.ipynb"
    src.write_text(json.dumps(nb))
    out = project_copy / "build" / "notebooks" / "slow.ipynb"
    staged = project_copy / "build" / "staging" / "slow" / "tables" / "t_stale.csv"
    env = {**os.environ, "CLUSTERS_ROOT": str(project_copy)}
    proc = subprocess.Popen([sys.executable, "-m", "clusterstudy.pipeline.runner", str(src), str(out)],
                            env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not staged.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert staged.exists(), "the run never staged its table"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the runner and its kernel, as a killed `make` would
        proc.wait()
    assert not (project_copy / "tables").exists() and not out.exists()
    # the next run of that notebook clears the staging left behind: only its own outputs are promoted
    assert runner.run(src, out, {"name": "fresh", "pause": 0}) == 0
    assert {p.stem for p in (project_copy / "tables").iterdir()} == {"t_fresh"}
    assert not (project_copy / "build" / "staging" / "slow").exists()
