"""The claims ledger: verbatim quotes, verdicts computed from the tables by declared rules."""

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from clusterstudy.analyses import claims

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
    fresh, estimates = claims.ledger()
    fresh = fresh.astype(object).fillna("").astype(str)
    assert list(committed.columns) == claims.COLUMNS
    pd.testing.assert_frame_equal(committed[["claim_id", "claim", "verdict"]], fresh[["claim_id", "claim", "verdict"]])
    assert set(committed["verdict"]) <= set(claims.VERDICTS)
    assert committed["claim_id"].is_unique
    est = pd.read_csv(ROOT / "tables" / "claims_estimates.csv")
    assert list(est.columns) == claims.ESTIMATE_COLUMNS
    # one primary per testable claim, and the ledger's p-values are those of its primary row
    primaries = est[est["role"] == "primary"].set_index("claim_id")
    testable = committed[committed["verdict"] != "not testable"].set_index("claim_id")
    assert sorted(primaries.index) == sorted(testable.index)
    for cid, r in testable.iterrows():
        assert float(r["p_adjusted"]) == pytest.approx(primaries.at[cid, "p_adjusted"], rel=1e-5)


def test_makefile_declares_every_evidence_table():
    out = subprocess.run(["make", "-s", "-f", "Makefile", "--eval", "p: ; @echo $(claims_ledger_INPUTS)", "p"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert set(claims.input_tables()) <= set(out)


@pytest.mark.parametrize("estimate, p_adjusted, sign, joint, verdict", [
    (0.3, 0.01, +1, None, "holds"),            # rejects after adjustment, claimed sign
    (0.3, 0.01, +1, True, "holds"),            # ... and the multiverse agrees
    (0.3, 0.01, +1, False, "not supported"),   # the multiverse's joint test disagrees
    (-0.3, 0.01, +1, None, "contradicted"),    # rejects with the opposite sign
    (-0.3, 0.01, -1, None, "holds"),           # a claimed negative effect
    (0.3, 0.01, -1, True, "contradicted"),
    (0.3, 0.20, +1, True, "not supported"),    # raw p may be small; adjusted p is not
    (-0.3, 0.06, +1, None, "not supported"),
    (float("nan"), float("nan"), +1, None, "not testable"),
])
def test_verdict_rule_covers_each_branch(estimate, p_adjusted, sign, joint, verdict):
    assert claims.verdict(estimate, p_adjusted, sign, 0.05, joint) == verdict


def test_verdict_rule_uses_alpha_and_refuses_bad_input():
    assert claims.verdict(0.3, 0.03, +1, 0.05) == "holds"
    assert claims.verdict(0.3, 0.03, +1, 0.01) == "not supported"
    with pytest.raises(ValueError, match="alpha"):
        claims.verdict(0.3, 0.03, +1, 5)
    with pytest.raises(ValueError, match="sign"):
        claims.verdict(0.3, 0.03, 0, 0.05)


def test_every_testable_claim_declares_its_primary_test():
    for c in claims.CLAIMS:
        if c.evidence != "none":
            assert c.primary is not None and all(getattr(c.primary, k) for k in
                                                 ("measure", "design", "outcome", "estimator", "comparison", "why"))
    table = claims.primary_tests()
    assert table["claim_id"].tolist() == [c.claim_id for c in claims.CLAIMS]


def test_quadrant_evidence_tests_the_share_against_five_percent(monkeypatch):
    frames = {"eu_triangle_a": pd.DataFrame({"report_says": ["empty", "populated", "empty", "populated"],
                                             "regions": [40, 60, 30, 70]}),
              "eu_triangle_b": pd.DataFrame({"report_says": ["empty", "populated"], "regions": [1, 199]})}
    monkeypatch.setattr(claims, "_load", lambda name: frames[name])
    c = claims.Claim("x", "s", "S (2000)", "l", "q", -1, claims.CLAIMS[3].primary, "eu_quadrants",
                     tuple(frames), "n", "o")
    row, est = claims.evaluate(c)
    assert row["verdict"] == "contradicted"  # 70 of 200 regions where the report sees none
    assert est.loc[0, "estimate"] == pytest.approx(70 / 200 - 0.05)
    assert (est["p_adjusted"] >= 0).all() and est.loc[1, "estimate"] < 0


def test_an_evidence_table_without_a_primary_row_names_the_claim(monkeypatch):
    monkeypatch.setattr(claims, "_load", lambda name: pd.DataFrame(
        {"measure": ["hhi_traded"], "comparison": ["within countries"], "estimator": ["OLS"], "coef": [0.1],
         "ci_low": [0.0], "ci_high": [0.2], "p": [0.1], "p_wild": [0.1], "p_adjusted": [0.3], "family": ["f"],
         "family_size": [1]}))
    c = claims.Claim("004-x", "s", "S", "l", "q", +1, claims.CLAIMS[0].primary, "eu_headline", ("t",), "n", "o")
    with pytest.raises(ValueError, match="claim 004-x: 0 primary rows"):
        claims.evaluate(c)


def test_every_claim_has_a_title_in_a_few_words():
    assert set(claims.TITLES) == {c.claim_id for c in claims.CLAIMS}
    assert all(0 < len(t.split()) <= 12 for t in claims.TITLES.values())
