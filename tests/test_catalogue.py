"""The extract catalogue: loading an extract imports no ingest builder, and the registry pairs every
catalogue entry with its builder."""

from __future__ import annotations

import json
import subprocess
import sys

from clusterstudy.data import catalogue
from clusterstudy.data.ingest import registry


def test_loading_an_extract_imports_no_ingest_module():
    code = ("import sys, json; from clusterstudy.data import extracts; extracts.load('eu_gdp'); "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('clusterstudy'))))")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(got.stdout)
    assert "clusterstudy.data.catalogue" in loaded
    assert not [m for m in loaded if m.startswith("clusterstudy.data.ingest")], loaded


def test_the_registry_pairs_every_catalogue_entry_with_a_builder():
    assert list(registry.EXTRACTS) == list(catalogue.CATALOGUE)
    for name, e in registry.EXTRACTS.items():
        assert e.schema is catalogue.CATALOGUE[name].schema and e.path == f"extracts/{name}.csv"
        assert callable(e.build) and e.mirror_files


def test_london_2010_is_declared_once():
    from clusterstudy.data.ingest import nuts

    assert nuts.LONDON_2010 is catalogue.LONDON_2010 and catalogue.EXTRA_NUTS2 == {"UKI1", "UKI2"}
