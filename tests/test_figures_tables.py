"""The figure helper and the table writer are deterministic and atomic."""

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from clusterstudy.publish import figures, tables  # noqa: E402


def _draw():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], label="x")
    ax.set(xlabel="x", ylabel="y")
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


def test_long_table_markdown_is_a_labelled_preview(project_copy):
    n = tables.MD_MAX_ROWS + 1
    tables.write_table(pd.DataFrame({"k": range(n), "v": 0.5}), "long", caption="cap")
    md = (project_copy / "tables" / "long.md").read_text()
    assert f"The first {tables.MD_PREVIEW_ROWS} of {n:,} rows" in md and "`tables/long.csv` holds every row" in md
    assert md.count("\n|") == tables.MD_PREVIEW_ROWS + 2  # header, separator and the preview rows
    assert len((project_copy / "tables" / "long.csv").read_text().splitlines()) == n + 1
    tables.write_table(pd.DataFrame({"k": range(n - 1)}), "fits", caption="cap")
    md = (project_copy / "tables" / "fits.md").read_text()
    assert "The first" not in md and md.count("\n|") == n - 1 + 2


def test_failed_write_leaves_no_file(project_copy):
    df = pd.DataFrame({"k": []})
    with pytest.raises(ValueError, match="empty"):
        tables.write_table(df, "empty", caption="c")
    assert not (project_copy / "tables" / "empty.csv").exists()

    def broken(fh):
        fh.write(b"partial")
        raise OSError("disk full")

    from clusterstudy.core import atomic
    with pytest.raises(OSError):
        atomic.write_with(project_copy / "tables" / "x.csv", broken)
    assert list((project_copy / "tables").glob("*x.csv*")) == []


def _tidy():
    rows = []
    for model, n, r2, fe in (("(1) bivariate", 269, 0.06, "none"), ("(2) country FE", 263, 0.88, "country")):
        rows.append((model, "Intercept", 3.7, 0.1, 1e-300, n, r2, fe))
        rows.append((model, "hhi", -0.396, 0.121, 0.0011 if fe == "none" else 0.07, n, r2, fe))
    rows.append(("(2) country FE", "np.log(gdp_pps_per_inhabitant)", 1.79, 0.26, 0.2, 263, 0.88, "country"))
    df = pd.DataFrame(rows, columns=["model", "term", "coef", "se", "p", "n", "r2", "fixed_effects"])
    return df.assign(se_type="clustered by country", estimator="OLS", p_wild=float("nan"))


def test_regression_table_is_written_in_the_economists_layout(project_copy):
    written = tables.write_table(_tidy(), "reg", caption="HHI and patents")
    assert written == ["tables/reg.csv", "tables/reg.md", "tables/reg.tex"]
    md = (project_copy / "tables" / "reg.md").read_text()
    lines = md.splitlines()
    header = next(line for line in lines if "(1) bivariate" in line)
    assert header.index("(1) bivariate") < header.index("(2) country FE")  # models as columns
    hhi = next(line for line in lines if line.startswith("| Herfindahl index of employment"))
    assert "-0.396***" in hhi and "-0.396*" in hhi.split("|")[3] and "***" not in hhi.split("|")[3]
    se_row = lines[lines.index(hhi) + 1]
    assert "(0.121)" in se_row
    assert "log GDP per inhabitant (PPS)" in md and "np.log" not in md
    assert lines.index(hhi) < next(i for i, x in enumerate(lines) if x.startswith("| Constant"))
    n_row = next(line for line in lines if line.startswith("| N "))
    assert "269" in n_row and "263" in n_row
    assert any(line.startswith("| R²") and "0.880" in line for line in lines)
    assert any(line.startswith("| Fixed effects") and "country" in line for line in lines)
    assert any(line.startswith("| Standard errors") and "clustered by country" in line for line in lines)
    assert "e-300" not in md
    tex = (project_copy / "tables" / "reg.tex").read_text()
    assert "-0.396$^{***}$" in tex and r"\begin{tabular}{lcc}" in tex and "(0.121)" in tex
    csv = pd.read_csv(project_copy / "tables" / "reg.csv")
    assert list(csv.columns[:5]) == ["model", "term", "coef", "se", "p"] and len(csv) == 5


def test_unknown_terms_get_a_tidied_label():
    assert tables.term_label("np.log(road_km)") == "log road km"
    assert tables.term_label("Intercept") == "Constant"


def test_markdown_keeps_identifiers_as_text_and_blanks_missing_values(project_copy):
    df = pd.DataFrame({"study_id": pd.array(["11.1", "11.10", "11.2"], dtype="string"),
                       "note": pd.array(["a", pd.NA, None], dtype="string"),
                       "n": pd.array([1, pd.NA, 3], dtype="Int64"), "x": [0.5, float("nan"), 1 / 3]})
    tables.write_table(df, "ids", caption="ids")
    md = (project_copy / "tables" / "ids.md").read_text()
    assert "11.10" in md and "<NA>" not in md and "nan" not in md.lower()
    assert "0.333333" in md
    body = [line for line in md.splitlines() if line.startswith("| 11.")]
    assert [line.split("|")[1].strip() for line in body] == ["11.1", "11.10", "11.2"]


def test_saved_figure_is_shown_inline_in_a_kernel(project_copy, monkeypatch):
    shown = []
    monkeypatch.setattr(figures, "_in_kernel", lambda: True)
    import IPython.display
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    figures.set_theme()
    names = figures.save_figure(_draw(), "inline", caption="c")
    assert names == ["figures/inline.png", "figures/inline.svg"]
    assert len(shown) == 1 and shown[0].data == (project_copy / "figures" / "inline.png").read_bytes()
    assert hasattr(names, "_ipython_display_")  # the list of names is not printed below the figure


def test_figure_is_not_displayed_outside_a_kernel(project_copy, monkeypatch):
    shown = []
    import IPython.display
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    figures.set_theme()
    figures.save_figure(_draw(), "quiet", caption="c")
    assert shown == []


def test_regressors_of_interest_come_before_controls_and_the_constant():
    rows = []
    for m in ("strong_cluster_share", "hhi_traded"):
        for t in ("Intercept", m, "log_employment"):
            rows.append((m, t, 0.1, 0.05, 0.04, 50, 0.3))
    df = pd.DataFrame(rows, columns=["model", "term", "coef", "se", "p", "n", "r2"])
    labels = [x for x in tables.regression_layout(df)[""] if x]
    assert labels == ["Strong-cluster employment share", "Herfindahl index (traded clusters)", "log employment",
                      "Constant", "N", "R²"]


def test_wild_bootstrap_p_values_are_shown_in_brackets_where_computed(project_copy):
    df = _tidy()
    df.loc[(df["model"] == "(2) country FE") & (df["term"] == "hhi"), "p_wild"] = 0.1234
    tables.write_table(df, "wild", caption="c")
    md = (project_copy / "tables" / "wild.md").read_text()
    lines = md.splitlines()
    hhi = next(i for i, line in enumerate(lines) if line.startswith("| Herfindahl"))
    assert "[0.123]" in lines[hhi + 2] and "Wild cluster bootstrap p-values in brackets" in md
    assert "[" not in lines[hhi + 2].split("|")[2]  # not computed for model 1: blank
