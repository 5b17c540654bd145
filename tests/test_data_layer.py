"""The extracts hold the known values of their sources, and bad data stops with one clear line."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from clusterstudy.core import paths
from clusterstudy.core.validate import DataError
from clusterstudy.data import download, extracts, provenance, us_patents
from clusterstudy.data.ingest import registry
from clusterstudy.data.ingest.rebuild import build_all

ROOT = Path(__file__).resolve().parents[1]
MIRROR = Path(os.environ.get("CLUSTERS_MIRROR", ROOT.parent / "shared" / "data"))
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason=f"no source mirror at {MIRROR}")


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- known values
def _one(df, **eq):
    for k, v in eq.items():
        df = df[df[k] == v]
    assert len(df) == 1, eq
    return df.iloc[0]


def test_eurostat_check_values():
    pat = extracts.load("eu_patents")
    assert _one(pat, nuts2="DE11", year=2008, unit="P_MHAB")["value"] == pytest.approx(597.6, abs=0.01)
    assert _one(pat, nuts2="RO22", year=2008, unit="P_MHAB")["value"] == pytest.approx(0.18, abs=0.005)
    sbs = extracts.load("eu_sbs_employment")
    assert _one(sbs, nuts2="DE11", nace_r2="C29", year=2008)["persons_employed"] == 135146
    assert _one(extracts.load("eu_gdp"), nuts2="DE11", year=2008)["value"] == 38300
    ter = _one(extracts.load("eu_tertiary"), nuts2="DE11", year=2008)["tertiary_share_pct"]
    assert ter == pytest.approx(100 * 553.8 / 1784.6, abs=0.01)


def test_greek_and_french_overseas_codes_are_converted_to_nuts_2013():
    pat = extracts.load("eu_patents")
    assert {"EL51", "FRA1"} <= set(pat["nuts2"]) and not {"EL11", "FR91"} & set(pat["nuts2"])


def test_us_and_china_counts():
    cmp_ = extracts.load("us_cluster_employment")
    assert cmp_.loc[cmp_["region_type"] == "state", "region_code"].nunique() == 50
    assert cmp_.loc[cmp_["region_type"] == "cbsa", "region_code"].nunique() == 917
    assert cmp_.groupby(["region_type", "region_code"]).size().eq(67).all()
    assert cmp_.loc[cmp_["traded"], "cluster_code"].nunique() == 51
    assert extracts.load("cn_cities")["city_code"].nunique() == 275
    rc = extracts.load("cn_resource_cities")
    pref = rc[rc["level"] == "prefecture-level"]
    assert pref["resource_type"].value_counts().to_dict() == {
        "mature": 66, "declining": 24, "growing": 20, "regenerating": 16}


def test_patent_aggregation_sums_counties():
    cp = extracts.load("us_county_patents")
    assert cp.loc[cp["year"] == 2015, "patents"].sum() == 141001
    states, _ = us_patents.aggregate(cp, "state")
    ca = cp[cp["county_fips"].str.startswith("06") & (cp["year"] == 2015)]["patents"].sum()
    assert _one(states, region_code="06", year=2015)["patents"] == ca
    assert states.loc[states["year"] == 2015, "patents"].sum() == 141001
    cbsas, missing = us_patents.aggregate(cp, "cbsa", extracts.load("us_cbsa_counties"))
    assert _one(cbsas, region_code="41940", year=2015)["patents"] == 14618  # San Jose
    assert cbsas["region_code"].nunique() == 917 and missing > 0


# ---------------------------------------------------------------- corruptions
def _check_cli(project: Path, command: str = "check-extracts"):
    env = {**os.environ, "CLUSTERS_ROOT": str(project)}
    return subprocess.run([sys.executable, "-m", "clusterstudy", command], env=env, capture_output=True, text=True)


def _edit(path: Path, fn) -> None:
    path.write_text(fn(path.read_text()))


CORRUPTIONS = {
    "missing file": ("eu_gdp.csv", lambda p: p.unlink(), "file not found"),
    "truncated file": ("cn_cities.csv", lambda p: p.write_text(p.read_text()[:5000]), "missing value"),
    "renamed column": ("eu_gdp.csv", lambda p: _edit(p, lambda t: t.replace("value", "val", 1)),
                       "column 'value': missing column"),
    "non-numeric value": ("eu_gdp.csv", lambda p: _edit(p, lambda t: t.replace(",38300,", ",38.3k,")),
                          "column 'value': non-numeric value '38.3k'"),
    "negative employment": ("eu_sbs_employment.csv",
                            lambda p: _edit(p, lambda t: t.replace("C29,2008,135146", "C29,2008,-135146")),
                            "column 'persons_employed': value -135146.0 below minimum 0"),
    "duplicated key": ("us_regpat_cbsa.csv", lambda p: _edit(p, lambda t: t + t.splitlines()[1] + "\n"),
                       "column 'cbsa_code': duplicated key"),
    "unknown region code": ("eu_tertiary.csv", lambda p: _edit(p, lambda t: t.replace("\nDE11,", "\nDE1X,")),
                            "column 'nuts2': unknown region code 'DE1X'"),
    "wrong unit": ("eu_patents.csv", lambda p: _edit(p, lambda t: t.replace(",P_MHAB,", ",P_MACT,", 1)),
                   "column 'unit': unknown value 'P_MACT'"),
    "empty file": ("us_cbsa_counties.csv", lambda p: p.write_text(""), "file is empty"),
    "harmonisation log action": ("eu_nuts_harmonisation.csv",
                                 lambda p: _edit(p, lambda t: t.replace(",kept,", ",kpt,", 1)),
                                 "column 'action': unknown value 'kpt'"),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_corrupt_extract_gives_one_line_and_nonzero_exit(project_copy, case):
    name, corrupt, message = CORRUPTIONS[case]
    before = _digest(ROOT / "data")
    corrupt(project_copy / "data" / "extracts" / name)
    result = _check_cli(project_copy)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0] and name in lines[0]
    assert _digest(ROOT / "data") == before


def test_checksum_mismatch_stops_verification(project_copy):
    _edit(project_copy / "data" / "extracts" / "eu_gdp.csv", lambda t: t.replace(",38300,", ",38301,"))
    result = _check_cli(project_copy, "verify-data")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "eu_gdp.csv: checksum mismatch" in result.stderr


def test_unknown_extract_name():
    with pytest.raises(ValueError, match="unknown extract 'nope'"):
        extracts.load("nope")


# ---------------------------------------------------------------- ingest from the mirror
@needs_mirror
def test_ingest_rebuilds_the_committed_extracts_byte_identically(tmp_path):
    build_all(MIRROR, tmp_path)
    committed = ROOT / "data" / "extracts"
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == sorted(p.name for p in committed.glob("*.csv"))
    for p in tmp_path.glob("*.csv"):
        assert p.read_bytes() == (committed / p.name).read_bytes(), p.name


@needs_mirror
def test_corrupt_mirror_file_leaves_extracts_untouched(project_copy, tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(MIRROR, mirror)
    nuts = mirror / "eurostat" / "all_nuts_codes.rda"
    nuts.write_bytes(nuts.read_bytes()[:1000])
    before = _digest(project_copy / "data")
    env = {**os.environ, "CLUSTERS_ROOT": str(project_copy), "CLUSTERS_MIRROR": str(mirror)}
    result = subprocess.run([sys.executable, "-m", "clusterstudy", "extracts"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "mirror file eurostat/all_nuts_codes.rda changed since it was pinned" in result.stderr
    # accepted as a new version, the damaged file is still stopped by its reader
    result = subprocess.run([sys.executable, "-m", "clusterstudy", "extracts", "--accept-mirror"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "all_nuts_codes.rda: unreadable R data file" in result.stderr
    assert _digest(project_copy / "data") == before


@needs_mirror
def test_make_extracts_leaves_unchanged_files_and_their_mtimes_alone(project_copy):
    """`make extracts` on an up-to-date tree rewrites nothing, so it triggers no rebuild."""
    files = sorted((project_copy / "data" / "extracts").glob("*.csv")) + [project_copy / "data" / "datapackage.json"]
    old = 1_000_000_000  # 2001: any rewrite would move the mtime to now
    for f in files:
        os.utime(f, ns=(old * 10**9, old * 10**9))
    env = {**os.environ, "CLUSTERS_ROOT": str(project_copy), "CLUSTERS_MIRROR": str(MIRROR)}
    result = subprocess.run([sys.executable, "-m", "clusterstudy", "extracts"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "0 extract(s) changed" in result.stdout
    assert [f.name for f in files if f.stat().st_mtime_ns != old * 10**9] == []
    # and a changed extract is rewritten (the check above is not vacuous)
    changed = project_copy / "data" / "extracts" / "cn_cities.csv"
    changed.write_text(changed.read_text() + "\n")
    result = subprocess.run([sys.executable, "-m", "clusterstudy", "extracts"], env=env, capture_output=True, text=True)
    assert "1 extract(s) changed: cn_cities.csv" in result.stdout
    assert changed.stat().st_mtime_ns != old * 10**9


@needs_mirror
def test_download_parses_producer_tsv_with_the_mirror_reader(tmp_path):
    body = (MIRROR / "eurostat" / "nama_10r_2gdp.tsv").read_bytes()

    class Fake:
        def get(self, url, timeout):
            resp = requests.Response()
            resp.status_code, resp._content, resp.url = 200, body, url
            return resp

    n = download.fetch("nama_10r_2gdp", tmp_path / "nama_10r_2gdp.tsv", session=Fake())
    assert n > 30000


def test_download_offline_fails_with_a_clear_message(tmp_path):
    class Offline:
        def get(self, url, timeout):
            raise requests.ConnectionError("no route to host")

    msg = r"cannot download sbs_r_nuts06_r2 from Eurostat \(ConnectionError; offline\?\)"
    with pytest.raises(DataError, match=msg):
        download.fetch("sbs_r_nuts06_r2", tmp_path / "x.tsv.gz", session=Offline())
    assert not (tmp_path / "x.tsv.gz").exists()


def test_datapackage_lists_provenance_for_every_extract():
    listed = {r["path"]: r for r in provenance.all_resources()}
    for e in registry.EXTRACTS.values():
        r = listed[e.path]
        assert r["licenses"] and r["sources"] and r["mirror_files"] and r["years"]
    data_files = list(paths.data_dir().glob("*/*.csv")) + list(paths.data_dir().glob("*.bib"))
    assert provenance.verify() == len(data_files)


# ---------------------------------------------------------------- standard metadata
def _frictionless_errors(package: Path) -> list[str]:
    import frictionless

    report = frictionless.validate(str(package))
    return [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors] + \
           [f"{e.type}: {e.message}" for e in report.errors]


def test_datapackage_passes_frictionless_validate():
    """The standard validator accepts the package and every data file against its Table Schema."""
    assert _frictionless_errors(ROOT / "data" / "datapackage.json") == []


def test_frictionless_catches_a_value_breaking_a_constraint(project_copy):
    f = project_copy / "data" / "extracts" / "eu_tertiary.csv"
    lines = f.read_text().splitlines()
    head, first = lines[0], lines[1].split(",")
    lines[1] = ",".join([*first[:-1], "120.5"])  # a share above its 100% maximum
    f.write_text("\n".join(lines) + "\n")
    provenance.write()  # checksums updated: only the constraint is broken
    errors = _frictionless_errors(project_copy / "data" / "datapackage.json")
    assert len(errors) == 1 and errors[0].startswith("constraint-error") and "120.5" in errors[0]
    assert head == "nuts2,year,tertiary_share_pct"


def test_datapackage_uses_standard_types_and_licences():
    pkg = json.loads((ROOT / "data" / "datapackage.json").read_text())
    types = {f["type"] for r in pkg["resources"] for f in r.get("schema", {}).get("fields", [])}
    assert types <= {"string", "integer", "number", "boolean"}
    for r in pkg["resources"]:
        for lic in r["licenses"]:
            assert lic.get("name") in (None, "CC-BY-4.0", "MIT") and lic.get("path"), (r["name"], lic)
