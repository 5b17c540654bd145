"""The type checker enforces the package's types: a call with a value outside an option's
``Literal`` type, or an import of a name a module does not define, fails `make typecheck`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = ROOT / "src" / "clusterstudy" / "analyses" / "_probe_types.py"


def _mypy(*files: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-incremental", *files],
                          cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize(("code", "error"), [
    ('from clusterstudy.estimation import models\n\n'
     'def f(df):\n    return models.prepare(df, "y", "x", [], "bogus")\n', "arg-type"),
    ("from clusterstudy.measures.catalogue import NoSuchMeasure  # noqa: F401\n", "attr-defined"),
])
def test_the_checker_fails_on_a_violation(code: str, error: str):
    PROBE.write_text(code)
    try:
        got = _mypy(str(PROBE.relative_to(ROOT)))
    finally:
        PROBE.unlink()
    assert got.returncode == 1 and f"[{error}]" in got.stdout, got.stdout


def test_the_same_probe_passes_with_an_allowed_value():
    PROBE.write_text('from clusterstudy.estimation import models\n\n'
                     'def f(df):\n    return models.prepare(df, "y", "x", [], "log1p")\n')
    try:
        got = _mypy(str(PROBE.relative_to(ROOT)))
    finally:
        PROBE.unlink()
    assert got.returncode == 0, got.stdout
