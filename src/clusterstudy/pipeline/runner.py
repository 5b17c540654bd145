"""Execute one notebook with papermill, staging its outputs so a failure leaves nothing behind.

Usage::

    # what the Makefile's notebook rules call: outputs go to figures/ and tables/
    python -m clusterstudy.pipeline.runner notebooks/NB.ipynb build/notebooks/NB.ipynb [-p NAME VALUE]...
    # a variant (`make run`): everything goes under build/variants/VARIANT/, nothing else is touched
    python -m clusterstudy.pipeline.runner --variant VARIANT notebooks/NB.ipynb [-p NAME VALUE]...
    python -m clusterstudy.pipeline.runner --variant VARIANT notebooks/NB.ipynb --assign "a=1 b=[x, y]"

The notebook runs in the project's named kernel with ``CLUSTERS_OUTPUT_ROOT`` pointing at a
staging folder. Only when every cell has run are the staged figures and tables moved into
``figures/`` and ``tables/`` (for a variant: ``build/variants/VARIANT/figures`` and
``.../tables``), their records (with notebook and parameters added) into ``build/meta/``, and
the executed notebook into place. Before a kernel starts, every value is checked against the
notebook's parameters and their types and ranges (:mod:`clusterstudy.pipeline.parameters`). An
unknown notebook or parameter, a value it does not accept, a failing cell or a cell running
longer than the execution timeout (``--timeout``, seconds per cell) stops the run with one
line naming the cause (for a variant, the folder it left); the staging folder is removed and
the exit status is 1. A student release run as a variant that stops at its first open
exercise is a success: one ✔ line, exit status 0. A variant's name is checked and its folder
locked (:mod:`clusterstudy.pipeline.guard`): a second run of the same name stops at once. Ctrl-C
removes the staging folder and prints one line (exit status 130); nothing was promoted.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import hashlib
import json
import logging
import os
import re
import resource
import shutil
import sys
import time
from pathlib import Path

import papermill as pm
import yaml

from clusterstudy.core import atomic, paths
from clusterstudy.pipeline import guard, student
from clusterstudy.pipeline import parameters as typed

# What a notebook run sees of the runner: its kernel, the environment it sets, the output folders
# it stages and promotes. The Makefile's notebook rules depend on this declaration (written to
# build/runner-interface by clusterstudy.pipeline.deps), not on the runner's code: change it, and
# every notebook reruns, when a change to the runner alters what a notebook computes or writes.
INTERFACE = {"kernel": "clusters", "environment": ("CLUSTERS_OUTPUT_ROOT", "CLUSTERS_ROOT"),
             "outputs": ("figures", "tables"), "version": 1}
KERNEL = INTERFACE["kernel"]
TIMEOUT = 1800  # seconds any one cell may run (the slowest cell of `make all` takes well under this)


INTERRUPTED = "✘ interrupted: nothing was written; rerun the same command to run {} again"


class RunError(Exception):
    """A notebook run that cannot start or did not finish; the message is one line."""


def variant_dir(name: str) -> Path:
    """Where a variant run's notebook, figures and tables go: ``build/variants/<name>/``."""
    if problem := guard.name_problem(name):
        raise RunError(problem)
    return paths.project_root() / "build" / "variants" / name


def default_variant_name(notebook: Path, parameters: dict) -> str:
    """``<notebook>--<name>-<value>...`` (``<notebook>--defaults`` without parameters)."""
    parts = [f"{k}-{v}" for k, v in parameters.items()] or ["defaults"]
    name = "--".join([notebook.stem, *parts])
    return "".join(c if c.isalnum() or c in "-_.=" else "_" for c in name)


def known_notebooks() -> list[str]:
    """The notebooks of the project (names without ``.ipynb``)."""
    return sorted(p.stem for p in (paths.project_root() / "notebooks").glob("*.ipynb"))


def check_notebook(notebook: Path) -> None:
    """Raise :class:`RunError` listing the notebooks when ``notebook`` does not exist."""
    if notebook.is_file():
        return
    names = known_notebooks()
    close = difflib.get_close_matches(notebook.stem, names, n=2, cutoff=0.7)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise RunError(f"no notebook {notebook}; {hint}the notebooks are: {', '.join(names) or '(none)'}")


def notebook_defaults(notebook: Path) -> dict[str, object]:
    """The ``parameters`` cell's names and default values (literals; other expressions as text)."""
    return {name: p.default for name, p in typed.inspect(notebook).items()}


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Raise :class:`RunError` naming a parameter the notebook lacks or a value it does not accept
    (types, allowed values and ranges: :mod:`clusterstudy.pipeline.parameters`)."""
    check_notebook(notebook)
    defaults = notebook_defaults(notebook)
    unknown = [k for k in parameters if k not in defaults]
    if unknown:
        raise RunError(f"{notebook}: unknown parameter {', '.join(map(repr, unknown))}; "
                       f"its parameters are: {', '.join(defaults) or '(none)'}")
    try:
        typed.check(notebook, defaults, parameters)
    except typed.ParameterError as exc:
        raise RunError(str(exc)) from None


def _running_cell(executed: Path) -> str:
    """Describe the last cell papermill started in a partially executed notebook."""
    try:
        cells = json.loads(executed.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        return "an unknown cell"
    started = [i for i, c in enumerate(cells) if c.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return "an unknown cell"
    i = started[-1]
    return f"cell {i + 1} (id {cells[i].get('id', '?')})"


def _parse_value(text: str, name: str = "") -> object:
    """Parse a ``-p`` value as YAML (numbers, booleans, lists), like papermill's ``-y``."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RunError(f"bad value {text!r} for {name or 'a parameter'}: not valid YAML ({problem}); "
                       "write e.g. 3, 0.5, true, text or [a, b]") from None
    if isinstance(value, str) and re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+", text.strip()):
        return float(value)  # YAML 1.1 reads 1e6 as text; a user means the number
    return value


def _promote(staging: Path, root: Path, notebook: str, parameters: dict) -> list[str]:
    """Move staged outputs into the project; return their relative paths."""
    moved = []
    for kind in ("figures", "tables"):
        for src in sorted((staging / kind).glob("*")):
            rel = f"{kind}/{src.name}"
            meta_src = staging / "build" / "meta" / kind / f"{src.name}.json"
            meta = json.loads(meta_src.read_text()) if meta_src.exists() else {"file": rel}
            # the sha256 lets `make test` tell a committed file edited by hand from the build
            meta.update({"notebook": notebook, "parameters": parameters,
                         "sha256": hashlib.sha256(src.read_bytes()).hexdigest()})
            atomic.write_text(root / "build" / "meta" / kind / f"{src.name}.json",
                              json.dumps(meta, indent=1, sort_keys=True) + "\n")
            (root / kind).mkdir(exist_ok=True)
            os.replace(src, root / kind / src.name)
            moved.append(rel)
    return moved


def run(input_nb: Path, output_nb: Path | None, parameters: dict, *, variant: str | None = None,
        timeout: int = TIMEOUT) -> int:
    """Run one notebook; return a process exit status.

    Without ``variant`` the outputs are promoted into the project (``figures/``, ``tables/``)
    and the executed notebook written to ``output_nb``; with it, everything goes under
    :func:`variant_dir` and ``output_nb`` defaults to ``<variant dir>/<notebook name>``.
    """
    root = paths.project_root()
    label = " ".join(f"{k}={v}" for k, v in parameters.items()) or "defaults"
    try:
        check_parameters(input_nb, parameters)
        dest = variant_dir(variant) if variant else root
    except RunError as exc:
        print(f"✘ {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # unreadable notebook
        print(f"✘ {input_nb}: cannot read its parameters: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    output_nb = output_nb or dest / input_nb.name  # given unless a variant
    try:
        with guard.variant_lock(root, variant) if variant else contextlib.nullcontext():
            return _execute(input_nb, output_nb, parameters, variant, timeout, dest, label)
    except guard.Busy as exc:
        print(f"✘ {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C before or after the kernel ran: nothing was promoted
        print(INTERRUPTED.format(input_nb), file=sys.stderr)
        return 130


def _execute(input_nb: Path, output_nb: Path, parameters: dict, variant: str | None, timeout: int,
             dest: Path, label: str) -> int:
    """Run the checked notebook through staging (the body of :func:`run`); return the exit status."""
    root = paths.project_root()
    if variant:
        print(f"▶ {input_nb} [{label}] -> {dest.relative_to(root)}/", flush=True)
    else:
        print(f"▶ {input_nb} [{label}]", flush=True)
    staging = root / "build" / "staging" / (f"variant-{variant}" if variant else output_nb.stem)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    os.environ["CLUSTERS_OUTPUT_ROOT"] = str(staging)
    os.environ["CLUSTERS_ROOT"] = str(root)
    start = time.perf_counter()
    tmp_nb = staging / output_nb.name
    # our one-line messages below say what failed; papermill's and nbclient's log lines would repeat it
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    try:
        with (_progress_on_terminal(f"{input_nb.stem} [{label}]") as progress,
              _kernel_stderr_to(root / "build" / "logs" / f"{output_nb.stem}.kernel.log")):
            pm.execute_notebook(
                str(input_nb), str(tmp_nb), parameters=parameters, kernel_name=KERNEL,
                cwd=str(input_nb.parent), progress_bar=progress, log_output=False, execution_timeout=timeout,
                # the kernel's start-up warning about unencrypted loopback TCP is noise in the build log
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
    except pm.PapermillExecutionError as exc:
        if exc.ename == "KeyboardInterrupt":  # the kernel got the Ctrl-C
            shutil.rmtree(staging, ignore_errors=True)
            print(INTERRUPTED.format(input_nb), file=sys.stderr)
            return 130
        exercise = student.open_exercise(tmp_nb, exc.ename) if variant else None
        if exercise is not None:  # a student release stops at its first stub: that is the goal
            outputs = _promote(staging, dest, str(input_nb), parameters)
            _keep_partial(tmp_nb, output_nb)
            shutil.rmtree(staging, ignore_errors=True)
            print(f"✔ {_rel(output_nb, root)}: stopped at Exercise {exercise}, ready for the student "
                  f"({len(outputs)} outputs)", flush=True)
            return 0
        _keep_partial(tmp_nb, output_nb if variant else None)
        shutil.rmtree(staging, ignore_errors=True)
        last = exc.evalue.strip().splitlines()[-1] if exc.evalue.strip() else ""
        print(f"✘ {input_nb} failed in cell {exc.exec_count}: {exc.ename}: {last}"
              f"{_left(dest, root) if variant else ''}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the staged outputs go, nothing was promoted
        shutil.rmtree(staging, ignore_errors=True)
        print(INTERRUPTED.format(input_nb), file=sys.stderr)
        return 130
    except TimeoutError:  # nbclient's CellTimeoutError
        cell = _running_cell(tmp_nb)
        _keep_partial(tmp_nb, output_nb if variant else None)
        shutil.rmtree(staging, ignore_errors=True)
        print(f"✘ {input_nb}: {cell} ran longer than the execution timeout ({timeout} s); "
              f"the kernel was stopped{_left(dest, root) if variant else ''}", file=sys.stderr)
        return 1
    except Exception as exc:  # kernel death, missing kernel, unreadable notebook
        shutil.rmtree(staging, ignore_errors=True)
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"✘ {input_nb} failed: {type(exc).__name__}: {msg}"
              f"{_left(dest, root) if variant else ''}", file=sys.stderr)
        return 1
    wall = time.perf_counter() - start
    nb = json.loads(tmp_nb.read_text())
    cells = sum((c.get("metadata", {}).get("papermill", {}).get("duration") or 0)
                for c in nb["cells"])
    with guard.uninterrupted():  # promotion takes milliseconds: a Ctrl-C now waits for it
        outputs = _promote(staging, dest, str(input_nb), parameters)
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        run_record = {
            "notebook": str(input_nb), "executed": str(output_nb), "parameters": parameters,
            "outputs": outputs, "seconds": round(wall, 2), "cell_seconds": round(cells, 2),
            "peak_mib": round(peak_mib, 1),
        }
        atomic.write_text(dest / "build" / "meta" / "runs" / f"{output_nb.stem}.json",
                          json.dumps(run_record, indent=1, sort_keys=True) + "\n")
        output_nb.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_nb, output_nb)
    shutil.rmtree(staging, ignore_errors=True)
    print(f"✔ {output_nb.relative_to(root) if output_nb.is_relative_to(root) else output_nb} "
          f"({wall:.1f} s, cells {cells:.1f} s, "
          f"kernel peak {peak_mib:.0f} MiB, {len(outputs)} outputs)", flush=True)
    return 0


@contextlib.contextmanager
def _progress_on_terminal(desc: str, stream=None):
    """papermill's progress bar on the run's terminal (a copy of stderr); ``False`` without a terminal."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        yield False
        return
    with os.fdopen(os.dup(stream.fileno()), "w") as terminal:
        yield {"file": terminal, "desc": desc, "unit": "cell", "leave": False, "mininterval": 1.0}


@contextlib.contextmanager
def _kernel_stderr_to(log: Path):
    """Send file descriptor 2 (inherited by the kernel) to ``log`` while a notebook runs, so a
    stopped kernel's tracebacks stay out of the one-line report (they are kept in ``log``)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log, "wb") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _rel(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path


def _left(dest: Path, root: Path) -> str:
    """The end of a failed variant's message: the folder it left (removed when empty)."""
    if dest.is_dir() and not any(dest.iterdir()):
        dest.rmdir()
    if not dest.exists():
        return "; nothing was kept"
    return f"; the partly run notebook is kept in {_rel(dest, root)}/ (remove it with rm -r {_rel(dest, root)})"


def _keep_partial(executed: Path, dest: Path | None) -> None:
    """Keep a failed variant's partially executed notebook (a student's starting point)."""
    if dest is not None and executed.is_file():
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(executed, dest)


def parse_assignments(items: list[str]) -> dict:
    """``["name=value", ...]`` (``make run P="..."``) as a parameter dict; values parsed as YAML."""
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise RunError(f"bad parameter {item!r}: write name=value")
        if not value.strip():
            raise RunError(f"parameter {name.strip()} has no value ({item!r}): write {name.strip()}=<value> "
                           "(null only as the word null)")
        params[name.strip()] = _parse_value(value, name.strip())
    return params


def split_assignments(text: str) -> list[str]:
    """Split ``make run``'s ``P="a=1 b=[x, y]"`` into ``["a=1", "b=[x, y]"]``.

    Spaces inside brackets, braces or quotes stay in the value; a word without ``=`` belongs
    to the value before it.
    """
    items, buf, depth, quote = [], "", 0, ""
    for ch in text.strip():
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch.isspace() and depth == 0:
            if buf:
                items.append(buf)
            buf = ""
            continue
        buf += ch
    if buf:
        items.append(buf)
    merged: list[str] = []
    for item in items:
        if merged and "=" not in item:
            merged[-1] += " " + item
        else:
            merged.append(item)
    return merged


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", type=Path)
    ap.add_argument("output", type=Path, nargs="?")
    ap.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                    metavar=("NAME", "VALUE"))
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE",
                    help="parameters as name=value")
    ap.add_argument("--assign", default="", metavar='"NAME=VALUE ..."',
                    help="parameters as one string (what `make run P=...` passes; lists may hold spaces)")
    ap.add_argument("--variant", metavar="NAME", nargs="?", const="",
                    help="write everything under build/variants/NAME/ (empty: named after the parameters)")
    ap.add_argument("--timeout", type=int, default=TIMEOUT, help=f"seconds per cell (default {TIMEOUT})")
    args = ap.parse_args(argv)
    try:
        params = {name: _parse_value(value, name) for name, value in args.parameter}
        params |= parse_assignments([*args.set, *split_assignments(args.assign)])
    except RunError as exc:
        print(f"✘ {exc}", file=sys.stderr)
        return 1
    if args.variant is None and args.output is None:
        ap.error("give an output notebook, or --variant for a run under build/variants/")
    variant = args.variant
    if variant == "":
        variant = default_variant_name(args.input, params)
    return run(args.input, args.output, params, variant=variant, timeout=args.timeout)


if __name__ == "__main__":
    sys.exit(main())
