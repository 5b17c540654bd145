"""The traps of a variant run: a name that is not a folder name, two runs of one name, Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from clusterstudy.pipeline import runner

ROOT = Path(__file__).resolve().parents[1]


def _slow_notebook(path: Path) -> Path:
    """A notebook that stages one table, then sleeps ``pause`` seconds."""
    cells = [("name = 'a'\npause = 60", ["parameters"]),
             ("import time\nimport pandas as pd\nfrom clusterstudy.publish.tables import write_table\n"
              "write_table(pd.DataFrame({'x': [1]}), f't_{name}', caption='cap')\ntime.sleep(pause)", [])]
    nb = {"cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {"tags": tags}, "source": src,
                     "execution_count": None, "outputs": []} for i, (src, tags) in enumerate(cells)],
          "metadata": {"kernelspec": {"name": "clusters", "language": "python", "display_name": "clusters"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb))
    return path


def _start(project: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "CLUSTERS_ROOT": str(project)}
    # as from a terminal: Ctrl-C's SIGINT handled (a shell's background job, e.g. under CI, inherits it ignored)
    return subprocess.Popen([sys.executable, "-m", "clusterstudy.pipeline.runner", *args], env=env,
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for(path: Path, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert path.exists(), "the run never staged its table"


@pytest.mark.parametrize("name", ["x;touch f", "a b", ".hidden", "../up", "x$(touch f)", "é"])
def test_a_bad_variant_name_is_refused_in_one_line(project_copy, capsys, name):
    nb = _slow_notebook(project_copy / "notebooks" / "slow.ipynb")
    assert runner.main([str(nb), "--variant", name, "--set", "pause=0"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("✘ bad variant name") and "\n" not in err
    assert not (project_copy / "build" / "variants").exists() and not (project_copy / "f").exists()


def test_make_run_quotes_the_name_so_no_shell_runs_it(tmp_path):
    stamp = tmp_path / "stamp"
    stamp.touch()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for name in ("x;touch f", "x$(shell touch f)", "x'; touch f; '"):
        got = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "-o", "build/.data-verified",
                              "-o", "build/deps.mk", "run", "NB=resource_city_clusters", f"NAME={name}",
                              "P=metric=output_per_enterprise_musd", f"ENV_STAMP={stamp}", f"PY={sys.executable}"],
                             env=env, capture_output=True, text=True, timeout=120)
        assert got.returncode != 0
        assert "✘ bad variant name" in got.stderr, got.stderr
        assert not (ROOT / "f").exists() and not (ROOT / "build" / "variants" / "x").exists()
        assert "▶" not in got.stdout  # no notebook started


def test_a_second_run_of_one_name_stops_at_once_and_the_first_stays_whole(project_copy):
    nb = _slow_notebook(project_copy / "notebooks" / "slow.ipynb")
    first = _start(project_copy, str(nb), "--variant", "same", "--set", "pause=8")
    try:
        _wait_for(project_copy / "build" / "staging" / "variant-same" / "tables" / "t_a.csv", first)
        started = time.monotonic()
        second = _start(project_copy, str(nb), "--variant", "same", "--set", "pause=0")
        _, err = second.communicate(timeout=60)
        assert second.returncode == 1 and time.monotonic() - started < 30
        assert err.strip().startswith("✘ variant 'same' is being run by process") and "\n" not in err.strip()
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert first.returncode == 0, err
    dest = project_copy / "build" / "variants" / "same"
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert "tables/t_a.csv" in files and "slow.ipynb" in files
    assert not [f for f in files if f.endswith(".tmp") or "/." in f or f.startswith(".")], files
    assert not (project_copy / "build" / "variants" / "same.lock").exists()


def test_ctrl_c_prints_one_line_and_writes_nothing(project_copy):
    nb = _slow_notebook(project_copy / "notebooks" / "slow.ipynb")
    out = project_copy / "build" / "notebooks" / "slow.ipynb"
    proc = _start(project_copy, str(nb), str(out))
    try:
        _wait_for(project_copy / "build" / "staging" / "slow" / "tables" / "t_a.csv", proc)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's process group
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert err.strip().splitlines() == [f"✘ interrupted: nothing was written; rerun the same command to run {nb} again"]
    assert not out.exists() and not (project_copy / "tables").exists()
    assert not (project_copy / "build" / "staging" / "slow").exists()


def test_a_run_from_a_terminal_shows_its_progress_there_and_nowhere_else(project_copy):
    import pty

    nb = _slow_notebook(project_copy / "notebooks" / "slow.ipynb")
    env = {**os.environ, "CLUSTERS_ROOT": str(project_copy)}
    main, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "clusterstudy.pipeline.runner", str(nb), "--variant", "tty",
                             "--set", "pause=2"], env=env, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert proc.wait(timeout=60) == 0
    text = seen.decode(errors="replace")
    # papermill's bar (tqdm): the run's name, cells done of cells, the rate in cells
    assert re.search(r"slow \[pause=2\]: +\d+%.*\d+/\d+ \[.*(cell/s|s/cell)", text), text
    executed = json.loads((project_copy / "build" / "variants" / "tty" / "slow.ipynb").read_text())
    assert "cell/s" not in json.dumps(executed) and "Executing" not in json.dumps(executed)


def test_without_a_terminal_there_is_no_progress_bar(tmp_path):
    with (tmp_path / "log").open("w") as log, runner._progress_on_terminal("x", log) as progress:
        assert progress is False
