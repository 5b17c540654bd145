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
import os

import pandas as pd

from clusterstudy.core import atomic, paths

COLUMNS = ["file", "kind", "notebook", "parameters", "executed_notebook", "reproduces", "caption"]
# the one output no notebook makes: the article, typeset by `make paper` from the committed tables
PAPER = {"file": "paper/paper.pdf", "kind": "paper", "notebook": "", "parameters": "{}", "executed_notebook": "",
         "reproduces": "", "caption": "The compendium's article, every number read from the committed tables "
                                      "(make paper: clusterstudy.report.paper)"}


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
    rows[PAPER["file"]] = PAPER
    return pd.DataFrame(list(rows.values()), columns=COLUMNS).sort_values("file").reset_index(drop=True)


def write() -> tuple[int, bool]:
    """Write results.csv at the project root only if its content changes; return (entries, changed).

    Unchanged, the file is not written (not even a temporary beside it); its modification time is
    set to now so that make sees it up to date and a no-op ``make all`` runs nothing next time.
    """
    df = collect()
    target = paths.project_root() / "results.csv"
    text = df.to_csv(index=False, lineterminator="\n")
    if target.is_file() and target.read_bytes() == text.encode("utf-8"):
        os.utime(target)
        return len(df), False
    atomic.write_text(target, text)
    return len(df), True


def load() -> pd.DataFrame:
    """The committed manifest."""
    return pd.read_csv(paths.project_root() / "results.csv", dtype=str, keep_default_na=False)


def notebook_outputs(entries: pd.DataFrame | None = None) -> pd.DataFrame:
    """The entries a notebook makes (every one but the article)."""
    entries = load() if entries is None else entries
    return entries[entries["notebook"] != ""].reset_index(drop=True)
