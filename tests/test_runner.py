"""A failing notebook run exits non-zero, says why, and leaves no output behind."""

import json

from clusterstudy import runner


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
         "from clusterstudy.figures import save_figure, set_theme\n"
         "set_theme(); fig, ax = plt.subplots()\n"
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
        ("import pandas as pd\nfrom clusterstudy.tables import write_table\n"
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
