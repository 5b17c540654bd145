"""Benchmarks. `make bench` (``bench.py speccurve``): the specification curve's batched estimator
against a statsmodels loop on the same specifications, and the null resampling, in one run.
`make bench-build` (``bench.py build``): time the build in the ways issue #2 names; print one
Markdown table.

Rows: cold build (build/ removed, environment present) with -j1 and -j2, no-op build,
one-notebook rebuild (its source touched), `make test`, and `make test` on a fresh clone
(environment created from scratch, pip's cache warm). Each time is the median of several
runs; the papermill overhead per notebook run (wall time minus the cells' own time, from
papermill's per-cell records) and the kernels' peak memory come from build/meta/runs/.
This is a measurement, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def timed(cmd: list[str], cwd: Path = ROOT, before=None) -> float:
    if before:
        before()
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def median_of(n: int, cmd: list[str], before=None, cwd: Path = ROOT) -> tuple[float, list[float]]:
    runs = [timed(cmd, cwd, before) for _ in range(n)]
    return statistics.median(runs), runs


def rm_build() -> None:
    shutil.rmtree(ROOT / "build" / "notebooks", ignore_errors=True)


def leaf_notebook() -> str:
    out = subprocess.run(["make", "-s", "--eval", "p: ; @echo $(NOTEBOOKS)", "p"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split()
    return out[-1]


def speccurve_bench() -> int:
    """Specifications per second: batched (numpy) vs one statsmodels fit per specification."""
    sys.path.insert(0, str(ROOT / "src"))
    from clusterstudy.analyses import speccurve

    draws = int(os.environ.get("BENCH_DRAWS", "100"))
    t = time.perf_counter()
    problem = speccurve.build()
    t_build = time.perf_counter() - t
    batch = []
    for _ in range(3):
        t = time.perf_counter()
        specs = speccurve.estimate(problem)
        batch.append(time.perf_counter() - t)
    t_batch = statistics.median(batch)
    loops = {}
    for via in ("arrays", "models"):
        t = time.perf_counter()
        for i in range(len(specs)):
            speccurve.fit_statsmodels(problem, i, via=via)
        loops[via] = time.perf_counter() - t
    t = time.perf_counter()
    speccurve.resample(problem, draws=draws, n_jobs=1)
    t_null = time.perf_counter() - t
    n = len(specs)
    print(f"specification curve: {n} specifications ({problem.specs['block'].nunique()} designs); "
          f"samples built in {t_build:.2f} s")
    print(f"batched estimation: {t_batch:.3f} s = {n / t_batch:,.0f} specifications/s (median of 3)")
    for via, what in (("arrays", "statsmodels OLS/GLM on arrays"), ("models", "models.fit/fit_poisson (formula)")):
        print(f"loop, {what}: {loops[via]:.2f} s = {n / loops[via]:,.0f} specifications/s; "
              f"speed-up of the batch {loops[via] / t_batch:,.0f}x")
    print(f"null resampling, one process: {draws} draws x {n} specifications in {t_null:.2f} s = "
          f"{draws * n / t_null:,.0f} specifications/s ({t_null / draws * 500:.1f} s per 500 draws)")
    return 0


def main() -> int:
    if sys.argv[1:] == ["speccurve"]:
        return speccurve_bench()
    if sys.argv[1:] != ["build"]:
        print("usage: tools/bench.py speccurve|build", file=sys.stderr)
        return 2
    rows = []
    subprocess.run(["make", "-s", "all"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    j1, r1 = median_of(REPEATS, ["make", "-s", "-j1", "all"], rm_build)
    rows.append(("cold build, make -j1 all", j1, r1, ""))
    j2, r2 = median_of(REPEATS, ["make", "-s", "-j2", "all"], rm_build)
    rows.append(("cold build, make -j2 all", j2, r2, f"speed-up {j1 / j2:.2f}x (target >= 1.6x)"))
    noop, r = median_of(5, ["make", "-s", "all"])
    rows.append(("no-op make all", noop, r, "target < 0.5 s"))
    nb = ROOT / "notebooks" / f"{leaf_notebook()}.ipynb"
    one, r = median_of(REPEATS, ["make", "-s", "all"], lambda: nb.touch())
    rows.append((f"one notebook touched ({nb.stem})", one, r, "reruns only its papermill runs"))
    runs = [json.loads(p.read_text()) for p in (ROOT / "build/meta/runs").glob("*.json")]
    overhead = statistics.median(r["seconds"] - r["cell_seconds"] for r in runs)
    peak = max(r["peak_mib"] for r in runs)
    test, r = median_of(max(1, REPEATS - 1), ["make", "-s", "test"])
    rows.append(("make test (environment present)", test, r, "target < 300 s"))
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        shared = ROOT.parent / "shared"
        if shared.exists() and not (Path(tmp) / "shared").exists():
            os.symlink(shared, Path(tmp) / "shared")
        fresh = timed(["make", "-s", "test"], clone)
    rows.append(("make test on a fresh clone (creates .venv)", fresh, [fresh], "target < 300 s"))
    print("| step | median (s) | runs (s) | note |\n|---|---:|---|---|")
    for name, med, rr, note in rows:
        print(f"| {name} | {med:.3f} | {', '.join(f'{x:.3f}' for x in rr)} | {note} |")
    print(f"| papermill overhead per notebook run (median) | {overhead:.2f} | {len(runs)} runs | "
          "wall minus cell time; target < 1.5 s |")
    print(f"| peak kernel memory (max over runs, MiB) | {peak:.0f} | | target < 2048 MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
