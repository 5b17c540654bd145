"""Grading the course ``make student`` writes: nbgrader's commands with the compendium's settings.

- Autograding restores each locked test cell with its hidden tests, warning only for a cell the
  student edited (:func:`sanitize_preprocessors`), and runs quietly: nbgrader's log keeps its
  own lines, not the SQLAlchemy and kernel start-up warnings.
- The feedback page (``nbgrader generate_feedback``) shows what a student may see
  (:func:`feedback_preprocessors`): the hidden tests' code is removed (nbgrader's own
  ``ClearHiddenTests``), a failed test shows its one-line message (``AssertionError: … expected
  …, got …``) without the traceback that would quote the hidden code, and long lines wrap.

nbgrader is imported only here and only when grading (the build never needs it).
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

COURSE_ID = "clusters"
COMMANDS = ("generate_assignment", "autograde", "generate_feedback")
# long messages and code lines wrap on the feedback page instead of running off its right edge
WRAP_CSS = "pre, .output_text pre, .output_error pre { white-space: pre-wrap; overflow-wrap: anywhere; }"


def _restore_hidden_tests_class():
    """:class:`RestoreHiddenTests`, defined on first use (nbgrader is imported only for grading)."""
    from nbgrader.preprocessors import OverwriteCells
    from nbgrader.utils import compute_checksum

    class RestoreHiddenTests(OverwriteCells):
        """nbgrader's ``OverwriteCells``, silent about locked cells the student did not touch.

        The cause of the warning "Attribute 'checksum' for cell ... has changed!" on untouched
        test cells: ``generate_assignment`` saves each cell's checksum in the gradebook *before*
        it strips the hidden tests, and stamps the release cell with the checksum *after*. A
        released test cell therefore never matches the gradebook, and stock nbgrader reports
        every one as changed while it puts the hidden tests back. Here a locked cell whose source
        still matches the checksum it was released with is restored without a warning; a cell
        the student edited is still reported (and restored).
        """

        def preprocess_cell(self, cell, resources, cell_index):
            meta = cell.metadata.get("nbgrader", {})
            released = meta.get("checksum")
            self._untouched = (meta.get("grade_id") if meta.get("locked") and released and "grade_id" in meta
                               and compute_checksum(cell) == released else None)
            return super().preprocess_cell(cell, resources, cell_index)

        def report_change(self, name, attr, old, new):
            if attr == "checksum" and name == self._untouched:
                return
            super().report_change(name, attr, old, new)

    return RestoreHiddenTests


def sanitize_preprocessors() -> list:
    """nbgrader's autograde sanitisers with :class:`RestoreHiddenTests` for ``OverwriteCells``."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import OverwriteCells

    restore = _restore_hidden_tests_class()
    return [restore if p is OverwriteCells else p for p in Autograde.class_traits()["sanitize_preprocessors"].default()]


def _feedback_classes() -> tuple[type, type, type]:
    """nbgrader's ``ClearHiddenTests`` for feedback, the one-line error and the wrapping style."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor, Preprocessor
    from nbgrader.preprocessors import ClearHiddenTests
    from traitlets import Bool

    class HideHiddenTests(ClearHiddenTests):
        """``ClearHiddenTests`` on the graded notebook: the hidden region becomes nbgrader's empty
        line; cells are not required to be test cells (the autograded copy has them all)."""

        def preprocess(self, nb, resources):
            self.enforce_metadata = False
            return super().preprocess(nb, resources)

    class OneLineErrors(Preprocessor):
        """A graded cell's error shows ``ename: evalue`` only: its traceback quotes the hidden code."""

        enabled = Bool(True)  # nbconvert's preprocessors are off unless enabled

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error":
                        out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
            return cell, resources

    class WrappingCSS(CSSHTMLHeaderPreprocessor):
        """The page's style with :data:`WRAP_CSS` added."""

        enabled = Bool(True)

        def preprocess(self, nb, resources):
            nb, resources = super().preprocess(nb, resources)
            resources["inlining"]["css"].append(WRAP_CSS)
            return nb, resources

    return HideHiddenTests, OneLineErrors, WrappingCSS


def feedback_preprocessors() -> list:
    """``GenerateFeedback.preprocessors``: nbgrader's, with hidden tests and tracebacks removed
    and a style whose long lines wrap."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters.generate_feedback import GenerateFeedback

    hide, one_line, wrapping = _feedback_classes()
    stock = GenerateFeedback.class_traits()["preprocessors"].default()
    return [hide, one_line, *(wrapping if p is CSSHTMLHeaderPreprocessor else p for p in stock)]


def config_file() -> str:
    """The course's ``nbgrader_config.py``: the same settings as :func:`run` for nbgrader's own commands."""
    return ("c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            "c.ExecutePreprocessor.timeout = 600\n"
            f"c.ExecutePreprocessor.extra_arguments = {KERNEL_ARGUMENTS!r}  # no kernel start-up warning\n"
            "import warnings  # noqa: E402\n"
            "from sqlalchemy.exc import SAWarning  # noqa: E402\n"
            "warnings.simplefilter('ignore', SAWarning)  # the gradebook's harmless autoflush warnings\n"
            "# untouched test cells restored silently; feedback without hidden tests, lines wrapped\n"
            "# (clusterstudy.pipeline.grading)\n"
            "from clusterstudy.pipeline.grading import feedback_preprocessors, sanitize_preprocessors  # noqa: E402\n"
            "c.Autograde.sanitize_preprocessors = sanitize_preprocessors()\n"
            "c.GenerateFeedback.preprocessors = feedback_preprocessors()\n")


# the kernel's start-up warning about unencrypted loopback TCP is noise in every autograde log
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence SQLAlchemy's autoflush warnings, which nbgrader's gradebook raises on every
    autograde (harmless: nbgrader adds the objects itself); every other warning stays."""
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        yield


def run(course: Path, command: str, assignment: str, student: str | None = None) -> str:
    """Run nbgrader's ``generate_assignment``, ``autograde`` or ``generate_feedback`` (its Python API)
    in ``course``; return nbgrader's log. Raises with the end of nbgrader's log on failure."""
    if command not in COMMANDS:
        raise ValueError(f"unknown nbgrader command {command!r}; use one of {', '.join(COMMANDS)}")
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.course_id = COURSE_ID
    config.ExecutePreprocessor.timeout = 600
    config.ExecutePreprocessor.extra_arguments = KERNEL_ARGUMENTS
    config.Autograde.sanitize_preprocessors = sanitize_preprocessors()
    config.GenerateFeedback.preprocessors = feedback_preprocessors()
    # nbgrader runs the ``alembic`` executable of its environment to set up the gradebook
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"
    with _quiet():
        api = NbGraderAPI(config=config)
        if command == "generate_assignment":
            result = api.generate_assignment(assignment, force=True, create=True)
        elif command == "autograde":
            result = api.autograde(assignment, student, force=True, create=True)
        else:
            result = api.generate_feedback(assignment, student, force=True)
    if not result["success"]:
        tail = (result.get("error") or result.get("log") or "").strip().splitlines()[-5:]
        raise RuntimeError(f"nbgrader {command} {assignment} failed: " + " | ".join(tail))
    return result.get("log") or ""
