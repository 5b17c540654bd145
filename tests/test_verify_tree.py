"""`make verify` checks what the reviewer holds, and `make all` refuses a damaged committed output:
a temporary clone with one byte of one table changed."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from clusterstudy.pipeline import verify

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def damaged_clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--shared", str(ROOT), str(clone)], check=True)
    table = sorted(p for p in (clone / "tables").glob("*.csv"))[0]
    data = bytearray(table.read_bytes())
    data[-2] = ord("7") if data[-2] != ord("7") else ord("8")
    table.write_bytes(bytes(data))
    monkeypatch.setenv("CLUSTERS_ROOT", str(clone))
    return clone, table.relative_to(clone).as_posix()


def _clean_rebuild(clone: Path):
    """What a clean rebuild of HEAD reports when it reproduces every file (no make all here)."""
    tracked = verify._git(clone, "ls-files", "figures", "tables").split()
    report = {"identical": tracked, "within tolerance": [], "differing": [], "missing": [], "extra": [],
              "sha256": [(p, hashlib.sha256(verify._committed(clone, p)).hexdigest()) for p in tracked]}
    return report, [], verify._git(clone, "rev-parse", "HEAD").strip(), ""


def test_verify_names_the_changed_table_and_certifies_the_commit_only(damaged_clone, monkeypatch, capsys):
    clone, table = damaged_clone
    monkeypatch.setattr(verify, "rebuild", _clean_rebuild)
    assert verify.rebuild_and_compare() == 1
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith(f"✘ {table}:")], out
    assert "✔" not in out and "reproduces byte for byte" not in out
    cert = (clone / "build" / "certificate.md").read_text()
    assert "REPRODUCED FOR THE COMMIT ONLY" in cert and table in cert
    assert "**REPRODUCED:" not in cert
    assert hashlib.sha256(verify._committed(clone, table)).hexdigest() in cert  # every output's sha256


def test_make_all_refuses_to_build_over_the_damaged_table(damaged_clone, capsys):
    clone, table = damaged_clone
    assert verify.check_damaged(clone) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"✘ {table}: differs from the commit and no build wrote it; restore it with git checkout -- {table}"]
    subprocess.run(["git", "-C", str(clone), "checkout", "--", table], check=True)
    assert verify.check_damaged(clone) == 0


def test_a_changed_module_makes_a_differing_output_a_new_result_not_damage(damaged_clone):
    clone, _ = damaged_clone
    with open(clone / "src" / "clusterstudy" / "__init__.py", "a") as fh:
        fh.write("# changed\n")
    assert verify.damaged(clone) == []
