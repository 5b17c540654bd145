"""Plot builders shared by the notebooks (drawing only; saving is figures.save_figure)."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.collections
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
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
    plain_log_ticks(ax.yaxis)
    resid = d["_log_y"] - res.fittedvalues
    chosen = list(resid.nlargest(n_labels).index) + list(resid.nsmallest(n_labels).index)
    chosen += list(d.index[d[label].isin(always_label)])
    ax.set(xlabel=xlabel or x, ylabel=ylabel or y, title=_wrap(title, ax))
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    texts = [ax.text(d.at[i, x], d.at[i, y], d.at[i, label], fontsize=7) for i in dict.fromkeys(chosen)]
    place_labels(ax, texts, (d[x].to_numpy(), d[y].to_numpy()), avoid=[legend])
    return fig, res


def _wrap(title: str, ax, chars_per_inch: float = 11.0) -> str:
    """Wrap a title to the width of its axes, so it never runs past the figure's text.

    A parenthesis, and the words after a colon or semicolon, are not broken inside when they
    fit on a line: the title breaks between phrases ("... (267 regions)" stays whole).
    """
    import re
    import textwrap

    if not title:
        return title
    width = max(20, int(ax.get_position().width * ax.figure.get_figwidth() * chars_per_inch))
    glue = "\u00a0"
    kept = re.sub(r"\([^()]*\)", lambda m: m.group(0).replace(" ", glue) if len(m.group(0)) <= width else m.group(0),
                  title)
    lines = textwrap.wrap(kept, width, break_on_hyphens=False)
    return "\n".join(line.replace(glue, " ") for line in lines)


class _PlainLogFormatter(mpl.ticker.LogFormatter):
    """Log-axis tick labels as plain numbers (0.5, 2, 20, 1,000), never as 2×10¹."""

    def _num_to_string(self, x, vmin, vmax):
        return f"{x:,.10g}"


def plain_log_ticks(axis) -> None:
    """Label a log axis with plain numbers; between decades (when few) the 2s and 5s are labelled too."""
    axis.set_major_formatter(_PlainLogFormatter(labelOnlyBase=True))
    axis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False, minor_thresholds=(1.5, 0.5)))
    axis.set_minor_locator(mpl.ticker.LogLocator(subs=(2.0, 5.0)))


def thousands(axis) -> None:
    """Tick labels as plain numbers with thousands separators (80,000; 2.5), never rounded off."""
    axis.set_major_formatter(mpl.ticker.FuncFormatter(lambda x, _: format(x, ",.10g")))


def _significant(value: float, digits: int = 3) -> str:
    """``value`` with thousands separators and at least ``digits`` significant digits (80,712; 3.04; 0.0712)."""
    if value == 0 or not np.isfinite(value):
        return f"{value:g}"
    decimals = max(0, digits - 1 - int(np.floor(np.log10(abs(value)))))
    return f"{value:,.{decimals}f}"


def value_labels(ax, inside_min: float = 0.05) -> list:
    """Write each vertical bar's value (three significant digits, thousands separators) above it.

    A bar shorter than ``inside_min`` of the axis span is also outlined, so it shows even when it
    is too short to see; the label says its value either way. Returns the texts.
    """
    texts = []
    lo, hi = ax.get_ylim()
    for bar in ax.patches:
        if not isinstance(bar, mpl.patches.Rectangle) or bar.get_width() == 0 or not np.isfinite(bar.get_height()):
            continue
        value = bar.get_height()
        texts.append(ax.annotate(_significant(value), (bar.get_x() + bar.get_width() / 2, value),
                                 xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=9))
        if abs(value) < inside_min * (hi - lo):
            bar.set_edgecolor("0.2")
            bar.set_linewidth(0.8)
    ax.set_ylim(lo, hi + 0.1 * (hi - lo))
    return texts


def label_cases(ax, x, y, names, colour="black") -> list:
    """Mark the cases at (``x``, ``y``) with an outlined marker and name each one clear of every marker
    and short line (whisker, cap, median) on ``ax``, joined to its marker by a leader line."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ax.scatter(x, y, s=36, facecolor="none", edgecolor=colour, lw=1.2, zorder=4)
    ax.figure.canvas.draw()
    points = [np.asarray(c.get_offsets(), dtype=float) for c in ax.collections
              if isinstance(c, mpl.collections.PathCollection) and len(np.asarray(c.get_offsets()))]
    px, py = np.concatenate(points).T
    texts = [ax.text(xi + 0.12, yi, name, fontsize=8.5, va="center") for xi, yi, name in zip(x, y, names, strict=True)]
    lines = [ln for ln in ax.lines if len(ln.get_xdata()) == 2]
    place_labels(ax, texts, (px, py), avoid=lines)
    return texts


def group_labels(ax, starts: list[int], names: list[str], n_rows: int, fontsize: float = 8.0) -> list:
    """Name the consecutive row groups of a heatmap (row ``i`` spans ``i`` to ``i + 1``) left of the axes.

    Groups are set apart by thin white lines; each name is spread vertically so that none overprints
    another (in order, nearest its group) and joined to its group's middle by a leader line. The y
    axis's label is moved out past the names. Returns the texts.
    """
    fig = ax.figure
    ends = list(starts[1:]) + [n_rows]
    mids = [(a + b) / 2 for a, b in zip(starts, ends, strict=True)]
    for s in starts[1:]:
        ax.axhline(s, color="white", lw=0.8)
    ax.set_yticks([])
    fig.canvas.draw()
    y = ax.transData.transform([(0, m) for m in mids])[:, 1]
    gap = fontsize * 1.3 * fig.dpi / 72
    order = np.argsort(-y, kind="stable")
    placed = y[order].copy()
    for i in range(1, len(placed)):
        placed[i] = min(placed[i], placed[i - 1] - gap)
    floor = ax.bbox.y0 + gap / 2
    if len(placed) and placed[-1] < floor:
        placed[-1] = floor
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = max(placed[i], placed[i + 1] + gap)
    texts = []
    for k, i in enumerate(order):
        dy = (placed[k] - y[i]) * 72 / fig.dpi
        texts.append(ax.annotate(names[i], (0, mids[i]), xycoords=ax.get_yaxis_transform(), xytext=(-24, dy),
                                 textcoords="offset points", ha="right", va="center", fontsize=fontsize,
                                 annotation_clip=False,
                                 arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "0.4", "shrinkA": 1, "shrinkB": 0}))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    widest = max(t.get_window_extent(renderer).width for t in texts) * 72 / fig.dpi if texts else 0
    ax.yaxis.labelpad = 24 + widest + 6
    return texts


def readable(colour, background="white", ratio: float = 4.5):
    """``colour`` darkened (mixed with black) until text in it reaches ``ratio``:1 on ``background`` (WCAG)."""
    from clusterstudy.publish.figure_checks import contrast_ratio

    rgb = np.asarray(mpl.colors.to_rgb(colour))
    bg = np.asarray(mpl.colors.to_rgb(background))
    for k in np.linspace(1.0, 0.0, 41):
        if contrast_ratio(rgb * k, bg) >= ratio:
            return tuple(float(v) for v in rgb * k)
    return (0.0, 0.0, 0.0)


def text_on(fill) -> str:
    """Black or white, whichever contrasts more with ``fill`` (for numbers written on heatmap cells)."""
    from clusterstudy.publish.figure_checks import contrast_ratio

    bg = np.asarray(mpl.colors.to_rgb(fill))
    return "black" if contrast_ratio(np.zeros(3), bg) >= contrast_ratio(np.ones(3), bg) else "white"


def nested_circles(circles: pd.DataFrame, title: str = ""):
    """Nested circles (outermost first), each named beside the figure with its firm count or range.

    ``circles`` has ``circle``, ``firms_low``, ``firms_high`` (NaN where the source gives no
    number) and optionally ``label_in_source`` (the circle's own label in the source's figure,
    quoted when it differs from ``circle``). Radii are proportional to the square root of the
    count (area ~ firms), the range's two ends drawn as solid and dashed outlines; a circle
    without a number is drawn as an open outer ring. Labels sit right of the circles, joined
    to their circle by a leader line, so no text crosses an outline.
    """
    from matplotlib.patches import Circle

    fig, ax = plt.subplots(figsize=(10, 6.5))
    known = circles.dropna(subset=["firms_high"])
    scale = 1.0 / np.sqrt(known["firms_high"].max()) * 0.8
    anchors, names = [], []
    for i, r in enumerate(circles.itertuples(index=False)):
        colour = f"C{i}"
        source = getattr(r, "label_in_source", None)
        named = isinstance(source, str) and source and source != r.circle
        quoted = f'\n("{source}" in the source\'s figure)' if named else ""
        if np.isnan(r.firms_high):
            ax.add_patch(Circle((0, 0), 1.0, fill=False, lw=2, ls=":", color=colour))
            anchors.append((np.cos(np.pi / 6), np.sin(np.pi / 6)))
            names.append(f"{r.circle}: every firm in the sector (no number given){quoted}")
            continue
        hi = np.sqrt(r.firms_high) * scale
        lo = np.sqrt(r.firms_low) * scale
        ax.add_patch(Circle((0, hi - 0.8), hi, alpha=0.25, color=colour))
        if lo < hi:
            ax.add_patch(Circle((0, lo - 0.8), lo, fill=False, ls="--", color=colour))
        angle = np.deg2rad(50)
        anchors.append((0.9 * hi * np.cos(angle), hi - 0.8 + 0.9 * hi * np.sin(angle)))
        n = f"{r.firms_low:.0f}-{r.firms_high:.0f}" if lo < hi else f"about {r.firms_high:.0f}"
        names.append(f"{r.circle}: {n} firms{quoted}")
    ys = np.linspace(0.75, -0.75, len(names)) if len(names) > 1 else [0.0]
    for (x0, y0), y, text in zip(anchors, ys, names, strict=True):
        ax.plot([x0, 1.12], [y0, y], color="0.35", lw=0.7, gid="leader")
        ax.plot([x0], [y0], "o", color="0.2", ms=3, gid="leader")
        ax.text(1.15, y, text, fontsize=9.5, va="center", ha="left")
    ax.set(xlim=(-1.05, 2.75), ylim=(-1.05, 1.05), aspect="equal", title=title)
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
    if points is not None:
        _nudge_clear(ax, texts, ax.transData.transform(np.column_stack([x, y])), renderer)
    to_data = ax.transData.inverted()
    for t, origin in zip(texts, origins, strict=True):
        start = ax.transData.transform(origin)
        box = t.get_window_extent(renderer)
        end = np.clip(start, [box.x0, box.y0], [box.x1, box.y1])  # the label's box point nearest its spot
        if np.hypot(*(end - start)) > min_leader_px:
            (x0, y0), (x1, y1) = to_data.transform([start, end])
            ax.plot([x0, x1], [y0, y1], color="0.5", lw=0.5, zorder=1, gid="leader")


def _nudge_clear(ax, texts: list, points_px: np.ndarray, renderer, radius_px: float = 5.0) -> None:
    """Move any label still covering a marker (within ``radius_px`` of its centre) to the nearest spot,
    in eight directions and growing steps, that clears every marker and every other label inside the axes."""
    bbox = ax.bbox
    directions = [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1)]

    def clear(box, others) -> bool:
        inside = bbox.x0 <= box.x0 and box.x1 <= bbox.x1 and bbox.y0 <= box.y0 and box.y1 <= bbox.y1
        near = np.hypot(np.clip(points_px[:, 0], box.x0, box.x1) - points_px[:, 0],
                        np.clip(points_px[:, 1], box.y0, box.y1) - points_px[:, 1]) < radius_px
        return inside and not near.any() and not any(box.overlaps(o) for o in others)

    for t in texts:
        others = [o.get_window_extent(renderer) for o in texts if o is not t]
        box = t.get_window_extent(renderer)
        if clear(box, others):
            continue
        start = ax.transData.transform(t.get_position())
        for step in range(2, 80, 2):
            moved = next((d for d in directions if clear(box.translated(d[0] * step, d[1] * step), others)), None)
            if moved is not None:
                t.set_position(ax.transData.inverted().transform(start + np.array(moved) * step))
                break


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
