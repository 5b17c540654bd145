"""The cluster-to-cluster network of the reviewed studies, drawn (saving is figures.save_figure)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def _ties(g) -> list[tuple]:
    """The edges of ``g`` with each pair of nodes once (a two-way tie is one tie)."""
    seen, ties = set(), []
    for a, b, d in g.edges(data=True):
        if frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            ties.append((a, b, d))
    return ties


def _layout_faults(pos: dict, ties: list[tuple], radius: float) -> tuple[int, int]:
    """(ties passing through a node other than their own ends, pairs of ties that cross) in ``pos``."""
    def cross(p1, p2, p3, p4) -> bool:
        d = lambda a, b, c: (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])  # noqa: E731
        return d(p1, p2, p3) * d(p1, p2, p4) < 0 and d(p3, p4, p1) * d(p3, p4, p2) < 0

    through = 0
    for a, b, _ in ties:
        pa, pb = np.asarray(pos[a]), np.asarray(pos[b])
        for n, pn in pos.items():
            if n in (a, b):
                continue
            t = np.clip(np.dot(pn - pa, pb - pa) / np.dot(pb - pa, pb - pa), 0, 1)
            through += np.hypot(*(pa + t * (pb - pa) - pn)) < radius
    crossings = sum(cross(pos[a1], pos[b1], pos[a2], pos[b2])
                    for i, (a1, b1, _) in enumerate(ties) for a2, b2, _ in ties[i + 1:]
                    if not {a1, b1} & {a2, b2})
    return through, crossings


def draw(g, title: str = "", seed: int = 7, inferred: set | None = None, tries: int = 60,
         figsize: tuple = (12, 8)):
    """Draw a cluster network: nodes coloured by country, arrows in the direction of transfer.

    ``g`` is a directed graph with edge attribute ``studies`` (a two-way tie is an edge each
    way, drawn as one double-headed arrow); edge labels name the studies. ``inferred`` holds
    the ties (as frozensets of their two nodes) the coder inferred rather than read in the
    source; they are drawn dashed, quoted ties solid, and a legend says so. Of ``tries`` spring
    layouts (seeds ``seed``, ``seed + 1``, ...) the first with fewest ties passing through an
    unrelated node, then fewest crossings, is drawn. Each edge label sits on its own edge on a
    white box (away from the arrowheads); node labels are placed by adjustText.
    """
    import textwrap

    import networkx as nx
    from matplotlib.lines import Line2D

    inferred = inferred or set()
    ties = _ties(g)
    undirected = g.to_undirected()
    best = None
    for s in range(seed, seed + tries):
        pos = nx.spring_layout(undirected, seed=s, k=1.2)
        xy = np.array(list(pos.values()))
        faults = _layout_faults(pos, ties, 0.04 * np.ptp(xy, axis=0).max())
        if best is None or faults < best[0]:
            best = (faults, pos)
    assert best is not None  # at least one seed was tried
    pos = best[1]
    countries = sorted({d["country"] for _, d in g.nodes(data=True)})
    colours = {c: f"C{i}" for i, c in enumerate(countries)}
    fig, ax = plt.subplots(figsize=figsize)
    for a, b, d in ties:
        both = g.has_edge(b, a)
        ax.annotate("", xy=pos[b], xytext=pos[a],
                    arrowprops={"arrowstyle": "<|-|>" if both else "-|>", "color": "0.55",
                                "linestyle": "--" if frozenset((a, b)) in inferred else "-",
                                "lw": 1 + len(d["studies"]), "shrinkA": 9, "shrinkB": 9, "mutation_scale": 14})
    for c in countries:
        nodes = [n for n, d in g.nodes(data=True) if d["country"] == c]
        nx.draw_networkx_nodes(g, pos, nodelist=nodes, node_color=colours[c], node_size=220, ax=ax, label=c)
    xy = np.array([pos[n] for n in g.nodes])
    span = xy.max(axis=0) - xy.min(axis=0)
    ax.set_xlim(xy[:, 0].min() - 0.35 * span[0], xy[:, 0].max() + 0.35 * span[0])
    ax.set_ylim(xy[:, 1].min() - 0.15 * span[1], xy[:, 1].max() + 0.15 * span[1])
    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"}
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    node_px = ax.transData.transform(xy)
    radius = np.sqrt(220) / 2 * fig.dpi / 72 + 2
    from matplotlib.transforms import Bbox

    from clusterstudy.publish.figure_checks import obstacles

    fig.canvas.draw()
    taken: list = [Bbox(pts).padded(1) for kind, pts, _, _ in obstacles(ax, renderer) if kind == "arrowhead"]

    def free(t) -> bool:
        b = t.get_window_extent(renderer).padded(2)
        inside = ax.bbox.x0 <= b.x0 and b.x1 <= ax.bbox.x1 and ax.bbox.y0 <= b.y0 and b.y1 <= ax.bbox.y1
        near = np.hypot(np.clip(node_px[:, 0], b.x0, b.x1) - node_px[:, 0],
                        np.clip(node_px[:, 1], b.y0, b.y1) - node_px[:, 1]) < radius
        return inside and not near.any() and not any(b.overlaps(o) for o in taken)

    def settle(t, spots) -> None:
        """Put text ``t`` at the first free spot (display pixels), else the first spot."""
        for spot in spots:
            t.set_position(ax.transData.inverted().transform(spot))
            if free(t):
                break
        else:
            t.set_position(ax.transData.inverted().transform(spots[0]))
        taken.append(t.get_window_extent(renderer))

    for a, b, d in ties:
        pa, pb = ax.transData.transform([pos[a], pos[b]])
        t = ax.text(0, 0, ", ".join(d["studies"]), fontsize=8, color="0.2", ha="center", va="center", bbox=box,
                    zorder=4)
        settle(t, [pa + f * (pb - pa) for f in (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8)])
    gap = radius + 3
    for n, p in zip(g.nodes, node_px, strict=True):
        name = "\n".join(textwrap.wrap(n, 24, break_on_hyphens=False))
        t = ax.text(0, 0, name, fontsize=8, ha="center", va="center", bbox=box, zorder=5)
        fig.canvas.draw()
        w, h = t.get_window_extent(renderer).width, t.get_window_extent(renderer).height
        offsets = [(0, gap + h / 2), (0, -gap - h / 2), (gap + w / 2, 0), (-gap - w / 2, 0),
                   (gap + w / 2, gap), (-gap - w / 2, gap), (gap + w / 2, -gap), (-gap - w / 2, -gap),
                   (0, 2 * gap + h / 2), (0, -2 * gap - h / 2), (2 * gap + w / 2, 0), (-2 * gap - w / 2, 0)]
        settle(t, [p + np.array(o) for o in offsets])
    legend = ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), title="country", frameon=False)
    ax.add_artist(legend)
    ax.legend(handles=[Line2D([], [], color="0.55", lw=2, label="quoted in the source"),
                       Line2D([], [], color="0.55", lw=2, ls="--", label="inferred by the coder")],
              fontsize=8, loc="lower left", bbox_to_anchor=(1.0, 0.0), title="tie", frameon=False)
    ax.set_title(title)
    ax.axis("off")
    return fig
