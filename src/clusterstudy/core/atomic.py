"""Write files atomically so a failed step never leaves a half-written output.

A file whose new content equals what is already there is left alone (bytes and modification
time), so rewriting unchanged data or results triggers no rebuild downstream.
"""

from __future__ import annotations

import filecmp
import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside ``target``; move it onto ``target`` only on success.

    If ``target`` already holds exactly the new bytes it is not replaced (its mtime is kept).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        if not (target.is_file() and filecmp.cmp(tmp, target, shallow=False)):
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(target: Path, text: str) -> None:
    """Atomically write ``text`` (UTF-8, ``\\n`` line endings) to ``target``."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def write_with(target: Path, writer: Callable[[IO[bytes]], object]) -> None:
    """Atomically write ``target`` through ``writer(binary_file)``."""
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        writer(fh)


def replace_if_changed(src: Path, target: Path) -> bool:
    """Move ``src`` onto ``target`` unless ``target`` already has the same bytes (then drop
    ``src`` and keep ``target``'s mtime); return whether ``target`` changed."""
    src, target = Path(src), Path(target)
    if target.is_file() and filecmp.cmp(src, target, shallow=False):
        src.unlink()
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, target)
    return True
