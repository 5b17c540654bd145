"""``make student``: exercise versions of the notebooks for teaching.

Convention: a code cell tagged ``solution`` is an exercise's answer. Its first line may be a
comment ``# Exercise: <prompt>``. In the student version it is replaced by a markdown cell
with the prompt and an empty code cell tagged ``exercise``; every output is cleared.
Notebooks without solution cells are copied with outputs cleared.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor, Preprocessor

from . import paths

TAG = "solution"
DEFAULT_PROMPT = "Write the code for this step, using the functions of `clusterstudy`."


class ReplaceSolutions(Preprocessor):
    """Replace every cell tagged ``solution`` with a prompt and an empty exercise cell."""

    def preprocess(self, nb, resources):
        cells = []
        n = 0
        for cell in nb.cells:
            if cell.cell_type == "code" and TAG in cell.metadata.get("tags", []):
                n += 1
                first = cell.source.splitlines()[0] if cell.source else ""
                prompt = first.removeprefix("# Exercise:").strip() if first.startswith("# Exercise:") \
                    else DEFAULT_PROMPT
                md = nbformat.v4.new_markdown_cell(f"**Exercise {n}.** {prompt}")
                md.id = f"{cell.id}-prompt"
                code = nbformat.v4.new_code_cell("# your code here\n")
                code.id = f"{cell.id}-exercise"
                code.metadata["tags"] = ["exercise"]
                cells += [md, code]
            else:
                cells.append(cell)
        nb.cells = cells
        resources["exercises"] = n
        return nb, resources


def make_student(src: Path, dest: Path) -> int:
    """Write the student version of ``src`` to ``dest``; return its number of exercises."""
    nb = nbformat.read(src, as_version=4)
    nb, res = ReplaceSolutions().preprocess(nb, {})
    nb, _ = ClearOutputPreprocessor().preprocess(nb, {})
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    return res["exercises"]


def main() -> int:
    root = paths.project_root()
    for src in sorted((root / "notebooks").glob("*.ipynb")):
        n = make_student(src, root / "build" / "student" / src.name)
        print(f"✔ build/student/{src.name}: {n} exercise(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
