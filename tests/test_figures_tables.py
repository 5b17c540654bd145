"""The figure helper and the table writer are deterministic and atomic."""

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from clusterstudy import figures, tables  # noqa: E402


def _draw():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], label="x")
    ax.legend()
    return fig


def test_figures_are_byte_identical_across_saves(project_copy):
    figures.set_theme()
    figures.save_figure(_draw(), "f", caption="c")
    first = {p: (project_copy / "figures" / p).read_bytes() for p in ("f.png", "f.svg")}
    figures.save_figure(_draw(), "f", caption="c")
    for p, data in first.items():
        assert (project_copy / "figures" / p).read_bytes() == data
    svg = first["f.svg"].decode()
    assert "<dc:date>" not in svg
    assert b"Software" not in first["f.png"]
    meta = json.loads((project_copy / "build/meta/figures/f.png.json").read_text())
    assert meta["caption"] == "c"


def test_figure_needs_a_caption(project_copy):
    figures.set_theme()
    with pytest.raises(ValueError, match="needs a caption"):
        figures.save_figure(_draw(), "g", caption=" ")


def test_table_writer_fixes_floats_and_order(project_copy):
    df = pd.DataFrame({"k": ["b", "a"], "v": [1 / 3, 2.0]})
    tables.write_table(df, "t", caption="cap", sort_by=["k"])
    text = (project_copy / "tables" / "t.csv").read_text()
    assert text == "k,v\na,2\nb,0.333333\n"
    assert "**cap**" in (project_copy / "tables" / "t.md").read_text()


def test_failed_write_leaves_no_file(project_copy):
    df = pd.DataFrame({"k": []})
    with pytest.raises(ValueError, match="empty"):
        tables.write_table(df, "empty", caption="c")
    assert not (project_copy / "tables" / "empty.csv").exists()

    def broken(fh):
        fh.write(b"partial")
        raise OSError("disk full")

    from clusterstudy import atomic
    with pytest.raises(OSError):
        atomic.write_with(project_copy / "tables" / "x.csv", broken)
    assert list((project_copy / "tables").glob("*x.csv*")) == []
