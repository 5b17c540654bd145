"""``make verify``: rebuild the committed compendium from scratch and compare every result.

A fresh clone of the committed state (HEAD) is made in a temporary folder; there, ``make
all`` creates the pinned environment and runs every notebook. Each file of ``figures/`` and
``tables/`` is then compared by sha256 with its committed version. The report lists files
identical, differing, missing (committed but not rebuilt) and extra (rebuilt but not
committed), and for a differing CSV the cells that differ; for a differing PNG it gives the
measured difference (matplotlib's ``compare_images`` RMS over the 0-255 RGB values) and
accepts it if it is within :data:`PNG_RMS_TOLERANCE` (figures are stabilised before saving so
PNGs are byte-identical across CPUs; the tolerance is the stated bound if they ever are not).
Exit status 1 on any other difference. The working tree is never touched. The reproduction
certificate (``build/certificate.md`` and ``.html``, :mod:`clusterstudy.pipeline.certificate`) records
the result for every file of the CODECHECK manifest ``codecheck.yml``, with the machine, the
software versions and the time.

``python -m clusterstudy check-committed`` (run by ``make test`` after the build) checks the
working tree instead: every result file (``figures/``, ``tables/``, ``results.csv``,
``notebooks/``) must equal its version in git HEAD, with no untracked result file, and every
output the last build wrote must have, in HEAD, the sha256 the runner recorded in
``build/meta`` (so a committed file edited by hand fails even when nothing was rebuilt).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from clusterstudy.core import paths
from clusterstudy.pipeline import certificate
from clusterstudy.report import replication

RESULT_DIRS = ("figures", "tables", "paper")
COMMITTED_RESULTS = ("figures", "tables", "paper", "results.csv", "notebooks")
# Largest accepted compare_images RMS for a PNG whose bytes differ (0-255 scale). Unstabilised,
# the Figure 6 scatters differ across BLAS kernels and SIMD paths by RMS 0.002-0.007; one changed
# tick label or a moved point measures well above 1.
PNG_RMS_TOLERANCE = 0.1


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


def png_rms(old: bytes, new: bytes) -> float:
    """matplotlib's ``compare_images`` RMS between two PNGs (inf if their sizes differ)."""
    from matplotlib.testing.compare import compare_images
    from matplotlib.testing.exceptions import ImageComparisonFailure

    with tempfile.TemporaryDirectory(prefix="png-rms-") as tmp:
        a, b = Path(tmp) / "expected.png", Path(tmp) / "actual.png"
        a.write_bytes(old)
        b.write_bytes(new)
        try:
            result = compare_images(str(a), str(b), tol=0, in_decorator=True)
        except ImageComparisonFailure:  # different sizes
            return float("inf")
    return 0.0 if result is None else float(result["rms"])


def describe_difference(path: str, old: bytes, new: bytes) -> tuple[bool, list[str]]:
    """(acceptable, details) for a result whose bytes differ from the committed ones."""
    if path.endswith(".png"):
        rms = png_rms(old, new)
        ok = rms <= PNG_RMS_TOLERANCE
        return ok, [f"PNG bytes differ; RMS {rms:.3f} {'within' if ok else 'above'} tolerance {PNG_RMS_TOLERANCE}"]
    if path.endswith(".csv"):
        try:
            return False, csv_cell_diff(old, new)
        except Exception as exc:  # unparseable CSV
            return False, [f"unreadable as CSV: {type(exc).__name__}"]
    return False, []


def uncommitted_results(repo: Path) -> list[tuple[str, bool, list[str]]]:
    """Result files that differ from git HEAD: (path, acceptable, details) each.

    Modified, deleted and untracked files under :data:`COMMITTED_RESULTS` count; a PNG
    differing within :data:`PNG_RMS_TOLERANCE` is acceptable, anything else is not.
    """
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain=v1", "-z", "--untracked-files=all",
                             "--", *COMMITTED_RESULTS], check=True, capture_output=True, text=True).stdout
    found = []
    for entry in filter(None, status.split("\0")):
        code, path = entry[:2], entry[3:]
        f = repo / path
        if "?" in code:
            found.append((path, False, ["not committed"]))
        elif not f.is_file():
            found.append((path, False, ["deleted"]))
        else:
            committed = _committed(repo, path)
            if committed == f.read_bytes():  # e.g. only the mode changed
                continue
            ok, details = describe_difference(path, committed, f.read_bytes())
            found.append((path, ok, details))
    seen = {p for p, _, _ in found}
    for path, digest in built_digests(repo).items():
        old = None if path in seen else _committed_or_none(repo, path)
        if old is not None and hashlib.sha256(old).hexdigest() != digest:
            found.append((path, False, ["the committed file is not what the last build wrote (sha256 in build/meta)"]))
    return found


def _committed_or_none(repo: Path, path: str) -> bytes | None:
    got = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True)
    return got.stdout if got.returncode == 0 else None


def built_digests(repo: Path) -> dict[str, str]:
    """{result file: sha256} as the notebook runner last wrote them (``build/meta``), for the
    outputs the recorded runs list; empty before the first build."""
    meta = repo / "build" / "meta"
    digests = {}
    for run in sorted((meta / "runs").glob("*.json")):
        for f in json.loads(run.read_text()).get("outputs", []):
            record = meta / f"{f}.json"
            if record.is_file() and "sha256" in (r := json.loads(record.read_text())):
                digests[f] = r["sha256"]
    paper = meta / "paper.json"  # what `make paper` last wrote (clusterstudy.report.paper.record)
    if paper.is_file():
        digests |= json.loads(paper.read_text())
    return digests


def check_committed(repo: Path) -> int:
    """Print every result that differs from HEAD; exit status 1 unless all are acceptable."""
    if subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True).returncode != 0:
        print("note: not a git checkout with a commit; committed results cannot be compared")
        return 0
    found = uncommitted_results(repo)
    for path, ok, details in found:
        print(f"{'~' if ok else '✘'} {path}: {'; '.join(details) or 'differs from HEAD'}",
              file=sys.stdout if ok else sys.stderr)
    bad = [p for p, ok, _ in found if not ok]
    if bad:
        print(f"✘ {len(bad)} result file(s) differ from the committed ones (git HEAD): "
              "the build does not reproduce what is committed", file=sys.stderr)
        return 1
    print("✔ the build equals the committed results (git HEAD)")
    return 0


def damaged(repo: Path) -> list[str]:
    """Committed outputs damaged in the working tree: their bytes differ from HEAD, no build wrote them
    (the sha256 the runner recorded in ``build/meta`` differs, or none is recorded) and nothing that
    makes them changed (``src/``, ``data/``, the ``Makefile`` and their notebook equal HEAD)."""
    if subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True).returncode != 0:
        return []
    status = _git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=no", "--", *RESULT_DIRS)
    changed = {e[3:] for e in _git(repo, "status", "--porcelain=v1", "-z", "--", "src", "data", "Makefile",
                                   "notebooks").split("\0") if e}
    if any(not c.startswith("notebooks/") for c in changed):
        return []  # code or data changed: a differing output may be the new result
    made_by = {}
    if (repo / "results.csv").is_file():
        m = pd.read_csv(repo / "results.csv", dtype=str, keep_default_na=False)
        made_by = dict(zip(m["file"], m["notebook"], strict=True))
    built = built_digests(repo)
    out = []
    for entry in filter(None, status.split("\0")):
        path = entry[3:]
        f = repo / path
        if (f.is_file() and made_by.get(path) not in changed
                and hashlib.sha256(f.read_bytes()).hexdigest() != built.get(path)):
            out.append(path)
    return out


def check_damaged(repo: Path) -> int:
    """``make all``'s first step: refuse to build over a damaged committed output (one line each)."""
    bad = damaged(repo)
    for path in bad:
        print(f"✘ {path}: differs from the commit and no build wrote it; restore it with git checkout -- {path}",
              file=sys.stderr)
    return 1 if bad else 0


def compare(clone: Path) -> dict[str, list]:
    """Compare the rebuilt results in ``clone`` with its committed HEAD."""
    tracked = [p for p in _git(clone, "ls-files", *RESULT_DIRS).splitlines() if p]
    produced = sorted(str(p.relative_to(clone)) for d in RESULT_DIRS
                      for p in (clone / d).glob("*") if p.is_file())
    report: dict[str, list] = {"identical": [], "within tolerance": [], "differing": [], "missing": [], "extra": []}
    for path in tracked:
        f = clone / path
        if not f.is_file():
            report["missing"].append(path)
            continue
        old, new = _committed(clone, path), f.read_bytes()
        if hashlib.sha256(old).digest() == hashlib.sha256(new).digest():
            report["identical"].append(path)
        else:
            ok, details = describe_difference(path, old, new)
            report["within tolerance" if ok else "differing"].append((path, details))
    report["extra"] = [p for p in produced if p not in set(tracked)]
    report["sha256"] = [(p, hashlib.sha256((clone / p).read_bytes()).hexdigest()) for p in produced]
    return report


def print_report(report: dict[str, list], seconds: float, dirty: list[str] | None = None) -> bool:
    """Print the reproduction report; return whether the results reproduce (the success line is
    qualified when the working tree's ``dirty`` files differ from the commit)."""
    print(f"\nReproduction report ({seconds:.0f} s)")
    print(f"  identical: {len(report['identical'])}")
    for key in ("within tolerance", "differing"):
        print(f"  {key}: {len(report[key])}")
        for path, details in report[key]:
            print(f"    {path}")
            for line in details:
                print(f"      {line}")
    for key in ("missing", "extra"):
        print(f"  {key}: {len(report[key])}")
        for path in report[key]:
            print(f"    {path}")
    bad = report["differing"] or report["missing"] or report["extra"]
    if bad:
        print("✘ results do not reproduce")
    elif dirty:
        print(f"✘ the commit reproduces, but your working tree does not: {len(dirty)} result file(s) differ "
              f"from it ({', '.join(dirty[:3])}{' ...' if len(dirty) > 3 else ''}); restore with git checkout -- <file>")
    elif report["within tolerance"]:
        print(f"✔ every committed figure and table reproduces: byte for byte, except "
              f"{len(report['within tolerance'])} PNG(s) within RMS {PNG_RMS_TOLERANCE}")
    else:
        print("✔ every committed figure and table reproduces byte for byte")
    return not bad


def rebuild_and_compare() -> int:
    """Rebuild HEAD in a temporary clone, compare every result, write the certificate; exit status."""
    root = paths.project_root()
    # what the reviewer holds first: every result file that differs from the commit, one line each
    tree = uncommitted_results(root)
    for path, ok, details in tree:
        print(f"{'~' if ok else '✘'} {path}: {'; '.join(details) or 'differs from HEAD'} (working tree)")
    dirty = [p for p, ok, _ in tree if not ok]
    if dirty:
        print(f"✘ your working tree differs from the commit in {len(dirty)} result file(s) (above); the commit is "
              f"rebuilt, but it is not what you hold: restore with git checkout -- {' '.join(dirty[:3])}"
              f"{' ...' if len(dirty) > 3 else ''}")
    start = time.perf_counter()
    started = datetime.now(UTC)
    rebuilt = rebuild(root)
    if rebuilt is None:
        return 1
    report, committed, commit, manifest_text = rebuilt
    seconds = time.perf_counter() - start
    ok = print_report(report, seconds, dirty)
    files = replication.manifest_files(manifest_text) or report["identical"] + [p for p, _ in report["differing"]]
    cert, _ = certificate.write(root / "build", report, files, commit, started, seconds, tree)
    print(f"certificate: {cert} and {cert.with_suffix('.html')}")
    # results.csv and notebooks/ too: the clean clone must be left with no modified result
    others = [(p, d) for p, acceptable, d in committed if not acceptable and not p.startswith(RESULT_DIRS)]
    for path, details in others:
        print(f"✘ {path}: {'; '.join(details) or 'differs from HEAD after make all'}")
    return 0 if ok and not others and not dirty else 1


def rebuild(root: Path) -> tuple[dict[str, list], list, str, str] | None:
    """Clone HEAD into a temporary folder and run ``make all`` there; return (report, results left
    modified in the clone, commit, codecheck.yml text), or None when the build failed."""
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
            return None
        report = compare(clone)
        committed = uncommitted_results(clone)
        commit = _git(clone, "rev-parse", "HEAD").strip()
        manifest_text = (clone / "codecheck.yml").read_text(encoding="utf-8") if (clone / "codecheck.yml").is_file() else ""
    return report, committed, commit, manifest_text

