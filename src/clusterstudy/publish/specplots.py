"""Figures of the specification curve: the curve per construct with its choices, and the null distributions."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb

from clusterstudy.publish.plots import readable


def construct_colours(constructs: list[str]) -> dict[str, str]:
    """One colour of the theme's palette per construct, in the given order."""
    return {c: f"C{i}" for i, c in enumerate(constructs)}


def curve(specs: pd.DataFrame, choices: list[str], labels: dict[str, str], title: str):
    """Estimates with 95% CIs sorted by size, one column of panels (and one colour) per construct,
    above a dashboard marking each specification's choices.

    Significant estimates (p < 0.05) are drawn in full colour, the others faded.
    """
    constructs = list(dict.fromkeys(specs["construct"]))
    colours = construct_colours(constructs)
    levels = [(c, v) for c in choices for v in dict.fromkeys(specs[c].astype(str))]
    lo, hi = np.nanmin(specs["ci_low"]), np.nanmax(specs["ci_high"])  # every interval whole
    row_in = 0.19
    fig, axes = plt.subplots(
        2, len(constructs), figsize=(2.3 * len(constructs) + 3.4, 4.6 + row_in * len(levels)), sharey="row",
        squeeze=False, gridspec_kw={"height_ratios": [4.4, row_in * len(levels) + 0.2], "hspace": 0.05,
                                    "wspace": 0.06})
    for k, c in enumerate(constructs):
        s = specs[specs["construct"] == c].sort_values("coef", kind="mergesort").reset_index(drop=True)
        x = np.arange(len(s))
        rgb = to_rgb(colours[c])
        sig = (s["p"] < 0.05).to_numpy()
        top, bottom = axes[0, k], axes[1, k]
        for on, alpha in ((~sig, 0.15), (sig, 0.6)):
            top.vlines(x[on], s["ci_low"].to_numpy()[on], s["ci_high"].to_numpy()[on], colors=[rgb], lw=0.4,
                       alpha=alpha)
            top.scatter(x[on], s["coef"].to_numpy()[on], color=rgb, s=2, alpha=min(1.0, 2.5 * alpha), lw=0, zorder=3)
        top.axhline(0, color="black", lw=0.8)
        top.set_xlim(-0.5, len(s) - 0.5)
        top.set_ylim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
        top.set_xticks([])
        top.set_title(f"{labels.get(c, c)}\n{len(s):,} specifications", fontsize=9, color=readable(colours[c]),
                      fontweight="bold")
        image = np.ones((len(levels), len(s), 3))
        for row, (ch, v) in enumerate(levels):
            image[row, (s[ch].astype(str) == v).to_numpy()] = rgb
        bottom.imshow(image, aspect="auto", interpolation="nearest",
                      extent=(-0.5, len(s) - 0.5, len(levels) - 0.5, -0.5))
        for row in np.cumsum([len(dict.fromkeys(specs[ch].astype(str))) for ch in choices])[:-1]:
            bottom.axhline(row - 0.5, color="0.6", lw=0.5)
        bottom.grid(False)
        bottom.set_xticks([])
        bottom.set_xlabel("specifications, sorted by estimate", fontsize=8.5)
    axes[0, 0].set_ylabel("estimate (log outcome per SD of the measure)", fontsize=9.5)
    axes[1, 0].set_yticks(range(len(levels)), [f"{c.replace('_', ' ')}: {v}" for c, v in levels], fontsize=8.5)
    axes[1, 0].set_ylabel("specification choices", fontsize=9.5)
    fig.suptitle(title, fontsize=12, y=0.995)
    return fig


STATISTICS = {"median": "median estimate", "share": "share significant, dominant sign", "mean_z": "mean z (Stouffer)"}


def null_distributions(null: pd.DataFrame, inference: pd.DataFrame, labels: dict[str, str], title: str):
    """Histogram of each statistic under the null per construct, the observed value as a line, its p-value."""
    constructs = list(inference["construct"])
    colours = construct_colours(constructs)
    observed = {"median": "median_estimate", "share": "share_significant_dominant", "mean_z": "mean_z"}
    pcol = {"median": "p_median", "share": "p_share", "mean_z": "p_mean_z"}
    fig, axes = plt.subplots(len(constructs), 3, figsize=(11.5, 2.1 * len(constructs) + 0.8), squeeze=False)
    for i, c in enumerate(constructs):
        row = inference.set_index("construct").loc[c]
        d = null[null["construct"] == c]
        for j, stat in enumerate(STATISTICS):
            ax = axes[i, j]
            ax.hist(d[stat], bins=30, color=colours[c], alpha=0.6)
            ax.axvline(row[observed[stat]], color="black", lw=1.5)
            pv = row[pcol[stat]]
            ptxt = f"p < {1 / len(d):.3f}" if pv == 0 else f"p = {pv:.3f}"
            ax.set_title(f"{labels.get(c, c)}: {ptxt} under the null", fontsize=8.5, color=readable(colours[c]))
            ax.tick_params(labelsize=7.5)
            ax.set_xlabel(STATISTICS[stat], fontsize=8)
            ax.set_ylabel("draws", fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig
