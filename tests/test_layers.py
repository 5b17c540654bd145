"""The package's layers: imports run one way (the notebooks' module dependencies: tests/test_deps.py).

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

from clusterstudy.pipeline.deps import imports as imported_modules

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "clusterstudy"
LAYERS = ("core", "data", "measures", "estimation", "analyses", "publish", "report", "pipeline")
RANK = {layer: i for i, layer in enumerate(LAYERS)}
LOOSE = {"__main__.py": "pipeline"}  # the only module outside a layer, and the layer it counts as


def module_name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


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
    long = {str(p.relative_to(PKG)): n for p in modules() if (n := len(p.read_text().splitlines())) > 400}
    assert not long, f"modules over 400 lines (split them): {long}"


def test_each_layer_says_what_it_may_import():
    for layer in LAYERS:
        doc = ast.get_docstring(ast.parse((PKG / layer / "__init__.py").read_text())) or ""
        assert "May import" in doc, f"clusterstudy.{layer} docstring does not say what it may import"


def test_makefile_names_only_existing_modules():
    text = (ROOT / "Makefile").read_text()
    named = set(re.findall(r"\$\(SRCDIR\)/([\w/]+\.py)", text))
    missing = sorted(n for n in named if not (PKG / n).is_file())
    assert not missing, f"the Makefile names modules that do not exist: {missing}"
