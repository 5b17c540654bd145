"""Generated blocks of the README: text between ``<!-- name:start -->`` and ``<!-- name:end -->`` markers.

The findings (:mod:`clusterstudy.report.findings`), the verdict table and the replication sections
(:mod:`clusterstudy.report.replication`) are each one block, rewritten from the committed tables
and never typed by hand.
"""

from __future__ import annotations

from pathlib import Path

from clusterstudy.core import atomic, paths


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of block ``name``."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def block(text: str, start: str, end: str) -> str:
    """The block between ``start`` and ``end`` in ``text``, markers included."""
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        name = start.removeprefix("<!-- ").split(":")[0]
        raise ValueError(f"README has no {name} block ({start} ... {end})")
    return text[i:j + len(end)]


def path() -> Path:
    """The project's README."""
    return paths.project_root() / "README.md"


def replace(start: str, end: str, rendered: str) -> bool:
    """Put ``rendered`` (markers included) in place of the README's block; True if the README changed."""
    readme = path()
    text = readme.read_text(encoding="utf-8")
    new = text.replace(block(text, start, end), rendered)
    if new != text:
        atomic.write_text(readme, new)
    return new != text
