"""PNG bytes do not depend on the CPU: BLAS kernels and NumPy SIMD paths are varied in turn.

OpenBLAS picks its kernels by CPU (``OPENBLAS_CORETYPE`` forces one) and NumPy its SIMD
implementations of log/exp (``NPY_DISABLE_CPU_FEATURES`` removes some), so fitted bands differ
in their last bits from machine to machine. ``figures.save_figure`` rounds what it draws, so
the PNGs must come out byte-identical under every kernel this CPU can run.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

DRAW = """
import os, sys
import matplotlib; matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np, pandas as pd, seaborn as sns
from clusterstudy.publish import figures, plots
figures.set_theme()
d = pd.read_csv(sys.argv[1])
for m in ["hhi", "krugman", "n_star_sectors"]:
    fig, _ = plots.scatter_fit(d, m, "patents_per_million", label="nuts2")
    figures.save_figure(fig, f"fit_{m}", caption="c", formats=("png",))
np.random.seed(1)
fig, ax = plt.subplots(figsize=(12, 4))
sns.boxplot(data=d, x="country", y="patents_per_million", showfliers=False, ax=ax, log_scale=True)
sns.stripplot(data=d, x="country", y="patents_per_million", jitter=0.25, ax=ax)
ax.tick_params(axis="x", rotation=90)
figures.save_figure(fig, "box", caption="c", formats=("png",))
"""


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return set(line.split(":", 1)[-1].split())


def _machines() -> dict[str, dict[str, str]]:
    """Environment settings that make this CPU compute like other x86-64 CPUs."""
    flags = _cpu_flags()
    found = {"default": {}}
    for core, needs in [("Prescott", "sse3"), ("Sandybridge", "avx"), ("Haswell", "avx2"), ("SkylakeX", "avx512f")]:
        if needs in flags or (needs == "sse3" and "pni" in flags):
            found[f"OpenBLAS {core}"] = {"OPENBLAS_CORETYPE": core}
    # NumPy dispatch groups above its baseline: without AVX-512 (an AVX2-only CPU), without AVX2
    if "avx512f" in flags:
        found["NumPy without AVX-512"] = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"}
    if "avx2" in flags:
        found["NumPy baseline, OpenBLAS Prescott"] = {
            "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR", "OPENBLAS_CORETYPE": "Prescott"}
    return found


def _draw(tmp: Path, env: dict[str, str]) -> dict[str, str]:
    out = tmp / "out"
    full = {**os.environ, **env, "CLUSTERS_OUTPUT_ROOT": str(out), "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", DRAW, str(ROOT / "tables" / "eu_region_indicators.csv")],
                   env=full, check=True, capture_output=True, cwd=ROOT)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((out / "figures").glob("*.png"))}


@pytest.mark.skipif(sys.platform != "linux", reason="needs /proc/cpuinfo")
def test_png_bytes_identical_under_every_blas_kernel_and_simd_path(tmp_path):
    machines = _machines()
    if len(machines) < 3:
        pytest.skip("this CPU offers too few kernels to vary")
    hashes = {name: _draw(tmp_path / str(i), env) for i, (name, env) in enumerate(machines.items())}
    assert len(hashes["default"]) == 4
    differing = {name: h for name, h in hashes.items() if h != hashes["default"]}
    assert differing == {}, f"PNG bytes depend on the CPU: {sorted(differing)}"
