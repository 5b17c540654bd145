"""The README's replication-package sections and codecheck.yml match the committed data."""

import re
from pathlib import Path

import pandas as pd

from clusterstudy.report import readme, replication

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_replication_block_and_codecheck_are_generated_from_the_committed_files():
    assert replication.check() == []


def test_codecheck_manifest_lists_every_output_of_results_csv_once():
    text = (ROOT / "codecheck.yml").read_text(encoding="utf-8")
    assert text.startswith("---\n") and f"version: {replication.CODECHECK_SPEC}" in text
    listed = replication.manifest_files(text)
    results = pd.read_csv(ROOT / "results.csv", dtype=str)["file"]
    assert sorted(listed) == sorted(results) and len(set(listed)) == len(listed)
    assert all((ROOT / f).is_file() for f in listed)


def test_list_of_tables_and_figures_names_every_output_with_its_notebook_and_cell():
    block = readme.block(README, replication.START, replication.END)
    made = pd.read_csv(ROOT / "results.csv", dtype=str, keep_default_na=False).query("kind != 'paper'")
    stems = set(made["file"].str.replace(r"\.[a-z]+$", "", regex=True))
    rows = re.findall(r"^\| (figures/\S+|tables/\S+)\s+\|[^|]+\|[^|]*notebooks/(\w+)\.ipynb[^|]*\| (\d+) \(`", block, re.M)
    assert {r[0] for r in rows} == stems
    assert "eu_fig6_cluster_strength_traded" in block and "DCAS self-check" in block


def test_dcas_self_check_covers_data_code_and_supporting_rules():
    sections = {s for s, _, _ in replication.DCAS}
    rules = {r for _, r, _ in replication.DCAS}
    assert sections == {"Data", "Code", "Supporting"}
    assert {"Data Availability Statement", "Raw data", "Analysis data", "Citation", "License", "README"} <= rules


def test_runtime_block_lists_every_notebook_of_the_makefile():
    block = readme.block(README, replication.RT_START, replication.RT_END)
    makefile = (ROOT / "Makefile").read_text()
    notebooks = re.search(r"^NOTEBOOKS := (.+?)(?<!\\)$", makefile, re.M | re.S).group(1).replace("\\\n", " ").split()
    listed = set(re.findall(r"^\| (\w+)\s+\|", block, re.M))
    assert set(notebooks) <= listed
    assert re.search(r"\d+ logical cores", block) and "Python 3.11" in block


def test_runtime_is_read_from_the_runners_records(tmp_path):
    (tmp_path / "a.json").write_text('{"executed": "build/notebooks/a.ipynb", "cell_seconds": 50.0, '
                                     '"seconds": 60.0, "peak_mib": 300.0}')
    (tmp_path / "b.json").write_text('{"executed": "build/notebooks/b.ipynb", "cell_seconds": 100.0, '
                                     '"seconds": 120.0, "peak_mib": 700.0}')
    text = replication.runtime(tmp_path)
    assert "2 notebook runs, 3.0 min in total" in text and "at most 700 MiB" in text
    assert re.search(r"^\| b\s+\| 120\.0\s+\| 100\.0\s+\| 700 ", text, re.M)
