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
from clusterstudy.publish import figure_checks, outputs


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
    a: np.ma.MaskedArray = np.ma.asarray(values, dtype=float)
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
                offsets = np.asarray(artist.get_offsets())
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
            lambda fh, fmt=fmt: fig.savefig(fh, format=fmt, metadata=_METADATA[fmt]),  # type: ignore[misc]
        )
        outputs.record("figures", filename, caption, reproduces)
        written.append(f"figures/{filename}")
    _show_inline(fig, name, formats)
    return written


def _check_layout(fig: matplotlib.figure.Figure, name: str) -> None:
    """Refuse a figure a reader could not read cleanly (see :mod:`clusterstudy.publish.figure_checks`)."""
    figure_checks.check(fig, name)


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
