"""Shared fixtures (a temporary copy of the project to corrupt, the project root, the figure theme)
and the test kinds: every test is marked ``unit``, ``integration`` or ``notebook``.

- ``notebook``: the tests that read what nbval wrote (``make nbval`` runs nbval on notebooks/ first);
- ``integration``: the test files that start kernels, nbgrader, Sphinx, a browser, ``make`` builds or
  git clones (:data:`INTEGRATION`);
- ``unit``: everything else, a few minutes in all: ``make test-unit`` runs them alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INTEGRATION = frozenset({
    "test_run_traps", "test_runner", "test_student", "test_report_browser", "test_report_build",
    "test_site_tables", "test_verify", "test_verify_tree", "test_missing_data", "test_deps", "test_typecheck",
    "test_environment", "test_data_layer",
})
NOTEBOOK = frozenset({"test_notebooks"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its kind (see the module docstring)."""
    for item in items:
        module = item.path.stem
        if module in NOTEBOOK:
            item.add_marker(pytest.mark.notebook)
        elif module in INTEGRATION:
            item.add_marker(pytest.mark.integration)
        else:
            item.add_marker(pytest.mark.unit)


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of pyproject.toml, data/ and notebooks/ in tmp_path, set as the project root."""
    dst = tmp_path / "project"
    dst.mkdir()
    shutil.copy(ROOT / "pyproject.toml", dst)
    shutil.copytree(ROOT / "data", dst / "data")
    shutil.copytree(ROOT / "notebooks", dst / "notebooks")
    monkeypatch.setenv("CLUSTERS_ROOT", str(dst))
    monkeypatch.setenv("CLUSTERS_OUTPUT_ROOT", str(dst))
    return dst


@pytest.fixture
def theme():
    """The project's figure theme for a test that draws; every figure closed after it.

    A module that draws in every test uses it with ``pytestmark = pytest.mark.usefixtures("theme")``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from clusterstudy.publish import figures

    figures.set_theme()
    yield
    plt.close("all")
