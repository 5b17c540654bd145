"""The results manifest (``results.csv``), generated from what the notebook runs declared.

Each save through :func:`figures.save_figure` / :func:`tables.write_table` records the
output's caption and the seed element it reproduces; the notebook runner records which
outputs each papermill run produced, with its notebook and parameters. This module joins
those records into one row per file of ``figures/`` and ``tables/``. Where several runs
write the same file (outputs that do not depend on the swept parameter), the run with the
notebook's default parameters is named, so the manifest is the same whatever the build order.

Usage: ``python -m clusterstudy manifest``
"""

from __future__ import annotations

import json

import pandas as pd

from clusterstudy.core import atomic, paths

COLUMNS = ["file", "kind", "notebook", "parameters", "executed_notebook", "reproduces", "caption"]


def collect() -> pd.DataFrame:
    """One row per output file recorded under build/meta/."""
    meta = paths.project_root() / "build" / "meta"
    runs = [json.loads(p.read_text()) for p in sorted((meta / "runs").glob("*.json"))]
    if not runs:
        raise RuntimeError("no notebook runs recorded in build/meta/runs: run `make all` first")
    runs.sort(key=lambda r: (len(r["parameters"]) > 0, json.dumps(r["parameters"], sort_keys=True)))
    rows = {}
    for run in runs:
        for f in run["outputs"]:
            if f in rows:
                continue
            record = json.loads((meta / f"{f}.json").read_text())
            rows[f] = {
                "file": f, "kind": f.split("/")[0][:-1], "notebook": run["notebook"],
                "parameters": json.dumps(run["parameters"], sort_keys=True),
                "executed_notebook": run["executed"], "reproduces": record.get("reproduces") or "",
                "caption": record["caption"],
            }
    return pd.DataFrame(list(rows.values()), columns=COLUMNS).sort_values("file").reset_index(drop=True)


def write() -> int:
    """Write results.csv at the project root; return the number of entries."""
    df = collect()
    atomic.write_text(paths.project_root() / "results.csv", df.to_csv(index=False, lineterminator="\n"))
    return len(df)


def load() -> pd.DataFrame:
    """The committed manifest."""
    return pd.read_csv(paths.project_root() / "results.csv", dtype=str, keep_default_na=False)
