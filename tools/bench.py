"""Benchmarks. `make bench` (``bench.py speccurve``): specification-draws per second of the null
resampling, per estimator, per-country statistics against a statsmodels loop, in one run.
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
    """Specification-draws per second of the null resampling, per estimator: per-country sufficient
    statistics (OLS: cluster_bootstrap.ols; Poisson PML: one Newton step, poisson_onestep, the warm
    start of the refit) against a statsmodels loop (one refit with clustered errors per specification
    and draw on the replicated rows); medians of 3 runs, in one run; then the full null draw (every
    specification, Poisson refitted to convergence), with BENCH_COLD=1 the notebook's 2,000 draws cold
    on 2 processes, and the cost of exactness (one step against the refit)."""
    sys.path.insert(0, str(ROOT / "src"))
    import numpy as np
    import statsmodels.api as sm

    from clusterstudy.analyses import speccurve
    from clusterstudy.estimation import cluster_bootstrap, multiverse

    draws = int(os.environ.get("BENCH_DRAWS", "200"))
    loop_n = int(os.environ.get("BENCH_LOOP", "150"))
    problem = speccurve.build()
    specs = speccurve.estimate(problem)
    counts = cluster_bootstrap.draw_counts(len(problem.countries), draws, 20201116)

    def fast(estimator: str) -> float:
        t = time.perf_counter()
        for b in problem.blocks:
            c = counts[:, b.block_countries]
            if estimator == "OLS on logs":
                cluster_bootstrap.ols(b.moments, c)
            else:
                for mo in b.null_poisson.values():
                    cluster_bootstrap.poisson_onestep(mo, c)
        return time.perf_counter() - t

    def slow(pairs: list[tuple[int, int]], estimator: str) -> float:
        t = time.perf_counter()
        for i, d in pairs:
            sp = problem.specs.loc[i]
            b = problem.blocks[sp["block"]]
            w = counts[d, b.country_index]
            rows = np.repeat(np.arange(b.design.n), w)
            copy = np.concatenate([np.arange(k) for k in w])  # which copy of its country each row is
            groups = b.country_index[rows] * 1000 + copy  # a copied country is a cluster of its own
            fe = b.key["fixed_effects"] == "country"
            dummies = (np.eye(len(problem.countries))[b.country_index[rows]] if fe else np.ones((len(rows), 1)))
            exog = np.column_stack([b.X[rows, sp["column"]], b.design.Z[rows], dummies])
            exog = exog[:, np.abs(exog).sum(axis=0) > 0]
            kw = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
            oi = sp["outcome_index"]
            if estimator == "OLS on logs":
                sm.OLS(b.log_rates[rows, oi], exog).fit(**kw)
            else:
                sm.GLM(b.counts[rows], exog, family=sm.families.Poisson(), offset=b.log_exposure[rows, oi]).fit(**kw)
        return time.perf_counter() - t

    print(f"specification curve: {len(specs):,} distinct specifications, {len(problem.blocks)} samples x controls "
          f"x fixed effects, {draws} draws")
    for est in speccurve.ESTIMATORS:
        idx = specs.index[specs["estimator"] == est]
        pairs = [(int(i), d % draws) for d, i in enumerate(idx[:: max(1, len(idx) // loop_n)][:loop_n])]
        t_fast = statistics.median(fast(est) for _ in range(3))
        t_slow = statistics.median(slow(pairs, est) for _ in range(3))
        rate_fast, rate_slow = len(idx) * draws / t_fast, len(pairs) / t_slow
        how = "sufficient statistics" if est == "OLS on logs" else "one Newton step from per-country blocks"
        print(f"{est}, {how}: {rate_fast:,.0f} specification-draws/s ({len(idx):,} specifications x {draws} draws, "
              f"median of 3)")
        print(f"{est}, statsmodels loop: {rate_slow:,.0f} specification-draws/s ({len(pairs)} refits on replicated "
              f"rows, median of 3)")
        print(f"{est} ratio: {rate_fast / rate_slow:,.0f}x")
    t = time.perf_counter()
    multiverse.null_chunk(problem, counts[:100])
    t_null = (time.perf_counter() - t) / 100
    print(f"one full null draw (every specification, Poisson refitted to convergence, one process): "
          f"{t_null * 1000:.1f} ms ({t_null * multiverse.DRAWS:.1f} s per {multiverse.DRAWS} draws on one process)")
    if os.environ.get("BENCH_COLD"):  # the notebook's resampling, cold (no cache), on 2 local processes
        full = cluster_bootstrap.draw_counts(len(problem.countries), multiverse.DRAWS, 20201116)
        t = time.perf_counter()
        multiverse._resample(problem, full, 100, 2, None)
        print(f"null draws, cold: {multiverse.DRAWS} draws on 2 processes in {time.perf_counter() - t:.1f} s")
    onestep_against_refit(problem, specs, counts)  # counts: draw_counts(..., draws, 20201116)
    return 0


def onestep(problem, counts):
    """The null draws as before issue 32: Poisson PML by one Newton step from the per-country blocks
    (cluster_bootstrap.poisson_onestep), OLS as now; (coef, z) for every specification."""

    from clusterstudy.estimation import cluster_bootstrap, multiverse

    out = multiverse.null_chunk(problem, counts)
    coef, z = out["coef"].copy(), out["z"].copy()
    for bi, b in enumerate(problem.blocks):
        for oi, mo in b.null_poisson.items():
            r = cluster_bootstrap.poisson_onestep(mo, counts[:, b.block_countries])
            c = r["coef"] - mo.beta[None, :, 0]
            sel = ((problem.specs["block"] == bi) & (problem.specs["outcome_index"] == oi)
                   & (problem.specs["estimator"] == multiverse.POISSON)).to_numpy()
            cols = problem.specs.loc[sel, "column"].to_numpy()
            coef[:, sel], z[:, sel] = c[:, cols], (c / r["se_cluster"])[:, cols]
    return {"coef": coef, "z": z}, out


def onestep_against_refit(problem, specs, counts) -> None:
    """What exactness costs and what the one-step got wrong: the same draws with the Poisson
    specifications by one Newton step and refitted to convergence (the notebook's null), timed on
    one process; |z| differences; the main panel's statistics' p-values both ways, also per estimator."""
    import numpy as np
    import pandas as pd

    from clusterstudy.analyses import speccurve_inference
    from clusterstudy.estimation import cluster_bootstrap, multiverse

    t = time.perf_counter()
    for b in problem.blocks:
        for mo in b.null_poisson.values():
            cluster_bootstrap.poisson_onestep(mo, counts[:, b.block_countries])
    t_step = time.perf_counter() - t
    t = time.perf_counter()
    step, exact = onestep(problem, counts)
    t_exact = time.perf_counter() - t - t_step  # onestep() also runs the one-step once more
    pois = (problem.specs["estimator"] == multiverse.POISSON).to_numpy()
    dz = np.abs(exact["z"][:, pois] - step["z"][:, pois])
    print(f"cost of exactness, Poisson null draws ({pois.sum():,} specifications x {len(counts)} draws, one "
          f"process): one step {t_step:.1f} s, refitted to convergence {t_exact:.1f} s (with the OLS draws)")
    print(f"one step against the refit, the same {len(counts)} draws: median |z difference| {np.median(dz):.3f} "
          f"(95th percentile {np.quantile(dz, 0.95):.3f}); p-values of the main panel's statistics (share of draws):")
    cols = ["p_median", "p_share", "p_mean_z", "p_share_ols", "p_share_ppml"]
    both = pd.concat([speccurve_inference.main_inference(specs, step).set_index("construct")[cols]
                      .add_suffix(" one-step"),
                      speccurve_inference.main_inference(specs, exact).set_index("construct")[cols]
                      .add_suffix(" refit")], axis=1)
    print(both.round(3).to_markdown())


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
