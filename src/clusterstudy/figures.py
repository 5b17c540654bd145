"""The one figure theme and the one figure-saving helper.

Figures are written as PNG and SVG with the Agg renderer, a fixed seaborn theme, a fixed
``svg.hashsalt`` and no date or software metadata, so two builds give identical bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import matplotlib as mpl
import matplotlib.figure
import seaborn as sns

from . import atomic, outputs, paths


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
        raise RuntimeError("call clusterstudy.figures.set_theme() before drawing figures")
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
