"""What a variant run checks before it starts: its name, and that no other run holds it.

- A variant name is ``[A-Za-z0-9._=-]+`` not starting with ``.``: it becomes a folder under
  ``build/variants/`` and never reaches a shell unquoted.
- A variant run holds ``build/variants/<name>.lock`` (created with ``O_EXCL``, holding the
  runner's process id) while it runs, so a second run of the same name stops at once and the
  first run's staging folder and outputs stay whole. A lock whose process is gone is taken over.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

NAME = re.compile(r"[A-Za-z0-9_=-][A-Za-z0-9._=-]*")


class Busy(Exception):
    """Another live run holds the variant's lock; the message is one line."""


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a variant name (one line), or None when it can."""
    if NAME.fullmatch(name or ""):
        return None
    return (f"bad variant name {name!r}: use only letters, digits, '.', '_', '=' and '-' "
            "(not starting with '.')")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def variant_lock(root: Path, name: str) -> Iterator[Path]:
    """Hold ``build/variants/<name>.lock`` for the body; raise :class:`Busy` if a live run holds it."""
    lock = root / "build" / "variants" / f"{name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and _alive(pid):
                raise Busy(f"variant {name!r} is being run by process {pid} "
                           f"(build/variants/{name}.lock); wait for it to finish or choose another NAME") from None
            lock.unlink(missing_ok=True)  # left by a run that was killed
    else:
        raise Busy(f"variant {name!r}: cannot take build/variants/{name}.lock; another run took it first")
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
        os.close(fd)
        yield lock
    finally:
        lock.unlink(missing_ok=True)


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Ignore Ctrl-C (SIGINT) for the body, so a move of outputs is never cut in half (the run then
    completes; make, interrupted too, stops after it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
