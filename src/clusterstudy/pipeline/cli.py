"""The one command line of the compendium: ``python -m clusterstudy <command> [args]``.

Every Makefile recipe calls a command of this parser; ``python -m clusterstudy --help`` lists
them, one line each. The modules keep plain functions (``write()``, ``check()``, ``verify()``…);
a command calls them, prints one ``✔`` line on success or one ``✘`` line per problem, and
returns the exit status (0 done, 1 a problem found, 2 a usage error). Modules are imported only
by the command that needs them, so ``--help`` is quick and no command needs an optional extra
it does not use. ``run-notebook`` hands its arguments to the notebook runner's own parser
(:func:`clusterstudy.pipeline.runner.main`; ``python -m clusterstudy.pipeline.runner`` stays valid).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

PROG = "python -m clusterstudy"


class _Formatter(argparse.HelpFormatter):
    """Help with one line per command (room for the longest command name, no wrapping)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=40, width=200)
        self._action_max_length = 22  # argparse measures subcommands too narrowly and wraps the long ones


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one ``✘`` line and exit status 2."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        if message.startswith("argument <command>: invalid choice:"):
            message = "unknown command " + message.split("invalid choice: ", 1)[1].split(" (choose from")[0]
        self.exit(2, f"✘ {self.prog}: {message} (`{PROG} --help` lists the commands)\n")


def _fail(lines: list[str]) -> int:
    for line in lines:
        print(f"✘ {line}", file=sys.stderr)
    return 1 if lines else 0


# ---------------------------------------------------------------- data


def _extracts(args: argparse.Namespace) -> int:
    from clusterstudy.data.ingest import rebuild

    counts = rebuild.rebuild(accept_mirror=args.accept_mirror)
    for name, n in counts.items():
        print(f"✔ {name}: {n} rows")
    return 0


def _check_extracts(args: argparse.Namespace) -> int:
    from clusterstudy.data import extracts

    counts = extracts.check_all()
    print(f"✔ extracts valid: {len(counts)} files, {sum(counts.values())} rows")
    return 0


def _verify_data(args: argparse.Namespace) -> int:
    from clusterstudy.data import provenance

    print(f"✔ data verified: {provenance.verify()} files match data/datapackage.json")
    return 0


def _datapackage(args: argparse.Namespace) -> int:
    from clusterstudy.data import provenance

    print(f"wrote {provenance.write()}")
    return 0


def _references(args: argparse.Namespace) -> int:
    from clusterstudy.data import references

    counts, shared = references.write()
    print(f"✔ references: {counts}; {shared} works cited by more than one seed")
    return 0


def _download(args: argparse.Namespace) -> int:
    from clusterstudy.data import download

    for code, n, path in download.fetch_all():
        print(f"✔ {code}: {n} cells -> {path}")
    print("next: copy the remaining mirror files beside them, then `make extracts MIRROR=build/download`")
    return 0


# ---------------------------------------------------------------- pipeline


def _refresh_notebook(args: argparse.Namespace) -> int:
    from clusterstudy.pipeline import notebooks

    notebooks.refresh(args.executed, args.notebook)
    print(f"refreshed {args.notebook} from {args.executed}")
    return 0


def _check_notebooks(args: argparse.Namespace) -> int:
    import json

    from clusterstudy.pipeline import notebooks

    bad = 0
    for path in args.notebooks:
        for p in notebooks.problems(json.loads(path.read_text())):
            print(f"{path}: {p}", file=sys.stderr)
            bad = 1
    return bad


def _check_executed(args: argparse.Namespace) -> int:
    import json

    from clusterstudy.core import paths
    from clusterstudy.pipeline import notebooks

    root = paths.project_root()
    patterns = notebooks.sanitize_patterns(args.sanitize)
    bad = 0
    for name in args.names:
        committed, executed = root / "notebooks" / f"{name}.ipynb", root / "build" / "notebooks" / f"{name}.ipynb"
        if not executed.is_file():
            print(f"✘ {executed.relative_to(root)}: missing; run make all first", file=sys.stderr)
            bad = 1
            continue
        for d in notebooks.differences(json.loads(committed.read_text()), json.loads(executed.read_text()), patterns):
            print(f"✘ notebooks/{name}.ipynb {d}", file=sys.stderr)
            bad = 1
    if not bad:
        print(f"✔ {len(args.names)} notebooks: the build's executions give the committed outputs (nbval's rules)")
    return bad


def _student(args: argparse.Namespace) -> int:
    from clusterstudy.core import paths
    from clusterstudy.pipeline import student

    for name, pts in student.build(paths.project_root() / "build" / "student").items():
        print(f"✔ build/student/source/{name}/{name}.ipynb and release/{name}/: {pts} points")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from clusterstudy.pipeline import verify

    return verify.rebuild_and_compare()


def _check_committed(args: argparse.Namespace) -> int:
    from clusterstudy.core import paths
    from clusterstudy.pipeline import verify

    return verify.check_committed(paths.project_root())


# ---------------------------------------------------------------- report


def _manifest(args: argparse.Namespace) -> int:
    from clusterstudy.report import manifest

    n, changed = manifest.write()
    print(f"✔ results.csv: {n} outputs{'' if changed else ' (unchanged)'}")
    return 0


def _findings(args: argparse.Namespace) -> int:
    from clusterstudy.report import findings

    if args.action == "write":
        print("README findings " + ("rewritten" if findings.write() else "already up to date"))
        return 0
    if problems := findings.check():
        return _fail(problems)
    print("✔ README findings and verdict table match the tables")
    return 0


def _replication(args: argparse.Namespace) -> int:
    from clusterstudy.report import replication

    if args.action == "write":
        print("README replication block and codecheck.yml " + ("rewritten" if replication.write() else "already up to date"))
        return 0
    if args.action == "runtime":
        replication.write_runtime()
        print("README runtime block rewritten from build/meta/runs")
        return 0
    problems = replication.check()
    if not problems:
        print("✔ README replication block and codecheck.yml match the committed data")
    return _fail(problems)


def _book(args: argparse.Namespace) -> int:
    from clusterstudy.report import book

    index = book.build()
    warnings, log = book.warnings(), book.warnings_log()
    if warnings:
        return _fail([f"report: the Sphinx build logged {len(warnings)} warning(s); see {log}"])
    print(f"✔ report: {index} ({len(book.pages(index.parent))} pages, no Sphinx warnings)")
    return 0


def _paper(args: argparse.Namespace) -> int:
    import json

    from clusterstudy.core import paths
    from clusterstudy.report import paper

    files = paper.generate()
    root = paths.project_root()
    print(f"✔ {files[0].relative_to(root)}: {len(json.loads(files[0].read_text())['values'])} values")
    if args.action == "pdf":
        files.append(paper.pdf())
        print(f"✔ {files[-1].relative_to(root)}")
    paper.record(files)
    return 0


def _sitecheck(args: argparse.Namespace) -> int:
    from clusterstudy.report import sitecheck

    r = sitecheck.check(args.site)
    _fail(r.broken + [f"{page}: not reachable from the table of contents" for page in r.unreachable] + r.text_tables)
    print(f"{'✔' if r.ok else '✘'} {r.pages} pages, {r.links} local links, {r.anchors} anchors: "
          f"{len(r.broken)} broken, {len(r.unreachable)} pages unreachable, "
          f"{len(r.text_tables)} Markdown tables shown as text")
    return 0 if r.ok else 1


def _params(args: argparse.Namespace) -> int:
    from clusterstudy.pipeline import parameters

    notebook = args.notebook if args.notebook.suffix == ".ipynb" else Path("notebooks") / f"{args.notebook}.ipynb"
    try:
        print("\n".join(parameters.describe(notebook)))
    except (parameters.ParameterError, OSError) as exc:
        return _fail([str(exc)])
    return 0


def _compare(args: argparse.Namespace) -> int:
    from clusterstudy.pipeline import compare

    print("\n".join(compare.report(args.name)))
    return 0


def _check_outputs(args: argparse.Namespace) -> int:
    from clusterstudy.core import paths
    from clusterstudy.pipeline import verify

    return verify.check_damaged(paths.project_root())


def _deps(args: argparse.Namespace) -> int:
    from clusterstudy.pipeline import deps

    deps.write_if_changed(args.out, deps.fragment(sorted((deps.ROOT / "notebooks").glob("*.ipynb"))))
    if args.interface:
        deps.write_if_changed(args.interface, deps.runner_interface())
    return 0


# ---------------------------------------------------------------- the parser

Command = tuple[str, str, Callable[[argparse.Namespace], int], Callable[[argparse.ArgumentParser], object] | None]
COMMANDS: list[Command] = [
    ("extracts", "rebuild data/extracts/ from the pinned mirror (make extracts)", _extracts,
     lambda p: p.add_argument("--accept-mirror", action="store_true",
                              help="accept mirror files whose sha256 changed since they were pinned")),
    ("check-extracts", "load every extract and check its schema", _check_extracts, None),
    ("verify-data", "check every data file's sha256 against data/datapackage.json", _verify_data, None),
    ("datapackage", "rewrite data/datapackage.json (descriptions and sha256)", _datapackage, None),
    ("references", "re-parse the seeds' reference lists into data/seeds/ and data/references.bib", _references, None),
    ("download", "fetch the Eurostat tables from Eurostat's API into build/download/ (needs internet)", _download, None),
    ("params", "a notebook's parameters: type, allowed values or range, default and help, one line each", _params,
     lambda p: p.add_argument("notebook", type=Path, help="a notebook name or path")),
    ("compare", "a variant's estimates beside the default build's (make compare NAME=<variant>)", _compare,
     lambda p: p.add_argument("name", help="the variant's folder under build/variants/")),
    ("check-outputs", "exit 1 naming each committed output damaged by hand (make all's first step)",
     _check_outputs, None),
    ("deps", "write the notebooks' module dependencies (build/deps.mk) and the runner's interface (--interface FILE)",
     _deps, lambda p: (p.add_argument("out", type=Path),
                       p.add_argument("--interface", type=Path, help="where to write the runner's interface, "
                                      "only when it changed"))),
    ("run-notebook", "run one notebook with papermill (the runner's own arguments; see run-notebook --help)",
     lambda a: 2, None),
    ("refresh-notebook", "copy an executed notebook's outputs into a committed notebook, cleaned", _refresh_notebook,
     lambda p: (p.add_argument("executed", type=Path), p.add_argument("notebook", type=Path))),
    ("check-notebooks", "exit 1 if a committed notebook carries volatile metadata", _check_notebooks,
     lambda p: p.add_argument("notebooks", type=Path, nargs="+")),
    ("check-executed", "exit 1 unless the build's execution of each notebook gives its committed outputs, "
     "compared as nbval compares them", _check_executed,
     lambda p: (p.add_argument("names", nargs="+", help="notebook names (the build's default runs)"),
                p.add_argument("--sanitize", type=Path, required=True, help="nbval's sanitize file"))),
    ("student", "write the nbgrader course in build/student/", _student, None),
    ("verify", "rebuild the committed state in a temporary clone and compare every result", _verify, None),
    ("check-committed", "exit 1 if figures/, tables/, results.csv or notebooks/ differ from git HEAD",
     _check_committed, None),
    ("manifest", "write results.csv from the notebook runs' records", _manifest, None),
    ("findings", "write or check the README's findings block (from the committed tables)", _findings,
     lambda p: p.add_argument("action", choices=("write", "check"))),
    ("replication", "write or check the README's replication sections and codecheck.yml; runtime: the runtime table",
     _replication, lambda p: p.add_argument("action", choices=("write", "check", "runtime"))),
    ("book", "build the book in build/site/ with Sphinx; exit 1 on any Sphinx warning", _book, None),
    ("paper", "write paper/values.json and its tables from the committed tables; pdf: also typeset paper/paper.pdf",
     _paper, lambda p: p.add_argument("action", choices=("values", "pdf"))),
    ("sitecheck", "check every local link and anchor of a built book and that every page is reachable",
     _sitecheck, lambda p: p.add_argument("site", type=Path, nargs="?", default=Path("build/site"))),
]


def parser() -> argparse.ArgumentParser:
    """The parser: one subcommand per entry of :data:`COMMANDS`."""
    ap = _Parser(prog=PROG, description="The compendium's commands (the Makefile calls them).")
    sub = ap.add_subparsers(dest="command", metavar="<command>", required=True, parser_class=_Parser)
    for name, help_, run, arguments in COMMANDS:
        p = sub.add_parser(name, help=help_, description=help_)
        if arguments is not None:
            arguments(p)
        p.set_defaults(run=run)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["run-notebook"]:  # the runner parses its own arguments
        from clusterstudy.pipeline import runner

        sys.argv[0] = f"{PROG} run-notebook"  # the name its usage lines show
        return runner.main(argv[1:])
    args = parser().parse_args(argv)
    from clusterstudy.core.errors import DataError

    try:
        return args.run(args)
    except DataError as exc:  # bad data in any command: one line naming the cause
        return _fail([str(exc)])
