"""Derive requirements.lock (pip pins with sha256 hashes, every transitive dependency) from environment.yml.

Usage: python tools/lock_env.py [--check]

The conda dependency list in environment.yml is the single source of truth. This script
installs its pinned packages into a throw-away virtual environment with pip, takes the
complete `pip freeze` of that environment (the package set) and has `uv pip compile
--generate-hashes` (uv is installed into the same throw-away environment from PyPI) write
it to requirements.lock with the sha256 of every distribution file of every pinned version.
`make env` installs it with `pip install --require-hashes`, so only python3 is needed.
`--check` verifies that every pin of environment.yml appears, with the same version, in the
lock, and that every locked package carries hashes.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV_FILE = ROOT / "environment.yml"
LOCK_FILE = ROOT / "requirements.lock"

# Supported Python: the minor version of environment.yml, from the first patch release every
# locked package accepts (soupsieve 4.1.2 needs 3.11.5); the Makefile checks the same bounds.
PYTHON_MIN = (3, 11, 5)
PYTHON_BELOW = (3, 12)

# conda-forge names that differ from their PyPI names
CONDA_TO_PIP = {"pyyaml": "PyYAML"}
NOT_ON_PIP = {"python", "pip"}


def normalise(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def conda_pins(env_file: Path = ENV_FILE) -> dict[str, str]:
    """Return {pip name: version} for the pinned conda dependencies (python excluded)."""
    pins: dict[str, str] = {}
    in_deps = False
    for raw in env_file.read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if in_deps and re.match(r"^\S", line):
            in_deps = False
        m = re.match(r"^  - ([A-Za-z0-9_.\-]+)(?:=([^=\s]+))?$", line) if in_deps else None
        if not m:
            continue
        name, version = m.group(1), m.group(2)
        if name in NOT_ON_PIP:
            continue
        if version is None:
            raise SystemExit(f"environment.yml: {name} has no version pin")
        pins[CONDA_TO_PIP.get(name, name)] = version
    return pins


def python_pin(env_file: Path = ENV_FILE) -> str:
    """The python=X.Y pin of environment.yml."""
    m = re.search(r"^  - python=(\d+\.\d+)\s*$", env_file.read_text(), re.M)
    if not m:
        raise SystemExit("environment.yml: no python=X.Y pin")
    return m.group(1)


def _entries(lock_file: Path = LOCK_FILE) -> dict[str, tuple[str, list[str]]]:
    """{normalised name: (version, [sha256 hashes])} from the hashed requirements.lock."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current = None
    for raw in lock_file.read_text().splitlines():
        line = raw.strip().removesuffix("\\").strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash=sha256:"):
            if current is None:
                raise SystemExit(f"requirements.lock: hash before any requirement: {raw}")
            entries[current][1].append(line.removeprefix("--hash=sha256:"))
        else:
            name, version = line.split("==")
            current = normalise(name)
            entries[current] = (version, [])
    return entries


def lock_pins(lock_file: Path = LOCK_FILE) -> dict[str, str]:
    """Return {normalised name: version} from requirements.lock."""
    return {name: version for name, (version, _) in _entries(lock_file).items()}


def unhashed(lock_file: Path = LOCK_FILE) -> list[str]:
    """Locked packages without a sha256 hash (pip --require-hashes would refuse them)."""
    return [name for name, (_, hashes) in _entries(lock_file).items() if not hashes]


def disagreements() -> list[str]:
    """Pins of environment.yml that are missing from, or differ in, requirements.lock."""
    locked = lock_pins()
    problems = []
    for name, version in conda_pins().items():
        got = locked.get(normalise(name))
        if got != version:
            problems.append(f"{name}: environment.yml pins {version}, requirements.lock has {got}")
    return problems


def write_lock() -> None:
    """Resolve the pins in a temporary venv and write its full freeze, hashed, to requirements.lock."""
    pins = conda_pins()
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        reqs = [f"{n}=={v}" for n, v in pins.items()]
        # keep the versions already locked (transitive ones too) unless a new pin needs others,
        # so adding a package does not silently move, say, the PNG writer under every figure
        keep = Path(tmp) / "keep.txt"
        keep.write_text("".join(f"{n}=={v}\n" for n, v in lock_pins().items()
                                if n not in {normalise(k) for k in pins}) if LOCK_FILE.exists() else "")
        subprocess.run([*pip, "install", "--quiet", "-c", str(keep), *reqs], check=True)
        frozen = subprocess.run([*pip, "freeze", "--all", "--exclude", "pip"],
                                check=True, capture_output=True, text=True).stdout
        lines = sorted((ln for ln in frozen.splitlines() if "==" in ln), key=str.lower)
        (Path(tmp) / "frozen.txt").write_text("\n".join(lines) + "\n")
        subprocess.run([*pip, "install", "--quiet", "uv"], check=True)
        py = ".".join(map(str, PYTHON_MIN))
        subprocess.run([str(venv / "bin" / "uv"), "pip", "compile", str(Path(tmp) / "frozen.txt"),
                        "--generate-hashes", "--python-version", py, "--no-header", "--no-annotate",
                        "--quiet", "-o", str(Path(tmp) / "hashed.txt")], check=True)
        hashed = (Path(tmp) / "hashed.txt").read_text()
    header = (
        "# Generated by `make lock` (tools/lock_env.py) from environment.yml; do not edit.\n"
        f"# Python {python_pin()} ({py} or later); install with: "
        "pip install --require-hashes -r requirements.lock\n"
    )
    LOCK_FILE.write_text(header + hashed)
    if sorted(map(normalise, lock_pins())) != sorted(normalise(ln.split("==")[0]) for ln in lines):
        raise SystemExit("uv pip compile changed the package set of the freeze")
    print(f"wrote {LOCK_FILE.name}: {len(lines)} pinned packages with hashes")


if __name__ == "__main__":
    if "--check" in sys.argv:
        bad = disagreements() + [f"{n}: no hash in requirements.lock" for n in unhashed()]
        for b in bad:
            print(b, file=sys.stderr)
        sys.exit(1 if bad else 0)
    write_lock()
