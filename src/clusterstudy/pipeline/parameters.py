"""Typed notebook parameters, checked before a kernel starts.

Every name in a notebook's ``parameters`` cell gets a :class:`Spec`: its type and allowed values
or range. The cell states it in papermill's form, ``name: Type = default  # help``; ``Type`` is
declared beside the code that owns the option (:mod:`clusterstudy.core.contracts`: a ``Literal``
of choices, ``Annotated[int | float, Between(...)]`` for a range, ``list[...]``, unions such as
``X | None`` or ``float | Literal["median"]``, or ``bool``/``int``/``float``/``str``) and imported
by name (``from clusterstudy... import Type``) in a code cell before the parameters cell.
:func:`specs` resolves each annotation through those imports from the owning module's *source*
(:mod:`ast`, nothing is imported: the check runs before the heavy libraries load). A parameter
without annotation gets the spec its default implies (:func:`infer`). Pairs named
``X_start``/``X_end`` or ``first_X``/``last_X`` must be in order.

:func:`check` raises :class:`ParameterError` with one line naming the parameter, the value and
what it accepts; an annotation naming no imported type is one such line too.
``python -m clusterstudy params NOTEBOOK`` (``make params NB=...``) lists them.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path

from clusterstudy.core.contracts import Between

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


@dataclass(frozen=True)
class Parameter:
    """One parameter as the notebook states it: annotation text ("" if none), default, help."""

    name: str
    annotation: str
    default: object
    help: str


def inspect(notebook: Path) -> dict[str, Parameter]:
    """The ``parameters`` cell as papermill reads it (defaults parsed as literals, else kept as text)."""
    import papermill as pm

    out = {}
    for name, p in pm.inspect_notebook(str(notebook)).items():
        try:
            default = ast.literal_eval(p["default"])
        except (ValueError, SyntaxError):
            default = p["default"]
        annotation = "" if p["inferred_type_name"] == "None" else p["inferred_type_name"]
        out[name] = Parameter(name, annotation, default, p["help"])
    return out


def specs(notebook: Path) -> dict[str, Spec]:
    """Every parameter of ``notebook`` with its spec: from its annotation, else from its default."""
    params = inspect(notebook)
    names = _notebook_imports(notebook) if any(p.annotation for p in params.values()) else {}
    out = {}
    for name, p in params.items():
        if not p.annotation:
            out[name] = infer(name, p.default)
            continue
        try:
            out[name] = _to_spec(_evaluate(ast.parse(p.annotation, mode="eval").body, names))
        except (_Unknown, SyntaxError) as exc:
            raise ParameterError(f"{notebook.stem}: parameter {name} has type {p.annotation!r}: {exc}") from None
    return out


class _Unknown(Exception):
    """A type the contract reader cannot resolve (message: why)."""


# A resolved type: a list of alternatives, each ("bool",), ("none",), ("str", choices),
# ("int" | "float", Between | None) or ("list", alternatives of the items).
Alternatives = list[tuple]
BUILTIN: dict[str, Alternatives] = {"bool": [("bool",)], "str": [("str", ())], "int": [("int", None)],
                                   "float": [("float", None)]}


def _notebook_imports(notebook: Path) -> dict[str, object]:
    """Names imported from ``clusterstudy`` in the code cells before the parameters cell."""
    names: dict[str, object] = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            break
        if cell["cell_type"] == "code":
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:  # IPython magics
                continue
            names |= _imports(tree.body)
    return names


def _imports(body: list[ast.stmt]) -> dict[str, object]:
    return {a.asname or a.name: ("import", node.module, a.name) for node in body
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("clusterstudy")
            for a in node.names}


@functools.cache
def _module_names(module: str) -> dict[str, object]:
    """A module's top-level assignments (their expressions) and imports, from its source."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        raise _Unknown(f"no module {module}")
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    names = _imports(tree.body)
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            names[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            names[node.target.id] = node.value
    return names


def _lookup(name: str, names: dict[str, object], depth: int = 0) -> Alternatives:
    if name in BUILTIN:
        return BUILTIN[name]
    if name not in names or depth > 20:
        raise _Unknown(f"{name!r} is not imported from clusterstudy in a cell before the parameters cell")
    found = names[name]
    if isinstance(found, tuple):  # ("import", module, attribute)
        module_names = _module_names(found[1])
        if found[2] not in module_names:
            raise _Unknown(f"{found[1]} declares no {found[2]}")
        return _lookup(found[2], module_names, depth + 1)
    assert isinstance(found, ast.expr)  # a top-level assignment's expression
    return _evaluate(found, names, depth + 1)


def _evaluate(node: ast.expr, names: dict[str, object], depth: int = 0) -> Alternatives:
    """The alternatives a type expression allows (names resolved in ``names``)."""
    if isinstance(node, ast.Constant) and node.value is None:
        return [("none",)]
    if isinstance(node, ast.Name):
        return _lookup(node.id, names, depth)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _evaluate(node.left, names, depth) + _evaluate(node.right, names, depth)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        head = node.value.id
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if head == "Literal":
            values = tuple(ast.literal_eval(a) for a in args)
            if not all(isinstance(v, str) for v in values):
                raise _Unknown("only Literal choices of text are supported")
            return [("str", values)]
        if head in ("list", "List"):
            return [("list", _evaluate(args[0], names, depth))]
        if head == "Optional":
            return _evaluate(args[0], names, depth) + [("none",)]
        if head == "Annotated":
            rng = next((_between(a) for a in args[1:] if isinstance(a, ast.Call)), None)
            return [(alt[0], rng) if alt[0] in ("int", "float") else alt for alt in _evaluate(args[0], names, depth)]
    raise _Unknown(f"unsupported type expression {ast.unparse(node)!r}")


def _between(call: ast.Call) -> Between:
    if not (isinstance(call.func, ast.Name) and call.func.id == "Between"):
        raise _Unknown(f"unsupported metadata {ast.unparse(call)!r}")
    return Between(*(ast.literal_eval(a) for a in call.args),
                   **{str(k.arg): ast.literal_eval(k.value) for k in call.keywords})


def _to_spec(alternatives: Alternatives) -> Spec:
    """The :class:`Spec` of resolved alternatives (null and choices named before numbers)."""
    kinds: list[str] = []
    choices: tuple[str, ...] = ()
    rng, item = None, "str"
    for alt in alternatives:
        if alt[0] == "str":
            choices += alt[1]
        elif alt[0] in ("int", "float") and alt[1] is not None:
            rng = alt[1]
        elif alt[0] == "list":
            inner = _to_spec(alt[1])
            item = inner.kinds[0] if len(inner.kinds) == 1 else "any"
            choices += inner.choices
        if alt[0] not in kinds:
            kinds.append(alt[0])
    kinds.sort(key=lambda k: {"none": 0, "str": 1}.get(k, 2))
    if rng is None:
        return Spec(tuple(kinds), choices=choices, item=item)
    return Spec(tuple(kinds), choices=choices, low=rng.low, high=rng.high, low_open=rng.low_open,
                high_open=rng.high_open, item=item)


def ordered_pairs(names) -> list[tuple[str, str]]:
    """Pairs of parameters that must not be reversed: ``X_start``/``X_end``, ``first_X``/``last_X``."""
    names = list(names)
    pairs = [(n, n.removesuffix("_start") + "_end") for n in names if n.endswith("_start")]
    pairs += [(n, "last_" + n.removeprefix("first_")) for n in names if n.startswith("first_")]
    return [(a, b) for a, b in pairs if b in names]


def check(notebook: Path, defaults: dict[str, object], values: dict[str, object]) -> None:
    """Raise :class:`ParameterError` for the first value ``notebook`` does not accept."""
    spec = specs(notebook)
    for name, value in values.items():
        if name in spec and not spec[name].valid(value):
            raise ParameterError(f"{notebook.stem}: parameter {name}={_show(value)} not accepted; "
                                 f"{name} takes {spec[name].accepts()}")
    merged = defaults | values
    for a, b in ordered_pairs(defaults):
        lo, hi = merged[a], merged[b]
        if (a in values or b in values) and isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
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


def describe(notebook: Path) -> list[str]:
    """One line per parameter: name, type, what it accepts, default and help (``make params``)."""
    params, spec = inspect(notebook), specs(notebook)
    width = max((len(n) for n in params), default=0)
    return [f"{name:<{width}}  {p.annotation or '(inferred)'}: {spec[name].accepts()}; default {_show(p.default)}"
            + (f"  # {p.help}" if p.help else "") for name, p in params.items()]
