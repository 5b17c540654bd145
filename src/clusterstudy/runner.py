"""Execute one notebook with papermill, staging its outputs so a failure leaves nothing behind.

Usage (what the Makefile calls)::

    python -m clusterstudy.runner notebooks/NB.ipynb build/notebooks/NB.ipynb [-p NAME VALUE]...

The notebook runs in the project's named kernel with ``CLUSTERS_OUTPUT_ROOT`` pointing at a
staging folder. Only when every cell has run are the staged figures and tables moved into
``figures/`` and ``tables/``, their records (with notebook and parameters added) into
``build/meta/``, and the executed notebook into place. On failure the failing cell's error
is printed on one line, the staging folder is removed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

import papermill as pm
import yaml

from . import atomic, paths

KERNEL = "clusters"


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
            meta.update({"notebook": notebook, "parameters": parameters})
            atomic.write_text(root / "build" / "meta" / kind / f"{src.name}.json",
                              json.dumps(meta, indent=1, sort_keys=True) + "\n")
            (root / kind).mkdir(exist_ok=True)
            os.replace(src, root / kind / src.name)
            moved.append(rel)
    return moved


def run(input_nb: Path, output_nb: Path, parameters: dict) -> int:
    """Run one notebook; return a process exit status."""
    root = paths.project_root()
    label = " ".join(f"{k}={v}" for k, v in parameters.items()) or "defaults"
    print(f"▶ {input_nb} [{label}]", flush=True)
    staging = root / "build" / "staging" / output_nb.stem
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    os.environ["CLUSTERS_OUTPUT_ROOT"] = str(staging)
    os.environ["CLUSTERS_ROOT"] = str(root)
    start = time.perf_counter()
    tmp_nb = staging / output_nb.name
    try:
        pm.execute_notebook(
            str(input_nb), str(tmp_nb), parameters=parameters, kernel_name=KERNEL,
            cwd=str(input_nb.parent), progress_bar=False, log_output=False,
            # the kernel's start-up warning about unencrypted loopback TCP is noise in the build log
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except pm.PapermillExecutionError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        last = exc.evalue.strip().splitlines()[-1] if exc.evalue.strip() else ""
        print(f"✘ {input_nb} failed in cell {exc.exec_count}: {exc.ename}: {last}", file=sys.stderr)
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
    outputs = _promote(staging, root, str(input_nb), parameters)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    run_record = {
        "notebook": str(input_nb), "executed": str(output_nb), "parameters": parameters,
        "outputs": outputs, "seconds": round(wall, 2), "cell_seconds": round(cells, 2),
        "peak_mib": round(peak_mib, 1),
    }
    atomic.write_text(root / "build" / "meta" / "runs" / f"{output_nb.stem}.json",
                      json.dumps(run_record, indent=1, sort_keys=True) + "\n")
    output_nb.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp_nb, output_nb)
    shutil.rmtree(staging, ignore_errors=True)
    print(f"✔ {output_nb} ({wall:.1f} s, cells {cells:.1f} s, "
          f"kernel peak {peak_mib:.0f} MiB, {len(outputs)} outputs)", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", type=Path)
    ap.add_argument("output", type=Path)
    ap.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                    metavar=("NAME", "VALUE"))
    args = ap.parse_args(argv)
    params = {name: _parse_value(value) for name, value in args.parameter}
    return run(args.input, args.output, params)


if __name__ == "__main__":
    sys.exit(main())
