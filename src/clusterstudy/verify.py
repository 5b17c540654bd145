"""``make verify``: rebuild the committed compendium from scratch and compare every result.

A fresh clone of the committed state (HEAD) is made in a temporary folder; there, ``make
all`` creates the pinned environment and runs every notebook. Each file of ``figures/`` and
``tables/`` is then compared by sha256 with its committed version. The report lists files
identical, differing, missing (committed but not rebuilt) and extra (rebuilt but not
committed), and for a differing CSV the cells that differ. Exit status 1 on any difference.
The working tree is never touched.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from . import paths

RESULT_DIRS = ("figures", "tables")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _committed(repo: Path, path: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], check=True,
                          capture_output=True).stdout


def csv_cell_diff(old: bytes, new: bytes, limit: int = 10) -> list[str]:
    """Human-readable differences between two CSV files (shape, columns, then cells)."""
    a = pd.read_csv(io.BytesIO(old), dtype=str, keep_default_na=False)
    b = pd.read_csv(io.BytesIO(new), dtype=str, keep_default_na=False)
    if list(a.columns) != list(b.columns):
        return [f"columns differ: {list(a.columns)} -> {list(b.columns)}"]
    out = [] if a.shape == b.shape else [f"rows differ: {len(a)} -> {len(b)}"]
    n = min(len(a), len(b))
    diff = (a.iloc[:n] != b.iloc[:n])
    for row, col in zip(*diff.to_numpy().nonzero(), strict=True):
        if len(out) >= limit:
            out.append("...")
            break
        out.append(f"row {row + 1}, column '{a.columns[col]}': {a.iat[row, col]!r} -> {b.iat[row, col]!r}")
    return out


def compare(clone: Path) -> dict[str, list]:
    """Compare the rebuilt results in ``clone`` with its committed HEAD."""
    tracked = [p for p in _git(clone, "ls-files", *RESULT_DIRS).splitlines() if p]
    produced = sorted(str(p.relative_to(clone)) for d in RESULT_DIRS
                      for p in (clone / d).glob("*") if p.is_file())
    report: dict[str, list] = {"identical": [], "differing": [], "missing": [], "extra": []}
    for path in tracked:
        f = clone / path
        if not f.is_file():
            report["missing"].append(path)
            continue
        old, new = _committed(clone, path), f.read_bytes()
        if hashlib.sha256(old).digest() == hashlib.sha256(new).digest():
            report["identical"].append(path)
        else:
            cells = csv_cell_diff(old, new) if path.endswith(".csv") else []
            report["differing"].append((path, cells))
    report["extra"] = [p for p in produced if p not in set(tracked)]
    return report


def main() -> int:
    root = paths.project_root()
    if _git(root, "status", "--porcelain", "--untracked-files=no").strip():
        print("note: uncommitted changes are not verified; the committed state (HEAD) is rebuilt")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
        clone = Path(tmp) / "compendium"
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(root), str(clone)], check=True)
        print(f"▶ rebuilding {_git(clone, 'rev-parse', '--short', 'HEAD').strip()} from scratch in {clone}")
        env = {k: v for k, v in os.environ.items() if k not in ("CONDA_PREFIX", "CONDA_DEFAULT_ENV")}
        env.pop("CLUSTERS_ROOT", None)
        env.pop("CLUSTERS_OUTPUT_ROOT", None)
        jobs = str(os.cpu_count() or 1)
        build = subprocess.run(["make", "-C", str(clone), f"-j{jobs}", "all"], env=env)
        if build.returncode != 0:
            print("✘ make all failed in the clean copy", file=sys.stderr)
            return 1
        report = compare(clone)
    took = time.perf_counter() - start
    print(f"\nReproduction report ({took:.0f} s)")
    print(f"  identical: {len(report['identical'])}")
    print(f"  differing: {len(report['differing'])}")
    for path, cells in report["differing"]:
        print(f"    {path}")
        for line in cells:
            print(f"      {line}")
    for key in ("missing", "extra"):
        print(f"  {key}: {len(report[key])}")
        for path in report[key]:
            print(f"    {path}")
    bad = report["differing"] or report["missing"] or report["extra"]
    print("✘ results do not reproduce" if bad
          else "✔ every committed figure and table reproduces byte for byte")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
