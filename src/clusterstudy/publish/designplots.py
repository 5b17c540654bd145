"""Figures of the European designs notebook: coefficients by design, the sensitivity contour."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

DESIGN_COLOURS = {"cross_section": "#34495e", "lagged": "#2980b9", "pre_period": "#c0392b",
                  "panel_fe": "#27ae60"}


def design_coefficients(table: pd.DataFrame, labels: dict[str, str], title: str):
    """Coefficient per SD and 95% CI per measure (rows) and design (colours), one panel per comparison."""
    measures = list(dict.fromkeys(table["measure"]))
    designs = [d for d in DESIGN_COLOURS if d in set(table["design"])]
    comparisons = [c for c in ("across", "within") if c in set(table["comparison"])]
    fig, axes = plt.subplots(1, len(comparisons), figsize=(12, 0.55 * len(measures) + 2), sharey=True,
                             squeeze=False)
    step = 0.8 / max(1, len(designs))
    y0 = np.arange(len(measures))[::-1]
    for ax, comp in zip(axes[0], comparisons, strict=True):
        for k, design in enumerate(designs):
            sub = table[(table["design"] == design) & (table["comparison"] == comp)].set_index("measure")
            sub = sub.reindex(measures)
            y = y0 + 0.4 - step / 2 - k * step
            ok = sub["coef"].notna().to_numpy()
            ax.errorbar(sub["coef"][ok], y[ok],
                        xerr=[(sub["coef"] - sub["ci_low"])[ok], (sub["ci_high"] - sub["coef"])[ok]],
                        fmt="o", ms=4, lw=1.2, color=DESIGN_COLOURS[design], label=design.replace("_", " "))
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel("Δ log patents per million per SD (95% CI)")
        ax.set_title(f"{comp} countries" if comp == "across" else "within countries (panel: within regions)")
    axes[0][0].set_yticks(y0, [labels.get(m, m) for m in measures])
    axes[0][0].set_ylabel("measure")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(designs), fontsize=9, title="design", frameon=False)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def sensitivity_contour(sens, title: str, lim: float | None = None, grid: int = 101):
    """Contours of the adjusted estimate over confounder strength (Cinelli & Hazlett 2020, Fig. 2).

    x: partial R² of the confounder with the treatment, y: with the outcome; the adjusted
    estimate is sensemakr's ``adjusted_estimate`` on a grid (drawn here because sensemakr's
    own ``ovb_contour_plot`` uses a Matplotlib API removed in 3.10), shaded with a colour
    bar; the zero contour is dashed red; benchmark bounds (``sens.bench_bounds``) are marked and labelled.
    """
    from sensemakr.bias_functions import adjusted_estimate

    b = sens.bench_bounds
    top = lim or float(min(0.99, max(0.4, 1.2 * b[["r2dz_x", "r2yz_dx"]].to_numpy().max())))
    r = np.linspace(0.0, top, grid)
    gx, gy = np.meshgrid(r, r)
    z = adjusted_estimate(gx.ravel(), gy.ravel(), estimate=sens.estimate, se=sens.se,
                          dof=sens.dof).reshape(gx.shape)
    fig, ax = plt.subplots(figsize=(7.5, 6))
    cs = ax.contourf(gx, gy, z, levels=12, cmap="Greys_r", alpha=0.6)
    fig.colorbar(cs, ax=ax, label="adjusted estimate")
    if z.min() < 0 < z.max():
        ax.contour(gx, gy, z, levels=[0.0], colors="#c0392b", linestyles="--", linewidths=1.5)
    ax.plot([0], [0], marker="^", color="black")
    ax.annotate(f"unadjusted {sens.estimate:+.3f}", (0, 0), xytext=(6, 6), textcoords="offset points", fontsize=8)
    for k, row in enumerate(b.itertuples()):
        ax.plot(row.r2dz_x, row.r2yz_dx, marker="D", color="#c0392b", ms=4)
        ax.annotate(f"{row.bound_label}: {row.adjusted_estimate:+.3f}", (row.r2dz_x, row.r2yz_dx),
                    xytext=(6, -10 + 12 * (k % 2)), textcoords="offset points", fontsize=7)
    ax.set_xlabel("partial R² of confounder with the measure")
    ax.set_ylabel("partial R² of confounder with log patents")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def leave_one_out(loo: pd.DataFrame, full: pd.DataFrame, title: str):
    """Coefficient and 95% CI with each country left out (rows), one panel per design x comparison;
    the full-sample coefficient as a dashed line."""
    keys = list(dict.fromkeys(zip(loo["design"], loo["comparison"], strict=True)))
    dropped = sorted(loo["dropped"].unique())
    y = np.arange(len(dropped))[::-1]
    fig, axes = plt.subplots(1, len(keys), figsize=(2.6 * len(keys) + 1.2, 0.22 * len(dropped) + 2), sharey=True,
                             squeeze=False)
    for ax, (design, comp) in zip(axes[0], keys, strict=True):
        sub = loo[(loo["design"] == design) & (loo["comparison"] == comp)].set_index("dropped").reindex(dropped)
        ax.errorbar(sub["coef"], y, xerr=[sub["coef"] - sub["ci_low"], sub["ci_high"] - sub["coef"]], fmt="o",
                    ms=3, lw=1, color=DESIGN_COLOURS.get(design, "#34495e"))
        ref = full[(full["design"] == design) & (full["comparison"] == comp)]
        if not ref.empty:
            ax.axvline(float(ref["coef"].iloc[0]), color="#7f8c8d", lw=1, ls="--")
        ax.axvline(0, color="black", lw=0.8)
        ax.set_title(f"{design.replace('_', ' ')}\n{comp}", fontsize=9)
        ax.set_xlabel("coefficient per SD")
    axes[0][0].set_yticks(y, dropped)
    axes[0][0].set_ylabel("country left out")
    fig.suptitle(title)
    fig.tight_layout()
    return fig
