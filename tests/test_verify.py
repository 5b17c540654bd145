"""`make test` / `make verify` fail when the build differs from the committed results (git HEAD)."""

import io
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from clusterstudy.pipeline import verify  # noqa: E402


def _png(y_last: float, dpi: int = 100) -> bytes:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [0, 1, y_last])
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    """A committed compendium in miniature: one table, one figure, results.csv, a notebook."""
    r = tmp_path / "repo"
    (r / "tables").mkdir(parents=True)
    (r / "figures").mkdir()
    (r / "notebooks").mkdir()
    (r / "tables" / "t.csv").write_text("region,coef\nAT11,0.125\nAT12,-0.5\n")
    (r / "figures" / "f.png").write_bytes(_png(1.0))
    (r / "results.csv").write_text("file\nfigures/f.png\ntables/t.csv\n")
    (r / "notebooks" / "n.ipynb").write_text("{}\n")
    (r / ".gitignore").write_text("build/\n")
    _git(r, "init", "-q")
    _git(r, "add", "-A")
    _git(r, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "results")
    return r


def test_build_equal_to_head_passes(repo):
    assert verify.uncommitted_results(repo) == []
    assert verify.check_committed(repo) == 0


def test_hand_edited_committed_table_fails(repo, capsys):
    # the committed table was edited by hand; the build writes the real numbers back
    table = repo / "tables" / "t.csv"
    real = table.read_text()
    table.write_text(real.replace("0.125", "0.135"))
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "hand edit")
    table.write_text(real)  # what the build produces
    found = verify.uncommitted_results(repo)
    assert found == [("tables/t.csv", False, ["row 1, column 'coef': '0.135' -> '0.125'"])]
    assert verify.check_committed(repo) == 1
    assert "tables/t.csv" in capsys.readouterr().err


def test_edited_committed_figure_fails(repo):
    fig = repo / "figures" / "f.png"
    real = fig.read_bytes()
    fig.write_bytes(_png(1.5))  # a different figure committed
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "figure edit")
    fig.write_bytes(real)
    [(path, ok, details)] = verify.uncommitted_results(repo)
    assert path == "figures/f.png" and not ok and "above tolerance" in details[0]
    assert verify.check_committed(repo) == 1


def test_untracked_and_deleted_results_fail(repo):
    (repo / "tables" / "new.csv").write_text("a\n1\n")
    (repo / "results.csv").unlink()
    found = {p: (ok, d) for p, ok, d in verify.uncommitted_results(repo)}
    assert found == {"tables/new.csv": (False, ["not committed"]), "results.csv": (False, ["deleted"])}


def test_png_rms_measures_pixel_differences():
    a = _png(1.0)
    assert verify.png_rms(a, a) == 0.0
    assert verify.png_rms(a, _png(1.5)) > verify.PNG_RMS_TOLERANCE
    assert verify.png_rms(a, _png(1.0, dpi=120)) == float("inf")  # other size


def test_hand_edit_committed_after_the_build_fails_without_a_rebuild(repo):
    """The build recorded what it wrote; a committed edit is caught although nothing reruns."""
    import hashlib
    import json

    table = repo / "tables" / "t.csv"
    meta = repo / "build" / "meta"
    (meta / "runs").mkdir(parents=True)
    (meta / "tables").mkdir()
    (meta / "runs" / "nb.json").write_text(json.dumps({"outputs": ["tables/t.csv"]}))
    (meta / "tables" / "t.csv.json").write_text(json.dumps({"sha256": hashlib.sha256(table.read_bytes()).hexdigest()}))
    assert verify.check_committed(repo) == 0  # build/ is not tracked (it is in .gitignore in the project)
    table.write_text(table.read_text().replace("-0.5", "-0.4"))
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "hand edit")
    [(path, ok, details)] = verify.uncommitted_results(repo)
    assert path == "tables/t.csv" and not ok and "not what the last build wrote" in details[0]
