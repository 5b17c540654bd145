"""save_figure refuses figures a reader could not read cleanly (figures._check_layout, publish.figure_checks):
text cut off or overprinting text, labels over markers, arrowheads or caps, tiny text, unlabelled axes,
intervals cut off at the axes, and text whose contrast with what lies under it is below WCAG AA."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from clusterstudy.publish import figures  # noqa: E402

pytestmark = pytest.mark.usefixtures("theme")


def test_a_clean_figure_passes():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], label="x")
    ax.legend()
    ax.set_xticks(range(10), [f"a long tick label {i}" for i in range(10)], rotation=60, ha="right")
    ax.set(xlabel="category", ylabel="value")
    figures._check_layout(fig, "clean")


def test_overprinting_text_is_refused():
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "first label")
    ax.text(0.52, 0.5, "second label")
    with pytest.raises(ValueError, match="'first label' overlaps text 'second label'"):
        figures._check_layout(fig, "overlap")


def test_unrotated_tick_labels_that_collide_are_refused():
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.set_xticks(range(6), [f"category number {i}" for i in range(6)])
    with pytest.raises(ValueError, match="overlaps text"):
        figures._check_layout(fig, "ticks")


def test_text_clipped_at_the_axes_is_refused():
    fig, ax = plt.subplots()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.text(0.95, 0.5, "a label that runs past the edge", clip_on=True)
    with pytest.raises(ValueError, match="runs outside its axes"):
        figures._check_layout(fig, "clipped")


def test_save_figure_writes_nothing_when_refused(project_copy):
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "same place")
    ax.text(0.5, 0.5, "same place too")
    with pytest.raises(ValueError, match="overlaps"):
        figures.save_figure(fig, "refused", caption="c")
    assert not (project_copy / "figures" / "refused.png").exists()


def test_crowded_tick_labels_are_staggered_into_columns():
    from clusterstudy.publish import plots

    fig, ax = plt.subplots(figsize=(4, 4))
    ax.set_ylim(0, 100)
    ax.set_yticks([10, 11, 12, 40, 41, 80], ["AA", "BB", "CC", "DD", "EE", "FF"], fontsize=8)
    ax.set(xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="overlaps"):
        figures._check_layout(fig, "crowded")
    assert plots.stagger_tick_labels(ax) == 3
    figures._check_layout(fig, "staggered")


def test_scatter_labels_do_not_overlap():
    import numpy as np
    import pandas as pd

    from clusterstudy.publish import plots

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=60), "y": np.exp(rng.normal(size=60)),
                       "name": [f"region number {i}" for i in range(60)]})
    fig, _ = plots.scatter_fit(df, "x", "y", "name", n_labels=6, title="a long title " * 12)
    figures._check_layout(fig, "scatter")


def _labelled(figsize=(4, 3)):
    fig, ax = plt.subplots(figsize=figsize)
    ax.set(xlabel="x", ylabel="y", xlim=(0, 10), ylim=(0, 10))
    return fig, ax


def test_an_axis_with_tick_labels_but_no_label_is_refused():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("x")
    with pytest.raises(ValueError, match="the y axis of 'axes 1' shows tick labels but has no label"):
        figures._check_layout(fig, "unlabelled")
    fig.supylabel("shared y label")
    figures._check_layout(fig, "sup-labelled")


def test_an_axis_without_tick_labels_needs_no_label():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set(xticks=[], yticks=[])
    figures._check_layout(fig, "no ticks")


def test_a_colour_bar_must_say_what_it_counts():
    import numpy as np

    fig, ax = _labelled()
    mesh = ax.pcolormesh(np.arange(16).reshape(4, 4))
    bar = fig.colorbar(mesh)
    with pytest.raises(ValueError, match="y axis .* has no label"):
        figures._check_layout(fig, "colour bar")
    bar.set_label("regions")
    figures._check_layout(fig, "colour bar labelled")


def test_intervals_cut_off_at_the_axes_are_refused():
    fig, ax = _labelled()
    ax.vlines([2, 5], [1, 2], [9, 12])
    with pytest.raises(ValueError, match="intervals drawn in .* run past the axes"):
        figures._check_layout(fig, "cut interval")
    ax.set_ylim(0, 13)
    figures._check_layout(fig, "whole interval")


def test_a_label_over_a_marker_is_refused_and_one_beside_it_passes():
    fig, ax = _labelled()
    ax.scatter([5], [5], s=80)
    label = ax.text(4.9, 4.9, "Baotou", fontsize=9)
    with pytest.raises(ValueError, match="label 'Baotou' covers a marker"):
        figures._check_layout(fig, "on marker")
    label.set_position((6.5, 5))
    figures._check_layout(fig, "beside marker")


def test_a_label_over_a_whisker_cap_is_refused():
    fig, ax = _labelled()
    ax.plot([4, 6], [5, 5], color="0.3")  # a cap: a short two-point line
    ax.text(5, 5, "Benxi", fontsize=9, va="center")
    with pytest.raises(ValueError, match="label 'Benxi' covers a line"):
        figures._check_layout(fig, "on cap")


def test_a_label_over_an_arrowhead_is_refused_even_on_a_white_box():
    fig, ax = _labelled((5, 4))
    ax.annotate("", xy=(8, 5), xytext=(1, 5), arrowprops={"arrowstyle": "-|>", "mutation_scale": 20})
    label = ax.text(7.8, 5, "11.4", va="center", bbox={"facecolor": "white", "edgecolor": "none"})
    with pytest.raises(ValueError, match="label '11.4' covers an arrowhead"):
        figures._check_layout(fig, "on head")
    label.set_position((4.5, 5))  # on the arrow's body, masked by its white box: allowed
    figures._check_layout(fig, "on body")


def test_tiny_text_is_refused():
    fig, ax = _labelled()
    ax.text(1, 1, "choice label", fontsize=6.5)
    with pytest.raises(ValueError, match="6.5 pt, below the 7 pt"):
        figures._check_layout(fig, "tiny")


def test_low_contrast_text_on_a_fill_is_refused():
    fig, ax = _labelled()
    ax.add_patch(plt.Rectangle((1, 1), 8, 8, color="#77b0d4"))  # the Dortmund table's light blue
    label = ax.text(5, 5, "lab on a chip", color="white", ha="center", va="center")
    with pytest.raises(ValueError, match=r"'lab on a chip' contrasts 2\.\d:1"):
        figures._check_layout(fig, "white on light blue")
    label.set_color("black")
    figures._check_layout(fig, "black on light blue")


def test_light_coloured_text_on_white_is_refused():
    fig, ax = _labelled()
    ax.set_title("traded star count", color="#de8f05")  # the palette's orange: 2.4:1 on white
    with pytest.raises(ValueError, match="contrasts"):
        figures._check_layout(fig, "orange title")


def test_wcag_contrast_ratio_matches_the_standard():
    from clusterstudy.publish import figure_checks

    assert figure_checks.contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert figure_checks.contrast_ratio((1, 1, 1), (1, 1, 1)) == pytest.approx(1.0)
    # #767676 on white is the classic AA threshold, 4.54:1
    assert figure_checks.contrast_ratio((0x76 / 255,) * 3, (1, 1, 1)) == pytest.approx(4.54, abs=0.01)


def test_scientific_tick_labels_on_a_log_axis_are_refused():
    from clusterstudy.publish import plots

    fig, ax = _labelled()
    ax.set(yscale="log", ylim=(1.5, 25))
    with pytest.raises(ValueError, match="scientific notation"):  # matplotlib's default: 2×10⁰, 6×10⁰...
        figures._check_layout(fig, "log ticks")
    plots.plain_log_ticks(ax.yaxis)
    figures._check_layout(fig, "plain log ticks")


def test_a_bar_too_short_to_see_needs_its_value_label():
    from clusterstudy.publish import plots

    fig, ax = _labelled()
    ax.set(xlim=(-0.5, 2.5), ylim=(0, 20))
    ax.bar(["Baotou", "Benxi", "Fuxin"], [16.1, 3.04, 0.042])
    with pytest.raises(ValueError, match="a bar of value 0.042 is under 2 px long"):
        figures._check_layout(fig, "invisible bar")
    plots.value_labels(ax)
    figures._check_layout(fig, "labelled bars")


def test_a_histogram_with_low_bins_passes():
    import numpy as np

    fig, ax = _labelled((4, 3))
    ax.hist(np.r_[np.zeros(500), np.linspace(0.1, 1, 9)], bins=30)
    ax.set(xlim=(0, 1), ylim=(0, 520))
    figures._check_layout(fig, "histogram")
