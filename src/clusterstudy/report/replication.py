"""The README's replication-package sections (Social Science Data Editors' template) and ``codecheck.yml``.

Generated from committed files, never typed, like :mod:`clusterstudy.report.findings`:

- between ``<!-- replication:start -->`` and ``<!-- replication:end -->``: the data availability
  and provenance statement per source (``data/datapackage.json``), the software (pinned versions
  from ``requirements.lock``), the list of tables and figures with the notebook and cell that make
  each (``results.csv`` traced by :mod:`clusterstudy.report.makers`) and the DCAS self-check;
- between ``<!-- runtime:start -->`` and ``<!-- runtime:end -->``: the measured runtime per
  notebook run (``build/meta/runs``, written by the runner) and the machine that measured it;
- ``codecheck.yml``: the CODECHECK manifest (configuration spec 1.0), one entry per output of
  ``results.csv``.

Usage: ``python -m clusterstudy replication write|check|runtime``
"""

from __future__ import annotations

import json
import os
import platform
import re
from pathlib import Path

import pandas as pd

from clusterstudy.core import atomic, paths
from clusterstudy.report import makers, manifest, readme

START, END = readme.markers("replication")
RT_START, RT_END = readme.markers("runtime")
PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "pyfixest", "wildboottest", "matplotlib", "seaborn",
            "geopandas", "libpysal", "esda", "papermill", "nbval", "sphinx", "myst-nb", "nbgrader")
CODECHECK_SPEC = "https://codecheck.org.uk/spec/config/1.0/"

# The Data and Code Availability Standard (DCAS v1.0) rules and where this package meets each.
DCAS = (
    ("Data", "Data Availability Statement", "the statement per source below: producer, where to get it, "
     "licence, cost (none: every source is public and free) and the tidy extract this package holds"),
    ("Data", "Raw data", "public sources, fetched by `make download` (Eurostat API) or from the mirror "
     "(`../shared/data`, see `data/README.md`); the five source documents in `../shared/seeds/`"),
    ("Data", "Analysis data", "the tidy extracts `data/extracts/*.csv` and seed encodings `data/seeds/*.csv`, "
     "committed, with sha256 in `data/datapackage.json` (checked by `make verify-data`)"),
    ("Data", "Format", "CSV (UTF-8) and a Frictionless Data Package; no proprietary format"),
    ("Data", "Metadata", "a Table Schema per file in `data/datapackage.json`; harmonisation rules in `data/README.md`"),
    ("Data", "Citation", "each source cited in `data/README.md` (Credit), in `CITATION.cff` and below"),
    ("Data", "Permanence", "not yet met: the package lives in a git repository; deposit a release in a trusted "
     "repository (e.g. Zenodo, with a DOI) at publication"),
    ("Data", "License", "each file's licence in `data/datapackage.json`; the encodings CC-BY-4.0"),
    ("Data", "Omissions", "none: every input is in the package or public; regions and codes dropped in "
     "harmonisation are listed in `tables/data_eu_dropped_codes.csv` and `tables/eu_excluded_regions.csv`"),
    ("Code", "Data transformation", "`make extracts` (src/clusterstudy/data/ingest/) turns the raw sources "
     "into the extracts"),
    ("Code", "Analysis", "`make all` runs every notebook (papermill); the list below names the notebook and "
     "cell that makes each table and figure"),
    ("Code", "Format", "Python source and Jupyter notebooks, readable and executable as they are"),
    ("Code", "License", "MIT (`LICENSE`); text, figures and tables CC-BY-4.0 (`LICENSE-CC-BY-4.0`)"),
    ("Supporting", "README", "this README in the Social Science Data Editors' template: data availability, "
     "computational requirements (measured), instructions, list of tables and figures"),
    ("Supporting", "Reproducibility check", "`make verify` rebuilds everything in a clean clone, compares "
     "every output by sha256 and writes a reproduction certificate (CODECHECK manifest `codecheck.yml`)"),
)


def _md_table(df: pd.DataFrame) -> str:
    return df.to_markdown(index=False, disable_numparse=True)


def _root() -> Path:
    return paths.project_root()


def data_availability() -> str:
    """One row per data file of the package: source, licence, where to get it."""
    package = json.loads((_root() / "data" / "datapackage.json").read_text(encoding="utf-8"))
    rows = []
    for r in package["resources"]:
        src = r.get("sources", [{}])
        lic = ", ".join(x.get("name") or x.get("title", "") for x in r.get("licenses", [])) or "see data/README.md"
        rows.append({"File in the package": f"`data/{r['path']}`",
                     "Source (producer, year, title)": "; ".join(s.get("title", "") for s in src),
                     "Where to get it": "; ".join(s.get("path", "") for s in src),
                     "Licence": lic, "sha256": r.get("hash", "").removeprefix("sha256:")[:12]})
    table = pd.DataFrame(rows)
    n_extract = int(table["File in the package"].str.startswith("`data/extracts/").sum())
    return ("### Data availability and provenance statements\n\n"
            "All data are public and free of charge; no registration or data-use agreement is needed. The "
            f"package includes every file it analyses: {n_extract} tidy extracts of public statistics "
            f"(`data/extracts/`, built from the raw sources by `make extracts`) and {len(table) - n_extract} "
            "encodings of the five source documents (`data/seeds/`, encoded by hand with a citation per row). "
            "The statement per file (the first 12 hex digits of its sha256; all of it in "
            "`data/datapackage.json`):\n\n" + _md_table(table) + "\n")


def software() -> str:
    """Pinned versions of the main packages (``requirements.lock``)."""
    lock = (_root() / "requirements.lock").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", lock, re.M))
    found = {p: pins[p] for p in PACKAGES if p in pins}
    return ("### Computational requirements\n\n"
            "- Software: Python 3.11 (3.11.5 or later 3.11 releases); every package pinned with hashes in "
            "`requirements.lock` (from `environment.yml`; `make env` installs it in `.venv`). Main packages: "
            + ", ".join(f"{k} {v}" for k, v in found.items())
            + ". The book needs nothing else; the browser test needs Chromium.\n"
            "- Hardware and runtime: measured below on the machine that last ran `make all`; any x86-64 "
            "machine with 4 GB of memory runs the package (no GPU, no internet after `make env`).\n")


def outputs_list() -> str:
    """Every table and figure: its files, notebook, the cell that makes it, what it reproduces."""
    t = makers.table(manifest.load())
    t = t.assign(stem=t["file"].str.replace(r"\.[a-z]+$", "", regex=True))
    rows = []
    for stem, g in t.groupby("stem", sort=True):
        e = g.iloc[0]
        params = ", ".join(f"{k} = {v}" for k, v in json.loads(e["parameters"]).items())
        rows.append({"Output": stem, "Formats": " ".join(sorted(f.rsplit(".", 1)[1] for f in g["file"])),
                     "Notebook": f"`{e['notebook']}`" + (f" ({params})" if params else ""),
                     "Cell": f"{e['cell']} (`{e['cell_id']}`)", "Reproduces": e["reproduces"]})
    return ("### List of tables and figures\n\n"
            f"Generated from `results.csv` ({len(t)} files, {len(rows)} outputs); the cell is the notebook's "
            "cell number (counting every cell) and its id; a variant's parameters are named. Captions are in "
            "`results.csv` and on each notebook page of the book.\n\n" + _md_table(pd.DataFrame(rows)) + "\n")


def dcas() -> str:
    table = pd.DataFrame(DCAS, columns=["Section", "DCAS rule", "Where the package meets it"])
    return ("### DCAS self-check\n\nThe package against the Data and Code Availability Standard (DCAS v1.0) "
            "that the AEA and other journals' data editors apply:\n\n" + _md_table(table) + "\n")


def render() -> str:
    """The README's replication block (markers included)."""
    body = "\n".join([data_availability(), software(), outputs_list(), dcas()])
    return f"{START}\n{body}{END}"


def runtime(meta: Path | None = None) -> str:
    """The runtime block: seconds per notebook run as the runner measured them, and the machine."""
    meta = meta or _root() / "build" / "meta" / "runs"
    runs = [json.loads(p.read_text()) for p in sorted(meta.glob("*.json"))]
    if not runs:
        raise RuntimeError("no notebook runs recorded in build/meta/runs: run `make all` first")
    rows = [{"Notebook run": Path(r["executed"]).stem, "Seconds": f"{r.get('seconds', float('nan')):.1f}",
             "of which in cells": f"{r['cell_seconds']:.1f}",
             "Kernel peak (MiB)": f"{r.get('peak_mib', float('nan')):.0f}"} for r in runs]
    total = sum(r.get("seconds", r["cell_seconds"]) for r in runs)
    peak = max(r.get("peak_mib", 0) for r in runs)
    return (f"{RT_START}\nRuntime measured by the notebook runner (`build/meta/runs`): {len(runs)} notebook runs, "
            f"{total / 60:.1f} min in total run one after the other (`make -j2 all` runs two at a time), kernel "
            f"memory at most {peak:.0f} MiB; machine: {_cpu()}, {os.cpu_count()} logical cores, {_memory()}, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}.\n\n"
            + _md_table(pd.DataFrame(rows)) + f"\n{RT_END}")


def _cpu() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", text)
        if found is None:
            raise ValueError("no model name in /proc/cpuinfo")
        return found.group(1).strip()
    except (OSError, ValueError):
        return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        if found is None:
            raise ValueError("no MemTotal in /proc/meminfo")
        kb = int(found.group(1))
        return f"{kb / 2**20:.0f} GB memory"
    except (OSError, AttributeError):
        return "memory unknown"


def codecheck() -> str:
    """``codecheck.yml`` (CODECHECK configuration spec 1.0): paper, repository and the manifest."""
    entries = manifest.load()

    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)

    lines = ["---", f"version: {CODECHECK_SPEC}", "paper:",
             "  title: " + q("Industrial clusters, specialisation and innovation: a reproducible research "
                             "compendium"),
             "  authors:", "    - name: " + q("Cluster compendium contributors"),
             "  reference: " + q("CITATION.cff"),
             "summary: " + q("Every output is rebuilt by `make all` from the committed data; `make verify` "
                             "rebuilds them in a clean clone, compares each by sha256 and writes the reproduction "
                             "certificate (build/certificate.md, build/certificate.html)."),
             "manifest:"]
    for e in entries.itertuples():
        params = ", ".join(f"{k} = {v}" for k, v in json.loads(e.parameters).items())
        made = (f"{Path(e.notebook).stem}" + (f" ({params})" if params else "")) if e.notebook else "make paper"
        lines += [f"  - file: {e.file}", "    comment: " + q(f"{e.caption} [made by {made}]")]
    return "\n".join(lines) + "\n"


def manifest_files(text: str) -> list[str]:
    """The files listed in a ``codecheck.yml`` manifest."""
    return re.findall(r"^  - file: (.+)$", text, re.M)


def write() -> bool:
    """Rewrite the README's replication block and codecheck.yml; return True if either changed."""
    changed = readme.replace(START, END, render())
    cc = _root() / "codecheck.yml"
    body = codecheck()
    if not cc.is_file() or cc.read_text(encoding="utf-8") != body:
        atomic.write_text(cc, body)
        changed = True
    return changed


def write_runtime() -> None:
    """Rewrite the README's runtime table from the last build's run records."""
    readme.replace(RT_START, RT_END, runtime())


def check() -> list[str]:
    """What differs from the committed data (empty when README and codecheck.yml are current)."""
    problems = []
    text = (_root() / "README.md").read_text(encoding="utf-8")
    if readme.block(text, START, END) != render():
        problems.append("README replication block differs from the committed data: run `make replication`")
    cc = _root() / "codecheck.yml"
    if not cc.is_file() or cc.read_text(encoding="utf-8") != codecheck():
        problems.append("codecheck.yml differs from results.csv: run `make replication`")
    return problems
