"""save_figure refuses figures whose text is cut off or overprints other text (figures._check_layout)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from clusterstudy.publish import figures  # noqa: E402


@pytest.fixture(autouse=True)
def theme():
    figures.set_theme()
    yield
    plt.close("all")


def test_a_clean_figure_passes():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], label="x")
    ax.legend()
    ax.set_xticks(range(10), [f"a long tick label {i}" for i in range(10)], rotation=60, ha="right")
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
