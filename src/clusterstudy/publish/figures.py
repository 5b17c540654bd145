"""The one figure theme and the one figure-saving helper.

Figures are written as PNG and SVG with the Agg renderer, a fixed seaborn theme, a fixed
``svg.hashsalt`` and no date or software metadata, so two builds give identical bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import matplotlib as mpl
import matplotlib.collections
import matplotlib.figure
import matplotlib.lines
import matplotlib.patches
import matplotlib.path
import matplotlib.text
import numpy as np
import seaborn as sns

from clusterstudy.core import atomic, paths
from clusterstudy.publish import outputs


class SavedFiles(list):
    """The relative names of a saved figure's files; shown as nothing in a notebook.

    The figure itself is displayed by :func:`save_figure`, so a cell ending in a
    ``save_figure`` call shows the figure once instead of a list of file names.
    """

    def _ipython_display_(self) -> None:
        pass

DPI = 150
FORMATS = ("png", "svg")
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def set_theme() -> None:
    """Apply the compendium's single plotting theme (call once at the top of a notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    mpl.rcParams.update(
        {
            "svg.hashsalt": "clusters-compendium",
            "svg.fonttype": "path",
            "figure.dpi": 100,
            "savefig.dpi": DPI,
            "savefig.bbox": "tight",
            "font.family": "DejaVu Sans",
        }
    )


_SIGNIFICANT = 8  # digits kept by _stabilise: far below a pixel, far above floating-point noise


def _round(values, digits: int = _SIGNIFICANT):
    """``values`` rounded to ``digits`` significant digits (arrays, masked arrays or scalars)."""
    a = np.ma.asarray(values, dtype=float)
    data = np.asarray(a.filled(0.0) if a.mask is not np.ma.nomask else a, dtype=float)
    finite = np.isfinite(data) & (data != 0)
    out = data.copy()
    if finite.any():
        exponent = np.floor(np.log10(np.abs(data[finite])))
        scale = 10.0 ** (digits - 1 - exponent)
        out[finite] = np.round(data[finite] * scale) / scale
    return np.ma.array(out, mask=a.mask) if a.mask is not np.ma.nomask else out


def _stabilise(fig: matplotlib.figure.Figure) -> None:
    """Round every artist's data to :data:`_SIGNIFICANT` significant digits before saving.

    Fitted lines and bands come out of BLAS/LAPACK and NumPy's SIMD maths, whose last bits
    depend on the CPU (OpenBLAS and NumPy pick kernels at run time). Rounded, the values the
    renderer receives are the same on every machine, so PNGs are byte-identical (SVGs and
    CSVs already round when they write). Axis limits are frozen at their rounded values too.
    """
    for ax in fig.axes:
        for artist in ax.get_children():
            if isinstance(artist, matplotlib.lines.Line2D):
                artist.set_data(_round(artist.get_xdata(orig=True)), _round(artist.get_ydata(orig=True)))
            elif isinstance(artist, matplotlib.collections.Collection):
                offsets = artist.get_offsets()
                if len(offsets):
                    artist.set_offsets(_round(offsets))
                if not isinstance(artist, matplotlib.collections.PathCollection):  # marker shapes stay
                    for p in artist.get_paths():
                        if not p.readonly:
                            p.vertices = _round(p.vertices)
                artist.stale = True
            elif isinstance(artist, matplotlib.patches.Rectangle):
                x, y = artist.get_xy()
                artist.set_bounds(*_round([x, y, artist.get_width(), artist.get_height()]))
            elif isinstance(artist, matplotlib.patches.PathPatch):
                p = artist.get_path()
                artist.set_path(matplotlib.path.Path(_round(p.vertices), p.codes))
            elif isinstance(artist, matplotlib.patches.Polygon):
                artist.set_xy(_round(artist.get_xy()))
            if isinstance(artist, matplotlib.text.Annotation):
                artist.xy = tuple(_round(artist.xy))
            if isinstance(artist, matplotlib.text.Text):
                artist.set_position(tuple(_round(artist.get_position())))
        ax.set_xlim(*_round(ax.get_xlim()))
        ax.set_ylim(*_round(ax.get_ylim()))


def save_figure(
    fig: matplotlib.figure.Figure,
    name: str,
    *,
    caption: str,
    reproduces: str | None = None,
    formats: Iterable[str] = FORMATS,
) -> SavedFiles:
    """Save ``fig`` as ``figures/<name>.<fmt>`` for each format; return the relative names.

    ``caption`` is required; ``reproduces`` names the seed element rebuilt (for example
    "000 Table 2"). Each file is written atomically. In a Jupyter kernel the saved PNG is
    also shown inline.
    """
    set_theme_rc = mpl.rcParams["svg.hashsalt"] == "clusters-compendium"
    if not set_theme_rc:
        raise RuntimeError("call clusterstudy.publish.figures.set_theme() before drawing figures")
    _stabilise(fig)
    _check_layout(fig, name)
    formats = tuple(formats)
    written = SavedFiles()
    for fmt in formats:
        if fmt not in _METADATA:
            raise ValueError(f"unknown figure format {fmt!r}; expected one of {sorted(_METADATA)}")
        filename = f"{name}.{fmt}"
        atomic.write_with(
            paths.output_path("figures", filename),
            lambda fh, fmt=fmt: fig.savefig(fh, format=fmt, metadata=_METADATA[fmt]),
        )
        outputs.record("figures", filename, caption, reproduces)
        written.append(f"figures/{filename}")
    _show_inline(fig, name, formats)
    return written


_TOLERANCE_PX = 1.0  # text boxes may touch or overlap by this much without counting as overprint


def _drawn_texts(fig: matplotlib.figure.Figure) -> list[matplotlib.text.Text]:
    """Draw ``fig`` and return the texts actually drawn (non-empty; ticks outside the view are not drawn)."""
    drawn: list[matplotlib.text.Text] = []
    original = matplotlib.text.Text.draw

    def record(self, renderer):
        if self.get_visible() and self.get_text().strip() and self.get_alpha() != 0:
            drawn.append(self)
        return original(self, renderer)

    matplotlib.text.Text.draw = record
    try:
        fig.canvas.draw()
    finally:
        matplotlib.text.Text.draw = original
    return list(dict.fromkeys(drawn))


def _corners(t: matplotlib.text.Text, renderer) -> np.ndarray:
    """The four corners (display pixels) of a text's rotated box."""
    box = t.get_window_extent(renderer)
    angle = t.get_rotation()
    if angle % 180 == 0:
        w, h = box.width, box.height
    else:
        t.set_rotation(0)
        flat = t.get_window_extent(renderer)
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
            if min(pa.max(), pb.max()) - max(pa.min(), pb.min()) <= _TOLERANCE_PX:
                return False
    return True


def _check_layout(fig: matplotlib.figure.Figure, name: str) -> None:
    """Refuse a figure whose text is clipped at its axes or canvas, or overprints other text."""
    texts = _drawn_texts(fig)
    renderer = fig.canvas.get_renderer()
    tight = mpl.rcParams["savefig.bbox"] == "tight"
    for t in texts:
        box = t.get_window_extent(renderer)
        clip = t.get_clip_box() if t.get_clip_on() else (None if tight else fig.bbox)
        if clip is not None and (box.x0 < clip.x0 - _TOLERANCE_PX or box.x1 > clip.x1 + _TOLERANCE_PX
                                 or box.y0 < clip.y0 - _TOLERANCE_PX or box.y1 > clip.y1 + _TOLERANCE_PX):
            raise ValueError(f"figure {name!r}: text {t.get_text()!r} runs outside its "
                             f"{'axes' if t.get_clip_on() else 'canvas'} and would be cut off")
    if len(texts) < 2:
        return
    boxes = np.array([list(t.get_window_extent(renderer).extents) for t in texts])
    x0, y0, x1, y1 = (boxes[:, i] for i in range(4))
    near = ((np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :]) > _TOLERANCE_PX)
            & (np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :]) > _TOLERANCE_PX))
    corners: dict[int, np.ndarray] = {}
    for i, j in zip(*np.nonzero(np.triu(near, k=1)), strict=True):
        ci = corners.setdefault(i, _corners(texts[i], renderer))
        cj = corners.setdefault(j, _corners(texts[j], renderer))
        if _overlap(ci, cj):
            raise ValueError(f"figure {name!r}: text {texts[i].get_text()!r} overlaps text "
                             f"{texts[j].get_text()!r}; move or shrink one of them")


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is part of the environment
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _show_inline(fig: matplotlib.figure.Figure, name: str, formats: Iterable[str]) -> None:
    """In a Jupyter kernel, display the figure as saved (the PNG's bytes) below the cell.

    nbval does not compare ``image/png`` outputs byte by byte (only their text), so executed
    notebooks stay testable. Under the interactive inline backend the pyplot figure is closed
    afterwards, so it is not shown a second time.
    """
    if not _in_kernel():
        return
    from IPython.display import Image, display

    if "png" in formats:
        data = paths.output_path("figures", f"{name}.png").read_bytes()
    else:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata=_METADATA["png"])
        data = buf.getvalue()
    display(Image(data=data, format="png"))
    if "inline" in mpl.get_backend():
        import matplotlib.pyplot as plt

        plt.close(fig)
