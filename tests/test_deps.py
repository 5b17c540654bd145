"""The notebooks' module dependencies are written from their imports (build/deps.mk), and an edit
reruns exactly the notebooks that use the module: the runner's code is not among them, its interface is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clusterstudy.pipeline import deps

ROOT = Path(__file__).resolve().parents[1]
SRC = "src/clusterstudy"


def _notebook(tmp_path: Path, code: str) -> Path:
    nb = tmp_path / "probe.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "source": [code], "metadata": {}, "outputs": []}],
                              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return nb


def _files(nb: Path) -> set[str]:
    return {str(p.relative_to(ROOT)) for p in deps.notebook_modules(nb)}


def test_a_notebook_depends_on_what_it_imports_and_what_that_imports(tmp_path):
    files = _files(_notebook(tmp_path, "from clusterstudy.analyses import eu_models\n%matplotlib inline\n"))
    # eu_models imports the estimator wrapper and the catalogue; importing it runs the package __init__s
    assert {f"{SRC}/analyses/eu_models.py", f"{SRC}/estimation/models.py", f"{SRC}/measures/catalogue.py",
            f"{SRC}/__init__.py", f"{SRC}/analyses/__init__.py"} <= files
    assert f"{SRC}/analyses/eu_sample.py" not in files and f"{SRC}/analyses/china_cities.py" not in files


def test_imports_inside_functions_count(tmp_path):
    probe = ROOT / SRC / "measures" / "_probe_lazy.py"
    probe.write_text("def f():\n    from clusterstudy.data import seeds\n    return seeds\n")
    try:
        files = _files(_notebook(tmp_path, "import clusterstudy.measures._probe_lazy\n"))
    finally:
        probe.unlink()
    assert f"{SRC}/data/seeds.py" in files


def test_the_runner_is_never_a_module_dependency():
    text = deps.fragment(sorted((ROOT / "notebooks").glob("*.ipynb")))
    assert "pipeline/runner.py" not in text and "pipeline/parameters.py" not in text
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"\n{nb.stem}_SRC := " in text
    assert deps.runner_interface().startswith("{'kernel': 'clusters'")


def _make(*args: str) -> str:
    env = {**os.environ, "MAKEFLAGS": ""}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, check=True).stdout


def _up_to_date() -> bool:
    # not make -q: the phony check-outputs, an order-only prerequisite of every notebook run, is never up to date
    env = {**os.environ, "MAKEFLAGS": ""}
    plan = subprocess.run(["make", "-n", "results.csv"], cwd=ROOT, env=env, capture_output=True, text=True)
    return plan.returncode == 0 and " run-notebook " not in plan.stdout and " manifest" not in plan.stdout


@pytest.mark.skipif(not _up_to_date(), reason="the build is not up to date (run `make all` first)")
@pytest.mark.parametrize(("module", "reruns"), [
    ("analyses/resource_cities.py", {"resource_city_clusters"}),
    ("analyses/china_cities.py", {"cn_resource_cities", "spatial_dependence", "claims_ledger"}),
    ("analyses/china_data_quality.py", {"cn_resource_cities", "spatial_dependence", "claims_ledger"}),
    ("analyses/china_estimators.py", {"cn_resource_cities", "claims_ledger"}),  # the ledger reads its tables
    ("pipeline/runner.py", set()),
])
def test_make_reruns_exactly_the_notebooks_that_use_a_module(module: str, reruns: set[str]):
    plan = _make("-n", "-W", f"{SRC}/{module}", "all")
    ran = {line.split("notebooks/")[1].split(".ipynb")[0] for line in plan.splitlines()
           if " run-notebook " in line}
    assert ran == reruns


def test_the_deps_command_runs_without_any_third_party_package(tmp_path):
    # make writes build/deps.mk with the system python3 before any environment exists (CI's first make test)
    blocked = "import sys\nfor m in ('pandas', 'numpy', 'scipy', 'statsmodels', 'matplotlib', 'papermill'):\n" \
              "    sys.modules[m] = None\n"
    code = (blocked + f"sys.path.insert(0, {str(ROOT / 'src')!r})\n"
            "from clusterstudy.pipeline.cli import main\nraise SystemExit(main(sys.argv[1:]))\n")
    out = tmp_path / "deps.mk"
    done = subprocess.run([sys.executable, "-I", "-c", code, "deps", str(out), "--interface", str(tmp_path / "if")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "eu_specialisation_innovation_SRC := " in out.read_text()
