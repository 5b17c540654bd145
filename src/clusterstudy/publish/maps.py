"""Maps: choropleths of regions and point maps of cities, in equal-area projections.

Drawn with geopandas and matplotlib and saved only through
:func:`clusterstudy.publish.figures.save_figure` (byte-reproducible like every figure). Each
map carries its boundary credit line at the bottom and the caller puts it in the caption
(:func:`credit_line`). Axes are switched off: map coordinates (metres of the projection)
carry no meaning for a reader; the projection is named in the credit line.
"""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from clusterstudy.publish import figure_checks, plots

NO_DATA = "#d9d9d9"
SIMPLIFY_M = 1500.0  # drawing tolerance in metres: far below a pixel at these scales, keeps the SVGs small
LAND = "#f0f0f0"
EDGE = "#ffffff"


def credit_line(*credits: str, projection: str) -> str:
    """The map's credit line: boundary credits and the projection."""
    return "; ".join(dict.fromkeys(credits)) + f". Projection: {projection}."


def _credit(ax, credit: str) -> None:
    """The credit line just below the map frame."""
    text = credit.replace("; ", "\n").replace(". Projection", ".\nProjection")
    ax.annotate(text, xy=(0, 0), xycoords="axes fraction", xytext=(0, -4), textcoords="offset points",
                fontsize=7.5, color="#444444", ha="left", va="top", annotation_clip=False)


def _norm(values: np.ndarray, scale: str):
    finite = values[np.isfinite(values)]
    if scale == "diverging":
        lim = float(np.quantile(np.abs(finite), 0.98)) or 1.0
        return mcolors.Normalize(-lim, lim), "RdBu_r"
    if scale == "log":
        pos = finite[finite > 0]
        return mcolors.LogNorm(float(pos.min()), float(pos.max())), "viridis"
    return mcolors.Normalize(float(finite.min()), float(finite.max())), "viridis"


def _simple(gdf, extent=None):
    """``gdf`` without the features outside ``extent`` and with outlines simplified for drawing."""
    if extent is not None:
        gdf = gdf.cx[extent[0]:extent[1], extent[2]:extent[3]]
    return gdf.set_geometry(gdf.geometry.simplify(SIMPLIFY_M, preserve_topology=True))


def _draw(ax, gdf, column, norm, cmap, background, outlines, linewidth, extent=None):
    gdf = _simple(gdf, extent)
    background = None if background is None else _simple(background, extent)
    outlines = None if outlines is None else _simple(outlines, extent)
    if background is not None and len(background):
        background.plot(ax=ax, color=NO_DATA, edgecolor=EDGE, linewidth=linewidth)
    values = gdf[column].to_numpy(dtype=float)
    if isinstance(norm, mcolors.LogNorm):
        values = np.clip(values, norm.vmin, None)
    gdf.assign(_value=values).plot(ax=ax, column="_value", cmap=cmap, norm=norm, edgecolor=EDGE,
                                   linewidth=linewidth)
    if outlines is not None and len(outlines):
        outlines.boundary.plot(ax=ax, color="#4d4d4d", linewidth=0.4, gid=figure_checks.CLIPPED_BY_DESIGN)
    ax.set_aspect("equal")
    ax.set_axis_off()


def choropleth(gdf, column: str, *, title: str, label: str, credit: str, scale: str = "linear",
               background=None, outlines=None, extent: tuple[float, float, float, float] | None = None,
               insets: tuple[dict, ...] = (), figsize: tuple[float, float] = (8.0, 7.5),
               linewidth: float = 0.2, no_data_label: str = "not in the sample"):
    """A choropleth of ``gdf[column]`` (projected units) with a colour bar labelled ``label``.

    ``scale``: ``linear``, ``log`` (skewed positive values) or ``diverging`` (residuals:
    red above, blue below zero, symmetric limits at the 98th percentile of |value|).
    ``background``: units drawn grey (no data); ``outlines``: boundaries drawn as lines;
    ``extent``: (xmin, xmax, ymin, ymax) of the main frame. Each inset is a dict with
    ``mask`` (bool array over ``gdf`` rows), ``background_mask`` (over ``background``),
    ``outline_mask`` (over ``outlines``), ``crs`` and ``rect`` (axes fraction) and ``title``;
    masked units leave the main frame and are drawn there in their own projection.
    """
    values = gdf[column].to_numpy(dtype=float)
    norm, cmap = _norm(values, scale)
    fig, ax = plt.subplots(figsize=figsize)
    keep = np.ones(len(gdf), bool)
    bkeep = np.ones(len(background), bool) if background is not None else None
    okeep = np.ones(len(outlines), bool) if outlines is not None else None
    for inset in insets:
        keep &= ~np.asarray(inset["mask"], bool)
        if bkeep is not None and "background_mask" in inset:
            bkeep &= ~np.asarray(inset["background_mask"], bool)
        if okeep is not None and "outline_mask" in inset:
            okeep &= ~np.asarray(inset["outline_mask"], bool)
    _draw(ax, gdf[keep], column, norm, cmap, None if background is None else background[bkeep],
          None if outlines is None else outlines[okeep], linewidth, extent)
    if extent is not None:
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
    for inset in insets:
        sub = ax.inset_axes(inset["rect"])
        part = gdf[np.asarray(inset["mask"], bool)].to_crs(inset["crs"])
        bg = None if background is None else background[np.asarray(inset["background_mask"], bool)].to_crs(inset["crs"])
        ol = None if outlines is None else outlines[np.asarray(inset["outline_mask"], bool)].to_crs(inset["crs"])
        _draw(sub, part, column, norm, cmap, bg, ol, linewidth)
        sub.text(0.02, 0.98, inset["title"], transform=sub.transAxes, fontsize=8, ha="left", va="top")
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.02, label=label)
    if isinstance(norm, mcolors.LogNorm):
        plots.plain_log_ticks(bar.ax.yaxis)
    if background is not None and len(background):
        ax.legend(handles=[Patch(facecolor=NO_DATA, edgecolor="#999999", label=no_data_label)],
                  loc="upper left", fontsize=8, frameon=True)
    ax.set_title(title, fontsize=11)
    _credit(ax, credit)
    return fig


def points(gdf, category: str, size: str, *, title: str, credit: str, categories: list[str],
           size_label: str, background=None, extent: tuple[float, float, float, float] | None = None,
           colour: str | None = None, colour_label: str = "", figsize: tuple[float, float] = (8.0, 7.0)):
    """Cities as points (projected): marker colour by ``category`` (in ``categories`` order) or,
    with ``colour``, by a continuous diverging column; marker area by ``size`` (square root)."""
    fig, ax = plt.subplots(figsize=figsize)
    if background is not None:
        _simple(background, extent).plot(ax=ax, color=LAND, edgecolor="#b0b0b0", linewidth=0.4)
    s = gdf[size].to_numpy(dtype=float)
    area = 6 + 120 * np.sqrt(np.clip(s, 0, None) / np.nanmax(s))
    xy = np.column_stack([gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()])
    if colour is None:
        palette = dict(zip(categories, plt.get_cmap("tab10").colors, strict=False))  # type: ignore[attr-defined]
        for cat in categories:
            m = (gdf[category] == cat).to_numpy()
            ax.scatter(xy[m, 0], xy[m, 1], s=area[m], color=palette[cat], alpha=0.8, edgecolor="white",
                       linewidth=0.3, label=f"{cat} ({int(m.sum())})", zorder=3)
        first = ax.legend(title=category.replace("_", " "), loc="lower left", fontsize=8, title_fontsize=8)
        ax.add_artist(first)
    else:
        norm, cmap = _norm(gdf[colour].to_numpy(dtype=float), "diverging")
        sc = ax.scatter(xy[:, 0], xy[:, 1], s=area, c=gdf[colour].to_numpy(dtype=float), cmap=cmap, norm=norm,
                        edgecolor="#555555", linewidth=0.3, zorder=3)
        fig.colorbar(sc, ax=ax, shrink=0.6, pad=0.02, label=colour_label)
    q = np.nanquantile(s, [0.5, 0.9, 1.0])
    handles = [Line2D([], [], marker="o", ls="", color="#777777",
                      markersize=np.sqrt(6 + 120 * np.sqrt(v / np.nanmax(s))), label=f"{v:,.1f}") for v in q]
    ax.legend(handles=handles, title=size_label, loc="lower right", fontsize=8, title_fontsize=8)
    if extent is not None:
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    _credit(ax, credit)
    return fig
