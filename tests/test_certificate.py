"""The reproduction certificate of `make verify`: every manifest file's result, machine, software, time."""

from datetime import UTC, datetime

from clusterstudy.pipeline import certificate

FILES = ["figures/a.png", "tables/b.csv", "tables/c.md", "tables/d.csv"]


def _report(**changes):
    report = {"identical": ["tables/c.md"], "within tolerance": [("figures/a.png", ["RMS 0.010"])],
              "differing": [], "missing": [], "extra": []}
    report.update(changes)
    return report


def test_certificate_names_every_manifest_file_and_its_result(tmp_path):
    report = _report(identical=["tables/c.md", "tables/b.csv", "tables/d.csv"])
    md, ok = certificate.render(report, FILES, "abc123", datetime(2026, 11, 29, 5, 0, tzinfo=UTC), 400.0,
                                {"CPU": "X", "Python": "3.11.7"})
    assert ok and md.startswith("# Reproduction certificate")
    assert "REPRODUCED" in md and "1 PNG(s) within the stated RMS tolerance" in md
    assert "`abc123`" in md and "2026-11-29 05:00 UTC, 6.7 min" in md and "- CPU: X" in md
    assert "4 files): 3 identical, 1 within tolerance, 0 missing, 0 differing; 0 extra" in md
    for f in FILES:
        assert f"| {f} |" in md


def test_a_differing_or_missing_file_fails_the_certificate(tmp_path):
    report = _report(differing=[("tables/b.csv", ["row 1, column 'x': '1' -> '2'"])], extra=["tables/z.csv"])
    md, ok = certificate.render(report, FILES, "abc", datetime(2026, 1, 1, tzinfo=UTC), 60, {})
    assert not ok and "NOT REPRODUCED" in md
    assert "| tables/b.csv | differing |  | row 1, column 'x': '1' -> '2' |" in md
    assert "| tables/d.csv | missing |" in md and "| tables/z.csv | extra |" in md
    assert md.index("tables/b.csv | differing") < md.index("tables/c.md | identical")


def test_certificate_is_written_as_markdown_and_html(tmp_path):
    path, ok = certificate.write(tmp_path, _report(identical=["tables/c.md", "tables/b.csv", "tables/d.csv"]),
                                 FILES, "abc", datetime(2026, 1, 1, tzinfo=UTC), 60)
    page = (tmp_path / "certificate.html").read_text()
    assert ok and path.read_text().count("| identical |") == 3
    assert page.startswith("<!DOCTYPE html>") and page.count("<tr>") == len(FILES) + 1
    assert "<strong>REPRODUCED" in page and "Python" in page
