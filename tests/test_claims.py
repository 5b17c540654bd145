"""The claims ledger: verbatim quotes, verdicts computed from the tables by declared rules."""

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from clusterstudy.analyses import china_cities, claim_designs, claim_ledger, claim_registry, claims
from clusterstudy.estimation import models

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
    fresh, estimates = claim_ledger.ledger()
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


NO_TIMING = None  # the claim states no direction: the design criterion does not apply
KEPT = [(0.2, 0.01), (0.1, 0.03)]  # every reverse-timing design keeps the claimed (+) sign, wild p < 5%


@pytest.mark.parametrize("estimate, p_adjusted, sign, joint, designs, verdict", [
    (0.3, 0.01, +1, None, NO_TIMING, "holds"),            # rejects after adjustment, claimed sign
    (0.3, 0.01, +1, True, KEPT, "holds"),                 # ... the multiverse agrees, every design keeps it
    (0.3, 0.01, +1, False, KEPT, "not supported"),        # the multiverse's joint test disagrees
    (0.3, 0.01, +1, None, [(0.2, 0.01), (-0.01, 0.4)], "association only"),  # a design removes it
    (0.3, 0.01, +1, None, [(0.2, 0.01), (-0.2, 0.01)], "association only"),  # a design reverses it
    (0.3, 0.01, +1, None, [(0.2, 0.01), (0.2, 0.2)], "association only"),    # same sign, not significant
    (0.3, 0.01, +1, None, [], "association only"),        # a direction claimed, no design to check timing
    (-0.3, 0.01, +1, None, KEPT, "contradicted"),         # rejects with the opposite sign
    (-0.3, 0.01, -1, None, NO_TIMING, "holds"),           # a claimed negative effect
    (-0.3, 0.01, -1, None, [(-0.1, 0.01)], "holds"),
    (0.3, 0.01, -1, True, NO_TIMING, "contradicted"),
    (0.3, 0.20, +1, True, KEPT, "not supported"),         # raw p may be small; adjusted p is not
    (-0.3, 0.06, +1, None, NO_TIMING, "not supported"),
    (float("nan"), float("nan"), +1, None, NO_TIMING, "not testable"),
])
def test_verdict_rule_covers_each_branch(estimate, p_adjusted, sign, joint, designs, verdict):
    assert claims.verdict(estimate, p_adjusted, sign, 0.05, joint, designs) == verdict


def test_every_verdict_is_reached_by_the_synthetic_cases():
    reached = {claims.verdict(e, p, s, 0.05, j, d) for e, p, s, j, d in
               [(0.3, 0.01, 1, None, None), (0.3, 0.01, 1, None, []), (-0.3, 0.01, 1, None, None),
                (0.3, 0.5, 1, None, None), (float("nan"), 0.1, 1, None, None)]}
    assert reached == set(claims.VERDICTS)


def test_verdict_rule_uses_alpha_and_refuses_bad_input():
    assert claims.verdict(0.3, 0.03, +1, 0.05) == "holds"
    assert claims.verdict(0.3, 0.03, +1, 0.01) == "not supported"
    assert claims.verdict(0.3, 0.01, +1, 0.05, None, [(0.1, 0.03)]) == "holds"
    assert claims.verdict(0.3, 0.001, +1, 0.01, None, [(0.1, 0.03)]) == "association only"  # design at alpha 1%
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


def test_quadrant_primary_is_the_test_against_independence():
    """Synthetic regions: the linear probability coefficient is the difference of two shares (a hand count)."""
    rng = np.random.default_rng(0)
    n = 200
    x = rng.normal(size=n)
    regions = pd.DataFrame({"cluster_strength_traded": x, "patents_per_million": np.exp(0.8 * x + rng.normal(size=n)),
                            "country": [f"C{i % 20}" for i in range(n)]})
    res = claim_designs.quadrant_fit(regions)
    hi_m = x > np.median(x)
    hi_o = regions["patents_per_million"] > regions["patents_per_million"].median()
    assert res.params["high_measure"] == pytest.approx(hi_o[hi_m].mean() - hi_o[~hi_m].mean())
    # the reference: statsmodels' OLS of the 0/1 outcome, errors clustered by country
    ref = smf.ols("y ~ h", data=pd.DataFrame({"y": hi_o.astype(float), "h": hi_m.astype(float)})).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(regions["country"])[0]}, use_t=True)
    assert res.bse["high_measure"] == pytest.approx(ref.bse["h"], rel=1e-10)
    # under independence about half the regions are off the diagonal, far above the literal 5%
    off = (hi_m & ~hi_o) | (~hi_m & hi_o)
    assert 0.2 < off.mean() < 0.5


def test_an_evidence_table_without_a_primary_row_names_the_claim(monkeypatch):
    monkeypatch.setattr(claim_ledger, "_load", lambda name: pd.DataFrame(
        {"measure": ["hhi_traded"], "comparison": ["within countries"], "estimator": ["OLS"], "coef": [0.1],
         "ci_low": [0.0], "ci_high": [0.2], "p": [0.1], "p_wild": [0.1], "design": ["lagged"]}))
    c = claims.Claim("004-x", "s", "S", "l", "q", +1, claims.CLAIMS[0].primary, "eu_headline", ("t", "d", "r"),
                     "n", "o")
    with pytest.raises(ValueError, match="claim 004-x: 0 primary rows"):
        claim_ledger.eu_headline(c)


def test_one_family_for_every_testable_claim():
    committed = pd.read_csv(ROOT / "tables" / "claims.csv")
    testable = committed[committed["verdict"] != "not testable"]
    assert testable["family"].nunique() == 1 and testable["family"].iloc[0].startswith(claims.FAMILY)
    assert set(testable["family_size"]) == {len(testable)}
    assert (testable["p_adjusted"] >= testable["p_wild"] - 0.02).all()  # adjusted over the family, never below
    assert (committed.loc[committed["verdict"] == "not testable", "family_size"] == 0).all()
    est = pd.read_csv(ROOT / "tables" / "claims_estimates.csv")
    assert est.loc[est["role"] == "secondary", "p_adjusted"].isna().all()  # secondary estimates never adjusted
    # the prosperity and U.S. claims carry their reverse-timing designs
    designs = est[est["design"].notna()]
    assert {"lagged", "pre_period", "panel_fe"} <= set(designs.loc[designs["claim_id"] == "004-fig6-prosperity",
                                                                   "design"])
    assert "pre_period" in set(designs.loc[designs["claim_id"] == "004-fig6-us", "design"])


def test_family_draws_are_restricted_and_balance_the_samples():
    """Two independent samples: the family's restricted draws give each member its own restricted wild p."""
    rng = np.random.default_rng(4)
    fits = []
    for col, g in (("country", 12), ("state", 40)):
        n = 10 * g
        d = pd.DataFrame({col: np.repeat([f"{col}{i}" for i in range(g)], 10), "x": rng.normal(size=n)})
        d["log_outcome"] = 0.15 * d["x"] + np.repeat(rng.normal(size=g), 10) + rng.normal(size=n)
        fits.append((models.fit(d, "x", [], None, "cluster", cluster=col), "x", col))
    out = claim_ledger.family(fits, [0.01, 0.04], B=1999, seed=3)
    assert out["family_size"].tolist() == [2, 2]
    assert (out["p_adjusted"] >= out["p_boot"] - 1e-12).all()
    assert out["p_adjusted"].tolist() == out["p_rw_balanced"].tolist()  # the ledger's p: the balanced step-down
    assert out["p_holm"].tolist() == pytest.approx([0.02, 0.04])  # Holm over the wild p given
    # restricted draws: each member's own bootstrap p is its restricted wild p (wildboottest), up to noise
    for k, (res, term, _) in enumerate(fits):
        assert out.loc[k, "p_boot"] == pytest.approx(models.wild_bootstrap_p(res, term, B=1999), abs=0.03)


def test_china_primary_reads_the_model_china_cities_declares():
    c = next(c for c in claims.CLAIMS if c.claim_id == "000-resource-cities")
    assert china_cities.PRIMARY_MODEL in c.primary.outcome
    assert all(ctrl in c.primary.outcome for ctrl in china_cities.CONTROLS)
    cause = next(c for c in claims.CLAIMS if c.claim_id == "000-production-complex-cause")
    assert cause.primary is None and cause.quote.startswith("This is the reason")


# ---------------------------------------------------------------- the registry of primary tests
def test_registry_matches_the_declared_primary_tests():
    assert claim_registry.registry_problems() == []
    log = claim_registry.registry_log()
    assert set(log["claim_id"]) == {c.claim_id for c in claims.CLAIMS}


def test_a_changed_primary_without_a_log_entry_fails(tmp_path, monkeypatch):
    (tmp_path / "registry").mkdir()
    for f in (claim_registry.REGISTRY, claim_registry.REGISTRY_LOG):
        shutil.copy(ROOT / f, tmp_path / f)
    assert claim_registry.registry_problems(root=tmp_path) == []
    changed = tuple(dataclasses.replace(c, primary=dataclasses.replace(c.primary, comparison="across countries"))
                    if c.claim_id == "004-fig6-eu" else c for c in claims.CLAIMS)
    problems = claim_registry.registry_problems(changed, root=tmp_path)
    assert any("004-fig6-eu: its primary test changed without a log entry" in p for p in problems)
    assert not any("004-fig6-us" in p for p in problems)
    with pytest.raises(ValueError, match="reason"):
        claim_registry.record(" ", "2026-12-03", changed, root=tmp_path)
    assert claim_registry.record("compare across countries", "2026-12-03", changed, root=tmp_path) == ["004-fig6-eu"]
    assert claim_registry.registry_problems(changed, root=tmp_path) == []
    log = claim_registry.registry_log(tmp_path)
    assert log.iloc[-1][["date", "claim_id", "reason"]].tolist() == ["2026-12-03", "004-fig6-eu",
                                                                     "compare across countries"]
    # an entry without a reason, or out of date order, is refused
    (tmp_path / claim_registry.REGISTRY_LOG).write_text(
        (tmp_path / claim_registry.REGISTRY_LOG).read_text() + "2026-01-01,004-fig6-eu,abc,\n")
    problems = claim_registry.registry_problems(changed, root=tmp_path)
    assert any("no date" in p for p in problems) and any("date order" in p for p in problems)


def test_every_claim_has_a_title_in_a_few_words():
    assert set(claims.TITLES) == {c.claim_id for c in claims.CLAIMS}
    assert all(0 < len(t.split()) <= 12 for t in claims.TITLES.values())
