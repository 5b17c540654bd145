"""Notebook pages show regression results as formatted tables, never as raw tidy DataFrames."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TIDY_HEADERS = ("<th>coef</th>", "<th>se</th>")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_raw_regression_dataframe_is_displayed(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    raw = [c.get("id") for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
           if all(h in "".join(o.get("data", {}).get("text/html", "")) for h in TIDY_HEADERS)]
    assert raw == [], f"{path.name}: cells {raw} display a tidy regression DataFrame; use write_table(..., show=True)"


@pytest.mark.parametrize("name,cell", [("eu_specialisation_innovation", "models"), ("us_cluster_patenting", "models"),
                                       ("us_cluster_patenting", "robustness"), ("cn_resource_cities", "model")])
def test_regression_cells_show_the_economists_layout(name, cell):
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    outputs = next(c for c in nb["cells"] if c.get("id") == cell)["outputs"]
    shown = ["".join(o["data"]["text/markdown"]) for o in outputs if "text/markdown" in o.get("data", {})]
    assert len(shown) == 1 and "Standard errors in parentheses" in shown[0] and "nan" not in shown[0].lower()
