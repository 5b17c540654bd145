"""The claims ledger: verbatim quotes, verdicts computed from the tables by declared rules."""

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from clusterstudy.publish import claims

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds (../shared/seeds) are not here")
@pytest.mark.parametrize("claim", claims.CLAIMS, ids=lambda c: c.claim_id)
def test_every_claim_is_quoted_verbatim_from_its_seed(claim):
    text = _normalise((SEEDS / claim.seed).read_text(encoding="utf-8"))
    assert _normalise(claim.quote) in text
    line = re.search(r"line (\d+)", claim.location)
    if line:  # the cited line holds the start of the quote
        lines = (SEEDS / claim.seed).read_text(encoding="utf-8").splitlines()
        assert _normalise(claim.quote)[:40] in _normalise(lines[int(line.group(1)) - 1])


def test_committed_ledger_is_what_the_rules_give_on_the_committed_tables():
    committed = pd.read_csv(ROOT / "tables" / "claims.csv", dtype=str, keep_default_na=False)
    fresh = claims.ledger().fillna("").astype(str)
    assert list(committed.columns) == claims.COLUMNS
    pd.testing.assert_frame_equal(committed[["claim_id", "claim", "verdict"]], fresh[["claim_id", "claim", "verdict"]])
    assert set(committed["verdict"]) <= set(claims.VERDICTS)
    assert committed["claim_id"].is_unique


def test_makefile_declares_every_evidence_table():
    out = subprocess.run(["make", "-s", "-f", "Makefile", "--eval", "p: ; @echo $(claims_ledger_INPUTS)", "p"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert set(claims.input_tables()) <= set(out)


def _claim(rule: str, **kw) -> claims.Claim:
    return claims.Claim("x", "s.txt", "l", "q", "t", tables=(), rule=rule, notebook="n", output="o", **kw)


def _coefs(values):
    return pd.DataFrame({"table": "eu_regression_x", "term": "m", "coef": [c for c, _ in values],
                         "p": [p for _, p in values], "n": 100})


@pytest.mark.parametrize("values, verdict", [
    ([(0.2, 0.01), (0.3, 0.001)], "holds"),
    ([(0.2, 0.01), (0.3, 0.20)], "mixed"),
    ([(-0.2, 0.01), (0.3, 0.20)], "does not hold"),
])
def test_sign_rule(values, verdict):
    assert claims.positive_and_significant(_coefs(values), _claim("positive_and_significant"), 0.05)[0] == verdict
    flipped = [(-c, p) for c, p in values]
    assert claims.negative_and_significant(_coefs(flipped), _claim("negative_and_significant"), 0.05)[0] == verdict


def test_alpha_changes_the_verdict():
    rows = _coefs([(0.2, 0.03), (0.3, 0.001)])
    assert claims.positive_and_significant(rows, _claim("positive_and_significant"), 0.05)[0] == "holds"
    assert claims.positive_and_significant(rows, _claim("positive_and_significant"), 0.01)[0] == "mixed"


@pytest.mark.parametrize("pos, neg, verdict", [(0.6, 0.1, "holds"), (0.3, 0.2, "mixed"), (0.08, 0.55, "does not hold"),
                                               (0.05, 0.1, "does not hold")])
def test_specification_share_rule(pos, neg, verdict):
    rows = pd.DataFrame({"specifications": [288], "positive and significant": [pos], "negative and significant": [neg]})
    assert claims.specification_shares(rows, _claim("specification_shares"), 0.05)[0] == verdict


def test_quadrant_rule_counts_the_regions_said_to_be_empty():
    rows = pd.DataFrame({"table": "eu_triangle_hhi", "report_says": ["empty", "populated", "empty", "populated"],
                         "regions": [2, 98, 1, 99]})
    verdict, figure = claims.empty_quadrants(rows, _claim("empty_quadrants"), 0.05)
    assert verdict == "holds" and "3 of 200" in figure
    rows.loc[0, "regions"] = 40
    assert claims.empty_quadrants(rows, _claim("empty_quadrants"), 0.05)[0] == "does not hold"


def test_a_rule_that_matches_no_rows_names_the_claim(monkeypatch):
    bad = claims.Claim("004-x", "s", "l", "q", "t", tables=("eu_regression_hhi",), rule="positive_and_significant",
                       notebook="n", output="o", where={"model": "no such model"})
    with pytest.raises(ValueError, match="claim 004-x: no rows"):
        claims.evaluate(bad)
