"""Check a built book: every local link and anchor resolves, every page is reachable from the contents.

Reads the HTML of ``build/site`` (no browser): for each page (HTML outside ``_static``), every
``href``/``src`` that is not external must name an existing file, and a ``#fragment`` must be
the ``id`` (or ``name``) of an element of the target page. Pages are reachable when a chain of
links leads to them from ``index.html`` (the table of contents is in every page's sidebar). No
page may show a Markdown table as text: a paragraph starting with ``|`` and holding a ``|---``
rule or several ``|`` is a table the renderer did not turn into HTML.

Usage: ``python -m clusterstudy sitecheck [SITE]`` (``make report`` runs it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http:", "https:", "mailto:", "javascript:", "data:", "//")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (attribute, value)
        self.paragraphs: list[str] = []
        self._p: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        if tag == "p":
            self._p = []
        for key in ("id", "name") if tag in ("a", "span") else ("id",):
            if key in a:
                self.ids.add(a[key])
        for key in ("href", "src"):
            if key in a and not (tag == "link" and a.get("rel") in ("preconnect", "dns-prefetch")):
                self.refs.append((key, a[key]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._p is not None:
            self.paragraphs.append("".join(self._p).strip())
            self._p = None

    def handle_data(self, data: str) -> None:
        if self._p is not None:
            self._p.append(data)


def is_text_table(paragraph: str) -> bool:
    """Whether a paragraph's text is a Markdown table left unrendered."""
    return paragraph.startswith("|") and ("|---" in paragraph or "|:-" in paragraph
                                          or paragraph.count("|") >= 4)


@dataclass
class Report:
    """What the check found: pages checked, links followed, and the problems."""

    pages: int = 0
    links: int = 0
    anchors: int = 0
    broken: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    text_tables: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken and not self.unreachable and not self.text_tables


def _parse(path: Path, cache: dict[Path, _Page]) -> _Page:
    if path not in cache:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = page
    return cache[path]


def pages(site: Path) -> list[str]:
    """The book's pages: HTML files outside ``_static`` (relative paths)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith("_static/"))


def check(site: Path) -> Report:
    """Check every local link and anchor of every page, and that each page is reachable from index.html."""
    site = site.resolve()
    report = Report()
    cache: dict[Path, _Page] = {}
    graph: dict[str, set[str]] = {}
    for rel in pages(site):
        report.pages += 1
        path = site / rel
        graph[rel] = set()
        report.text_tables += [f"{rel}: a Markdown table shown as text: {p[:60]!r}"
                               for p in _parse(path, cache).paragraphs if is_text_table(p)]
        for attr, ref in _parse(path, cache).refs:
            if ref.startswith(EXTERNAL) or not ref:
                continue
            parts = urlsplit(ref)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            report.links += 1
            if not target.is_file() or site not in target.parents and target != site:
                report.broken.append(f"{rel}: {attr}={ref} (no such file)")
                continue
            if target.suffix == ".html":
                graph[rel].add(target.relative_to(site).as_posix())
            if parts.fragment and target.suffix == ".html":
                report.anchors += 1
                if unquote(parts.fragment) not in _parse(target, cache).ids:
                    report.broken.append(f"{rel}: {attr}={ref} (no element with id "
                                         f"'{unquote(parts.fragment)}' on {target.relative_to(site)})")
    seen, todo = {"index.html"}, ["index.html"]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    report.unreachable = sorted(set(graph) - seen)
    return report
