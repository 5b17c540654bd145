"""environment.yml is the source of truth; requirements.lock must agree with it."""

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert lock_env.PYTHON_MIN <= sys.version_info[:3] < lock_env.PYTHON_BELOW


def test_every_locked_package_is_hashed_for_require_hashes():
    assert lock_env.unhashed() == []
    lock = (ROOT / "requirements.lock").read_text()
    assert "--require-hashes" in lock.splitlines()[1]
    assert re.search(r"--require-hashes -r requirements.lock", (ROOT / "Makefile").read_text())


def test_makefile_checks_the_supported_python_versions():
    text = (ROOT / "Makefile").read_text()
    assert f"PYTHON_MIN := {', '.join(map(str, lock_env.PYTHON_MIN))}" in text
    assert f"PYTHON_BELOW := {', '.join(map(str, lock_env.PYTHON_BELOW))}" in text
    readme = (ROOT / "README.md").read_text()
    assert "3.11.5" in readme


@pytest.mark.parametrize("python", sorted({p.name for p in Path("/usr/bin").glob("python3.[0-9]*")
                                           if re.fullmatch(r"python3\.\d+", p.name)}) or ["python3"])
def test_python_version_check_on_every_python_of_this_machine(python, tmp_path):
    """`make check-python` accepts a supported python3 and refuses others in one line."""
    exe = shutil.which(python)
    if exe is None:
        pytest.skip(f"no {python}")
    (tmp_path / "python3").symlink_to(exe)
    got = subprocess.run(["make", "-s", "-C", str(ROOT), "check-python"], capture_output=True, text=True,
                         env={"PATH": f"{tmp_path}:/usr/bin:/bin"})
    version = tuple(int(x) for x in subprocess.run([exe, "-c", "import sys; print(*sys.version_info[:3])"],
                                                   capture_output=True, text=True).stdout.split())
    supported = lock_env.PYTHON_MIN <= version < lock_env.PYTHON_BELOW
    assert (got.returncode == 0) == supported, got.stderr
    if not supported:
        assert "needs Python 3.11" in got.stderr.splitlines()[0]


def test_python_version_check_refuses_an_old_python(tmp_path):
    """A python3 that reports 3.10 is refused before any venv is made."""
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\n"
                    "case \"$2\" in *platform*) echo 3.10.12;; *) exit 1;; esac\n")
    fake.chmod(0o755)
    got = subprocess.run(["make", "-s", "-C", str(ROOT), "check-python"], capture_output=True, text=True,
                         env={"PATH": f"{tmp_path}:/usr/bin:/bin"})
    assert got.returncode != 0
    # our one line (make then adds its own "Error 1" line)
    assert got.stderr.splitlines()[0] == "✘ python3 is 3.10.12; the pinned environment needs Python 3.11 (3.11.5 or later)"
    assert not (tmp_path / ".venv").exists()


def test_conda_pins_parser_reads_every_dependency():
    pins = lock_env.conda_pins()
    assert pins["pandas"] == lock_env.lock_pins()["pandas"]
    assert "python" not in pins and "pip" not in pins
    assert len(pins) >= 20
