"""Records of what each output is: its caption and the source element it reproduces.

Every figure and table is saved with a caption (and, where it rebuilds one, the seed table
or figure it reproduces). The record goes to ``build/meta/<kind>/<file>.json``; the
notebook runner adds the notebook and parameters, and the results manifest is generated
from these records.
"""

from __future__ import annotations

import json

from clusterstudy.core import atomic, paths


def record(kind: str, filename: str, caption: str, reproduces: str | None) -> None:
    """Write the sidecar record of one output file."""
    if not caption or not caption.strip():
        raise ValueError(f"{kind}/{filename}: every output needs a caption")
    meta = {"file": f"{kind}/{filename}", "caption": caption.strip(), "reproduces": reproduces}
    atomic.write_text(paths.meta_path(kind, filename), json.dumps(meta, indent=1) + "\n")
