"""Execute one notebook with papermill, staging its outputs so a failure leaves nothing behind.

Usage::

    # what the Makefile's notebook rules call: outputs go to figures/ and tables/
    python -m clusterstudy.build.runner notebooks/NB.ipynb build/notebooks/NB.ipynb [-p NAME VALUE]...
    # a variant (`make run`): everything goes under build/variants/VARIANT/, nothing else is touched
    python -m clusterstudy.build.runner --variant VARIANT notebooks/NB.ipynb [-p NAME VALUE]...

The notebook runs in the project's named kernel with ``CLUSTERS_OUTPUT_ROOT`` pointing at a
staging folder. Only when every cell has run are the staged figures and tables moved into
``figures/`` and ``tables/`` (for a variant: ``build/variants/VARIANT/figures`` and
``.../tables``), their records (with notebook and parameters added) into ``build/meta/``, and
the executed notebook into place. A parameter the notebook does not declare, a failing cell or
a cell running longer than the execution timeout (``--timeout``, seconds per cell) stops the
run with one line naming the cause; the staging folder is removed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import resource
import shutil
import sys
import time
from pathlib import Path

import papermill as pm
import yaml

from clusterstudy.core import atomic, paths

KERNEL = "clusters"
TIMEOUT = 1800  # seconds any one cell may run (the slowest cell of `make all` takes well under this)


class RunError(Exception):
    """A notebook run that cannot start or did not finish; the message is one line."""


def variant_dir(name: str) -> Path:
    """Where a variant run's notebook, figures and tables go: ``build/variants/<name>/``."""
    if not name or "/" in name or name.startswith("."):
        raise RunError(f"bad variant name {name!r}: use letters, digits, '-', '_' or '='")
    return paths.project_root() / "build" / "variants" / name


def default_variant_name(notebook: Path, parameters: dict) -> str:
    """``<notebook>--<name>-<value>...`` (``<notebook>--defaults`` without parameters)."""
    parts = [f"{k}-{v}" for k, v in parameters.items()] or ["defaults"]
    name = "--".join([notebook.stem, *parts])
    return "".join(c if c.isalnum() or c in "-_.=" else "_" for c in name)


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Raise :class:`RunError` naming any parameter the notebook's ``parameters`` cell lacks."""
    declared = list(pm.inspect_notebook(str(notebook)))
    unknown = [k for k in parameters if k not in declared]
    if unknown:
        raise RunError(f"{notebook}: unknown parameter {', '.join(map(repr, unknown))}; "
                       f"its parameters are: {', '.join(declared) or '(none)'}")


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


def _parse_value(text: str):
    """Parse a ``-p`` value as YAML (numbers, booleans, lists), like papermill's ``-y``."""
    return yaml.safe_load(text)


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
    if variant:
        output_nb = output_nb or dest / input_nb.name
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
        with _kernel_stderr_to(root / "build" / "logs" / f"{output_nb.stem}.kernel.log"):
            pm.execute_notebook(
                str(input_nb), str(tmp_nb), parameters=parameters, kernel_name=KERNEL,
                cwd=str(input_nb.parent), progress_bar=False, log_output=False, execution_timeout=timeout,
                # the kernel's start-up warning about unencrypted loopback TCP is noise in the build log
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
    except pm.PapermillExecutionError as exc:
        _keep_partial(tmp_nb, output_nb if variant else None)
        shutil.rmtree(staging, ignore_errors=True)
        last = exc.evalue.strip().splitlines()[-1] if exc.evalue.strip() else ""
        print(f"✘ {input_nb} failed in cell {exc.exec_count}: {exc.ename}: {last}", file=sys.stderr)
        return 1
    except TimeoutError:  # nbclient's CellTimeoutError
        cell = _running_cell(tmp_nb)
        _keep_partial(tmp_nb, output_nb if variant else None)
        shutil.rmtree(staging, ignore_errors=True)
        print(f"✘ {input_nb}: {cell} ran longer than the execution timeout ({timeout} s); "
              "the kernel was stopped", file=sys.stderr)
        return 1
    except Exception as exc:  # kernel death, missing kernel, unreadable notebook
        shutil.rmtree(staging, ignore_errors=True)
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"✘ {input_nb} failed: {type(exc).__name__}: {msg}", file=sys.stderr)
        return 1
    wall = time.perf_counter() - start
    nb = json.loads(tmp_nb.read_text())
    cells = sum((c.get("metadata", {}).get("papermill", {}).get("duration") or 0)
                for c in nb["cells"])
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
        params[name.strip()] = _parse_value(value)
    return params


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", type=Path)
    ap.add_argument("output", type=Path, nargs="?")
    ap.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                    metavar=("NAME", "VALUE"))
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE",
                    help="parameters as name=value (what `make run P=...` passes)")
    ap.add_argument("--variant", metavar="NAME", nargs="?", const="",
                    help="write everything under build/variants/NAME/ (empty: named after the parameters)")
    ap.add_argument("--timeout", type=int, default=TIMEOUT, help=f"seconds per cell (default {TIMEOUT})")
    args = ap.parse_args(argv)
    params = {name: _parse_value(value) for name, value in args.parameter}
    try:
        params |= parse_assignments(args.set)
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
