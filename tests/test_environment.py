"""environment.yml is the source of truth; requirements.lock must agree with it."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("lock_env", ROOT / "tools" / "lock_env.py")
lock_env = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lock_env)


def test_every_environment_pin_is_in_the_lock_with_the_same_version():
    assert lock_env.disagreements() == []


def test_lock_covers_the_packages_the_project_is_built_on():
    locked = lock_env.lock_pins()
    for name in ["jupyterlab", "papermill", "pandas", "statsmodels", "seaborn", "nbval",
                 "pytest", "ipykernel", "ruff"]:
        assert name in locked, name


def test_running_python_matches_the_pinned_minor_version():
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == lock_env.python_pin()


def test_conda_pins_parser_reads_every_dependency():
    pins = lock_env.conda_pins()
    assert pins["pandas"] == lock_env.lock_pins()["pandas"]
    assert "python" not in pins and "pip" not in pins
    assert len(pins) >= 20
