"""The registry of the ledger's primary tests: a content hash per test and an append-only log of changes.

The primary tests (:data:`clusterstudy.analyses.claims.CLAIMS`) were designated after the first
results were known; they were not pre-registered. ``registry/primary_tests.csv`` holds each
one's specification (:func:`spec`) and its sha256; ``registry/primary_tests_log.csv`` one line per
change (date, claim, hash, reason). :func:`registry_problems` names a primary test that changed
without a log entry (``tests/test_claims.py`` fails on it); :func:`record` appends the entry::

    python -c "from clusterstudy.analyses import claim_registry; claim_registry.record('why', '2026-12-02')"
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from clusterstudy.analyses.claims import CLAIMS, Claim
from clusterstudy.core import atomic, paths

REGISTRY = Path("registry") / "primary_tests.csv"
REGISTRY_LOG = Path("registry") / "primary_tests_log.csv"


def spec(claim: Claim) -> str:
    """The primary test's specification as canonical JSON (claimed sign, quote, primary fields, evidence)."""
    return json.dumps({"claim_id": claim.claim_id, "quote": claim.quote, "sign": claim.sign,
                       "timing": claim.timing, "evidence": claim.evidence, "tables": list(claim.tables),
                       "primary": asdict(claim.primary) if claim.primary else None}, sort_keys=True,
                      ensure_ascii=False)


def spec_hash(claim: Claim) -> str:
    """sha256 of :func:`spec`."""
    return hashlib.sha256(spec(claim).encode("utf-8")).hexdigest()


def registry(claims: tuple[Claim, ...] = CLAIMS) -> pd.DataFrame:
    """The registry as the code declares it now: claim, hash and specification."""
    return pd.DataFrame([{"claim_id": c.claim_id, "sha256": spec_hash(c), "spec": spec(c)} for c in claims])


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def registry_log(root: Path | None = None) -> pd.DataFrame:
    """The committed log of primary-test changes (date, claim, hash, reason)."""
    return _read((root or paths.project_root()) / REGISTRY_LOG, ["date", "claim_id", "sha256", "reason"])


def registry_problems(claims: tuple[Claim, ...] = CLAIMS, root: Path | None = None) -> list[str]:
    """What breaks the registry: a primary test whose hash is not the last logged one for its claim,
    a committed registry that differs from the code, a log entry without a date or a reason."""
    root = root or paths.project_root()
    log = _read(root / REGISTRY_LOG, ["date", "claim_id", "sha256", "reason"])
    problems = [f"log line {i + 2}: no date (YYYY-MM-DD) or no reason" for i, r in log.iterrows()
                if not (len(r["date"]) == 10 and r["date"][4] == "-" and r["reason"].strip())]
    if list(log["date"]) != sorted(log["date"]):
        problems.append("the log is not in date order (entries are appended, never edited)")
    last = log.drop_duplicates("claim_id", keep="last").set_index("claim_id")["sha256"]
    for c in claims:
        if last.get(c.claim_id) != spec_hash(c):
            problems.append(f"claim {c.claim_id}: its primary test changed without a log entry (append one with "
                            "claim_registry.record(reason, date))")
    committed = _read(root / REGISTRY, ["claim_id", "sha256", "spec"])
    if not committed[["claim_id", "sha256"]].equals(registry(claims)[["claim_id", "sha256"]]):
        problems.append(f"{REGISTRY} differs from the declared primary tests (claim_registry.record rewrites it)")
    return problems


def record(reason: str, date: str, claims: tuple[Claim, ...] = CLAIMS, root: Path | None = None) -> list[str]:
    """Append a log entry (``date``, ``reason``) for every claim whose primary test changed; rewrite the registry.

    Returns the claims logged.
    """
    if not reason.strip():
        raise ValueError("a change of a primary test needs a reason")
    root = root or paths.project_root()
    log = _read(root / REGISTRY_LOG, ["date", "claim_id", "sha256", "reason"])
    last = log.drop_duplicates("claim_id", keep="last").set_index("claim_id")["sha256"]
    new = [{"date": date, "claim_id": c.claim_id, "sha256": spec_hash(c), "reason": reason}
           for c in claims if last.get(c.claim_id) != spec_hash(c)]
    (root / REGISTRY).parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(root / REGISTRY_LOG, pd.concat([log, pd.DataFrame(new, columns=log.columns)],
                                                     ignore_index=True).to_csv(index=False, lineterminator="\n"))
    atomic.write_text(root / REGISTRY, registry(claims).to_csv(index=False, lineterminator="\n"))
    return [r["claim_id"] for r in new]
