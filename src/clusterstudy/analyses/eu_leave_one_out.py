"""Europe: the primary coefficient under each design with one country left out at a time.

Every design of :mod:`clusterstudy.analyses.eu_designs` for one measure (:data:`LOO_DESIGNS`),
refitted on the sample without each country in turn (``dropped``); errors clustered by country
(t(G-1)) with the wild cluster restricted bootstrap p, as in ``tables/eu_designs.csv``.
"""

from __future__ import annotations

import pandas as pd

from clusterstudy.analyses import eu_designs
from clusterstudy.core.prose import pval
from clusterstudy.estimation import models

LOO_DESIGNS = ("cross_section", "lagged", "pre_period")  # the cross-sections refitted; the panel_fe too
COLUMNS = ["dropped", *eu_designs.COLUMNS]


def leave_one_country_out(regions: pd.DataFrame, lagged: pd.DataFrame, panel_df: pd.DataFrame, measure: str,
                          controls: list[str], size: str = "log_population", wild: bool = True,
                          B: int = models.WILD_B, seed: int = models.WILD_SEED) -> pd.DataFrame:
    """One row per dropped country x design x comparison (:data:`COLUMNS`)."""
    frames = {k: v for k, v in eu_designs.design_frames(regions, lagged, size, controls).items() if k in LOO_DESIGNS}
    rows = []
    for c in sorted(regions["country"].unique()):
        kept = {k: (f[f["country"] != c], ctrl) for k, (f, ctrl) in frames.items()}
        panels = {"panel_fe": (panel_df[panel_df["country"] != c], {"cluster": "country"})}
        rows += [{"dropped": c, **r} for r in eu_designs.design_rows(kept, panels, measure, [size, *controls],
                                                                    wild, B, seed)]
    return pd.DataFrame(rows)[COLUMNS]


def loo_sentence(loo: pd.DataFrame, designs: pd.DataFrame, design: str = "cross_section",
                 comparison: str = "within", alpha: float = 0.05) -> str:
    """The range of one design's coefficient over the dropped countries, and the drops that lose significance."""
    r = loo[(loo["design"] == design) & (loo["comparison"] == comparison)]
    m = r["measure"].iloc[0]
    full = designs[(designs["design"] == design) & (designs["comparison"] == comparison)
                   & (designs["measure"] == m)].iloc[0]
    lo, hi = r.loc[r["coef"].idxmin()], r.loc[r["coef"].idxmax()]
    lost = r[(r["p"] >= alpha) != (full["p"] >= alpha)]

    def names(rows: pd.DataFrame) -> str:
        return "no country" if rows.empty else ", ".join(rows["dropped"]) + (" is" if len(rows) == 1 else " are")

    text = (f"{design.replace('_', ' ')} {comparison} countries: {full['coef']:+.2f} on all countries "
            f"({pval(full['p'], 'clustered p')}); {lo['coef']:+.2f} without {lo['dropped']} to {hi['coef']:+.2f} "
            f"without {hi['dropped']}; the clustered p lands on the other side of {alpha:.0%} when "
            f"{names(lost)} left out")
    if r["p_wild"].notna().all():
        text += f", the wild p when {names(r[(r['p_wild'] >= alpha) != (full['p_wild'] >= alpha)])}"
    return text.replace("no country left out", "no country is left out")
