"""The reproduction certificate written by ``make verify`` (CODECHECK style), in Markdown and HTML.

It names the commit rebuilt, when and how long, the machine and the software versions, and for
every file of the CODECHECK manifest (``codecheck.yml``) whether the clean rebuild reproduced it:
identical (same sha256), within tolerance (a PNG within the stated RMS), differing (with the
details) or missing, with the rebuilt file's sha256. Files rebuilt but not committed are listed as
extra. It also records whether the working tree that asked for the check held the commit's results:
a result file there that differs from the commit turns the verdict into "REPRODUCED FOR THE COMMIT
ONLY", naming the files, never an unqualified REPRODUCED.
"""

from __future__ import annotations

import html
import importlib.metadata
import os
import platform
import re
from datetime import datetime
from pathlib import Path

from clusterstudy.core import atomic
from clusterstudy.report import replication

STATUS_ORDER = ("differing", "missing", "within tolerance", "identical")


def statuses(report: dict[str, list], files: list[str]) -> dict[str, tuple[str, list[str]]]:
    """{manifest file: (status, details)} from :func:`clusterstudy.pipeline.verify.compare`'s report."""
    found: dict[str, tuple[str, list[str]]] = {}
    for path in report["identical"]:
        found[path] = ("identical", [])
    for key in ("within tolerance", "differing"):
        for path, details in report[key]:
            found[path] = (key, list(details))
    for path in report["missing"]:
        found[path] = ("missing", ["committed but not rebuilt"])
    return {f: found.get(f, ("missing", ["in the manifest but not committed or not rebuilt"])) for f in files}


def machine() -> dict[str, str]:
    """The machine and software that ran the check."""
    cpu = platform.processor() or platform.machine()
    try:
        m = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    versions = []
    for p in replication.PACKAGES:
        try:
            versions.append(f"{p} {importlib.metadata.version(p)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return {"CPU": f"{cpu} ({os.cpu_count()} logical cores, {platform.machine()})",
            "Operating system": f"{platform.system()} {platform.release()}",
            "Python": platform.python_version(), "Packages": ", ".join(versions)}


def render(report: dict[str, list], files: list[str], commit: str, started: datetime, seconds: float,
           env: dict[str, str], tree: list[tuple[str, bool, list[str]]] | None = None) -> tuple[str, bool]:
    """(Markdown of the certificate, whether every manifest file reproduced and the working tree held them).

    ``tree`` lists the working tree's result files that differ from the commit
    (:func:`clusterstudy.pipeline.verify.uncommitted_results`); ``None`` when it was not checked.
    """
    st = statuses(report, files)
    counts = {s: sum(1 for v, _ in st.values() if v == s) for s in STATUS_ORDER}
    dirty = [p for p, acceptable, _ in tree or [] if not acceptable]
    ok = counts["differing"] == counts["missing"] == 0 and not report["extra"]
    verdict = ("REPRODUCED: every file of the manifest was rebuilt"
               + (" byte for byte" if not counts["within tolerance"] else
                  f", {counts['within tolerance']} PNG(s) within the stated RMS tolerance") if ok
               else "NOT REPRODUCED: see the files marked differing, missing or extra")
    if ok and dirty:
        verdict = (f"REPRODUCED FOR THE COMMIT ONLY: the working tree checked differs from it in {len(dirty)} "
                   f"result file(s): {', '.join(dirty)}")
    ok = ok and not dirty
    digests = dict(report.get("sha256", []))
    held = ("not checked" if tree is None else "every result file equals the commit" if not dirty
            else f"{len(dirty)} result file(s) differ from the commit: {', '.join(dirty)}")
    lines = ["# Reproduction certificate", "",
             f"**{verdict}.**", "",
             f"- Commit rebuilt: `{commit}` (a clean clone; `make all` from scratch, then sha256 per file)",
             f"- Working tree (figures/, tables/, results.csv, notebooks/): {held}",
             f"- Checked: {started.strftime('%Y-%m-%d %H:%M UTC')}, {seconds / 60:.1f} min",
             *[f"- {k}: {v}" for k, v in env.items()],
             f"- Manifest: `codecheck.yml` ({len(files)} files): "
             + ", ".join(f"{counts[s]} {s}" for s in reversed(STATUS_ORDER))
             + f"; {len(report['extra'])} extra", "",
             "| File | Result | sha256 (rebuilt) | Details |", "|:--|:--|:--|:--|"]
    for f in sorted(files, key=lambda f: (STATUS_ORDER.index(st[f][0]), f)):
        status, details = st[f]
        lines.append(f"| {f} | {status} | {digests.get(f, '')} | {'; '.join(details).replace('|', '/')} |")
    for f in report["extra"]:
        lines.append(f"| {f} | extra | {digests.get(f, '')} | rebuilt but not committed |")
    return "\n".join(lines) + "\n", ok


def to_html(markdown: str) -> str:
    """A standalone HTML page of the certificate (tables and lists as the Markdown has them)."""
    body: list[str] = []
    rows: list[str] = []
    in_list = False
    for line in markdown.splitlines():
        text = html.escape(line)
        text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
        text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
        if line.startswith("| ") and not line.startswith("|:"):
            cells = [c.strip() for c in text.strip("|").split("|")]
            tag = "th" if not rows else "td"
            rows.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
            continue
        if line.startswith("|:"):
            continue
        if line.startswith("- "):
            body.append(("" if in_list else "<ul>") + f"<li>{text[2:]}</li>")
            in_list = True
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        if line.startswith("# "):
            body.append(f"<h1>{text[2:]}</h1>")
        elif line:
            body.append(f"<p>{text}</p>")
    if in_list:
        body.append("</ul>")
    table = "<table>" + "".join(rows) + "</table>" if rows else ""
    style = ("body{font-family:sans-serif;max-width:70rem;margin:2rem auto}table{border-collapse:collapse;"
             "font-size:.85rem}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}")
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>Reproduction certificate"
            f"</title><style>{style}</style></head><body>{''.join(body)}{table}</body></html>\n")


def write(out: Path, report: dict[str, list], files: list[str], commit: str, started: datetime,
          seconds: float, tree: list[tuple[str, bool, list[str]]] | None = None) -> tuple[Path, bool]:
    """Write ``certificate.md`` and ``certificate.html`` into ``out``; return the Markdown path and the verdict."""
    md, ok = render(report, files, commit, started, seconds, machine(), tree)
    out.mkdir(parents=True, exist_ok=True)
    atomic.write_text(out / "certificate.md", md)
    atomic.write_text(out / "certificate.html", to_html(md))
    return out / "certificate.md", ok
