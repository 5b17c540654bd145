"""Typed notebook parameters, checked before a kernel starts.

Every name in a notebook's ``parameters`` cell gets a :class:`Spec`: its type and allowed
values or range. The spec is inferred from the default (a bool takes only ``true``/``false``,
an int only integers, a list only a non-empty list of items of its default's type; a
non-negative default takes no negative value, a ``*_quantile``/``*_share``/``alpha`` a number
strictly between 0 and 1), and :func:`declared` narrows it where the analysis code knows more
(the measures, sector sets and years the data have). Pairs named ``X_start``/``X_end`` or
``first_X``/``last_X`` must be in order. A new notebook needs no entry here to be checked.

:func:`check` raises :class:`ParameterError` with one line naming the parameter, the value and
what it accepts.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

KINDS = ("bool", "int", "float", "str", "list", "none")
UNIT_INTERVAL = re.compile(r"(^|_)(quantile|share)$|^alpha$")


class ParameterError(ValueError):
    """A parameter value the notebook does not accept (one-line message)."""


@dataclass(frozen=True)
class Spec:
    """What one parameter accepts.

    ``kinds``: the accepted types (``float`` also takes integers); ``choices``: the allowed
    strings (or list items); ``low``/``high``: bounds of a number; ``low_open``/``high_open``:
    that bound is excluded; ``item``: the kind of a list's items.
    """

    kinds: tuple[str, ...]
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    item: str = "str"

    def accepts(self) -> str:
        """What the parameter accepts, in words."""
        parts = []
        for kind in self.kinds:
            if kind == "bool":
                parts.append("true or false")
            elif kind in ("int", "float"):
                noun = "an integer" if kind == "int" else "a number"
                parts.append(noun + self._range())
            elif kind == "str":
                parts.append(f"one of {', '.join(self.choices)}" if self.choices else "a non-empty text")
            elif kind == "list":
                what = f"of {', '.join(self.choices)}" if self.choices else f"of {self.item} values"
                parts.append(f"a non-empty list {what}, e.g. [a, b]")
            elif kind == "none":
                parts.append("null")
        return " or ".join(parts)

    def _range(self) -> str:
        lo, hi = self.low, self.high
        if lo is not None and hi is not None:
            if self.low_open and self.high_open:
                return f" strictly between {lo:g} and {hi:g}"
            return f" in {'(' if self.low_open else '['}{lo:g}, {hi:g}{')' if self.high_open else ']'}"
        if lo is not None:
            return f" above {lo:g}" if self.low_open else f" of at least {lo:g}"
        if hi is not None:
            return f" below {hi:g}" if self.high_open else f" of at most {hi:g}"
        return ""

    def _in_range(self, x: float) -> bool:
        above = self.low is None or (x > self.low if self.low_open else x >= self.low)
        below = self.high is None or (x < self.high if self.high_open else x <= self.high)
        return above and below

    def valid(self, value: object) -> bool:
        """Whether ``value`` is acceptable."""
        for kind in self.kinds:
            if kind == "bool" and isinstance(value, bool):
                return True
            if kind == "none" and value is None:
                return True
            if isinstance(value, bool):
                continue
            if kind == "int" and isinstance(value, int):
                return self._in_range(value)
            if kind == "float" and isinstance(value, int | float) and value == value:  # not NaN
                return self._in_range(float(value))
            if kind == "str" and isinstance(value, str) and value.strip():
                return not self.choices or value in self.choices
            if kind == "list" and isinstance(value, list) and value:
                return all(_item_ok(v, self.item, self.choices) for v in value)
        return False


def _item_ok(value: object, kind: str, choices: tuple[str, ...]) -> bool:
    if kind == "str":
        return isinstance(value, str) and bool(value.strip()) and (not choices or value in choices)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, bool) if kind == "bool" else True


def infer(name: str, default: object) -> Spec:
    """The spec a default implies (see the module docstring)."""
    if isinstance(default, bool):
        return Spec(("bool",))
    if isinstance(default, int | float):
        if UNIT_INTERVAL.search(name):
            return Spec(("float",), low=0, high=1, low_open=True, high_open=True)
        kind = "int" if isinstance(default, int) else "float"
        return Spec((kind,), low=0 if default >= 0 else None)
    if isinstance(default, str):
        return Spec(("str",))
    if isinstance(default, list | tuple):
        first = default[0] if default else ""
        item = next(k for k, t in (("bool", bool), ("int", int), ("float", float), ("str", str), ("any", object))
                    if isinstance(first, t))
        return Spec(("list",), item=item)
    if default is None:
        return Spec(("none", "int", "float", "str", "bool", "list"))
    return Spec(("str",))


@functools.cache
def declared() -> dict[str, dict[str, Spec]]:
    """Per notebook, the parameters whose allowed values the analysis code knows.

    The values are read from the modules that use them (their constants, not copies), so a
    new measure or sector set is accepted as soon as the analysis accepts it.
    """
    from clusterstudy.data.catalogue import CATALOGUE as EXTRACTS
    from clusterstudy.measures import catalogue

    def choice(module: str, name: str) -> Spec:
        return Spec(("str",), choices=tuple(constant(f"clusterstudy.{module}", name)))

    def years(*extracts: str) -> Spec:
        spans = [EXTRACTS[e].schema.ranges["year"] for e in extracts]
        return Spec(("int",), low=min(s[0] for s in spans), high=max(s[1] for s in spans))

    regressors = Spec(("str",), choices=("tertiary_share", "gdp_pps_per_inhabitant", "log_population", "log_employment",
                  "population", "employment"))
    count = Spec(("int",), low=1)
    # eu_sample.check_choices: the years with both SBS employment (2008-) and patents (-2012)
    eu_years = Spec(("int",), low=max(EXTRACTS["eu_sbs_employment"].schema.ranges["year"][0], 2008),
                    high=EXTRACTS["eu_patents"].schema.ranges["year"][1])
    return {
        "eu_specialisation_innovation": {
            "measure": Spec(("str",), choices=catalogue.EU_MEASURES), "period_start": eu_years, "period_end": eu_years,
            "sectors": choice("analyses.eu_sample", "SECTOR_SETS"), "suppressed": choice("analyses.eu_sample", "SUPPRESSED"),
            "controls": Spec(("list",), choices=regressors.choices), "size_control": regressors,
            "mediator": regressors, "se": choice("estimation.models", "SE_TYPES"),
            "zero_patents": choice("estimation.models", "ZERO_HANDLING"),
            "min_cell_share": Spec(("float",), low=0, high=1),
            "lq_threshold": Spec(("float",), low=0, low_open=True),
            "min_stars": Spec(("int",), low=1, high=3),
            # indices.traded_sectors: a Gini cut-off in [0, 1), or the median Gini
            "gini_cutoff": Spec(("str", "float"), choices=("median",), low=0, high=1, high_open=True),
            "corner_quantile": Spec(("float",), low=0, high=0.5, low_open=True, high_open=True),
            "n_permutations": count, "n_boot": count, "wild_B": count,
            "traded_split": choice("analyses.eu_sample", "TRADED_SPLITS"),
            "traded_threshold": Spec(("float",), low=0, high=1, low_open=True),
        },
        "eu_specification_curve": {"draws": count, "n_jobs": count},
        "spatial_dependence": {
            "k": count, "hac_k": count, "permutations": count, "draws": count,
            "period_start": eu_years, "period_end": eu_years,
            "eu_measure": Spec(("str",), choices=catalogue.EU_MEASURES),
            "us_measure": Spec(("str",), choices=catalogue.US_MEASURES),
            "us_patent_start": years("us_county_patents"), "us_patent_end": years("us_county_patents"),
        },
        "eu_designs": {
            "design_measures": Spec(("list",), choices=catalogue.EU_MEASURES),
            "focus_measures": Spec(("list",), choices=catalogue.EU_MEASURES),
            "primary_measure": Spec(("str",), choices=catalogue.EU_MEASURES),
            "size_control": regressors, "wild_B": count,
        },
        "us_cluster_patenting": {
            "geography": choice("analyses.us_regions", "GEOGRAPHIES"),
            "measure": Spec(("str",), choices=catalogue.US_MEASURES),
            "min_employment": Spec(("none", "float"), low=0),
            "patent_start": years("us_county_patents"), "patent_end": years("us_county_patents"),
        },
        "cn_resource_cities": {"population": choice("analyses.china_cities", "POPULATIONS"),
                               "outcome": choice("analyses.china_cities", "OUTCOMES")},
        "resource_city_clusters": {"metric": choice("analyses.resource_cities", "METRICS")},
        "data_sources": {"first_year": years("eu_patents", "eu_sbs_employment"),
                         "last_year": years("eu_patents", "eu_sbs_employment")},
        "literature_evidence": {"min_seeds": Spec(("int",), low=2)},
    }


def constant(module: str, name: str) -> tuple:
    """A module's constant (a tuple, list, or a dict's keys; sums of such constants), read from
    its source without importing it: the check runs before the heavy libraries load."""
    origin = importlib.util.find_spec(module).origin
    tree = ast.parse(Path(origin).read_text(encoding="utf-8"))
    values = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
            node.target if isinstance(node, ast.AnnAssign) and node.value is not None else None
        if isinstance(target, ast.Name):
            values[target.id] = node.value

    def evaluate(expr: ast.expr) -> tuple:
        if isinstance(expr, ast.Name):
            return evaluate(values[expr.id])
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return evaluate(expr.left) + evaluate(expr.right)
        value = ast.literal_eval(expr)
        return tuple(value)  # a dict gives its keys

    if name not in values:
        raise KeyError(f"{module} has no constant {name}")
    return evaluate(values[name])


def specs(notebook: Path, defaults: dict[str, object]) -> dict[str, Spec]:
    """Every parameter of ``notebook`` (its defaults as papermill reads them) with its spec."""
    known = declared().get(notebook.stem, {})
    return {name: known.get(name) or infer(name, default) for name, default in defaults.items()}


def ordered_pairs(names) -> list[tuple[str, str]]:
    """Pairs of parameters that must not be reversed: ``X_start``/``X_end``, ``first_X``/``last_X``."""
    names = list(names)
    pairs = [(n, n.removesuffix("_start") + "_end") for n in names if n.endswith("_start")]
    pairs += [(n, "last_" + n.removeprefix("first_")) for n in names if n.startswith("first_")]
    return [(a, b) for a, b in pairs if b in names]


def check(notebook: Path, defaults: dict[str, object], values: dict[str, object]) -> None:
    """Raise :class:`ParameterError` for the first value ``notebook`` does not accept."""
    spec = specs(notebook, defaults)
    for name, value in values.items():
        if name in spec and not spec[name].valid(value):
            raise ParameterError(f"{notebook.stem}: parameter {name}={_show(value)} not accepted; "
                                 f"{name} takes {spec[name].accepts()}")
    merged = defaults | values
    for a, b in ordered_pairs(defaults):
        if (a in values or b in values) and all(isinstance(merged[k], int | float) for k in (a, b)) \
                and merged[a] > merged[b]:
            raise ParameterError(f"{notebook.stem}: parameters {a}={merged[a]} and {b}={merged[b]} are "
                                 f"reversed; {a} must not exceed {b}")


def _show(value: object) -> str:
    """A value as the user typed it (YAML-ish), on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value)
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."
