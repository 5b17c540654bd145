"""Parameter contracts as types: the allowed values of an option, declared once beside its owner.

A choice is a ``Literal[...]`` (its values: ``typing.get_args``); a range is
``Annotated[int | float, Between(low, high)]``; a number or a word is their union, e.g.
``float | Literal["median"]``. The owning module declares the type and derives its runtime
tuple or bounds from it; the notebooks annotate their parameters with it, and the runner reads
it (:mod:`clusterstudy.pipeline.parameters`). Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated


@dataclass(frozen=True)
class Between:
    """A number's range: ``low``/``high`` (None: unbounded), each excluded when ``*_open``."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def __contains__(self, x: float) -> bool:
        above = self.low is None or (x > self.low if self.low_open else x >= self.low)
        below = self.high is None or (x < self.high if self.high_open else x <= self.high)
        return above and below


def between(tp: object) -> Between:
    """The :class:`Between` of an ``Annotated[..., Between(...)]`` type."""
    found = [m for m in getattr(tp, "__metadata__", ()) if isinstance(m, Between)]
    if not found:
        raise TypeError(f"{tp!r} declares no Between range")
    return found[0]


Count = Annotated[int, Between(1)]  # draws, permutations, neighbours: at least one
Natural = Annotated[int, Between(0)]  # an integer of at least 0
Seed = Natural  # a random seed
Fraction = Annotated[float, Between(0, 1, low_open=True, high_open=True)]  # quantiles, shares, alpha
