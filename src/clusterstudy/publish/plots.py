"""Plot builders shared by the notebooks (drawing only; saving is figures.save_figure)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf


def scatter_fit(df: pd.DataFrame, x: str, y: str, label: str, n_labels: int = 4,
                always_label: tuple[str, ...] = (), xlabel: str = "", ylabel: str = "",
                title: str = "", ax=None):
    """Scatter of ``y`` (log axis) on ``x`` with the OLS fit of log ``y`` and its 95% band.

    Labels the ``n_labels`` largest positive and negative residuals and ``always_label``.
    Returns (figure, fitted results).
    """
    d = df[df[y] > 0].dropna(subset=[x, y]).copy()
    d["_log_y"] = np.log(d[y])
    res = smf.ols(f"_log_y ~ {x}", data=d).fit(cov_type="HC3")
    grid = pd.DataFrame({x: np.linspace(d[x].min(), d[x].max(), 100)})
    pred = res.get_prediction(grid).summary_frame(alpha=0.05)
    fig, ax = plt.subplots(figsize=(7.5, 5.5)) if ax is None else (ax.figure, ax)
    ax.scatter(d[x], d[y], s=14, alpha=0.6, edgecolor="none")
    ax.plot(grid[x], np.exp(pred["mean"]), color="C3", lw=2, label="OLS fit of log y")
    ax.fill_between(grid[x], np.exp(pred["mean_ci_lower"]), np.exp(pred["mean_ci_upper"]),
                    color="C3", alpha=0.2, label="95% confidence band")
    ax.set_yscale("log")
    resid = d["_log_y"] - res.fittedvalues
    chosen = list(resid.nlargest(n_labels).index) + list(resid.nsmallest(n_labels).index)
    chosen += list(d.index[d[label].isin(always_label)])
    ax.set(xlabel=xlabel or x, ylabel=ylabel or y, title=_wrap(title, ax))
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    texts = [ax.text(d.at[i, x], d.at[i, y], d.at[i, label], fontsize=7) for i in dict.fromkeys(chosen)]
    place_labels(ax, texts, (d[x].to_numpy(), d[y].to_numpy()), avoid=[legend])
    return fig, res


def _wrap(title: str, ax, chars_per_inch: float = 11.0) -> str:
    """Wrap a title to the width of its axes, so it never runs past the figure's text."""
    import textwrap

    width = ax.get_position().width * ax.figure.get_figwidth()
    return "\n".join(textwrap.wrap(title, max(20, int(width * chars_per_inch)))) if title else title


def nested_circles(circles: pd.DataFrame, title: str = ""):
    """Nested circles (outermost first) labelled with their firm counts or ranges.

    ``circles`` has ``circle``, ``firms_low``, ``firms_high`` (NaN where the source gives no
    number). Radii are proportional to the square root of the count (area ~ firms), the
    range's two ends drawn as solid and dashed outlines; a circle without a number is drawn
    as an open outer ring.
    """
    from matplotlib.patches import Circle

    fig, ax = plt.subplots(figsize=(6.5, 6.5))
    known = circles.dropna(subset=["firms_high"])
    scale = 1.0 / np.sqrt(known["firms_high"].max()) * 0.8
    for i, r in enumerate(circles.itertuples(index=False)):
        colour = f"C{i}"
        if np.isnan(r.firms_high):
            ax.add_patch(Circle((0, 0), 1.0, fill=False, lw=2, ls=":", color=colour))
            ax.annotate(f"{r.circle}\n(every firm in the sector; no number given)", (0, 0.93), ha="center",
                        va="top", fontsize=9, color=colour)
            continue
        hi = np.sqrt(r.firms_high) * scale
        lo = np.sqrt(r.firms_low) * scale
        ax.add_patch(Circle((0, hi - 0.8), hi, alpha=0.25, color=colour))
        if lo < hi:
            ax.add_patch(Circle((0, lo - 0.8), lo, fill=False, ls="--", color=colour))
        n = f"{r.firms_low:.0f}-{r.firms_high:.0f}" if lo < hi else f"about {r.firms_high:.0f}"
        ax.annotate(f"{r.circle}: {n} firms", (0, 2 * hi - 0.8 - 0.04), ha="center", va="top", fontsize=9)
    ax.set(xlim=(-1.05, 1.05), ylim=(-1.05, 1.05), aspect="equal", title=title)
    ax.axis("off")
    return fig


def place_labels(ax, texts: list, points: tuple | None = None, avoid: list | None = None,
                 min_leader_px: float = 8.0) -> None:
    """Move ``texts`` (matplotlib Text objects on ``ax``) so that none overlaps another (adjustText).

    ``points`` (x and y arrays, data units) are markers the labels should also keep clear of,
    ``avoid`` artists such as the legend. Labels stay inside the axes; a label moved more than
    ``min_leader_px`` from where it started is joined to that spot by a thin line. The leader
    lines are plain lines fixed in data units (not arrows clipped at render time), so the figure
    helper rounds them like every other line and the bytes do not depend on the CPU. The layout
    is deterministic (adjustText has no randomness).
    """
    from adjustText import adjust_text

    if not texts:
        return
    x, y = points if points is not None else (None, None)
    origins = [t.get_position() for t in texts]
    adjust_text(texts, x=x, y=y, objects=avoid, ax=ax, ensure_inside_axes=True, expand=(1.2, 1.4),
                force_text=(0.3, 0.5), iter_lim=500)
    ax.autoscale(False)  # the leader lines must not move the view the labels were placed in
    renderer = ax.figure.canvas.get_renderer()
    to_data = ax.transData.inverted()
    for t, origin in zip(texts, origins, strict=True):
        start = ax.transData.transform(origin)
        box = t.get_window_extent(renderer)
        end = np.clip(start, [box.x0, box.y0], [box.x1, box.y1])  # the label's box point nearest its spot
        if np.hypot(*(end - start)) > min_leader_px:
            (x0, y0), (x1, y1) = to_data.transform([start, end])
            ax.plot([x0, x1], [y0, y1], color="0.5", lw=0.5, zorder=1, gid="leader")


def _ties(g) -> list[tuple]:
    """The edges of ``g`` with each pair of nodes once (a two-way tie is one tie)."""
    seen, ties = set(), []
    for a, b, d in g.edges(data=True):
        if frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            ties.append((a, b, d))
    return ties


def network(g, title: str = "", seed: int = 7):
    """Draw a cluster network: nodes coloured by country, arrows in the direction of transfer.

    ``g`` is a directed graph with edge attribute ``studies`` (a two-way tie is an edge each
    way, drawn as one double-headed arrow); edge labels name the studies. Node and edge labels
    are placed by adjustText so none overlaps or leaves the axes.
    """
    import networkx as nx

    pos = nx.spring_layout(g.to_undirected(), seed=seed, k=1.2)
    countries = sorted({d["country"] for _, d in g.nodes(data=True)})
    colours = {c: f"C{i}" for i, c in enumerate(countries)}
    fig, ax = plt.subplots(figsize=(12, 8))
    ties = _ties(g)
    for a, b, d in ties:
        both = g.has_edge(b, a)
        ax.annotate("", xy=pos[b], xytext=pos[a],
                    arrowprops={"arrowstyle": "<|-|>" if both else "-|>", "color": "0.55",
                                "lw": 1 + len(d["studies"]), "shrinkA": 9, "shrinkB": 9, "mutation_scale": 14})
    for c in countries:
        nodes = [n for n, d in g.nodes(data=True) if d["country"] == c]
        nx.draw_networkx_nodes(g, pos, nodelist=nodes, node_color=colours[c], node_size=220, ax=ax, label=c)
    xy = np.array([pos[n] for n in g.nodes])
    span = xy.max(axis=0) - xy.min(axis=0)
    ax.set_xlim(xy[:, 0].min() - 0.35 * span[0], xy[:, 0].max() + 0.35 * span[0])
    ax.set_ylim(xy[:, 1].min() - 0.15 * span[1], xy[:, 1].max() + 0.15 * span[1])
    texts = [ax.text(*pos[n], n, fontsize=8, ha="center", va="bottom") for n in g.nodes]
    for a, b, d in ties:
        mid = (np.asarray(pos[a]) + np.asarray(pos[b])) / 2
        texts.append(ax.text(*mid, ", ".join(d["studies"]), fontsize=7, color="0.3", ha="center", va="center"))
    place_labels(ax, texts, (xy[:, 0], xy[:, 1]))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="country", frameon=False)
    ax.set_title(title)
    ax.axis("off")
    return fig


def stagger_tick_labels(ax, axis: str = "y", gap_pt: float = 2.0) -> int:
    """Move crowded tick labels into side-by-side columns so that none overprints its neighbour.

    Each label goes to the first column whose previous label it clears (greedy, in tick order);
    columns are set apart by the widest label. Returns the number of columns used.
    """
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ticks = [t for t in (ax.yaxis if axis == "y" else ax.xaxis).get_major_ticks() if t.label1.get_text()]
    if not ticks:
        return 0
    boxes = [t.label1.get_window_extent(renderer) for t in ticks]
    along = [(b.y0, b.y1) if axis == "y" else (b.x0, b.x1) for b in boxes]
    across = max((b.width if axis == "y" else b.height) for b in boxes) * 72 / fig.dpi + gap_pt
    last_end: list[float] = []
    order = sorted(range(len(ticks)), key=lambda i: along[i][0])
    for i in order:
        lo, hi = along[i]
        col = next((c for c, end in enumerate(last_end) if lo >= end + gap_pt * fig.dpi / 72), None)
        if col is None:
            col = len(last_end)
            last_end.append(hi)
        else:
            last_end[col] = hi
        ticks[i].set_pad(ticks[i].get_pad() + col * across)
    return len(last_end)
