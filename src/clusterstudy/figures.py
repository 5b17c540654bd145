"""The one figure theme and the one figure-saving helper.

Figures are written as PNG and SVG with the Agg renderer, a fixed seaborn theme, a fixed
``svg.hashsalt`` and no date or software metadata, so two builds give identical bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib as mpl
import matplotlib.figure
import seaborn as sns

from . import atomic, outputs, paths

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
) -> list[str]:
    """Save ``fig`` as ``figures/<name>.<fmt>`` for each format; return the relative names.

    ``caption`` is required; ``reproduces`` names the seed element rebuilt (for example
    "000 Table 2"). Each file is written atomically.
    """
    set_theme_rc = mpl.rcParams["svg.hashsalt"] == "clusters-compendium"
    if not set_theme_rc:
        raise RuntimeError("call clusterstudy.figures.set_theme() before drawing figures")
    written = []
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
    return written
