"""The compendium's vocabulary of measures: each named once, with every label it is shown by.

Every label table of the package (regression tables, prose, figure axes, the specification
curve's constructs) derives from :data:`MEASURES`; add a measure here and it is labelled
everywhere.
"""

from __future__ import annotations

EU_PROSE = {"cluster_strength": "cluster strength", "n_star_sectors": "star sectors", "hhi": "HHI",
            "krugman": "Krugman", "related_variety": "related variety", "unrelated_variety": "unrelated variety"}
US_PROSE = {"strong_cluster_share": "strong-cluster share", "n_strong_clusters": "number of strong clusters",
            "hhi_traded": "HHI", "krugman_traded": "Krugman index"}


def eu_prose(measure: str) -> str:
    """A European measure as prose names it ('traded cluster strength')."""
    base = measure.removesuffix("_traded")
    return ("traded " if measure.endswith("_traded") else "") + EU_PROSE.get(base, base)
