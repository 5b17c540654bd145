"""European data hygiene: regions recovered from NUTS-3, excluded regions, suppressed cells."""

import pytest

from clusterstudy.analyses import eu_sample
from clusterstudy.core import paths
from clusterstudy.data import extracts
from clusterstudy.data.ingest import readers

MIRROR = paths.mirror_dir()
needs_mirror = pytest.mark.skipif(not (MIRROR / "eurostat" / "patents.rda").is_file(),
                                  reason=f"no source mirror at {MIRROR}")


def test_london_patents_are_recovered_from_nuts3():
    pat = extracts.load("eu_patents")
    london = pat[pat["nuts2"].isin(["UKI3", "UKI4", "UKI5", "UKI6", "UKI7"])]
    assert london.groupby("nuts2").size().eq(26).all()  # 13 years x NR and P_MHAB
    rec = eu_sample.recovered_regions()
    assert set(rec["to_code"]) == {"UKI3", "UKI4", "UKI5", "UKI6", "UKI7"}
    assert rec.set_index("to_code").at["UKI3", "from_code"] == "UKI11"


@needs_mirror
def test_recovered_regions_add_up_to_the_old_nuts2_totals():
    raw = readers.r_data(MIRROR / "eurostat" / "patents.rda", "patents")
    raw = raw[raw["unit"] == "NR"].assign(year=lambda d: d["time"].astype(int)).set_index(["geo", "year"])["values"]
    nr = extracts.load("eu_patents").query("unit == 'NR'").set_index(["nuts2", "year"])["value"]
    for old, new in (("UKI1", ["UKI3", "UKI4"]), ("UKI2", ["UKI5", "UKI6", "UKI7"])):
        for year in (2005, 2010):
            assert sum(nr[(r, year)] for r in new) == pytest.approx(raw[(old, year)], rel=1e-3)


def test_per_million_rate_of_a_recovered_region_is_applications_over_population():
    pat = extracts.load("eu_patents").pivot_table(index=["nuts2", "year"], columns="unit", values="value")
    uki = pat.loc["UKI3"]
    pop = uki["NR"] / uki["P_MHAB"] * 1e6
    assert pop.between(8e5, 1.5e6).all()  # Inner London West: about a million inhabitants
    assert pop.std() / pop.mean() < 0.1


def test_excluded_regions_name_their_reason():
    _, excluded = eu_sample.region_indicators()
    reasons = excluded.set_index("nuts2")["reason"]
    # London is in the sample under its NUTS 2010 codes (the only ones the SBS has in 2008-2012)
    assert "London is in the sample as NUTS 2010 UKI1" in reasons["UKI3"]
    assert "UKI2" in reasons["UKI7"]
    assert reasons["CH01"].startswith("no SBS employment")
    assert reasons["ES63"].startswith("no patent data")


def test_suppressed_cells_change_the_classification_only_through_missing_cells():
    miss = eu_sample.sector_classification(suppressed="missing").set_index("nace_r2")
    zero = eu_sample.sector_classification(suppressed="zero").set_index("nace_r2")
    full = miss["regions_observed"] == miss["regions_observed"].max()
    # a division observed in every region has the same Gini under both rules
    assert (miss.loc[full, "locational_gini"] - zero.loc[full, "locational_gini"]).abs().max() < 1e-12
    assert (zero["regions_observed"] == zero["regions_observed"].max()).all()
