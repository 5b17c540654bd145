"""make test's notebook check: the build's executions compared with the committed outputs as nbval does."""

import copy
import json
from pathlib import Path

from clusterstudy.pipeline import notebooks

ROOT = Path(__file__).resolve().parents[1]


def _executed_copy(path):
    nb = json.loads(path.read_text())
    return nb, copy.deepcopy(nb)


def test_build_executions_are_compared_as_nbval_compares_them():
    """check-executed (make test) finds what nbval would: a changed text output or an error names its
    cell; sanitised text (timings, paths) and images, which nbval does not compare, pass."""
    patterns = notebooks.sanitize_patterns(ROOT / "tests" / "nbval_sanitize.cfg")
    committed, executed = _executed_copy(ROOT / "notebooks" / "resource_city_clusters.ipynb")
    assert notebooks.differences(committed, executed, patterns) == []
    cells = [c for c in executed["cells"] if c["cell_type"] == "code" and c.get("outputs")]
    texts = [c for c in cells if any("text/plain" in o.get("data", {}) for o in c["outputs"])]
    cell = texts[-1]
    out = next(o for o in cell["outputs"] if "text/plain" in o.get("data", {}))
    out["data"]["text/plain"] = "a different table"
    assert notebooks.differences(committed, executed, patterns) == [f"cell {cell['id']}: text/plain differ"]
    out["data"]["text/plain"] = next(o for o in next(c for c in committed["cells"] if c.get("id") == cell["id"])
                                     ["outputs"] if "text/plain" in o.get("data", {}))["data"]["text/plain"]
    for c in cells:  # images are not compared; timings and absolute paths are sanitised
        for o in c["outputs"]:
            if "image/png" in o.get("data", {}):
                o["data"]["image/png"] = "iVBORw0KGgo="
    first = cells[0]
    first["outputs"] = first["outputs"] + [{"output_type": "stream", "name": "stdout", "text": "took 12.5 s\n"}]
    committed_first = next(c for c in committed["cells"] if c.get("id") == first["id"])
    committed_first["outputs"] = committed_first["outputs"] + [
        {"output_type": "stream", "name": "stdout", "text": "took 3 s\n"}]
    assert notebooks.differences(committed, executed, patterns) == []
    cells[1]["outputs"] = [{"output_type": "error", "ename": "ValueError", "evalue": "x", "traceback": []}]
    assert notebooks.differences(committed, executed, patterns) == [f"cell {cells[1]['id']}: raised an error"]
