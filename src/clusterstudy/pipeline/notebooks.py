"""Keep committed notebooks diffable: strip metadata noise, keep outputs and stable cell ids.

Usage::

    python -m clusterstudy refresh-notebook EXECUTED.ipynb NOTEBOOK.ipynb   # copy outputs back
    python -m clusterstudy check-notebooks NOTEBOOK.ipynb ...                # exit 1 if noisy
    python -m clusterstudy check-executed --sanitize CFG NAME ...            # the build's runs, by nbval's rules
"""

from __future__ import annotations

import configparser
import json
import re
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


# ---------------------------------------------------------------- nbval's comparison, on the build's runs
# nbval compares every output of a fresh execution with the committed one, except these keys (its
# defaults without --nbdime: images are not compared), after its sanitising regexes
NBVAL_SKIP = frozenset({"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
                        "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg"})


def sanitize_patterns(cfg: Path) -> list[tuple[re.Pattern[str], str]]:
    """The regex -> replacement pairs of an nbval sanitize file (sections with ``regex`` and ``replace``)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(cfg.read_text())
    return [(re.compile(parser[s]["regex"]), parser[s].get("replace", "")) for s in parser.sections()]


def _flat(outputs: list[dict], patterns: list[tuple[re.Pattern[str], str]]) -> dict[str, list[str]]:
    """An output list as nbval compares it: per key (a stream's name, a MIME type), the sanitised values."""
    def text(v: object) -> str:
        s = "".join(v) if isinstance(v, list) else v if isinstance(v, str) else json.dumps(v, sort_keys=True)
        for rx, rep in patterns:
            s = rx.sub(rep, s)
        return s

    flat: dict[str, list[str]] = {}
    for o in outputs:
        items = {o["name"]: o.get("text", "")} if o.get("output_type") == "stream" else \
            {**{k: v for k, v in o.items() if k != "data"}, **o.get("data", {})}
        for k, v in items.items():
            if k not in NBVAL_SKIP:
                flat.setdefault(k, []).append(text(v))
    return flat


def differences(committed: dict, executed: dict, patterns: list[tuple[re.Pattern[str], str]]) -> list[str]:
    """Where an execution of a committed notebook disagrees with its committed outputs, by nbval's rules
    (one line per cell: its id and the output keys that differ; its tags nbval-skip, nbval-ignore-output
    and raises-exception honoured); an error raised where none is expected is a difference."""
    runs = {c.get("id"): c for c in executed["cells"] if c["cell_type"] == "code"}
    found = []
    for cell in (c for c in committed["cells"] if c["cell_type"] == "code"):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "nbval-skip" in tags:
            continue
        run = runs.get(cell.get("id"))
        if run is None or "".join(run["source"]) != "".join(cell["source"]):
            found.append(f"cell {cell.get('id')}: not executed from this source (rebuild with make all)")
            continue
        if "raises-exception" not in tags and any(o.get("output_type") == "error" for o in run.get("outputs", [])):
            found.append(f"cell {cell.get('id')}: raised an error")
            continue
        if "nbval-ignore-output" in tags:
            continue
        want, got = _flat(cell.get("outputs", []), patterns), _flat(run.get("outputs", []), patterns)
        keys = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
        if keys:
            found.append(f"cell {cell.get('id')}: {', '.join(keys)} differ")
    return found
