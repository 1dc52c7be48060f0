"""A hand-derived derivative read against a graph, and the verdict on it.

:class:`_Formula` takes the formula :func:`autograd.symbolic.check_formula`
is given (text in the expression language, parsed by
:func:`autograd.expr.parse_formula` and never evaluated by Python; a SymPy
expression; or a function of the nodes' values), finds the nodes its names
label, and gives its value at a point (with the table's own forward
functions) or its SymPy form (built node by node, never through
``sympify``).  :class:`FormulaCheck` and :class:`Counterexample` are what
``check_formula`` returns.
"""

from __future__ import annotations

import ast
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import ops
from autograd.expr import _PARAMETRIC, CONSTANTS, Expression, parse_formula
from autograd.graph import Graph, forward_data
from autograd.notation import ATOM, precedence_of
from autograd.ops import BINARY_FUNCTIONS, UNARY_FUNCTIONS, Op
from autograd.symbolic_forms import _Symbols
from autograd.symbolic_functions import _number, _sympy
from autograd.text import clean, fmt
from autograd.value import Value

# ------------------------------------------------------------------ formulas
_FACTORIES: dict[str, Callable[..., Op]] = {
    "leaky_relu": ops.leaky_relu_op, "elu": ops.elu_op, "celu": ops.celu_op,
    "hardtanh": ops.hardtanh_op,
}
_MANY: dict[str, Op] = {"clamp": ops.CLAMP, "max": ops.MAX, "min": ops.MIN,
                        "logsumexp": ops.LOGSUMEXP, "where": ops.WHERE}


def _row_of_call(name: str, args: Sequence[ast.expr]) -> tuple[Op, Sequence[ast.expr]]:
    """The table row that the expression language's function ``name`` calls, and the
    arguments that are its inputs (a parametric function's numbers are the row's)."""
    if name == "abs":
        return ops.ABS, args[:1]
    if name in _PARAMETRIC:
        given = [_constant(a) for a in args[1:]]
        defaults = [d for _, d in _PARAMETRIC[name]]
        return _FACTORIES[name](*given, *defaults[len(given):]), args[:1]
    if name in UNARY_FUNCTIONS:
        return UNARY_FUNCTIONS[name], args[:1]
    if name in BINARY_FUNCTIONS:
        return BINARY_FUNCTIONS[name], args
    if name in _MANY:
        return _MANY[name], args
    raise ValueError(f"check_formula: the function {name} has no row in the derivative table")


def _constant(node: ast.expr) -> float:
    sign = 1.0
    while isinstance(node, ast.UnaryOp):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    assert isinstance(node, ast.Constant)
    return sign * float(node.value)  # type: ignore[arg-type]


_BINARY_ROWS: dict[type[ast.operator], Op] = {
    ast.Add: ops.ADD, ast.Sub: ops.SUB, ast.Mult: ops.MUL, ast.Div: ops.DIV, ast.Pow: ops.POW,
    ast.Mod: ops.MOD, ast.FloorDiv: ops.FLOORDIV,
}
_COMPARE: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
}


def _as_float(x: Any) -> float:
    if isinstance(x, Value):
        x = x.data
    if isinstance(x, complex) or x is None:
        return math.nan
    try:
        return float(x)
    except (TypeError, ValueError, OverflowError):
        return math.nan


class _Formula:
    """A hand-derived ∂root/∂wrt in one of its three forms, read against one graph."""

    def __init__(self, graph: Graph, formula: Any) -> None:
        self.graph = graph
        self.kind = ""
        self.tree: ast.expr | None = None
        self.expression: Any = None  # the user's SymPy expression
        self.function: Callable[..., Any] | None = None
        self.nodes: dict[str, Value] = {}  # name in the formula -> node of the graph
        self.everything = False  # the function takes **values: every labelled node
        if isinstance(formula, (int, float, np.floating, np.integer)) and not isinstance(
                formula, (bool, np.bool_)):
            formula = repr(float(formula))  # a constant derivative
        if isinstance(formula, str):
            self.kind = "text"
            parsed: Expression = parse_formula(formula)
            self.text = parsed.text
            self.tree = parsed.tree.body
            self.nodes = {name: self._node(name) for name in parsed.variables}
        elif callable(formula) and not hasattr(formula, "free_symbols"):
            self.kind = "function"
            self.function = formula
            self.text = getattr(formula, "__name__", "the function")
            self._signature(formula)
        elif hasattr(formula, "free_symbols") and hasattr(formula, "xreplace"):
            self.kind = "sympy"
            self.expression = formula
            self.text = str(formula)
            self.nodes = {s.name: self._node(s.name) for s in sorted(formula.free_symbols, key=str)}
        else:
            raise TypeError("check_formula: the formula must be text, a SymPy expression or a "
                            f"function of the nodes' values, not {type(formula).__name__}")

    def _labels(self) -> str:
        labels = sorted({n.label for n in self.graph.nodes if n.label})
        shown = ", ".join(clean(x, 40) for x in labels[:30]) + (", …" if len(labels) > 30 else "")
        return shown or "none"

    def _node(self, name: str) -> Value:
        found = self.graph.find(name)
        if not found:
            raise ValueError(f"check_formula: the formula uses {clean(name)}, which labels no node "
                             f"of the graph (its labels: {self._labels()})")
        if len(found) > 1:
            raise ValueError(f"check_formula: {len(found)} nodes of the graph are labelled "
                             f"{clean(name)!r}; give them different labels")
        return found[0]

    def _signature(self, fn: Callable[..., Any]) -> None:
        try:
            params = list(inspect.signature(fn).parameters.values())
        except (TypeError, ValueError):
            raise TypeError("check_formula: cannot read the function's parameters") from None
        for p in params:
            if p.kind == p.VAR_KEYWORD:
                self.everything = True
            elif p.kind == p.VAR_POSITIONAL:
                raise TypeError("check_formula: a function formula takes the nodes' values by "
                                "their labels (def f(x, w): ...), not *args")
            elif p.default is p.empty:
                self.nodes[p.name] = self._node(p.name)
        if self.everything:
            for n in self.graph.nodes:
                if n.label and n.label.isidentifier() and len(self.graph.find(n.label)) == 1:
                    self.nodes.setdefault(n.label, n)

    # ---------------------------------------------------------------- numbers
    def value(self, values: Mapping[Value, Any]) -> float:
        """The formula's value where the graph's nodes hold ``values`` (nan where undefined)."""
        env = {name: values[node] for name, node in self.nodes.items()}
        try:
            with np.errstate(all="ignore"):
                if self.kind == "text":
                    assert self.tree is not None
                    return _as_float(_evaluate(self.tree, env))
                if self.kind == "function":
                    assert self.function is not None
                    return _as_float(self.function(**env))
                return _sympy_value(self.expression, {s: env[s.name]
                                                      for s in self.expression.free_symbols})
        except (ArithmeticError, ValueError, TypeError):
            return math.nan

    # ---------------------------------------------------------------- symbols
    def sympy(self, symbols: _Symbols) -> Any:
        """The formula in the graph's symbols (None for a function)."""
        if self.kind == "text":
            assert self.tree is not None
            return _to_sympy(self.tree, {k: symbols.expr(v) for k, v in self.nodes.items()},
                             symbols)
        if self.kind == "sympy":
            return self.expression.xreplace(
                {s: symbols.expr(self.nodes[s.name]) for s in self.expression.free_symbols})
        return None


def _evaluate(node: ast.expr, env: Mapping[str, Any]) -> Any:
    """A parsed formula's value in floats, with the table's own forward functions."""
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        return env[node.id] if node.id in env else CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp):
        x = _evaluate(node.operand, env)
        return -x if isinstance(node.op, ast.USub) else x
    if isinstance(node, ast.BinOp):
        row = _BINARY_ROWS[type(node.op)]
        return forward_data(row, [_evaluate(node.left, env), _evaluate(node.right, env)])
    if isinstance(node, ast.IfExp):
        test = _evaluate(node.test, env)
        return _evaluate(node.body if test else node.orelse, env)
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, env)
        for op, right_node in zip(node.ops, node.comparators):
            right = _evaluate(right_node, env)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    row, inputs = _row_of_call(node.func.id, node.args)
    return forward_data(row, [_evaluate(a, env) for a in inputs])


def _to_sympy(node: ast.expr, env: Mapping[str, Any], symbols: _Symbols) -> Any:
    """A parsed formula as SymPy, built node by node (never through sympify)."""
    f = symbols.f
    sp = f.sp
    if isinstance(node, ast.Constant):
        return _number(f, node.value)
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        return {"pi": sp.pi, "e": sp.E}[node.id]
    if isinstance(node, ast.UnaryOp):
        x = _to_sympy(node.operand, env, symbols)
        return -x if isinstance(node.op, ast.USub) else x
    if isinstance(node, ast.BinOp):
        row = _BINARY_ROWS[type(node.op)]
        return symbols.apply(row, [_to_sympy(node.left, env, symbols),
                                   _to_sympy(node.right, env, symbols)])
    if isinstance(node, ast.IfExp):
        return sp.Piecewise((_to_sympy(node.body, env, symbols), _to_sympy(node.test, env, symbols)),
                            (_to_sympy(node.orelse, env, symbols), True))
    if isinstance(node, ast.Compare):
        relations = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge,
                     ast.Eq: sp.Eq, ast.NotEq: sp.Ne}
        parts = []
        left = _to_sympy(node.left, env, symbols)
        for op, right_node in zip(node.ops, node.comparators):
            right = _to_sympy(right_node, env, symbols)
            parts.append(relations[type(op)](left, right))
            left = right
        return sp.And(*parts)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    row, inputs = _row_of_call(node.func.id, node.args)
    return symbols.apply(row, [_to_sympy(a, env, symbols) for a in inputs])


def _sympy_value(expr: Any, values: Mapping[Any, Any]) -> float:
    """A SymPy expression's value at a point, in 30 digits, as a float (nan if not real)."""
    sp = _sympy()
    point = {s: sp.Float(float(v), 30) for s, v in values.items()}
    result = expr.xreplace(point).evalf(30)
    if not result.is_number or result.is_real is False:
        return math.nan
    try:
        return float(result)
    except (TypeError, ValueError):
        return math.nan


# ------------------------------------------------------------------ results
@dataclass
class Counterexample:
    """A point where the formula and the engine disagree."""

    where: str  # "the recorded point" or "a random point"
    point: dict[str, float]  # the leaves' values by name
    named: dict[str, float]  # other nodes the formula names, at that point
    formula: float
    engine: float
    numeric: float  # central finite difference of the graph there

    def __str__(self) -> str:
        # enough digits to see the difference when it is in the 7th digit or beyond
        digits = 6 if fmt(self.formula) != fmt(self.engine) else 15
        at = ", ".join(f"{k} = {fmt(v)}" for k, v in self.point.items()) or "no variables"
        where = f" (there {', '.join(f'{k} = {fmt(v)}' for k, v in self.named.items())})" \
            if self.named else ""
        return "\n".join([
            f"counterexample, {self.where}: {at}{where}",
            f"  the formula gives   {fmt(self.formula, digits)}",
            f"  the engine gives    {fmt(self.engine, digits)}",
            f"  finite difference   {fmt(self.numeric, min(digits, 10))}",
        ])


@dataclass
class FormulaCheck:
    """The verdict of :func:`check_formula`; true unless the formula is wrong."""

    output: str
    wrt: str
    formula: str
    verdict: str  # "proved", "wrong" or "equal" (not proved, equal at ``points`` random points)
    points: int  # random points of the domain where the formula and the engine agreed
    counterexample: Counterexample | None = None
    reason: str = ""  # why there is no proof ("" when proved)
    difference: Any = field(default=None, repr=False)  # formula − engine in SymPy, if tried
    asked: int = 0  # random points asked for

    @property
    def ok(self) -> bool:
        """True when the formula is proved equal or equal at every point checked."""
        return self.verdict != "wrong"

    @property
    def proved(self) -> bool:
        """True when SymPy showed the formula equal to the engine's derivative."""
        return self.verdict == "proved"

    def __bool__(self) -> bool:
        return self.ok

    @property
    def symbol(self) -> str:
        """``∂E/∂w``."""
        return f"∂{_sym(self.output)}/∂{_sym(self.wrt)}"

    def _points(self) -> str:
        found = f"{self.points} random point{'s' if self.points != 1 else ''} of the domain"
        if self.points < self.asked:
            found += f" (of {self.asked} asked for: the others fell outside it)"
        return found

    def __str__(self) -> str:
        head = f"{self.symbol} = {self.formula}"
        if self.verdict == "proved":
            return (f"{head}: proved equal (SymPy reduces the formula minus the engine's "
                    f"derivative to 0; equal too at the recorded point and {self._points()})")
        if self.verdict == "wrong":
            lines = [f"{head}: WRONG"]
            if self.counterexample is not None:
                lines.append(str(self.counterexample))
            if self.reason:
                lines.append(self.reason)
            return "\n".join(lines)
        return (f"{head}: not proved ({self.reason}), but equal to the engine at the recorded "
                f"point and at {self._points()}")

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def _sym(name: str) -> str:
    return name if precedence_of(name) == ATOM else f"({name})"
