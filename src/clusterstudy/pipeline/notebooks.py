"""Keep committed notebooks diffable: strip metadata noise, keep outputs and stable cell ids.

Usage::

    python -m clusterstudy refresh-notebook EXECUTED.ipynb NOTEBOOK.ipynb   # copy outputs back
    python -m clusterstudy check-notebooks NOTEBOOK.ipynb ...                # exit 1 if noisy
"""

from __future__ import annotations

import json
from pathlib import Path

from clusterstudy.core import atomic

KEEP_NOTEBOOK_META = ("kernelspec", "language_info")
KEEP_CELL_META = ("tags",)


def clean(nb: dict) -> dict:
    """Return ``nb`` without execution timings, papermill records and other volatile metadata."""
    out = dict(nb)
    meta = {k: nb.get("metadata", {})[k] for k in KEEP_NOTEBOOK_META if k in nb.get("metadata", {})}
    if "language_info" in meta:
        meta["language_info"] = {"name": meta["language_info"].get("name", "python")}
    out["metadata"] = meta
    cells = []
    for cell in nb["cells"]:
        c = dict(cell)
        c["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_CELL_META}
        if c["cell_type"] == "code":
            c["outputs"] = [
                {k: v for k, v in o.items() if k != "metadata"} | {"metadata": {}}
                if o.get("output_type") in ("display_data", "execute_result") else o
                for o in cell.get("outputs", [])
            ]
        cells.append(c)
    out["cells"] = cells
    return out


def dumps(nb: dict) -> str:
    """Serialise like Jupyter does (one-space indent, sorted keys, trailing newline)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def problems(nb: dict) -> list[str]:
    """What makes a committed notebook noisy or unstable."""
    found = []
    if any(k not in KEEP_NOTEBOOK_META for k in nb.get("metadata", {})):
        found.append("notebook metadata beyond kernelspec/language_info")
    for i, cell in enumerate(nb["cells"]):
        if "id" not in cell:
            found.append(f"cell {i} has no id")
        if any(k not in KEEP_CELL_META for k in cell.get("metadata", {})):
            found.append(f"cell {i} has volatile metadata {sorted(cell['metadata'])}")
    if not any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]):
        found.append("no cell tagged 'parameters'")
    return found


def refresh(executed: Path, target: Path) -> None:
    """Copy an executed notebook's outputs into ``target``, cleaned of volatile metadata."""
    atomic.write_text(target, dumps(clean(json.loads(executed.read_text()))))
