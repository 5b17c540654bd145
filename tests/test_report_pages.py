"""The book's generated pages on small synthetic inputs: the ledger at a glance (contract columns and
today's), the cell that makes each output, the gallery's order, the link and anchor checker."""

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from clusterstudy.report import book_pages, ledger_page, makers, sitecheck

ROOT = Path(__file__).resolve().parents[1]
QUOTE = "The more a region is focused on a few clusters, the more innovation output is produced"


def _contract_ledger() -> pd.DataFrame:
    base = {"seed": "004_3c90db32e12d6b87.txt", "source": "Lindqvist & Sölvell (2011)",
            "location": "Figure 6", "claim": QUOTE, "family": "focus", "family_size": "4",
            "notebook": "notebooks/eu_specialisation_innovation.ipynb", "evidence_tables": ""}
    rows = [
        {**base, "claim_id": "eu", "verdict": "holds", "primary_test": "OLS within countries",
         "estimate": "0.21", "p_clustered": "0.032", "p_wild": "0.041", "p_adjusted": "0.12",
         "output": "figures/eu_fig6.png"},
        {**base, "claim_id": "us", "verdict": "contradicted", "primary_test": "OLS, U.S. states",
         "estimate": "-0.3", "p_clustered": "0.0004", "p_wild": "", "p_adjusted": "",
         "output": "tables/us.csv"},
        {**base, "claim_id": "cn", "seed": "000_x.txt", "source": "Meng & Forman (2016)", "location": "p. 3",
         "claim": "low innovation", "verdict": "not testable", "primary_test": "no measure",
         "estimate": "", "p_clustered": "", "p_wild": "", "p_adjusted": "", "output": "tables/cn.csv"},
    ]
    return pd.DataFrame(rows)


def test_ledger_shows_each_quote_once_with_its_tests_numbers_and_labelled_p():
    ledger = _contract_ledger()
    estimates = pd.DataFrame({"claim_id": ["eu", "eu", "us"]})
    out = ledger_page.ledger_html(ledger, lambda nb, o: f"page.html#{makers.anchor(o)}", estimates)
    assert out.count("<tr><td") == 2 and out.count(QUOTE) == 1
    assert out.count("class='claim-test'") == 3
    assert "Lindqvist &amp; Sölvell (2011)" in out and "Meng &amp; Forman (2016)" in out
    assert "<b>+0.210</b> (clustered p = 0.032; wild p = 0.041; adjusted p = 0.12, Romano–Wolf over 4 tests)" in out
    assert "<b>-0.300</b> (clustered p &lt; 0.001)" in out
    assert "class='verdict fails'>contradicted" in out and "class='verdict untestable'>not testable" in out
    assert "href='page.html#out-eu_fig6'" in out and "2 estimates in the forest plot" in out
    assert ledger_page.summary(ledger) == "3 tests of 2 quoted claims: 1 holds, 1 contradicted, 1 not testable"


def test_ledger_falls_back_to_todays_columns():
    ledger = pd.read_csv(ROOT / "tables" / "claims.csv", dtype=str, keep_default_na=False)
    out = ledger_page.ledger_html(ledger, lambda nb, o: "")
    assert out.count("<tr><td") == len(ledger_page.claims(ledger)) < len(ledger)
    assert "Lindqvist &amp; Sölvell (2011)" in out and "Meng &amp; Forman (2016)" in out
    assert "href=''" not in out  # no link where the page is not in the book


def test_source_of_a_seed_file():
    assert ledger_page.source_of("004_3c90db32e12d6b87.txt") == "Lindqvist & Sölvell (2011)"
    assert ledger_page.source_of("000_162d3ef9e57ceb7c.txt") == "Meng & Forman (2016)"


def _notebook(tmp_path: Path, sources: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title", id="intro")] + [
        nbformat.v4.new_code_cell(s, id=f"c{i}") for i, s in enumerate(sources)]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_makers_trace_literal_and_fstring_names_to_their_cell(tmp_path):
    path = _notebook(tmp_path, [
        'write_table(seeds.load("x").drop(columns="citation"), "plain_name", caption="a, b")',
        'save_figure(fig, f"eu_fig6_{measure}",\n    caption=f"{measure}")\nwrite_table(\n    t, f"eu_reg_{m}_{y}")',
    ])
    found = makers.makers(path)
    assert [(m.cell, m.cell_id, m.kind) for m in found] == [(2, "c0", "tables"), (3, "c1", "figures"),
                                                            (3, "c1", "tables")]
    assert found[0].matches("tables/plain_name.md") and not found[0].matches("tables/plain_name_2.csv")
    assert found[1].matches("figures/eu_fig6_hhi.svg") and not found[1].matches("tables/eu_fig6_hhi.csv")
    assert found[2].matches("tables/eu_reg_a_b.tex")


def test_every_committed_output_is_traced_to_a_cell():
    table = makers.table()
    made_by_notebooks = pd.read_csv(ROOT / "results.csv", keep_default_na=False).query("kind != 'paper'")
    assert len(table) == len(made_by_notebooks) and (table["cell"] > 0).all()


def test_copied_notebook_hides_code_and_anchors_outputs(tmp_path):
    src = _notebook(tmp_path, ['x = 1', 'save_figure(fig, f"eu_fig6_{measure}")'])
    dest = tmp_path / "out.ipynb"
    book_pages.copy_notebook(src, dest, {"measure": "hhi"}, ["figures/eu_fig6_hhi.png"],
                             [("nb--measure-x", "measure = x")])
    nb = nbformat.read(dest, as_version=4)
    assert nb.cells[0].source.startswith("# Title (measure = hhi)")
    assert all("hide-input" in c.metadata["tags"] for c in nb.cells if c.cell_type == "code")
    ids = [c.get("id") for c in nb.cells]
    assert ids.index("anchor-c1") == ids.index("c1") - 1
    assert '<span id="out-eu_fig6_hhi"></span>' in nb.cells[ids.index("anchor-c1")].source
    assert ":hidden:" in nb.cells[-1].source and "nb--measure-x" in nb.cells[-1].source


def test_gallery_is_ordered_by_claim_and_shows_no_json():
    entries = pd.DataFrame({"file": ["tables/a.csv", "figures/z.png", "tables/m.csv"],
                            "notebook": ["n1", "n2", "n0"], "parameters": ["{}", '{"population": "registered"}', "{}"]})
    ledger = pd.DataFrame({"claim_id": ["c1", "c2"], "output": ["figures/z.png", "tables/a.csv"],
                           "evidence_tables": ["", ""]})
    ordered = book_pages.claim_order(entries, ledger)
    assert list(ordered["file"]) == ["figures/z.png", "tables/a.csv", "tables/m.csv"]
    assert list(ordered["claim"]) == ["c1", "c2", ""]
    assert book_pages.run_label('{"population": "registered"}') == "population = registered"


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    for rel, body in pages.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"<html><body>{body}</body></html>")
    return tmp_path


def test_sitecheck_finds_broken_links_missing_anchors_and_orphan_pages(tmp_path):
    good = _site(tmp_path / "good", {"index.html": "<a href='nb/a.html#out-x'>a</a><a href='#top' id='top'>t</a>",
                                     "nb/a.html": "<span id='out-x'></span><a href='../index.html'>up</a>"})
    r = sitecheck.check(good)
    assert r.ok and r.pages == 2 and r.anchors == 2
    bad = _site(tmp_path / "bad", {"index.html": "<a href='nb/a.html#out-y'>a</a><img src='f.png'>",
                                   "nb/a.html": "<span id='out-x'></span>", "orphan.html": "<p>alone</p>"})
    r = sitecheck.check(bad)
    assert len(r.broken) == 2 and any("out-y" in b for b in r.broken) and any("f.png" in b for b in r.broken)
    assert r.unreachable == ["orphan.html"]


@pytest.mark.parametrize("params,label", [({}, ""), ({"a": 1, "b": "x"}, "a = 1, b = x")])
def test_run_label(params, label):
    assert book_pages.run_label(params) == label == book_pages.run_label(json.dumps(params))


def test_every_verdict_the_rule_can_give_has_its_own_badge():
    from clusterstudy.analyses import claims
    from clusterstudy.report import ledger_page

    assert set(claims.VERDICTS) <= set(ledger_page.VERDICT_CLASS)
    badges = [ledger_page.VERDICT_CLASS[v] for v in claims.VERDICTS if v != "not testable"]
    assert len(set(badges)) == len(badges), "two verdicts share a badge colour"
