"""The one loader for data encoded from the five source documents (``data/seeds/``).

Each file carries a ``citation`` on every row (seed file and table, figure or section) and
a schema here; :func:`load` reads and checks it.
"""

from __future__ import annotations

import pandas as pd

from . import paths
from .validate import Schema, read_csv

CITATION = {"citation": "str"}
_SEED_FILE = r"00[0-4]_[0-9a-f]{16}\.txt, .+"

SCHEMAS: dict[str, Schema] = {
    "meng_forman_ruhr_clusters": Schema(
        columns={"industry": "str", "city": "str", "level": "int", **CITATION, "note": "str"},
        key=("industry", "city"),
        allowed={"level": frozenset({1, 2})},
        patterns={"citation": _SEED_FILE},
        nullable=frozenset({"note"}),
    ),
    "meng_forman_resource_city_clusters": Schema(
        columns={
            "cluster": "str", "city": "str", "province": "str", "resource": "str",
            "industry": "str", "enterprises": "int", "output_busd": "float",
            "employees_thousand": "float", "resource_status": "str", "industry_type": "str",
            **CITATION, "typology_citation": "str", "note": "str",
        },
        key=("cluster",),
        ranges={"enterprises": (1, None), "output_busd": (0, None), "employees_thousand": (0, None)},
        allowed={
            "resource_status": frozenset({"exhausted", "unexhausted"}),
            "industry_type": frozenset({"continuous", "alternative"}),
        },
        patterns={"citation": _SEED_FILE, "typology_citation": _SEED_FILE},
        nullable=frozenset({"note"}),
    ),
    "meng_forman_lock_ins": Schema(
        columns={"lock_in": "str", "reasons": "str", "orientation": "str", "route_no": "int",
                 "route": "str", **CITATION},
        key=("lock_in", "route_no"),
        ranges={"route_no": (1, None)},
        patterns={"citation": _SEED_FILE},
    ),
}


def load(name: str) -> pd.DataFrame:
    """Load ``data/seeds/<name>.csv`` and check it against its schema."""
    if name not in SCHEMAS:
        raise ValueError(f"unknown seed table {name!r}; known: {', '.join(sorted(SCHEMAS))}")
    return read_csv(paths.data_dir() / "seeds" / f"{name}.csv", SCHEMAS[name])
