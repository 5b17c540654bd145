"""results.csv lists exactly the files of figures/ and tables/, each with notebook and caption."""

import json
from pathlib import Path

import yaml

from clusterstudy.report import manifest

ROOT = Path(__file__).resolve().parents[1]


def test_manifest_matches_the_result_files_both_ways():
    listed = set(manifest.load()["file"])
    on_disk = {f"{d}/{p.name}" for d in ("figures", "tables") for p in (ROOT / d).iterdir() if p.is_file()}
    on_disk.add("paper/paper.pdf")  # the article, made by make paper (not a notebook)
    assert sorted(on_disk - listed) == [], "files missing from results.csv"
    assert sorted(listed - on_disk) == [], "results.csv lists files that do not exist"


def test_every_entry_names_its_notebook_and_caption():
    m = manifest.notebook_outputs()
    assert manifest.load().set_index("file").at["paper/paper.pdf", "kind"] == "paper"
    assert (m["caption"].str.len() > 10).all()
    for nb in set(m["notebook"]):
        assert (ROOT / nb).is_file(), nb
    assert m["executed_notebook"].str.startswith("build/notebooks/").all()
    assert {"000 Table 1", "000 Table 2", "000 Table 3", "004 Figure 6"} <= set(m["reproduces"])


def test_readme_covers_every_notebook_of_the_manifest():
    readme = (ROOT / "README.md").read_text()
    for nb in set(manifest.notebook_outputs()["notebook"]):
        assert f"`{Path(nb).stem}`" in readme, nb
    assert "make all" in readme and "make test" in readme


def test_citation_file_is_valid_yaml_with_the_key_fields():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["license"] == ["MIT", "CC-BY-4.0"] and cff["title"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "Attribution 4.0 International Public License" in (ROOT / "LICENSE-CC-BY-4.0").read_text()


def _cff_errors(cff: dict) -> list[str]:
    """Errors of ``cff`` against the CFF 1.2.0 schema (vendored from the cffconvert 2.0.0 wheel)."""
    import jsonschema

    schema = json.loads((ROOT / "tests" / "cff_schema_1.2.0.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(cff)]


def test_citation_file_validates_against_the_cff_1_2_0_schema():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert _cff_errors(cff) == []
    # the check is real: the old reference type "dataset" is not a CFF type
    cff["references"][3]["type"] = "dataset"
    assert len(_cff_errors(cff)) == 1


def test_an_unchanged_manifest_is_not_written(tmp_path, monkeypatch):
    """A no-op `make all` writes nothing: the manifest is rewritten only when its content changes."""
    meta = tmp_path / "build" / "meta"
    (meta / "runs").mkdir(parents=True)
    (meta / "tables").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    (meta / "runs" / "nb.json").write_text(json.dumps({"notebook": "notebooks/nb.ipynb", "parameters": {},
                                                       "executed": "build/notebooks/nb.ipynb",
                                                       "outputs": ["tables/t.csv"]}))
    (meta / "tables" / "t.csv.json").write_text(json.dumps({"caption": "A table"}))
    monkeypatch.setenv("CLUSTERS_ROOT", str(tmp_path))
    assert manifest.write() == (2, True)  # the table and the article
    before = (tmp_path / "results.csv").read_bytes()

    def no_write(*args, **kwargs):
        raise AssertionError("results.csv rewritten although its content did not change")

    monkeypatch.setattr(manifest.atomic, "write_text", no_write)
    assert manifest.write() == (2, False)
    assert (tmp_path / "results.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "pyproject.toml", "results.csv"]
