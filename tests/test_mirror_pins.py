"""The pinned mirror: a mirror file cut short is refused by name, its lost rows are reported,
and a damaged committed file points to `git checkout` first."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from clusterstudy.core.validate import DataError
from clusterstudy.data import provenance
from clusterstudy.data.ingest import pins, readers, registry
from clusterstudy.pipeline import cli

ROOT = Path(__file__).resolve().parents[1]
MIRROR = Path(os.environ.get("CLUSTERS_MIRROR", ROOT.parent / "shared" / "data")).resolve()
CUT = 50


@pytest.fixture
def cut_mirror(tmp_path: Path) -> Path:
    """A mirror whose china/CN_Public.csv lost its last 50 cities, cut at a line boundary."""
    if not (MIRROR / "china" / "CN_Public.csv").is_file():
        pytest.skip("the source-data mirror is not available")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for entry in MIRROR.iterdir():
        if entry.name != "china":
            (mirror / entry.name).symlink_to(entry)
    (mirror / "china").mkdir()
    for f in (MIRROR / "china").iterdir():
        (mirror / "china" / f.name).write_bytes(f.read_bytes())
    lines = (MIRROR / "china" / "CN_Public.csv").read_bytes().splitlines(keepends=True)
    (mirror / "china" / "CN_Public.csv").write_bytes(b"".join(lines[:-CUT]))
    return mirror


def test_every_mirror_file_the_ingest_reads_is_pinned():
    pinned = pins.load()
    files = {f for e in registry.EXTRACTS.values() for f in e.mirror_files}
    assert files <= set(pinned), files - set(pinned)
    assert pinned["china/CN_Public.csv"]["sha256"] == provenance.sha256(MIRROR / "china" / "CN_Public.csv")
    assert all(p["rows"] > 0 for p in pinned.values())


def test_truncated_mirror_file_is_refused_naming_it(project_copy, cut_mirror, monkeypatch, capsys):
    monkeypatch.setenv("CLUSTERS_MIRROR", str(cut_mirror))
    before = {f.name: f.read_bytes() for f in (project_copy / "data" / "extracts").glob("*.csv")}
    pinned = (project_copy / "data" / "mirror_pins.json").read_bytes()
    assert cli.main(["extracts"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "mirror file china/CN_Public.csv changed since it was pinned" in err
    assert "make extracts ACCEPT_MIRROR=1" in err
    after = {f.name: f.read_bytes() for f in (project_copy / "data" / "extracts").glob("*.csv")}
    assert after == before and (project_copy / "data" / "mirror_pins.json").read_bytes() == pinned


def test_accepted_truncation_still_reports_the_lost_rows(cut_mirror):
    pinned = pins.load()
    accepted = pins.check_unchanged(cut_mirror, pinned, accept=True)
    assert len(accepted) == 1 and accepted[0].startswith("accepted new version of mirror file china/CN_Public.csv")
    readers.ROWS_READ.clear()
    readers.csv(cut_mirror / "china" / "CN_Public.csv")
    readers.csv(cut_mirror / "us_cluster_mapping" / "cbsa_regpat.csv")  # through a symlinked folder
    new, notes = pins.update(cut_mirror, pinned, dict(readers.ROWS_READ))
    assert set(new) == {"china/CN_Public.csv", "us_cluster_mapping/cbsa_regpat.csv"}
    assert new["us_cluster_mapping/cbsa_regpat.csv"] == pinned["us_cluster_mapping/cbsa_regpat.csv"]
    rows = pinned["china/CN_Public.csv"]["rows"]
    assert new["china/CN_Public.csv"]["rows"] == rows - CUT
    assert notes == [f"⚠ mirror file china/CN_Public.csv: {rows} → {rows - CUT} rows ({CUT} fewer than pinned)"]


def test_checksum_error_on_a_committed_file_suggests_restoring_it(project_copy):
    f = project_copy / "data" / "extracts" / "cn_cities.csv"
    f.write_text("".join(f.read_text().splitlines(keepends=True)[:-CUT]))
    with pytest.raises(DataError, match=r"restore the committed version with `git checkout -- "
                                        r"data/extracts/cn_cities.csv`"):
        provenance.verify()


def test_corrupt_pins_name_the_file(project_copy):
    (project_copy / "data" / "mirror_pins.json").write_text(json.dumps({"nope": 1}))
    with pytest.raises(DataError, match="mirror_pins.json: corrupt pins"):
        pins.load()

