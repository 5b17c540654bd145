"""The article (paper/): no typed number in its prose, every value as its table says, up to date, linked."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from clusterstudy.core import paths
from clusterstudy.report import manifest, paper

ROOT = paths.project_root()
PAPER = ROOT / "paper"
# notation and names that carry a digit without stating a result
NOTATION = ("G−1", "G-1", "NUTS-2")
PAGES = (10, 16)


def _doc() -> dict:
    return json.loads((PAPER / "values.json").read_text())


def prose_digits(source: str) -> list[str]:
    """Digits of the prose outside lookups, citations, labels, comments, years and notation."""
    text = re.sub(r"//[^\n]*", "", source)
    text = re.sub(r'#(v|fig|tablink)\("[^"]*"(, width: [0-9.]+%)?\)', "", text)
    text = re.sub(r"#include \"[^\"]*\"|#bibliography\([^)]*\)|#import [^\n]*", "", text)
    text = re.sub(r"@[A-Za-z0-9_\-]+|<[A-Za-z0-9_\-]+>|#cite\(<[^>]*>[^)]*\)", "", text)
    for token in NOTATION:
        text = text.replace(token, "")
    text = re.sub(r"\b(19|20)\d\d\b", "", text)
    return re.findall(r"[^\s]*\d[^\s]*", text)


def test_prose_states_no_number():
    assert prose_digits((PAPER / "paper.typ").read_text()) == []


def test_digit_check_catches_a_typed_number():
    assert prose_digits('the coefficient is 0.23 (#v("eu.n_across"))') == ["0.23"]


def test_lookups_exist():
    keys = set(re.findall(r'#v\("([^"]+)"\)', (PAPER / "paper.typ").read_text()))
    assert keys and keys <= set(_doc()["values"])


@pytest.mark.parametrize("key", sorted(json.loads((PAPER / "values.json").read_text())["values"]))
def test_value_equals_its_table(key):
    entry = _doc()["values"][key]
    if "function" in entry:
        frames = [pd.read_csv(ROOT / t, dtype={"region_code": str, "city_code": str}) for t in entry["tables"]]
        assert paper.sentence(entry["function"], frames, entry["args"]) == entry["text"]
        return
    frame = pd.read_csv(ROOT / entry["table"])
    rows = paper.select(frame, entry["row"])
    assert paper.FORMATS[entry["format"]](paper.AGGREGATES[entry["aggregate"]](rows[entry["column"]])) == entry["text"]


def test_values_up_to_date(tmp_path: Path):
    (tmp_path / "paper").mkdir()
    shutil.copy(PAPER / "methods.bib", tmp_path / "paper" / "methods.bib")
    written = paper.generate(tmp_path / "paper", ROOT)
    for fresh in written:
        committed = PAPER / fresh.relative_to(tmp_path / "paper")
        assert committed.read_text() == fresh.read_text(), f"{committed} is stale: run `make paper`"


def test_page_count():
    pdf = (PAPER / "paper.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert PAGES[0] <= pages <= PAGES[1]


def test_caption_links_point_at_made_outputs():
    results = manifest.load().set_index("file")
    for key, out in _doc()["outputs"].items():
        assert out["file"] in results.index, key
        notebook, run = results.loc[out["file"], ["notebook", "executed_notebook"]]
        assert (ROOT / notebook).is_file()
        assert out["link"] == paper.book_link(out["file"], run)
        assert out["link"].startswith(f"../build/site/notebooks/{Path(run).stem}.html#out-")


def test_caption_links_land_on_anchors_of_the_built_book():
    """Each caption's link, resolved from paper/, is a page of the built book holding its anchor (make test
    builds the book first; without one the test skips)."""
    site = ROOT / "build" / "site"
    if not (site / "index.html").is_file():
        pytest.skip("no built book: make report")
    for key, out in _doc()["outputs"].items():
        page, anchor = out["link"].split("#")
        html = (ROOT / "paper" / page).resolve()
        assert html.is_file(), f"{key}: {page} is not a page of the built book"
        assert f'id="{anchor}"' in html.read_text(encoding="utf-8"), f"{key}: no anchor {anchor} on {page}"
