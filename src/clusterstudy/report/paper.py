"""The compendium's article: ``paper/values.json`` and the Typst tables from the committed tables, then the PDF.

Every number and verdict the prose of ``paper/paper.typ`` states is an entry of ``values.json``
with the table, the row and the column it comes from (or the finding-sentence function of the
analysis that writes it and the tables it reads), so ``tests/test_paper.py`` can recompute each
one. The PDF is typeset by the ``typst`` package with its embedded fonts only (no system font)
and no document date, so two builds are byte-identical.

Usage::

    python -m clusterstudy paper values   # paper/values.json and paper/generated/*.typ
    python -m clusterstudy paper pdf      # the above, then paper/paper.pdf
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from clusterstudy.analyses import geography
from clusterstudy.core import atomic, paths, prose
from clusterstudy.report import manifest, paper_tables
from clusterstudy.report.makers import anchor

PAPER = "paper"
GENERATED = "generated"

FORMATS: dict[str, Callable[[Any], str]] = {
    "coef": lambda x: f"{float(x):+.2f}",
    "num2": lambda x: f"{float(x):.2f}",
    "int": lambda x: f"{int(float(x)):,}",
    "pct": lambda x: prose.pct(float(x)),
    "p": lambda x: prose.pval(float(x)),
    "p_clustered": lambda x: prose.pval(float(x), "clustered p"),
    "p_wild": lambda x: prose.pval(float(x), "wild p"),
    "p_adjusted": lambda x: prose.pval(float(x), "adjusted p"),
    "text": str,
}
AGGREGATES: dict[str, Callable[[pd.Series], Any]] = {
    "first": lambda s: s.iloc[0], "sum": lambda s: s.sum(), "min": lambda s: s.min(), "max": lambda s: s.max(),
    "count": lambda s: len(s),
}

EU_HEAD = {"measure": "cluster_strength_traded", "estimator": "OLS"}
# (key, table, row selector, column, aggregate, format)
NUMBERS: list[tuple[str, str, dict[str, str], str, str, str]] = [
    ("eu.n_across", "eu_headline_models", {**EU_HEAD, "comparison": "across countries"}, "n", "first", "int"),
    ("eu.g_across", "eu_headline_models", {**EU_HEAD, "comparison": "across countries"}, "clusters", "first", "int"),
    ("eu.n_within", "eu_headline_models", {**EU_HEAD, "comparison": "within countries"}, "n", "first", "int"),
    ("eu.g_within", "eu_headline_models", {**EU_HEAD, "comparison": "within countries"}, "clusters", "first", "int"),
    ("eu.n_measures", "eu_headline_models", {"estimator": "OLS", "comparison": "within countries"}, "measure",
     "count", "int"),
    ("eu.family_size", "eu_headline_models", {**EU_HEAD, "comparison": "within countries"}, "family_size",
     "first", "int"),
    ("eu.within_share_min", "eu_designs_within_variance", {"variable": "!log_outcome"}, "within_share", "min", "pct"),
    ("eu.within_share_max", "eu_designs_within_variance", {"variable": "!log_outcome"}, "within_share", "max", "pct"),
    ("spec.n", "eu_specification_curve_inference", {}, "specifications", "sum", "int"),
    ("spec.draws", "eu_specification_curve_inference", {}, "draws", "first", "int"),
    ("spec.cs_pos", "eu_specification_curve_inference", {"construct": "cluster_strength_traded"},
     "share_positive_significant", "first", "pct"),
    ("spec.cs_neg", "eu_specification_curve_inference", {"construct": "cluster_strength_traded"},
     "share_negative_significant", "first", "pct"),
    ("spec.cs_p", "eu_specification_curve_inference", {"construct": "cluster_strength_traded"}, "p_share",
     "first", "p"),
    ("spec.cs_p_ols", "eu_specification_curve_inference", {"construct": "cluster_strength_traded"}, "p_share_ols",
     "first", "p"),
    ("spec.cs_p_ppml", "eu_specification_curve_inference", {"construct": "cluster_strength_traded"}, "p_share_ppml",
     "first", "p"),
    ("spec.cs_share_ols", "eu_specification_curve_inference", {"construct": "cluster_strength_traded"},
     "share_significant_dominant_ols", "first", "pct"),
    ("spec.cs_share_ppml", "eu_specification_curve_inference", {"construct": "cluster_strength_traded"},
     "share_significant_dominant_ppml", "first", "pct"),
    ("us.n_states", "us_state_regression", {"term": "strong_cluster_share"}, "n", "first", "int"),
    ("us.n_cbsa", "us_cbsa_regression", {"term": "strong_cluster_share"}, "n", "first", "int"),
    ("us.g_cbsa", "us_cbsa_regression", {"term": "strong_cluster_share"}, "clusters", "first", "int"),
    ("cn.n", "cn_resource_type_regression_patents_per_10k_residents", {"term": "any_resource"}, "n", "first", "int"),
    ("cn.g", "cn_resource_type_regression_patents_per_10k_residents", {"term": "any_resource"}, "clusters",
     "first", "int"),
    ("claims.n", "claims", {}, "claim_id", "count", "int"),
    ("claims.n_tested", "claims", {"family_size": "!0"}, "claim_id", "count", "int"),
    *[(f"design.{short}.{design}.{col}", "claims_estimates",
       {"claim_id": claim_id, "label": f"{label}, design: {design}"}, col, "first", fmt)
      for short, claim_id, label, design in (
          ("eu", "004-fig6-eu", "Europe cluster_strength_traded, within countries", "lagged"),
          ("eu", "004-fig6-eu", "Europe cluster_strength_traded, within countries", "pre_period"),
          ("eu", "004-fig6-eu", "Europe cluster_strength_traded, within countries", "panel_fe"),
          ("prosperity", "004-fig6-prosperity", "Europe GDP per head on cluster_strength_traded", "lagged"),
          ("prosperity", "004-fig6-prosperity", "Europe GDP per head on cluster_strength_traded", "pre_period"),
          ("prosperity", "004-fig6-prosperity", "Europe GDP per head on cluster_strength_traded", "panel_fe"),
          ("us", "004-fig6-us", "U.S. cbsa strong_cluster_share, model (2)", "pre_period"))
      for col, fmt in (("estimate", "coef"), ("p_wild", "p_wild"))],
]
CLAIM_COLUMNS = (("verdict", "text"), ("estimate", "coef"), ("p_clustered", "p_clustered"), ("p_wild", "p_wild"),
                 ("p_adjusted", "p_adjusted"), ("family_size", "int"), ("source", "text"), ("claim", "text"))
CLAIM_KEYS = {"004-fig6-eu": "eu", "004-fig6-us": "us", "004-fig6-prosperity": "prosperity",
              "004-fig6-quadrants": "quadrants", "000-resource-cities": "cn", "000-production-complex": "complex",
              "000-production-complex-cause": "cause"}

# (key, "module.function", tables passed first, then the further arguments)
SENTENCES: list[tuple[str, str, tuple[str, ...], tuple[Any, ...]]] = [
    ("s.eu_across", "eu_models.headline_sentence", ("eu_headline_models",), ("across countries",)),
    ("s.eu_within", "eu_models.headline_sentence", ("eu_headline_models",), ("within countries",)),
    ("s.eu_designs_cs", "eu_designs.designs_sentence", ("eu_designs",), ("cluster_strength_traded",)),
    ("s.eu_designs_hhi", "eu_designs.designs_sentence", ("eu_designs",), ("hhi",)),
    ("s.eu_designs_rv", "eu_designs.designs_sentence", ("eu_designs",), ("related_variety",)),
    ("s.eu_like", "eu_designs.like_for_like_sentence", ("eu_designs",), ("cluster_strength_traded",)),
    ("s.eu_traded_sets", "eu_traded_sets.traded_sets_sentence", ("eu_traded_sets",), ()),
    ("s.eu_loo", "eu_leave_one_out.loo_sentence", ("eu_leave_one_country_out", "eu_designs"), ()),
    ("s.eu_measurement", "eu_measurement.measurement_sentence", ("eu_measurement_error",), ("cluster_strength_traded",)),
    ("s.spec", "speccurve_inference.inference_sentence", ("eu_specification_curve_inference",), ()),
    ("s.us_states", "us_regions.measure_sentence", ("us_state_regression",), ()),
    ("s.us_cbsa", "us_regions.measure_sentence", ("us_cbsa_regression",), ()),
    ("s.us_regpat", "us_regions.regpat_sentence", ("us_cbsa_robustness",), ()),
    ("s.cn", "china_cities.types_sentence",
     ("cn_resource_type_summary_patents_per_10k_residents", "cn_resource_type_regression_patents_per_10k_residents"),
     ("per 10,000 residents",)),
    ("s.space_eu", "geography.spatial_sentence", ("eu_spatial_diagnostics", "eu_spatial_models"),
     geography.SPATIAL["eu"]),
    ("s.space_us", "geography.spatial_sentence", ("us_spatial_diagnostics", "us_spatial_models"),
     geography.SPATIAL["us"]),
    ("s.space_cn", "geography.spatial_sentence", ("cn_spatial_diagnostics", "cn_spatial_models"),
     geography.SPATIAL["cn"]),
]
# (key, output file) of the figures the paper shows; the notebook comes from results.csv
FIGURES: list[tuple[str, str]] = [
    ("forest", "figures/claims_forest.png"),
    ("eu_fig6", "figures/eu_fig6_cluster_strength_traded.png"),
    ("eu_designs", "figures/eu_designs.png"),
    ("spec", "figures/eu_specification_curve.png"),
    ("us_scatter", "figures/us_state_scatter_strong_cluster_share.png"),
    ("cn_types", "figures/cn_resource_types_patents_per_10k_residents.png"),
    ("eu_residuals", "figures/eu_map_residuals.png"),
]
TABLE_OUTPUTS = {"tab-claims": "tables/claims.csv", "tab-eu": "tables/eu_designs.csv",
                 "tab-us": "tables/us_cbsa_regression.csv",
                 "tab-cn": "tables/cn_resource_type_regression_patents_per_10k_residents.csv"}


def load(name: str, root: Path | None = None) -> pd.DataFrame:
    """A committed table ``tables/<name>.csv``."""
    root = paths.project_root() if root is None else root
    return pd.read_csv(root / "tables" / f"{name}.csv", dtype={"region_code": str, "city_code": str})


def select(frame: pd.DataFrame, row: dict[str, str]) -> pd.DataFrame:
    """The rows whose columns equal the selector's values (compared as text; "!v" means not v)."""
    mask = pd.Series(True, index=frame.index)
    for col, value in row.items():
        negate = str(value).startswith("!")
        equal = frame[col].astype(str) == str(value).removeprefix("!")
        mask &= ~equal if negate else equal
    if not mask.any():
        raise KeyError(f"no row with {row}")
    return frame[mask]


def number(frame: pd.DataFrame, row: dict[str, str], column: str, agg: str, fmt: str) -> str:
    """The formatted value of ``column`` over the selected rows."""
    return FORMATS[fmt](AGGREGATES[agg](select(frame, row)[column]))


def sentence(function: str, frames: list[pd.DataFrame], args: tuple[Any, ...] | list[Any]) -> str:
    """Call an analysis' finding-sentence function (``module.function`` under clusterstudy.analyses)."""
    module, name = function.rsplit(".", 1)
    fn = getattr(importlib.import_module(f"clusterstudy.analyses.{module}"), name)
    return str(fn(*frames, *args))


def book_link(file: str, executed_notebook: str) -> str:
    """The output's anchor on the book page of the run that wrote it (a variant run has its own page),
    relative to ``paper/``."""
    return f"../build/site/notebooks/{Path(executed_notebook).stem}.html#{anchor(file)}"


def values(root: Path | None = None) -> dict[str, dict[str, Any]]:
    """Every value the paper reads, each with where it comes from."""
    out: dict[str, dict[str, Any]] = {}
    cache: dict[str, pd.DataFrame] = {}

    def tab(name: str) -> pd.DataFrame:
        if name not in cache:
            cache[name] = load(name, root)
        return cache[name]

    for key, name, row, column, agg, fmt in NUMBERS:
        out[key] = {"text": number(tab(name), row, column, agg, fmt), "table": f"tables/{name}.csv",
                    "row": row, "column": column, "aggregate": agg, "format": fmt}
    for claim_id, short in CLAIM_KEYS.items():
        row = {"claim_id": claim_id}
        for column, fmt in CLAIM_COLUMNS:
            cell = select(tab("claims"), row)[column]
            if cell.isna().all() or (column == "family_size" and float(cell.iloc[0]) == 0):
                continue
            out[f"claim.{short}.{column}"] = {"text": number(tab("claims"), row, column, "first", fmt),
                                              "table": "tables/claims.csv", "row": row, "column": column,
                                              "aggregate": "first", "format": fmt}
    for key, function, names, args in SENTENCES:
        out[key] = {"text": sentence(function, [tab(n) for n in names], args),
                    "tables": [f"tables/{n}.csv" for n in names], "function": function, "args": list(args)}
    return out


def outputs(root: Path | None = None) -> dict[str, dict[str, str]]:
    """Figures and tables the paper shows: file, the notebook that made it, its caption and book link."""
    results = manifest.load() if root is None else pd.read_csv(root / "results.csv", dtype=str,
                                                                keep_default_na=False)
    entries = results.set_index("file")
    out = {}
    for key, file in [*FIGURES, *TABLE_OUTPUTS.items()]:
        e = entries.loc[file]
        out[key] = {"file": file, "notebook": e["notebook"], "caption": e["caption"],
                    "link": book_link(file, e["executed_notebook"]), "page": Path(e["executed_notebook"]).stem}
    return out


def sources(root: Path) -> list[str]:
    """The data producers credited in data/datapackage.json, once each, in order of first mention."""
    package = json.loads((root / "data" / "datapackage.json").read_text())
    titles = [s["title"] for r in package["resources"] for s in r.get("sources", [])]
    return list(dict.fromkeys(titles))


def references(root: Path) -> str:
    """The paper's bibliography: data/references.bib (the seeds' reference lists), then paper/methods.bib."""
    seeds = (root / "data" / "references.bib").read_text()
    methods = (root / PAPER / "methods.bib").read_text()
    return f"% Generated by clusterstudy.report.paper from data/references.bib and paper/methods.bib\n\n{seeds}\n{methods}"


def generate(out_dir: Path | None = None, root: Path | None = None) -> list[Path]:
    """Write values.json and the generated Typst tables into ``out_dir`` (default ``paper/``)."""
    root = paths.project_root() if root is None else root
    out_dir = root / PAPER if out_dir is None else out_dir
    doc = {"values": values(root), "outputs": outputs(root), "sources": sources(root)}
    written = [out_dir / "values.json"]
    atomic.write_text(written[0], json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    written.append(out_dir / "references.bib")
    atomic.write_text(written[-1], references(root))
    tables = {n: load(n, root) for spec in paper_tables.TABLES.values() for n in spec[0]}
    for name, source in paper_tables.render(tables).items():
        written.append(out_dir / GENERATED / name)
        atomic.write_text(written[-1], source)
    return written


def record(files: list[Path], root: Path | None = None) -> None:
    """Record the sha256 of what the paper step wrote (``build/meta/paper.json``), so that `make all`
    tells its outputs from a hand-edited one (:func:`clusterstudy.pipeline.verify.damaged`)."""
    root = paths.project_root() if root is None else root
    meta = root / "build" / "meta" / "paper.json"
    known = json.loads(meta.read_text()) if meta.is_file() else {}
    known |= {str(f.relative_to(root)): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    atomic.write_text(meta, json.dumps(known, indent=1, sort_keys=True) + "\n")


def pdf(root: Path | None = None) -> Path:
    """Typeset paper/paper.pdf with the package's embedded fonts only and no document date."""
    import typst

    root = paths.project_root() if root is None else root
    target = root / PAPER / "paper.pdf"
    data = typst.compile(str(root / PAPER / "paper.typ"), root=str(root), font_paths=[],
                         ignore_system_fonts=True)
    atomic.write_with(target, lambda f: f.write(data))
    return target
