"""The one command line, ``python -m clusterstudy <command>``: its help lists every command, one line
each; a usage error is one line and exit status 2; the commands keep their one-line ✘ messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clusterstudy.pipeline import cli
from clusterstudy.report import book

ROOT = Path(__file__).resolve().parents[1]
NAMES = [name for name, *_ in cli.COMMANDS]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusterstudy", *args], capture_output=True, text=True, cwd=ROOT)


def test_help_lists_every_command_on_one_line():
    got = _run("--help")
    assert got.returncode == 0
    lines = got.stdout.splitlines()
    for name, help_, *_ in cli.COMMANDS:
        assert [line for line in lines if line.split()[:1] == [name] and help_ in line], f"{name}: not on one help line"
    assert len(NAMES) == len(set(NAMES))


def test_every_makefile_recipe_uses_the_command_line():
    recipes = [line for line in (ROOT / "Makefile").read_text().splitlines() if "-m clusterstudy" in line]
    assert recipes and all("-m clusterstudy " in line for line in recipes), recipes
    used = {line.split("-m clusterstudy ")[1].split()[0] for line in recipes}
    assert used <= set(NAMES), used - set(NAMES)


@pytest.mark.parametrize("argv, says", [(["no-such-command"], "unknown command 'no-such-command'"),
                                        (["findings"], "required: action"),
                                        (["findings", "rewrite"], "invalid choice: 'rewrite'")])
def test_a_usage_error_is_one_line_and_exit_2(argv, says):
    got = _run(*argv)
    assert got.returncode == 2 and got.stdout == ""
    assert len(got.stderr.splitlines()) == 1 and got.stderr.startswith("✘ ") and says in got.stderr, got.stderr


def test_no_command_is_a_usage_error():
    got = _run()
    assert got.returncode == 2 and len(got.stderr.splitlines()) == 1


def test_run_notebook_hands_over_to_the_runner():
    got = _run("run-notebook", "--help")
    assert got.returncode == 0 and got.stdout.startswith("usage: python -m clusterstudy run-notebook")
    assert "--variant" in got.stdout


def test_sitecheck_reports_a_broken_link(tmp_path, capsys):
    (tmp_path / "index.html").write_text("<a href='missing.html'>x</a>")
    assert cli.main(["sitecheck", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert out.err.strip() == "✘ index.html: href=missing.html (no such file)"
    assert out.out.startswith("✘ 1 pages, 1 local links")


def _fake_build(tmp_path: Path, warnings: str, monkeypatch) -> Path:
    log = tmp_path / "book-warnings.log"
    site = tmp_path / "site"

    def build() -> Path:
        site.mkdir()
        (site / "index.html").write_text("<p>book</p>")
        log.write_text(warnings)
        return site / "index.html"

    monkeypatch.setattr(book, "build", build)
    monkeypatch.setattr(book, "warnings_log", lambda: log)
    return log


def test_book_fails_on_a_sphinx_warning_with_one_line_naming_the_log(tmp_path, monkeypatch, capsys):
    log = _fake_build(tmp_path, "/build/book/index.md:3: WARNING: undefined label\n", monkeypatch)
    assert cli.main(["book"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"✘ report: the Sphinx build logged 1 warning(s); see {log}"]


def test_book_without_warnings_succeeds(tmp_path, monkeypatch, capsys):
    _fake_build(tmp_path, "", monkeypatch)
    assert cli.main(["book"]) == 0
    assert capsys.readouterr().out.startswith("✔ report:")
