"""Numbers in prose: the one way the README, the notebooks' computed text and the claims ledger
write p-values and shares."""

from __future__ import annotations

import pandas as pd


def pval(p: float, name: str = "p") -> str:
    """'p < 0.001', three decimals below 0.1 ('p = 0.047', so 5% is never blurred), else two.

    ``name`` replaces the leading 'p' (e.g. 'wild p', 'clustered p').
    """
    if p < 0.001:
        return f"{name} < 0.001"
    return f"{name} = {p:.3f}" if p < 0.1 else f"{name} = {p:.2f}"


def pboth(p: float, p_wild: float = float("nan")) -> str:
    """The p-value, followed by the wild cluster bootstrap p-value where one was computed."""
    return pval(p) if pd.isna(p_wild) else f"{pval(p)}, {pval(p_wild, 'wild p')}"


def signed(coef: float, p: float, alpha: float = 0.05) -> str:
    """'significantly positive', 'significantly negative' or 'not significant'."""
    if p >= alpha:
        return "not significant"
    return "significantly positive" if coef > 0 else "significantly negative"


def pct(share: float) -> str:
    """A share in [0, 1] as a whole percentage."""
    return f"{100 * share:.0f}%"
