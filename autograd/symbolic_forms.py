"""Each row of the derivative table as SymPy, and a graph's nodes as SymPy expressions.

:data:`SYMPY_FORMS` maps each row of :mod:`autograd.ops` to SymPy, keyed by
the op's name; the rows with a constant (leaky_relu's slope, elu's alpha,
``x**n``, ``c**x``) read it from the row, hardtanh its bounds
(``row.bounds``).  Kinks are ``Piecewise`` expressions written the way the
table defines them, so that SymPy's derivative takes the table's value at
the kink: relu is ``x`` for ``x > 0`` and ``0`` otherwise, so relu'(0) = 0;
leaky_relu'(0) = slope, elu'(0) = alpha, abs'(0) = sign(0) = 0.  The
piecewise rows and the activations follow PyTorch at their kinks and ties:
clamp is one Piecewise of its inputs [x, lo, hi]; ``max`` and ``min`` are
functions of their own whose derivative ``max_slope(i, ...)`` shares 1
evenly among the tied inputs.

:class:`_Symbols` writes the nodes of one graph with these forms (a custom
op as an undefined ``sympy.Function``); :func:`_resolve` finds the node a
Value or a label names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np

from autograd import ops
from autograd.graph import Graph
from autograd.ops import Op
from autograd.symbolic_functions import _functions, _number
from autograd.text import clean, fmt
from autograd.value import Value


def _pair(param: Any, default: tuple[float | None, float | None]) -> tuple[Any, Any]:
    """(low, high) of clamp-like rows: a pair, one number (±it), or None (the default)."""
    if param is None:
        return default
    if isinstance(param, (tuple, list)):
        return param[0], param[1]
    return -abs(float(param)), abs(float(param))


def _clamp(f: SimpleNamespace, x: Any, low: Any, high: Any, inclusive: bool) -> Any:
    """x between low and high; ``inclusive``: the slope is 1 at the bounds (clamp), else 0
    (hardtanh)."""
    sp = f.sp
    pieces = []
    if low is not None:
        lo = _number(f, low)
        pieces.append((lo, x < lo if inclusive else x <= lo))
    if high is not None:
        hi = _number(f, high)
        pieces.append((hi, x > hi if inclusive else x >= hi))
    return sp.Piecewise(*pieces, (x, True))


def _clamp_form(f: SimpleNamespace, a: Sequence[Any], p: Any) -> Any:
    """The clamp row, one node of inputs [x, lo, hi], as the table defines its slopes
    (PyTorch's for tensor bounds): z = hi when lo > hi; x when lo <= x <= hi (the bounds
    pass the gradient to x); lo when x < lo < hi; hi when x > hi; and when x < lo = hi,
    z = lo takes no gradient.  With one input, the bounds are the constant ``p``
    (PyTorch's clamp(x, lo, hi) for numbers: slope 1 at the bounds)."""
    if len(a) != 3:
        return _clamp(f, a[0], *_pair(p, (None, None)), inclusive=True)
    sp = f.sp
    x, lo, hi = a
    return sp.Piecewise((hi, lo > hi), (x, (lo <= x) & (x <= hi)), (lo, (x < lo) & (lo < hi)),
                        (hi, x > hi), (f.detach(lo), True))


def _kinked(f: SimpleNamespace, x: Any, negative: Any) -> Any:
    """x for x > 0, ``negative`` otherwise: the table's relu, leaky_relu and elu."""
    return f.sp.Piecewise((x, x > 0), (negative, True))


def _selu(f: SimpleNamespace, x: Any) -> Any:
    """scale*x for x > 0, scale*alpha*(e**x - 1) otherwise, with the constants the
    table's formula writes (scale*alpha as the float the product rounds to)."""
    return f.sp.Piecewise((_number(f, ops.SELU_SCALE) * x, x > 0),
                          (_number(f, ops.SELU_SCALE * ops.SELU_ALPHA) * (f.sp.exp(x) - 1), True))

Form = Callable[[SimpleNamespace, Sequence[Any], Any], Any]

SYMPY_FORMS: dict[str, Form] = {
    # binary rows: a = the inputs, p = the row's constant
    "add": lambda f, a, p: a[0] + a[1],
    "sub": lambda f, a, p: a[0] - a[1],
    "mul": lambda f, a, p: a[0] * a[1],
    "div": lambda f, a, p: a[0] / a[1],
    "pow": lambda f, a, p: a[0] ** (a[1] if p is None else _number(f, p)),  # x**y, or x**n
    # unary rows
    "neg": lambda f, a, p: -a[0],
    "identity": lambda f, a, p: a[0],
    "abs": lambda f, a, p: f.sp.Abs(a[0]),
    "exp": lambda f, a, p: f.sp.exp(a[0]),
    "log": lambda f, a, p: f.sp.log(a[0]),
    "sqrt": lambda f, a, p: f.sp.sqrt(a[0]),
    "sin": lambda f, a, p: f.sp.sin(a[0]),
    "cos": lambda f, a, p: f.sp.cos(a[0]),
    "erf": lambda f, a, p: f.sp.erf(a[0]),
    "tanh": lambda f, a, p: f.sp.tanh(a[0]),
    "sigmoid": lambda f, a, p: f.sigmoid(a[0]),
    "relu": lambda f, a, p: _kinked(f, a[0], 0),
    "softplus": lambda f, a, p: f.softplus(a[0]),
    "silu": lambda f, a, p: a[0] * f.sigmoid(a[0]),
    "gelu": lambda f, a, p: a[0] * (1 + f.sp.erf(a[0] / f.sp.sqrt(2))) / 2,
    "leaky_relu": lambda f, a, p: _kinked(f, a[0], _number(f, 0.01 if p is None else p) * a[0]),
    "elu": lambda f, a, p: _kinked(
        f, a[0], _number(f, 1.0 if p is None else p) * (f.sp.exp(a[0]) - 1)),
    "rpow": lambda f, a, p: (f.sp.exp(a[0]) if float(p) == math.e else _number(f, p) ** a[0]),
    # n-ary rows: sum, and dot's layout (w_1..w_n, x_1..x_n, b)
    "sum": lambda f, a, p: f.sp.Add(*a),
    "dot": lambda f, a, p: f.sp.Add(*[a[i] * a[len(a) // 2 + i] for i in range(len(a) // 2)],
                                    a[-1]),
    # batch reductions: the symbolic forms are per sample, where they are the identity
    "batch_sum": lambda f, a, p: a[0],
    "batch_mean": lambda f, a, p: a[0],
    # ---- names other rows may take, mapped ahead (PyTorch's conventions at kinks)
    "tan": lambda f, a, p: f.sp.tan(a[0]),
    "sinh": lambda f, a, p: f.sp.sinh(a[0]),
    "cosh": lambda f, a, p: f.sp.cosh(a[0]),
    "asin": lambda f, a, p: f.sp.asin(a[0]),
    "acos": lambda f, a, p: f.sp.acos(a[0]),
    "atan": lambda f, a, p: f.sp.atan(a[0]),
    "asinh": lambda f, a, p: f.sp.asinh(a[0]),
    "acosh": lambda f, a, p: f.sp.acosh(a[0]),
    "atanh": lambda f, a, p: f.sp.atanh(a[0]),
    "atan2": lambda f, a, p: f.sp.atan2(a[0], a[1]),  # torch.atan2(y, x)
    "atan2_dx": lambda f, a, p: a[1] / (a[0] ** 2 + a[1] ** 2),
    "atan2_dy": lambda f, a, p: -a[0] / (a[0] ** 2 + a[1] ** 2),
    "pow_dx": lambda f, a, p: a[1] * a[0] ** (a[1] - 1),
    "pow_dy": lambda f, a, p: a[0] ** a[1] * f.sp.log(a[0]),
    "hypot": lambda f, a, p: f.sp.sqrt(a[0] ** 2 + a[1] ** 2),
    "hypot_dx": lambda f, a, p: a[0] / f.sp.sqrt(a[0] ** 2 + a[1] ** 2),
    "hypot_dy": lambda f, a, p: a[1] / f.sp.sqrt(a[0] ** 2 + a[1] ** 2),
    "log1p": lambda f, a, p: f.sp.log(1 + a[0]),
    "expm1": lambda f, a, p: f.sp.exp(a[0]) - 1,
    "log2": lambda f, a, p: f.sp.log(a[0]) / f.sp.log(2),
    "log10": lambda f, a, p: f.sp.log(a[0]) / f.sp.log(10),
    "exp2": lambda f, a, p: 2 ** a[0],
    "cbrt": lambda f, a, p: f.sp.Piecewise((a[0] ** f.sp.Rational(1, 3), a[0] >= 0),
                                           (-((-a[0]) ** f.sp.Rational(1, 3)), True)),
    "erfc": lambda f, a, p: f.sp.erfc(a[0]),
    "logaddexp": lambda f, a, p: f.sp.log(f.sp.exp(a[0]) + f.sp.exp(a[1])),
    "sign": lambda f, a, p: f.sp.Piecewise((1, a[0] > 0), (-1, a[0] < 0), (0, True)),  # slope 0
    "floor": lambda f, a, p: f.floor(a[0]),
    "ceil": lambda f, a, p: f.ceil(a[0]),
    "round": lambda f, a, p: f.round(a[0]),
    "trunc": lambda f, a, p: f.trunc(a[0]),
    "clamp": _clamp_form,
    # x where c is nonzero, else y: flat in c (its jump at 0 has slope 0, as every jump's)
    "where": lambda f, a, p: f.sp.Piecewise((a[1], f.sp.Ne(a[0], 0)), (a[2], True)),
    # a tie splits the gradient evenly between the two inputs
    "maximum": lambda f, a, p: f.sp.Piecewise((a[0], a[0] > a[1]), (a[1], a[0] < a[1]),
                                              ((a[0] + a[1]) / 2, True)),
    "minimum": lambda f, a, p: f.sp.Piecewise((a[0], a[0] < a[1]), (a[1], a[0] > a[1]),
                                              ((a[0] + a[1]) / 2, True)),
    "mod": lambda f, a, p: a[0] - f.floor(a[0] / a[1]) * a[1],  # Python's %, torch.remainder
    "floordiv": lambda f, a, p: f.floor(a[0] / a[1]),
    "mish": lambda f, a, p: a[0] * f.sp.tanh(f.softplus(a[0])),
    "selu": lambda f, a, p: _selu(f, a[0]),
    "celu": lambda f, a, p: _kinked(f, a[0], _number(f, 1.0 if p is None else p) * (
        f.sp.exp(a[0] / _number(f, 1.0 if p is None else p)) - 1)),
    # p: the row's bounds (hardtanh_op(lo, hi)), a number (±it) or None ([-1, 1])
    "hardtanh": lambda f, a, p: _clamp(f, a[0], *_pair(p, (-1.0, 1.0)), inclusive=False),
    "relu6": lambda f, a, p: _clamp(f, a[0], 0.0, 6.0, inclusive=False),
    "softsign": lambda f, a, p: a[0] / (1 + f.sp.Abs(a[0])),
    "logsigmoid": lambda f, a, p: f.sp.log(f.sigmoid(a[0])),
    "hardsigmoid": lambda f, a, p: f.sp.Piecewise((0, a[0] <= -3), (1, a[0] >= 3),
                                                  (a[0] / 6 + f.sp.S.Half, True)),
    # slope 0 at -3 and 1 at 3, as PyTorch's hardswish
    "hardswish": lambda f, a, p: f.sp.Piecewise((0, a[0] <= -3), (a[0] * (a[0] + 3) / 6, a[0] < 3),
                                                (a[0], True)),
    "max": lambda f, a, p: f.max(*a),
    "min": lambda f, a, p: f.min(*a),
    "logsumexp": lambda f, a, p: f.sp.log(f.sp.Add(*[f.sp.exp(x) for x in a])),
}
"""Each row of the derivative table as SymPy: name -> form(functions, inputs, constant)."""


def is_custom(row: Op) -> bool:
    """True for a row made by :func:`autograd.op` (it has no symbolic form)."""
    return getattr(row.forward, "__module__", None) == "autograd.custom"


def _refuse_batches(graph: Graph, who: str) -> None:
    for node in graph.nodes:
        if isinstance(node.data, np.ndarray):
            raise ValueError(f"{who}: the graph holds a batch ({graph.name(node)}); its symbolic "
                             "form is per sample: build the graph for one sample")


class _Symbols:
    """The nodes of one graph as SymPy expressions; the nodes of ``cut`` as their own symbol."""

    def __init__(self, graph: Graph, cut: Iterable[Value] = (), who: str = "to_sympy",
                 assume: Mapping[Value, Mapping[str, bool]] | None = None) -> None:
        self.f = _functions()
        self.assume = assume or {}  # node -> SymPy assumptions of its symbol (positive=True)
        self.graph = graph
        self.cut = set(cut)
        self.who = who
        self.custom: list[str] = []  # the custom ops met
        self._exprs: dict[Value, Any] = {}
        self._symbols: dict[Value, Any] = {}
        self._named: dict[str, Value] = {}
        _refuse_batches(graph, who)

    def is_symbol(self, node: Value) -> bool:
        """A leaf that takes a gradient or has a label is a symbol; a constant is its number."""
        return node in self.cut or (node.is_leaf and (node.requires_grad or bool(node.label)))

    def symbol(self, node: Value) -> Any:
        found = self._symbols.get(node)
        if found is None:
            name = self.graph.name(node)
            other = self._named.setdefault(name, node)
            if other is not node:
                raise ValueError(f"{self.who}: two nodes of the graph are called {clean(name)!r}; "
                                 "give them different labels")
            found = self._symbols[node] = self.f.Label(name, real=True,
                                                       **self.assume.get(node, {}))
        return found

    def expr(self, node: Value) -> Any:
        """The expression of ``node`` (built for every node it depends on, inputs first)."""
        if node in self._exprs:
            return self._exprs[node]
        for n in self.graph.nodes:
            if n not in self._exprs:
                self._exprs[n] = self._build(n)
            if n is node:
                break
        return self._exprs[node]

    def _build(self, node: Value) -> Any:
        if self.is_symbol(node):
            return self.symbol(node)
        row = node._row
        if row is None:
            return _number(self.f, node.data)
        args = [self._exprs[p] for p in node.parents]
        return self.apply(row, args)

    def apply(self, row: Op, args: Sequence[Any]) -> Any:
        form = None if is_custom(row) else SYMPY_FORMS.get(row.name)
        if form is None:
            if row.name not in self.custom:
                self.custom.append(row.name)
            return self.f.sp.Function(row.name)(*args)
        return form(self.f, args, row.bounds if row.bounds is not None else row.param)


def _resolve(graph: Graph, key: Value | str, who: str) -> Value:
    if isinstance(key, Value):
        if key not in graph:
            raise ValueError(f"{who}: {clean(key.label) if key.label else fmt(key.data)} is not in "
                             "the graph of the output")
        return key
    if not isinstance(key, str):
        raise TypeError(f"{who}: wrt must be a Value or a label, not {type(key).__name__}")
    found = graph.find(key)
    if len(found) != 1:
        raise KeyError(f"{who}: {len(found)} nodes of the graph are labelled {clean(key)!r}")
    return found[0]
