"""The README's findings are what the committed tables say, and nothing is typed by hand."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from clusterstudy.analyses import china_cities, speccurve_inference
from clusterstudy.core import prose
from clusterstudy.pipeline import cli
from clusterstudy.report import findings

ROOT = Path(__file__).resolve().parents[1]


def _readme_block() -> str:
    return findings.readme_block((ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_block_equals_the_tables():
    assert _readme_block() == findings.render(), "README findings are stale or hand-edited: run `make findings`"


def test_every_number_in_the_block_is_rendered():
    """A number typed into the block (not produced by a bullet function) would not be in render()."""
    rendered = set(re.findall(r"[-+]?\d[\d.,]*%?", findings.render()))
    assert set(re.findall(r"[-+]?\d[\d.,]*%?", _readme_block())) <= rendered


@pytest.fixture
def tables_copy(tmp_path, monkeypatch):
    """A project root whose tables/ is a copy of the committed tables (to be altered)."""
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copy(ROOT / "README.md", tmp_path)
    shutil.copytree(ROOT / "tables", tmp_path / "tables")
    monkeypatch.setenv("CLUSTERS_ROOT", str(tmp_path))
    return tmp_path


def test_a_changed_table_changes_the_findings_and_check_fails(tables_copy, capsys):
    assert cli.main(["findings", "check"]) == 0
    path = tables_copy / "tables" / "cn_resource_type_summary_patents_per_10k_residents.csv"
    summary = pd.read_csv(path)
    # make mature cities the lowest raw median: the China bullet must say so
    summary.loc[summary["resource_type"] == "mature", "median"] = 0.5
    summary.to_csv(path, index=False)
    assert "**mature** cities have the lowest median (0.50" in findings.bullet_china()
    assert cli.main(["findings", "check"]) == 1
    assert findings.write() is True and cli.main(["findings", "check"]) == 0


def test_china_ranking_is_computed_not_asserted():
    """The raw and the adjusted lowest type come from the tables (they differ today)."""
    summary = findings.table("cn_resource_type_summary_patents_per_10k_residents")
    coefs = findings.table("cn_resource_type_regression_patents_per_10k_residents")
    resource = summary[summary["resource_type"] != "non-resource"]
    raw_low = resource.loc[resource["median"].idxmin(), "resource_type"]
    types_model = china_cities.model_name(china_cities.TYPES_MODEL)
    main = coefs[(coefs["model"] == types_model) & coefs["term"].str.startswith("type: ")]
    adj_low = main.loc[main["coef"].idxmin(), "term"].removeprefix("type: ")
    text = findings.bullet_china()
    assert f"**{raw_low}** cities have the lowest median" in text
    assert f"**{adj_low}** cities have the lowest coefficient" in text


def test_us_bullet_reports_regpat_and_the_three_specifications():
    text = findings.bullet_us()
    robust = findings.table("us_cbsa_robustness")
    row = robust[(robust["model"] == "REGPAT 2008-2012: n_strong_clusters: (2) size")
                 & (robust["term"] == "n_strong_clusters")].iloc[0]
    assert f"(2) size {row['coef']:+.2f} ({prose.pboth(row['p'], row['p_wild'])})" in text
    assert text.count("(possible mediator)") == 4  # states, CBSAs, REGPAT for two measures
    # the REGPAT sentence reports the headline measure first, not only the one that is significant
    regpat = text[text.index("REGPAT"):]
    assert regpat.index("strong-cluster share") < regpat.index("number of strong clusters")


def test_missing_markers_and_formatting():
    with pytest.raises(ValueError, match="no findings block"):
        findings.readme_block("# README without markers")
    assert prose.pval(0.0004) == "p < 0.001" and prose.pval(0.0042) == "p = 0.004"
    assert prose.pval(0.314) == "p = 0.31" and prose.pval(0.0472) == "p = 0.047"
    assert prose.pct(0.0798611) == "8%"
    assert prose.signed(-0.2, 0.01) == "significantly negative" and prose.signed(0.3, 0.2) == "not significant"


def test_spec_curve_inference_sentence():
    inference = pd.DataFrame({"construct": ["hhi", "related_variety"], "expected_sign": ["+", "+"],
                              "specifications": [512, 256], "draws": [500, 500], "dominant_sign": ["-", "+"],
                              "share_positive_significant": [0.1, 0.4], "share_negative_significant": [0.44, 0.12],
                              "p_share": [0.026, 0.34]})
    text = speccurve_inference.inference_sentence(inference)
    assert text.startswith("768 specifications, 500 draws under the null: ")
    assert "HHI (expected +): 10% positive and 44% negative significant of 512, mostly negative, " \
           "share test p = 0.026" in text
    assert "related variety (expected +): 40% positive and 12% negative significant of 256, mostly positive, " \
           "share test p = 0.34" in text


def test_eu_designs_bullet_reads_the_designs_table(tables_copy):
    path = tables_copy / "tables" / "eu_designs.csv"
    designs = pd.read_csv(path)
    row = (designs["design"] == "panel_fe") & (designs["measure"] == "hhi")
    designs.loc[row, ["coef", "p_wild"]] = [0.777, 0.0123]
    designs.to_csv(path, index=False)
    text = findings.bullet_eu_designs()
    assert "panel fe +0.78 (wild p = 0.012)" in text
    within = pd.read_csv(tables_copy / "tables" / "eu_designs_within_variance.csv").set_index("variable")
    assert prose.pct(within["within_share"].drop("log_outcome").min()) in text


def test_findings_open_with_one_line_per_claim_of_the_ledger():
    ledger = findings.table("claims")
    body = findings.render().splitlines()[1:]
    for line, r in zip(body, ledger.itertuples(), strict=False):
        assert line.startswith(f"- **{r.title}**") and f"**{r.verdict}**" in line
        if r.estimate == r.estimate:  # testable: estimate, then wild, clustered and adjusted p
            assert f"primary estimate {r.estimate:+.3f} ({prose.pval(r.p_wild, 'wild p')}, " \
                   f"{prose.pval(r.p_clustered, 'clustered p')}, {prose.pval(r.p_adjusted, 'adjusted p')}" in line


def test_spatial_sentence_reads_the_trusted_p_and_the_panel_names_its_sign():
    space = findings.bullet_space()
    assert "survives" not in space
    assert "SLX with errors clustered" in space and "ML p-values, not robust to the clustering" in space
    # the ML p never comes before the clustered SLX's wild p in a sample's sentence
    for part in space.split("*")[2::2]:
        if "ML p" in part:
            assert part.index("wild p") < part.index("ML p")
    designs = findings.table("eu_designs").set_index(["measure", "design", "comparison"])
    pf = designs.loc[("cluster_strength_traded", "panel_fe", "within")]
    assert f"traded cluster strength {prose.signed(pf['coef'], pf['p_wild'])} ({pf['coef']:+.2f}" \
        in findings.bullet_eu_designs()
    assert "little to work with" not in findings.bullet_eu_designs()


def test_readme_verdict_table_is_the_ledger():
    """The verdict table on the README's first screen is generated from tables/claims.csv."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = findings.readme.block(text, *findings.readme.markers("verdicts"))
    assert block == findings.verdicts(), "README verdict table differs from tables/claims.csv: run `make findings`"
    assert findings.check() == []


def test_readme_first_screen_is_short():
    """Before the set-up commands: the question, the generated verdict table and the links, under about
    400 words as a reader sees them (Markdown markup, comments and table rules not counted)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first = text.split("## Set-up", 1)[0]
    assert "<!-- verdicts:start -->" in first and "paper/paper.pdf" in first
    visible = re.sub(r"<!--.*?-->|\(\S+?\)|[|*`#>\[\]-]+", " ", first, flags=re.S)
    assert len(visible.split()) < 400
