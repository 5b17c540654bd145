"""Provenance of every data file: a Frictionless ``data/datapackage.json`` with sha256.

The package follows the Data Package / Table Schema v1 specifications and passes
``frictionless validate data/datapackage.json`` (tests/test_data_layer.py runs it): the
extracts' schemas use the standard field types, with the validation rules of
:mod:`clusterstudy.core.validate` (ranges, allowed values, patterns, required values, primary key)
as Table Schema constraints, and every licence is an SPDX id or a path to its terms.

Usage::

    python -m clusterstudy datapackage   # describe every data file, with its sha256
    python -m clusterstudy verify-data   # exit 1, naming the file, on any mismatch

The descriptions live in :data:`RESOURCES` (seed encodings) and in the ingest registry
(extracts' provenance; their schemas in :mod:`clusterstudy.data.catalogue`); the checksums are
computed. ``make all`` runs ``verify`` before any notebook.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from clusterstudy.core import atomic, paths
from clusterstudy.core.validate import DataError

SEED_LICENCE = {"name": "CC-BY-4.0", "title": "Encoding by the compendium; cite the source document",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
# SPDX ids and the licences' own pages; terms without an SPDX id point to data/README.md,
# which states them per source
SPDX_PATHS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
              "MIT": "https://spdx.org/licenses/MIT.html"}
TERMS_PATH = "README.md"
TABLE_SCHEMA_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}

SEED_DOCS = {
    "001": "Literature review on resource transfer between clusters (Offshore Energy project, Southern "
           "Denmark), Appendix 11.1-11.12.",
    "002": "Bathelt, H. & Zhao, J. (2016) Conceptualizing multiple clusters in mega-city regions: the case "
           "of the biomedical industry in Beijing (introduction and Section 2 to the opening of Section 2.1).",
    "003": "Guenther, J. & Meissner, D. (2017) Clusters as Innovative Melting Pots? Journal of the "
           "Knowledge Economy 8: 499-512 (abstract and reference list).",
    "004": "Lindqvist, G. & Sölvell, Ö. (2011) Organising Clusters for Innovation: Lessons from City "
           "Regions in Europe (CLUSNET final report).",
    "000": "Meng, Q. & Forman, M. (2016) Strategy of Cluster Innovation in the Economic "
           "Transformation of Resource Cities of China: Experiences of Britain and Germany. "
           "International Journal of Business and Economics Research 5(5): 176-182.",
}

# data/seeds/*: encoded by hand from the source documents; every row carries a citation
RESOURCES: list[dict] = [
    {
        "name": "meng_forman_ruhr_clusters",
        "path": "seeds/meng_forman_ruhr_clusters.csv",
        "description": "Industrial clusters of the Ruhr: one row per industry x area, level 1 "
                       "(first-level area) or 2 (second-level area).",
        "seed": "000", "reproduces": "000 Table 1",
    },
    {
        "name": "meng_forman_resource_city_clusters",
        "path": "seeds/meng_forman_resource_city_clusters.csv",
        "description": "Four industrial clusters of Chinese resource cities, end of 2013: "
                       "enterprises, annual output (billion US$), employees (thousand); "
                       "resource status and industry type from section 6.",
        "seed": "000", "reproduces": "000 Table 2",
    },
    *[{"name": n, "path": f"seeds/{n}.csv", "description": d, "seed": sd, "reproduces": rp} for n, d, sd, rp in [
        ("clusnet_dortmund_cross_clustering", "Dortmund cross-clustering: 8 clusters x 4 markets, example per cell",
         "004", "004 Table 1"),
        ("clusnet_table2_models", "Membership vs partnership model of cluster organisations", "004", "004 Table 2"),
        ("clusnet_table3_policy_areas", "Policy areas and their implications for clusters", "004", "004 Table 3"),
        ("clusnet_table4_programmes", "Two hypothetical cities: programme x gap ticks", "004", "004 Table 4"),
        ("clusnet_seven_gaps", "The seven gaps of innovation", "004", "004 Figure 10, Chapter 3"),
        ("clusnet_city_gap_coding", "City region x gap coding of the report's examples (the compendium's "
         "own coding; rule in data/README.md)", "004", "004 Chapter 3"),
        ("clusnet_fig17_triple_steelix", "Triple Steelix's four circles of firms", "004", "004 Figure 17"),
        ("clusnet_fig12_hungary_funding", "EU funds channelled in Hungary", "004", "004 Figure 12"),
        ("clusnet_fig23_behaviours", "Four behaviours that hinder collaboration", "004", "004 Figure 23"),
        ("review_studies", "Twelve coded studies, one row each", "001", "001 Appendix 11.1-11.12"),
        ("review_study_items", "Multi-valued fields of the twelve studies, one row per value", "001",
         "001 Appendix 11.1-11.12"),
        ("review_cluster_ties", "Cluster-to-cluster ties the studies describe", "001", "001 Appendix 11"),
        ("beijing_parks", "Beijing's three co-located biomedical parks", "002", "002 Introduction"),
        ("beijing_typology", "Collaborating vs competing co-located clusters", "002", "002 Introduction"),
        ("beijing_cross_cluster_ties", "Cross-cluster ties of seed 002's Section 2.1, in the form of review_cluster_ties",
         "002", "002 Section 2.1"),
        ("seed_lists", "Lists of seeds 000 and 004 that were only counted, one row per item", "000, 004",
         "000 and 004 lists"),
        ("seed_references", "Reference lists of seeds 000 and 003, parsed (make references)", "000, 003",
         "000 and 003 reference lists"),
        ("seed_citations", "Works cited per seed (lists of 000/003, in-text citations of 001/002)", "000, 001, 002, 003",
         "000-003 references"),
        ("seed_facts", "Every countable statement of the seeds: value, unit, what it counts, verbatim "
         "context, citation", "000, 001, 002, 003, 004", "000-004 quantitative statements"),
    ]],
    {"name": "seed_audit", "path": "seeds/AUDIT.csv", "seed": "000, 001, 002, 003, 004", "reproduces": "audit log",
     "description": "Audit of the seed encodings: every encoded element, the seed line checked, the rules applied "
                    "and the outcome (data/seeds/AUDIT.md)"},
    {"name": "references_bib", "path": "references.bib", "seed": "000, 003", "reproduces": "000 and 003 reference lists",
     "description": "BibTeX of the reference lists of seeds 000 and 003 (make references)"},
    {
        "name": "meng_forman_lock_ins",
        "path": "seeds/meng_forman_lock_ins.csv",
        "description": "Three lock-ins of resource cities: reasons, orientation of "
                       "breakthroughs and routes (one row per route).",
        "seed": "000", "reproduces": "000 Table 3",
    },
]


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def all_resources() -> list[dict]:
    """Seed encodings plus the extracts registered by the ingest code."""
    resources = [dict(r) for r in RESOURCES]
    for r in resources:
        r["sources"] = [{"title": SEED_DOCS[s], "path": f"../shared/seeds/{s}_*.txt"} for s in r["seed"].split(", ")]
        r["licenses"] = [SEED_LICENCE]
    try:
        from clusterstudy.data.ingest import registry  # extracts, when the data layer is present
    except ImportError:
        return resources
    return resources + registry.resources()


def table_schema(schema) -> dict:
    """A :class:`validate.Schema` as a Frictionless Table Schema with its constraints."""
    fields = []
    for col, kind in schema.columns.items():
        field = {"name": col, "type": TABLE_SCHEMA_TYPES[kind]}
        if kind == "bool":
            field |= {"trueValues": ["True"], "falseValues": ["False"]}
        constraints: dict[str, object] = {} if col in schema.nullable else {"required": True}
        lo, hi = schema.ranges.get(col, (None, None))
        if lo is not None:
            constraints["minimum"] = lo
        if hi is not None:
            constraints["maximum"] = hi
        if col in schema.allowed:
            constraints["enum"] = sorted(schema.allowed[col], key=str)
        if col in schema.patterns:
            constraints["pattern"] = schema.patterns[col]
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    out = {"fields": fields, "missingValues": [""]}
    if schema.key:
        out["primaryKey"] = list(schema.key)
    return out


def licence(entry: dict) -> dict:
    """A licence as the Data Package spec wants it: an SPDX id with its page, else a path to the terms."""
    if entry.get("name") in SPDX_PATHS:
        return {"name": entry["name"], "path": SPDX_PATHS[entry["name"]], "title": entry.get("title", entry["name"])}
    return {"path": TERMS_PATH, "title": entry.get("title") or entry.get("name", "terms of use")}


def _standard(resource: dict) -> dict:
    """Rewrite a resource description with standard types, constraints and licences."""
    r = dict(resource)
    r["licenses"] = [licence(x) for x in r.get("licenses", [])]
    from clusterstudy.data import seeds
    from clusterstudy.data.catalogue import CATALOGUE

    schema = seeds.SCHEMAS.get(r["name"])
    if r["name"] in CATALOGUE:
        schema = CATALOGUE[r["name"]].schema
    if schema is not None:
        r["schema"] = table_schema(schema)
    elif "schema" in r:
        r["schema"] = {**r["schema"], "fields": [
            {**f, "type": TABLE_SCHEMA_TYPES.get(f["type"], f["type"])} for f in r["schema"]["fields"]]}
    if "schema" in r:
        r |= {"profile": "tabular-data-resource", "encoding": "utf-8", "mediatype": "text/csv"}
    return r


def package_path() -> Path:
    return paths.data_dir() / "datapackage.json"


def write() -> Path:
    """Write data/datapackage.json with every resource's current sha256."""
    data = paths.data_dir()
    resources = []
    for r in all_resources():
        f = data / r["path"]
        if not f.is_file():
            raise DataError(f"{f}: file not found (listed in the data package)")
        resources.append({**_standard(r), "format": f.suffix.lstrip("."), "bytes": f.stat().st_size,
                          "hash": f"sha256:{sha256(f)}"})
    pkg = {"name": "clusters-compendium-data", "profile": "data-package",
           "title": "Data of the compendium on industrial clusters, specialisation and innovation",
           "licenses": [{"name": "CC-BY-4.0", "path": SPDX_PATHS["CC-BY-4.0"],
                         "title": "Creative Commons Attribution 4.0 (the compendium's encodings; "
                                  "each resource states its producer's licence)"}],
           "resources": sorted(resources, key=lambda r: r["path"])}
    atomic.write_text(package_path(), json.dumps(pkg, indent=1, ensure_ascii=False) + "\n")
    return package_path()


def verify() -> int:
    """Check every listed file's sha256 and that no data file is unlisted; return the count."""
    data = paths.data_dir()
    pkg_file = package_path()
    if not pkg_file.is_file():
        raise DataError(f"{pkg_file}: file not found")
    try:
        pkg = json.loads(pkg_file.read_text())
    except json.JSONDecodeError as exc:
        raise DataError(f"{pkg_file}: corrupt JSON ({exc.msg} at line {exc.lineno})") from None
    listed = set()
    for r in pkg["resources"]:
        f = data / r["path"]
        listed.add(f.resolve())
        if not f.is_file():
            raise DataError(f"{f}: file not found (listed in data/datapackage.json)")
        want = r["hash"].removeprefix("sha256:")
        if sha256(f) != want:
            rel = f"data/{r['path']}"
            raise DataError(f"{f}: checksum mismatch with data/datapackage.json: the file changed; "
                            f"restore the committed version with `git checkout -- {rel}` (only if the change "
                            "is intended: `make extracts` for an extract, `make datapackage` to record it)")
    unlisted = [p for p in sorted(data.glob("*/*.csv")) if p.resolve() not in listed]
    if unlisted:
        raise DataError(f"{unlisted[0]}: data file not listed in data/datapackage.json")
    return len(listed)
