"""What a machine can judge of a figure before it is saved (called by ``figures.save_figure``).

A figure is refused, with a one-line reason naming the text or artist at fault, when

- text runs outside its axes (when clipped) or outside the canvas;
- text overprints other text, or a placed label (``ax.text``/``ax.annotate``) covers a marker,
  an arrowhead or a short line such as a whisker cap;
- text is smaller than :data:`MIN_FONT_PT`;
- an axis shows tick labels but has no label (a figure-level ``supxlabel``/``supylabel`` counts),
  or tick labels in scientific notation (2×10¹);
- a bar is too short to see (under 2 px) and has no value label beside it;
- an interval (a ``LineCollection``: ``vlines``, ``hlines``, error bars) runs past its axes;
- text contrasts with what is drawn under it by less than WCAG 2.1 AA asks (4.5:1; 3:1 for
  large text), measured on the rendered pixels with the text hidden.

Everything is measured on the live figure (its artists and its Agg rendering), so the checks
see what a reader will see.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.collections
import matplotlib.colors
import matplotlib.container
import matplotlib.figure
import matplotlib.lines
import matplotlib.patches
import matplotlib.path
import matplotlib.text
import numpy as np

TOLERANCE_PX = 1.0  # boxes may touch or overlap by this much without counting
MIN_FONT_PT = 7.0
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal text
MIN_CONTRAST_LARGE = 3.0  # WCAG 2.1 AA, text of 18 pt, or 14 pt bold, and larger
LEADER_GID = "leader"  # lines joining a label to its spot; they may touch their label


def drawn_texts(fig: matplotlib.figure.Figure) -> list[matplotlib.text.Text]:
    """Draw ``fig`` and return the texts actually drawn (non-empty; ticks outside the view are not drawn)."""
    drawn: list[matplotlib.text.Text] = []
    original = matplotlib.text.Text.draw

    def record(self, renderer):
        if self.get_visible() and self.get_text().strip() and self.get_alpha() != 0:
            drawn.append(self)
        return original(self, renderer)

    matplotlib.text.Text.draw = record  # type: ignore[method-assign]
    try:
        fig.canvas.draw()
    finally:
        matplotlib.text.Text.draw = original  # type: ignore[method-assign]
    return list(dict.fromkeys(drawn))


def _box(t: matplotlib.text.Text, renderer):
    """A text's own box in display pixels (an annotation's arrow left out)."""
    return matplotlib.text.Text.get_window_extent(t, renderer)


def _corners(t: matplotlib.text.Text, renderer) -> np.ndarray:
    """The four corners (display pixels) of a text's rotated box."""
    box = _box(t, renderer)
    angle = t.get_rotation()
    if angle % 180 == 0:
        w, h = box.width, box.height
    else:
        t.set_rotation(0)
        flat = _box(t, renderer)
        t.set_rotation(angle)
        w, h = flat.width, flat.height
    rad = np.deg2rad(angle)
    rot = np.array([[np.cos(rad), -np.sin(rad)], [np.sin(rad), np.cos(rad)]])
    half = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2
    return half @ rot.T + [(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2]


def _overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Do two convex quadrilaterals overlap by more than the tolerance (separating-axis test)?"""
    for poly in (a, b):
        for i in range(4):
            edge = poly[(i + 1) % 4] - poly[i]
            axis = np.array([-edge[1], edge[0]])
            norm = np.hypot(*axis)
            if norm == 0:
                continue
            pa, pb = a @ axis / norm, b @ axis / norm
            if min(pa.max(), pb.max()) - max(pa.min(), pb.min()) <= TOLERANCE_PX:
                return False
    return True


def _check_clipping(texts, renderer, name: str) -> None:
    tight = mpl.rcParams["savefig.bbox"] == "tight"
    fig_bbox = texts[0].figure.bbox if texts else None
    for t in texts:
        box = _box(t, renderer)
        clip = t.get_clip_box() if t.get_clip_on() else (None if tight else fig_bbox)
        if clip is not None and (box.x0 < clip.x0 - TOLERANCE_PX or box.x1 > clip.x1 + TOLERANCE_PX
                                 or box.y0 < clip.y0 - TOLERANCE_PX or box.y1 > clip.y1 + TOLERANCE_PX):
            raise ValueError(f"figure {name!r}: text {t.get_text()!r} runs outside its "
                             f"{'axes' if t.get_clip_on() else 'canvas'} and would be cut off")


def _check_overprint(texts, renderer, name: str) -> None:
    if len(texts) < 2:
        return
    boxes = np.array([list(_box(t, renderer).extents) for t in texts])
    x0, y0, x1, y1 = (boxes[:, i] for i in range(4))
    near = ((np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :]) > TOLERANCE_PX)
            & (np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :]) > TOLERANCE_PX))
    corners: dict[int, np.ndarray] = {}
    for i, j in zip(*np.nonzero(np.triu(near, k=1)), strict=True):
        ci = corners.setdefault(i, _corners(texts[i], renderer))
        cj = corners.setdefault(j, _corners(texts[j], renderer))
        if _overlap(ci, cj):
            raise ValueError(f"figure {name!r}: text {texts[i].get_text()!r} overlaps text "
                             f"{texts[j].get_text()!r}; move or shrink one of them")


def _check_font_size(texts, name: str) -> None:
    for t in texts:
        if t.get_fontsize() < MIN_FONT_PT - 1e-9:
            raise ValueError(f"figure {name!r}: text {t.get_text()!r} is {t.get_fontsize():g} pt, "
                             f"below the {MIN_FONT_PT:g} pt a reader can read")


def _tick_labels(axis) -> set[int]:
    return {id(lab) for tick in axis.get_major_ticks() + axis.get_minor_ticks() for lab in (tick.label1, tick.label2)}


def _check_axis_labels(fig: matplotlib.figure.Figure, texts, name: str) -> None:
    drawn = {id(t) for t in texts}
    shared = {"x": getattr(fig, "_supxlabel", None), "y": getattr(fig, "_supylabel", None)}
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        for letter, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            if not axis.get_visible() or not (_tick_labels(axis) & drawn):
                continue
            sup = shared[letter]
            if axis.label.get_text().strip() or (sup is not None and sup.get_text().strip()):
                continue
            where = ax.get_title() or ax.get_label() or f"axes {fig.axes.index(ax) + 1}"
            raise ValueError(f"figure {name!r}: the {letter} axis of {where!r} shows tick labels but has no label")


def _check_tick_notation(fig: matplotlib.figure.Figure, texts, name: str) -> None:
    """Tick labels are plain numbers: no 2×10¹ (mathtext ``\\times``) for a reader to decode."""
    ticks = set().union(*(_tick_labels(a) for ax in fig.axes for a in (ax.xaxis, ax.yaxis)))
    for t in texts:
        if id(t) in ticks and ("\\times" in t.get_text() or "×" in t.get_text()):
            raise ValueError(f"figure {name!r}: tick label {t.get_text()!r} is in scientific notation; "
                             "label the axis with plain numbers (publish.plots.plain_log_ticks)")


def _check_bars_visible(fig: matplotlib.figure.Figure, texts, renderer, name: str, min_px: float = 2.0) -> None:
    """A bar too short (or thin) to see must carry its value in a label next to its end (histograms exempt)."""
    drawn = {id(t) for t in texts}
    labels = [_box(t, renderer) for ax in fig.axes for t in ax.texts if id(t) in drawn]  # placed labels only
    for ax in fig.axes:
        for container in ax.containers:
            if not isinstance(container, matplotlib.container.BarContainer):
                continue
            horizontal = container.orientation == "horizontal"
            starts = np.array([b.get_y() if horizontal else b.get_x() for b in container.patches])
            sizes = np.array([b.get_height() if horizontal else b.get_width() for b in container.patches])
            if len(starts) > 1 and np.allclose(starts[1:], starts[:-1] + sizes[:-1]):
                continue  # a histogram: its bins abut, and a low bin is a count, not a value to read
            for bar, value in zip(container.patches, np.asarray(container.datavalues, float), strict=False):
                if not bar.get_visible() or not np.isfinite(value) or value == 0:
                    continue
                box = bar.get_window_extent(renderer)
                if (box.width if horizontal else box.height) >= min_px:
                    continue
                near = box.expanded(1, 1).padded(20)
                if not any(near.overlaps(b) for b in labels):
                    raise ValueError(f"figure {name!r}: a bar of value {value:g} is under {min_px:g} px long, "
                                     "too short to see, and has no value label; label it (publish.plots.value_labels)")


# lines meant to run past the frame and be clipped (a map's borders at its edge), not intervals
CLIPPED_BY_DESIGN = "clipped-by-design"


def _check_intervals(fig: matplotlib.figure.Figure, name: str) -> None:
    for ax in fig.axes:
        box = ax.bbox
        for coll in ax.collections:
            if (type(coll) is not matplotlib.collections.LineCollection or not coll.get_visible()
                    or coll.get_gid() == CLIPPED_BY_DESIGN):
                continue
            segments = [s for s in coll.get_segments() if len(s)]
            if not segments:
                continue
            pts = coll.get_transform().transform(np.concatenate(segments))
            pts = pts[np.isfinite(pts).all(axis=1)]
            if len(pts) and (pts[:, 0].min() < box.x0 - TOLERANCE_PX or pts[:, 0].max() > box.x1 + TOLERANCE_PX
                             or pts[:, 1].min() < box.y0 - TOLERANCE_PX or pts[:, 1].max() > box.y1 + TOLERANCE_PX):
                where = ax.get_title() or f"axes {fig.axes.index(ax) + 1}"
                raise ValueError(f"figure {name!r}: intervals drawn in {where!r} run past the axes and are cut "
                                 "off; widen the axis limits")


def obstacles(ax, renderer) -> list[tuple[str, np.ndarray, float, object]]:
    """Markers, arrowheads and short lines on ``ax``: (kind, display points, radius px, owner)."""
    px = ax.figure.dpi / 72
    found: list[tuple[str, np.ndarray, float, object]] = []
    for coll in ax.collections:
        if isinstance(coll, matplotlib.collections.PathCollection) and coll.get_visible() and coll.get_alpha() != 0:
            offsets = np.asarray(coll.get_offsets(), dtype=float)
            if not len(offsets):
                continue
            pts = coll.get_offset_transform().transform(offsets)
            sizes = np.broadcast_to(np.asarray(coll.get_sizes(), dtype=float), (len(pts),))
            for p, s in zip(pts, sizes, strict=True):
                found.append(("marker", p[None, :], np.sqrt(s) / 2 * px, coll))
    for line in ax.lines:
        if not line.get_visible():
            continue
        xy = line.get_transform().transform(np.column_stack(line.get_data(orig=False)).astype(float))
        if line.get_marker() not in (None, "", "None", " ") and line.get_markersize() > 0:
            for p in xy:
                found.append(("marker", p[None, :], line.get_markersize() / 2 * px, line))
        elif (len(xy) == 2 and line.get_gid() != LEADER_GID and line.get_linestyle() not in ("None", "")
              and np.isfinite(xy).all() and np.hypot(*(xy[1] - xy[0])) >= 1):  # a drawn, visible line
            found.append(("line", xy, line.get_linewidth() / 2 * px, line))
    arrows = [c for c in ax.get_children() if isinstance(c, matplotlib.patches.FancyArrowPatch)]
    arrows += [t.arrow_patch for t in ax.texts if isinstance(t, matplotlib.text.Annotation) and t.arrow_patch]
    for arrow in arrows:
        if not arrow.get_visible():
            continue
        # the drawn arrow, body and filled heads (matplotlib has no public accessor for them)
        paths, fillable = arrow._get_path_in_displaycoord()  # type: ignore[attr-defined]
        for p, filled in zip(paths, fillable, strict=True):
            verts = p.vertices if p.codes is None else p.vertices[p.codes != matplotlib.path.Path.CLOSEPOLY]
            verts = verts[np.isfinite(verts).all(axis=1)]
            if filled and len(verts) >= 3:  # a filled head: its box is what text must avoid
                found.append(("arrowhead", np.array([verts.min(axis=0), verts.max(axis=0)]), 0.0, arrow))
    return found


def _segment_hits_box(a: np.ndarray, b: np.ndarray, box, pad: float) -> bool:
    """Does the segment a-b pass through ``box`` shrunk by the tolerance and widened by ``pad``?"""
    x0, y0 = box.x0 + TOLERANCE_PX - pad, box.y0 + TOLERANCE_PX - pad
    x1, y1 = box.x1 - TOLERANCE_PX + pad, box.y1 - TOLERANCE_PX + pad
    t0, t1 = 0.0, 1.0
    d = b - a
    for p, q in ((-d[0], a[0] - x0), (d[0], x1 - a[0]), (-d[1], a[1] - y0), (d[1], y1 - a[1])):
        if p == 0:
            if q < 0:
                return False
        else:
            r = q / p
            if p < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
    return t0 <= t1


def _check_labels_clear(fig: matplotlib.figure.Figure, texts, renderer, name: str) -> None:
    drawn = {id(t) for t in texts}
    for ax in fig.axes:
        labels = [t for t in ax.texts if id(t) in drawn]
        if not labels:
            continue
        found = obstacles(ax, renderer)
        for t in labels:
            box = _box(t, renderer)
            own = t.arrow_patch if isinstance(t, matplotlib.text.Annotation) else None
            patch = t.get_bbox_patch()
            masked = patch is not None and matplotlib.colors.to_rgba(patch.get_facecolor())[3] == 1
            for kind, pts, radius, owner in found:
                if owner is own or (kind == "line" and masked):
                    continue
                if kind == "marker":
                    p = pts[0]
                    nearest = np.clip(p, [box.x0, box.y0], [box.x1, box.y1])
                    hit = np.hypot(*(p - nearest)) < radius - TOLERANCE_PX
                elif kind == "arrowhead":
                    (ax0, ay0), (ax1, ay1) = pts
                    hit = (min(ax1, box.x1) - max(ax0, box.x0) > TOLERANCE_PX
                           and min(ay1, box.y1) - max(ay0, box.y0) > TOLERANCE_PX)
                else:
                    hit = _segment_hits_box(pts[0], pts[1], box, radius)
                if hit:
                    article = "an" if kind[0] in "aeiou" else "a"
                    raise ValueError(f"figure {name!r}: label {t.get_text()!r} covers {article} {kind}; move it clear")


def relative_luminance(rgb) -> np.ndarray:
    """WCAG 2.1 relative luminance of sRGB colours (values in 0-1, last axis of length 3)."""
    c = np.asarray(rgb, dtype=float)[..., :3]
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(fg, bg) -> np.ndarray:
    """WCAG contrast ratio between colours ``fg`` and ``bg`` (1 to 21)."""
    a, b = relative_luminance(fg), relative_luminance(bg)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def _check_contrast(fig: matplotlib.figure.Figure, texts, renderer, name: str) -> None:
    """Render the figure with every text hidden and compare each text's colour with the pixels under it."""
    if not texts:
        return
    boxes = [_box(t, renderer) for t in texts]
    for t in texts:
        t.set_visible(False)
    try:
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba(), dtype=np.float64) / 255  # type: ignore[attr-defined]
    finally:
        for t in texts:
            t.set_visible(True)
    height, width = rgba.shape[:2]
    face = np.asarray(matplotlib.colors.to_rgb(fig.get_facecolor()))
    under = rgba[..., :3] * rgba[..., 3:] + face * (1 - rgba[..., 3:])
    for t, box in zip(texts, boxes, strict=True):
        r0, r1 = int(max(0, np.floor(height - box.y1))), int(min(height, np.ceil(height - box.y0)))
        c0, c1 = int(max(0, np.floor(box.x0))), int(min(width, np.ceil(box.x1)))
        if r1 <= r0 or c1 <= c0:
            continue
        bg = under[r0:r1, c0:c1].reshape(-1, 3)
        patch = t.get_bbox_patch()
        if patch is not None:
            pr, pg, pb, pa = matplotlib.colors.to_rgba(patch.get_facecolor())
            bg = np.array([pr, pg, pb]) * pa + bg * (1 - pa)
        r, g, b, a = matplotlib.colors.to_rgba(t.get_color(), t.get_alpha())
        fg = np.array([r, g, b]) * a + bg * (1 - a)
        ratio = float(np.quantile(contrast_ratio(fg, bg), 0.2))  # thin gridlines under a label do not count
        weight = t.get_fontweight()
        bold = weight in ("bold", "heavy", "extra bold", "black", "semibold", "demibold") or (
            isinstance(weight, int | float) and weight >= 600)
        large = t.get_fontsize() >= 18 or (bold and t.get_fontsize() >= 14)
        needed = MIN_CONTRAST_LARGE if large else MIN_CONTRAST
        if ratio < needed:
            raise ValueError(f"figure {name!r}: text {t.get_text()!r} contrasts {ratio:.1f}:1 with what is under "
                             f"it, below the {needed:g}:1 of WCAG 2.1 AA; darken or lighten it")


def check(fig: matplotlib.figure.Figure, name: str) -> None:
    """Refuse ``fig`` (ValueError naming the fault) unless it passes every check of this module."""
    texts = drawn_texts(fig)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    _check_clipping(texts, renderer, name)
    _check_overprint(texts, renderer, name)
    _check_font_size(texts, name)
    _check_axis_labels(fig, texts, name)
    _check_tick_notation(fig, texts, name)
    _check_bars_visible(fig, texts, renderer, name)
    _check_intervals(fig, name)
    _check_labels_clear(fig, texts, renderer, name)
    _check_contrast(fig, texts, renderer, name)
    fig.canvas.draw()
