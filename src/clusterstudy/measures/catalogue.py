"""The compendium's vocabulary: every measure named once, with the labels it is shown by.

Each :class:`Measure` carries its table label (regression tables), its short label (prose, legends,
facets), its description (axis labels, construct tables), the sign the CLUSNET claim predicts
for it, and whether it is computed over traded industries or measures diversity. Every label
table of the package derives from :data:`MEASURES`; a new measure is one entry here.

The names are also types (:data:`EuMeasure`, :data:`UsMeasure`): the notebooks' parameters and
the analyses' signatures use them, so a checker and the runner's parameter check read the one list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

EuMeasure = Literal["cluster_strength", "n_star_sectors", "hhi", "krugman", "cluster_strength_traded",
                    "n_star_sectors_traded", "hhi_traded", "krugman_traded", "related_variety", "unrelated_variety"]
UsMeasure = Literal["strong_cluster_share", "n_strong_clusters", "hhi_traded", "krugman_traded"]
Sign = Literal["+", "-"]


@dataclass(frozen=True)
class Measure:
    """One measure of a region's industrial structure and the ways it is named."""

    name: str
    label: str  # regression tables ("Cluster strength (traded)")
    short: str  # prose, legends and facets ("traded cluster strength")
    description: str  # axis labels and construct tables: what it measures, in full
    expected_sign: Sign = "+"  # the sign the CLUSNET claim predicts for innovation on the measure
    traded: bool = False  # computed over traded industries only
    diversity: bool = False  # high values mean a dispersed structure, not specialisation


_ALL = (
    Measure("cluster_strength", "Cluster strength", "pooled-star cluster strength",
            "pooled-star cluster strength (all divisions, one cut-off over all cells)"),
    Measure("cluster_strength_traded", "Cluster strength (traded)", "traded cluster strength",
            "specialisation in traded clusters (employment in 2-3 star divisions)", traded=True),
    Measure("n_star_sectors", "Number of star sectors", "pooled star divisions",
            "number of pooled 2-3 star divisions"),
    Measure("n_star_sectors_traded", "Number of star sectors (traded)", "traded star divisions",
            "number of 2-3 star traded divisions", traded=True),
    Measure("hhi", "Herfindahl index of employment", "HHI",
            "concentration of the business economy (HHI, all divisions)"),
    Measure("krugman", "Krugman specialisation index", "Krugman dissimilarity",
            "Krugman dissimilarity from the EU structure"),
    Measure("strong_cluster_share", "Strong-cluster employment share", "strong-cluster share",
            "share of traded employment in strong clusters (Cluster Mapping Project)", traded=True),
    Measure("n_strong_clusters", "Number of strong clusters", "number of strong clusters",
            "number of strong clusters (Cluster Mapping Project)", traded=True),
    Measure("hhi_traded", "Herfindahl index (traded clusters)", "traded HHI",
            "concentration within traded industries (HHI)", traded=True),
    Measure("krugman_traded", "Krugman index (traded clusters)", "traded Krugman dissimilarity",
            "Krugman dissimilarity over traded divisions", traded=True),
    Measure("related_variety", "Related variety", "related variety",
            "related variety (entropy within NACE sections)", diversity=True),
    Measure("unrelated_variety", "Unrelated variety", "unrelated variety",
            "unrelated variety (entropy across NACE sections)", expected_sign="-", diversity=True),
)
MEASURES: dict[str, Measure] = {m.name: m for m in _ALL}
EU_MEASURES: tuple[str, ...] = get_args(EuMeasure)
US_MEASURES: tuple[str, ...] = get_args(UsMeasure)
DIVERSITY_MEASURES: tuple[str, ...] = tuple(m for m in EU_MEASURES if MEASURES[m].diversity)


def label(name: str) -> str:
    """The table label of a measure."""
    return MEASURES[name].label


def short(name: str) -> str:
    """The short label of a measure (prose, legends)."""
    return MEASURES[name].short


def description(name: str) -> str:
    """What a measure measures, in full (axis labels)."""
    return MEASURES[name].description
