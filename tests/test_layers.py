"""The package's layers: imports run one way, and the Makefile's _SRC lists are complete.

Layers, lowest first: core -> data -> measures -> estimation -> analyses -> publish -> report -> pipeline.
A module may import its own layer and those below; ``pipeline`` sits on the side (it may import
any layer, and none imports it). The one module outside the layers is the top-level ``__main__.py``
(``python -m clusterstudy``), which only calls the command line and counts as ``pipeline``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "clusterstudy"
LAYERS = ("core", "data", "measures", "estimation", "analyses", "publish", "report", "pipeline")
RANK = {layer: i for i, layer in enumerate(LAYERS)}
LOOSE = {"__main__.py": "pipeline"}  # the only module outside a layer, and the layer it counts as


def module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every clusterstudy module a file imports (module level or inside functions), resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "clusterstudy")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] != "clusterstudy":
                continue
            for a in node.names:  # `from pkg import module` names a module when the file exists
                candidate = f"{base}.{a.name}"
                rel = Path(*candidate.split(".")[1:])
                is_module = (PKG / rel).with_suffix(".py").is_file() or (PKG / rel / "__init__.py").is_file()
                found.add(candidate if is_module else base)
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) == 2 and f"{parts[1]}.py" in LOOSE:
        return LOOSE[f"{parts[1]}.py"]
    return parts[1] if len(parts) > 1 else None


def modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if p.parent != PKG or p.name in LOOSE)


def test_every_module_sits_in_a_layer():
    loose = sorted(p.name for p in PKG.glob("*.py") if p.name != "__init__.py" and p.name not in LOOSE)
    assert not loose, f"modules outside any layer: {loose}"


def test_the_top_level_main_only_calls_the_command_line():
    main = PKG / "__main__.py"
    code = [line for line in main.read_text().splitlines() if line.strip()]
    assert code == ["from clusterstudy.pipeline.cli import main", "raise SystemExit(main())"]
    assert layer_of(module_name(main)) == "pipeline"
    assert {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == set(LAYERS)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_imports_run_one_way(path: Path):
    own = layer_of(module_name(path))
    upward = sorted(m for m in imported_modules(path)
                    if layer_of(m) in RANK and RANK[layer_of(m)] > RANK[own])
    assert not upward, f"{module_name(path)} ({own}) imports from a layer above its own: {upward}"


def test_the_layer_test_catches_an_upward_import(tmp_path, monkeypatch):
    fake = PKG / "data" / "_probe_upward.py"
    fake.write_text("from clusterstudy.publish import tables\n")
    try:
        own = layer_of(module_name(fake))
        ups = [m for m in imported_modules(fake) if RANK[layer_of(m)] > RANK[own]]
        assert ups == ["clusterstudy.publish.tables"]
    finally:
        fake.unlink()


def test_no_module_is_long():
    long = {str(p.relative_to(PKG)): n for p in modules() if (n := len(p.read_text().splitlines())) > 450}
    assert not long, f"modules over 450 lines (split them): {long}"


def test_each_layer_says_what_it_may_import():
    for layer in LAYERS:
        doc = ast.get_docstring(ast.parse((PKG / layer / "__init__.py").read_text())) or ""
        assert "May import" in doc, f"clusterstudy.{layer} docstring does not say what it may import"


# ---------------------------------------------------------------- the Makefile's _SRC lists


def _make_vars() -> dict[str, list[str]]:
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    out: dict[str, list[str]] = {}
    for m in re.finditer(r"^(\w+)\s*([:+]?)=(.*)$", text, re.M):
        name, op, value = m.groups()
        out[name] = (out.get(name, []) if op == "+" else []) + value.split()
    return out


def _expand(tokens: list[str], var: dict[str, list[str]]) -> list[str]:
    out = []
    for t in tokens:
        m = re.fullmatch(r"\$\((\w+)\)", t)
        out.extend(_expand(var[m.group(1)], var) if m else [t])
    return out


def _closure(start: set[str]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        seen.add(mod)
        rel = Path(*mod.split(".")[1:])
        path = (PKG / rel).with_suffix(".py")
        path = path if path.is_file() else PKG / rel / "__init__.py"
        if path.is_file():
            todo.extend(imported_modules(path))
    return seen


def _notebook_imports(nb: Path) -> set[str]:
    import json

    code = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code")
    found = set()
    for line in code.splitlines():
        if m := re.match(r"\s*from (clusterstudy[\w.]*) import ([\w, ]+)", line):
            for name in (n.strip().split(" as ")[0] for n in m.group(2).split(",")):
                cand = f"{m.group(1)}.{name}"
                rel = Path(*cand.split(".")[1:])
                found.add(cand if (PKG / rel).with_suffix(".py").is_file() else m.group(1))
        elif m := re.match(r"\s*import (clusterstudy[\w.]*)", line):
            found.add(m.group(1))
    return found


NOTEBOOKS = _make_vars()["NOTEBOOKS"]
# the ingest builders make the extracts, which are every notebook's declared inputs (<nb>_INPUTS);
# notebooks reach them only through the registry's schemas, so only the registry is listed
INGEST_BUILDERS = {f"clusterstudy.data.ingest.{m}" for m in ("bridge", "china", "eurostat", "eurostat_rd", "geo", "nuts",
                                                         "readers", "us")}


@pytest.mark.parametrize("nb", NOTEBOOKS)
def test_makefile_src_lists_every_module_a_notebook_uses(nb: str):
    """A change to any module a notebook uses, directly or through imports, reruns that notebook."""
    var = _make_vars()
    declared = {"clusterstudy." + m.replace("/", ".").removesuffix(".__init__").removesuffix("__init__").rstrip(".")
                for m in _expand(var["COMMON_SRC"] + var.get(f"{nb}_SRC", []), var)}
    declared = {d.rstrip(".") for d in declared}
    for d in list(declared):
        assert (PKG / Path(*d.split(".")[1:])).with_suffix(".py").is_file() or \
            (PKG / Path(*d.split(".")[1:]) / "__init__.py").is_file(), f"{nb}_SRC names a missing module: {d}"
    used = {m for m in _closure(_notebook_imports(ROOT / "notebooks" / f"{nb}.ipynb"))
            if (PKG / Path(*m.split(".")[1:])).with_suffix(".py").is_file()}
    missing = sorted(used - declared - INGEST_BUILDERS)
    assert not missing, f"{nb}: modules it uses but the Makefile does not list in {nb}_SRC: {missing}"


def test_makefile_names_only_existing_modules():
    text = (ROOT / "Makefile").read_text()
    named = set(re.findall(r"\$\(SRCDIR\)/([\w/]+\.py)", text))
    missing = sorted(n for n in named if not (PKG / n).is_file())
    assert not missing, f"the Makefile names modules that do not exist: {missing}"
