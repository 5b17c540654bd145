"""The shared plot builders draw what issue 26 asked of the figures, and pass the figure checks."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from clusterstudy.publish import figure_checks, network, plots  # noqa: E402

pytestmark = pytest.mark.usefixtures("theme")


def _drawn(fig):
    return [t.get_text() for t in figure_checks.drawn_texts(fig)]


def test_titles_break_between_phrases_not_inside_a_parenthesis():
    fig, ax = plt.subplots(figsize=(6, 4))
    title = plots._wrap("EU NUTS-2 regions: employment 2008-2012, patents 2008-2011 (267 regions)", ax)
    assert "(267 regions)" in title.splitlines()[-1]
    assert all(line.count("(") == line.count(")") for line in title.splitlines())


def test_log_ticks_read_as_plain_numbers():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1.5, 25])
    ax.set_yscale("log")
    ax.set(xlabel="x", ylabel="y")
    plots.plain_log_ticks(ax.yaxis)
    labels = [t for t in _drawn(fig) if t not in ("x", "y")]
    assert "10" in labels and "20" in labels
    assert not any("×" in t or "^" in t or "$" in t for t in labels)


def test_bars_carry_their_values_with_thousands_separators():
    fig, ax = plt.subplots()
    ax.bar(["Baotou", "Fuxin"], [80667.0, 3.2])
    ax.set(xlabel="cluster", ylabel="output per employee")
    plots.value_labels(ax)
    plots.thousands(ax.yaxis)
    labels = _drawn(fig)
    assert "80,667" in labels and "3.20" in labels
    assert "80,000" in labels  # a tick
    short = [p for p in ax.patches if p.get_height() == 3.2][0]
    assert short.get_linewidth() > 0  # outlined, so a bar too short to see still shows
    figure_checks.check(fig, "bars")


def test_nested_circles_keep_the_source_labels_and_pass_the_checks():
    circles = pd.DataFrame({"circle": ["potentials", "information recipients", "project partners"],
                            "firms_low": [np.nan, 700, 30], "firms_high": [np.nan, 700, 50],
                            "label_in_source": ["potentials", "Steelix Club", "partners"]})
    fig = plots.nested_circles(circles, title="Triple Steelix")
    text = " ".join(_drawn(fig))
    assert '"Steelix Club"' in text and '"partners"' in text and '"potentials"' not in text
    figure_checks.check(fig, "circles")


def test_network_draws_inferred_ties_dashed_and_passes_the_checks():
    g = nx.DiGraph()
    for n, c in [("Boston Biotech Cluster", "USA"), ("Medicon Valley", "Denmark"), ("Shanghai Region", "China"),
                 ("Taipei-Hsinchu Region", "Taiwan"), ("Shenzhen Region", "China")]:
        g.add_node(n, country=c)
    g.add_edge("Boston Biotech Cluster", "Medicon Valley", studies=["11.5"])
    g.add_edge("Taipei-Hsinchu Region", "Shanghai Region", studies=["11.9"])
    g.add_edge("Taipei-Hsinchu Region", "Shenzhen Region", studies=["11.9"])
    fig = network.draw(g, inferred={frozenset(("Taipei-Hsinchu Region", "Shenzhen Region"))}, title="ties")
    styles = {(t.xyann, t.xy): t.arrow_patch.get_linestyle() for t in fig.axes[0].texts if getattr(t, "arrow_patch", None)}
    dashed = [k for k, v in styles.items() if v != "-" and v != "solid"]
    assert len(styles) == 3 and len(dashed) == 1
    assert "inferred by the coder" in _drawn(fig)
    figure_checks.check(fig, "network")


def test_group_labels_name_every_group_without_overprinting():
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.imshow(np.zeros((60, 3)), aspect="auto", extent=(0, 3, 60, 0))
    starts = [0, 1, 2, 3, 30, 31, 58]
    names = ["CY", "CZ", "DE", "DK", "EE", "EL", "ES"]
    texts = plots.group_labels(ax, starts, names, 60)
    ax.set(xlabel="year", ylabel="region")
    assert [t.get_text() for t in texts] == names
    figure_checks.check(fig, "groups")


def test_readable_darkens_a_palette_colour_to_wcag_aa():
    orange = "#de8f05"
    assert figure_checks.contrast_ratio(matplotlib.colors.to_rgb(orange), (1, 1, 1)) < 4.5
    assert figure_checks.contrast_ratio(plots.readable(orange), (1, 1, 1)) >= 4.5
