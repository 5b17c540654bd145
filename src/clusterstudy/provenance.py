"""Provenance of every data file: a Frictionless-style ``data/datapackage.json`` with sha256.

Usage::

    python -m clusterstudy.provenance write    # describe every data file, with its sha256
    python -m clusterstudy.provenance verify   # exit 1, naming the file, on any mismatch

The descriptions live in :data:`RESOURCES` (seed encodings) and in the ingest registry
(extracts); the checksums are computed. ``make all`` runs ``verify`` before any notebook.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from . import atomic, paths
from .validate import DataError

SEED_LICENCE = {"name": "CC-BY-4.0", "title": "Encoding by the compendium; cite the source document"}

SEED_DOCS = {
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
        r["sources"] = [{"title": SEED_DOCS[r["seed"]], "path": f"seeds/{r['seed']}_*.txt"}]
        r["licenses"] = [SEED_LICENCE]
    try:
        from .ingest import registry  # extracts, when the data layer is present
    except ImportError:
        return resources
    return resources + registry.resources()


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
        resources.append({**r, "format": "csv", "bytes": f.stat().st_size,
                          "hash": f"sha256:{sha256(f)}"})
    pkg = {"name": "clusters-compendium-data", "profile": "data-package",
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
            raise DataError(f"{f}: checksum mismatch with data/datapackage.json "
                            "(the file changed; run `make extracts` or `make datapackage`)")
    unlisted = [p for p in sorted(data.glob("*/*.csv")) if p.resolve() not in listed]
    if unlisted:
        raise DataError(f"{unlisted[0]}: data file not listed in data/datapackage.json")
    return len(listed)


def main(argv: list[str]) -> int:
    try:
        if argv == ["write"]:
            print(f"wrote {write()}")
        elif argv == ["verify"]:
            print(f"✔ data verified: {verify()} files match data/datapackage.json")
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except DataError as exc:
        print(f"✘ {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
