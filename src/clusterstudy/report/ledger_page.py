"""The claims ledger at a glance: the book's front-page table, rendered from the committed ledger.

One row per claim (a quote of a source document, shown once): its source as author and year
(the seed file named in the citation), then per test of that quote the verdict badge, the
primary test in words, one number with its labelled p-values (clustered, wild, adjusted) and a
link to the anchor of the figure or table on the notebook page that shows it.

It reads ``tables/claims.csv`` (and ``tables/claims_estimates.csv`` for the count of
estimates) in the contract's columns (``source, primary_test, estimate, p_clustered, p_wild,
p_adjusted, family, family_size``); a ledger written before them (``test, key_figure``) is
rendered from those, its source taken from the seed's citation in ``data.provenance``.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable

import pandas as pd

from clusterstudy.core import prose
from clusterstudy.data import provenance

VERDICT_CLASS = {"holds": "holds", "association only": "association", "contradicted": "fails", "does not hold": "fails",
                 "not supported": "mixed", "mixed": "mixed",
                 "not testable": "untestable", "not testable with these data": "untestable"}
P_COLUMNS = (("p_clustered", "clustered p"), ("p_wild", "wild p"), ("p_adjusted", "adjusted p"))


def source_of(seed: str) -> str:
    """Author and year of a seed file ('004_3c….txt' -> 'Lindqvist & Sölvell (2011)')."""
    doc = provenance.SEED_DOCS.get(seed[:3], "")
    m = re.match(r"(.+?)\s\((\d{4})\)", doc)
    if not m:
        return doc.split(" (")[0].split(",")[0] or seed
    authors = [a.split(",")[0].strip() for a in m.group(1).split("&")]
    return f"{' & '.join(authors)} ({m.group(2)})"


def _num(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def number_and_p(row: pd.Series) -> str:
    """'+0.210 (clustered p = 0.032, wild p = 0.041, adjusted p = 0.12, Romano–Wolf over 8)'."""
    est = _num(row.get("estimate", ""))
    if math.isnan(est):
        return html.escape(str(row.get("key_figure", "")))
    ps = [prose.pval(_num(row[c]), label) for c, label in P_COLUMNS
          if c in row and not math.isnan(_num(row[c]))]
    family = str(row.get("family_size", "")).strip()
    if family and "p_adjusted" in row and not math.isnan(_num(row["p_adjusted"])):
        ps[-1] += f", Romano–Wolf over {family} tests"
    return f"<b>{est:+.3f}</b>" + (f" ({html.escape('; '.join(ps))})" if ps else "")


def _test_html(row: pd.Series, link: Callable[[str, str], str], n_estimates: int) -> str:
    verdict = str(row["verdict"])
    badge = f"<span class='verdict {VERDICT_CLASS.get(verdict, 'untestable')}'>{html.escape(verdict)}</span>"
    test = str(row.get("primary_test") or row.get("test", ""))
    more = f" · {n_estimates} estimates in the forest plot" if n_estimates > 1 else ""
    href = link(str(row["notebook"]), str(row["output"]))
    evidence = (f"<a href='{html.escape(href)}'>evidence</a>" if href else "")
    anchor = html.escape(str(row["claim_id"]))
    return (f"<div class='claim-test' id='claim-{anchor}'>{badge} <span class='primary-test'>{html.escape(test)}</span>"
            f"<div class='key-number'>{number_and_p(row)}</div>"
            f"<div class='evidence'>{evidence}{more}</div></div>")


def claims(ledger: pd.DataFrame) -> list[pd.DataFrame]:
    """The ledger's rows grouped by quote (seed, location, quote), in ledger order."""
    keys = ledger[["seed", "location", "claim"]].apply(tuple, axis=1)
    return [ledger[keys == k] for k in dict.fromkeys(keys)]


def ledger_html(ledger: pd.DataFrame, link: Callable[[str, str], str],
                estimates: pd.DataFrame | None = None) -> str:
    """The front page's table: one ``<tr>`` per claim, its tests inside.

    ``link(notebook, output)`` gives the href of an output's anchor on its notebook page
    ('' when the page is not in the book).
    """
    counts = (estimates.groupby("claim_id").size() if estimates is not None and len(estimates)
              else pd.Series(dtype=int))
    rows = []
    for group in claims(ledger):
        first = group.iloc[0]
        source = str(first["source"]) if "source" in group and first["source"] else source_of(first["seed"])
        tests = "".join(_test_html(r, link, int(counts.get(r["claim_id"], 0))) for _, r in group.iterrows())
        rows.append(
            f"<tr><td class='quote'>\u201c{html.escape(first['claim'])}\u201d"
            f"<div class='source'>{html.escape(source)}, {html.escape(first['location'])} "
            f"<span class='seedfile'>({html.escape(first['seed'])})</span></div></td>"
            f"<td>{tests}</td></tr>")
    return ("<table class='claims-ledger table'><thead><tr><th>Claim (verbatim) and source</th>"
            "<th>Verdict, primary test, estimate and p, evidence</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def summary(ledger: pd.DataFrame) -> str:
    """'7 tests of 4 claims: 1 holds, 3 mixed, …' (counts from the ledger)."""
    counts = ledger["verdict"].value_counts()
    verdicts = ", ".join(f"{n} {v}" for v, n in counts.items())
    return f"{len(ledger)} tests of {len(claims(ledger))} quoted claims: {verdicts}"
