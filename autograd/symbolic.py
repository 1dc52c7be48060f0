"""The graph in symbols: SymPy expressions, symbolic derivatives, formulas checked.

* :func:`to_sympy` gives the SymPy expression a graph computes, its leaves as
  symbols named by their labels (an unlabelled constant is its number);
* :func:`symbolic_grad` gives ∂root/∂node, simplified;
* :func:`check_formula` takes a derivative derived by hand, as text in the
  command line's expression language (names are the graph's labels), as a
  SymPy expression or as a function of the nodes' values, and says whether
  SymPy *proves* it equal to the engine's, whether it is *wrong* (with a
  counterexample: the point, the formula's value, the engine's and a finite
  difference), or whether it is *not proved, but equal at N random points*
  of the domain;
* :func:`latex` writes a graph or an expression as LaTeX, its symbols in the
  seeds' notation (``w1_11`` is :math:`w^{1}_{11}`), as explanations do.

SymPy is optional: ``pip install "autograd-scalar[symbolic]"``.  It is
imported when one of these functions first needs it, never by ``import
autograd``.  Without it, :func:`check_formula` still compares text and
function formulas with the engine at random points (and says that it could
not try a proof); the others raise an ImportError naming the extra.

**The table in SymPy.**  :data:`SYMPY_FORMS` maps each row of the derivative
table (:mod:`autograd.ops`) to SymPy, keyed by the op's name; the rows with
a constant (leaky_relu's slope, elu's alpha, ``x**n``, ``c**x``) read it from
the row, hardtanh its bounds (``row.bounds``).  Kinks are ``Piecewise`` expressions written the way the table
defines them, so that SymPy's derivative takes the table's value at the kink:
relu is ``x`` for ``x > 0`` and ``0`` otherwise, so relu'(0) = 0;
leaky_relu'(0) = slope, elu'(0) = alpha, abs'(0) = sign(0) = 0.  ``sigmoid``
and ``softplus`` are SymPy functions of their own whose derivatives are
σ(1 − σ) and σ, so results read like the seeds' formulas,
``sigmoid(a)*(1 - sigmoid(a))``, rather than as exponentials
(``.rewrite(sympy.exp)`` gives those).  The piecewise rows and the
activations follow PyTorch at their kinks and ties: clamp is one Piecewise of
its inputs [x, lo, hi]; ``max`` and ``min`` are functions of their own whose
derivative ``max_slope(i, ...)`` shares 1 evenly among the tied inputs.

Custom ops (:func:`autograd.op`) have no symbolic form: :func:`to_sympy`
writes one as an undefined function of its inputs (``sympy.Function(name)``),
:func:`symbolic_grad` leaves its derivative unevaluated, and
:func:`check_formula` cannot prove a formula through it: it says so and
checks at random points.

User text is never given to ``sympy.sympify`` or ``parse_expr`` (both
evaluate Python): a text formula is parsed by :func:`autograd.expr.parse_formula`
and its syntax tree is turned into SymPy here, node by node.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import numpy as np

from autograd import ops
from autograd.expr import _PARAMETRIC, CONSTANTS, Expression, parse_formula
from autograd.graph import Graph, forward_data
from autograd.notation import ATOM, Latex, latex_name, precedence_of
from autograd.ops import BINARY_FUNCTIONS, UNARY_FUNCTIONS, Op
from autograd.text import clean, fmt
from autograd.value import Value

__all__ = [
    "INSTALL",
    "SYMPY_FORMS",
    "Counterexample",
    "FormulaCheck",
    "SymPyMissingError",
    "check_formula",
    "latex",
    "symbolic_grad",
    "to_sympy",
]

INSTALL = 'pip install "autograd-scalar[symbolic]"'


class SymPyMissingError(ImportError):
    """SymPy is not installed; the message says how to install it."""


def _sympy() -> Any:
    try:
        import sympy
    except ImportError as err:
        raise SymPyMissingError(
            f"this needs SymPy, which is not installed: {INSTALL}") from err
    return sympy


# ------------------------------------------------------------------ SymPy's side
@lru_cache(maxsize=1)
def _functions() -> SimpleNamespace:
    """SymPy, with the functions the table needs that SymPy lacks (made once, lazily)."""
    sp = _sympy()
    function: Any = sp.Function  # (Any: the classes below are made at run time)
    symbol: Any = sp.Symbol

    class sigmoid(function):  # noqa: N801 - printed as the expression language writes it
        """σ(x) = 1/(1 + e^-x), whose derivative is σ(x)(1 − σ(x))."""

        @classmethod
        def eval(cls, x: Any) -> Any:
            if x.is_zero:
                return sp.S.Half
            if x.is_Float:
                return 1 / (1 + sp.exp(-x))
            if x is sp.oo:
                return sp.S.One
            if x is sp.S.NegativeInfinity:
                return sp.S.Zero
            return None

        def fdiff(self, argindex: int = 1) -> Any:
            s = self.func(self.args[0])
            return s * (1 - s)

        def _eval_rewrite_as_exp(self, x: Any, **kwargs: Any) -> Any:
            return 1 / (1 + sp.exp(-x))

        def _eval_is_real(self) -> Any:
            return self.args[0].is_real

        def _eval_is_positive(self) -> Any:
            return self.args[0].is_real

        def _eval_evalf(self, prec: int) -> Any:
            return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

        def _latex(self, printer: Any, exp: Any = None) -> str:
            text = rf"\sigma\left({printer._print(self.args[0])}\right)"
            return text if exp is None else rf"{text}^{{{exp}}}"

    class softplus(function):  # noqa: N801
        """log(1 + e^x), whose derivative is σ(x)."""

        @classmethod
        def eval(cls, x: Any) -> Any:
            if x.is_Float:
                return sp.log(1 + sp.exp(x))
            return None

        def fdiff(self, argindex: int = 1) -> Any:
            return sigmoid(self.args[0])

        def _eval_rewrite_as_exp(self, x: Any, **kwargs: Any) -> Any:
            return sp.log(1 + sp.exp(x))

        def _eval_rewrite_as_log(self, x: Any, **kwargs: Any) -> Any:
            return sp.log(1 + sp.exp(x))

        def _eval_is_real(self) -> Any:
            return self.args[0].is_real

        def _eval_evalf(self, prec: int) -> Any:
            return sp.log(1 + sp.exp(self.args[0]))._eval_evalf(prec)

        def _latex(self, printer: Any, exp: Any = None) -> str:
            text = rf"\operatorname{{softplus}}\left({printer._print(self.args[0])}\right)"
            return text if exp is None else rf"{text}^{{{exp}}}"

    def flat(name: str, value: Callable[[Any], Any]) -> Any:
        """A step function (floor, round, ...): its value, and a derivative 0, as PyTorch's."""

        def eval_(cls: Any, x: Any) -> Any:
            return value(x) if x.is_Number else None

        return type(name, (sp.Function,), {
            "eval": classmethod(eval_),
            "fdiff": lambda self, argindex=1: sp.S.Zero,
            "_eval_is_real": lambda self: self.args[0].is_real,
        })

    def extreme(name: str, pick: Any) -> Any:
        """max or min of any number of inputs, whose derivative along input i is
        ``max_slope(i, inputs...)``: 1 for the extreme input, 1/k to each of k inputs tied
        for it, counted by position (the table's rule, PyTorch's max): max(x, x, y) at
        x = y gives x 2/3.  (SymPy's Max merges equal inputs and gives 1/2 at a tie.)"""

        def share(cls: Any, i: Any, *args: Any) -> Any:
            if not (i.is_Integer and all(a.is_Number for a in args)):
                return None
            best = pick(*args)
            hits = [bool(sp.Eq(a, best)) for a in args]
            return sp.Rational(1, sum(hits)) if hits[int(i)] else sp.S.Zero

        slope = type(f"{name}_slope", (sp.Function,), {
            "eval": classmethod(share),
            "fdiff": lambda self, argindex=1: sp.S.Zero,
            "_eval_is_real": lambda self: True,
        })

        def eval_(cls: Any, *args: Any) -> Any:
            if len(set(args)) == 1:
                return args[0]
            return pick(*args) if all(a.is_Number for a in args) else None

        def fdiff(self: Any, argindex: int = 1) -> Any:
            return slope(argindex - 1, *self.args)

        return type(name, (sp.Function,), {
            "eval": classmethod(eval_),
            "fdiff": fdiff,
            "_eval_is_real": lambda self: all(a.is_real for a in self.args) or None,
            "_eval_evalf": lambda self, prec: pick(*self.args)._eval_evalf(prec),
        })

    class Label(symbol):
        """A node's symbol: named by its display name, printed in LaTeX as explanations print it."""

        def _latex(self, printer: Any, **kwargs: Any) -> str:
            return latex_name(self.name)

    return SimpleNamespace(
        sp=sp, sigmoid=sigmoid, softplus=softplus, Label=Label,
        floor=flat("floor", sp.floor), ceil=flat("ceil", sp.ceiling),
        round=flat("round", lambda x: sp.Integer(round(float(x)))),
        trunc=flat("trunc", lambda x: sp.Integer(int(float(x)))),
        # its input's value, with derivative 0 (PyTorch's detach): where clamp's bounds
        # meet above x, z = lo = hi takes no gradient
        detach=flat("detach", lambda x: x),
        max=extreme("max", sp.Max), min=extreme("min", sp.Min),
    )


def _number(f: SimpleNamespace, x: Any) -> Any:
    """A float as SymPy reads it: exact, as the decimal Python prints (0.1 is 1/10)."""
    sp = f.sp
    x = float(x)
    if x == math.pi:
        return sp.pi
    if x == math.e:
        return sp.E
    if math.isnan(x):
        return sp.nan
    if math.isinf(x):
        return sp.oo if x > 0 else -sp.oo
    if x == int(x) and abs(x) < 2.0**53:
        return sp.Integer(int(x))
    return sp.Rational(repr(x))


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
    "hypot": lambda f, a, p: f.sp.sqrt(a[0] ** 2 + a[1] ** 2),
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


def _simplified(f: SimpleNamespace, expr: Any) -> Any:
    return _tidy(f, expr)


def to_sympy(root: Value, keep: Iterable[Value | str] = ()) -> Any:
    """The SymPy expression ``root``'s graph computes.

    Leaves are symbols named by their labels (a leaf that takes a gradient
    but has no label by its display name); an unlabelled constant is its
    number, exactly as Python prints it (0.1 is 1/10).  Nodes in ``keep``
    (Values or labels) are written as their own symbol instead of their
    expression: ``to_sympy(loss, keep=["o"])`` gives the loss as a function of
    ``o``.  A custom op is an undefined ``sympy.Function`` of its inputs.
    In Jupyter the result shows typeset, with the labels in the seeds'
    notation.
    """
    if not isinstance(root, Value):
        raise TypeError(f"to_sympy: root must be a Value, not {type(root).__name__}")
    graph = Graph(root)
    cut = [_resolve(graph, k, "to_sympy") for k in keep]
    return _Symbols(graph, cut).expr(root)


def symbolic_grad(root: Value, wrt: Value | str, simplify: bool = True) -> Any:
    """∂root/∂wrt as a SymPy expression, simplified.

    Simplified in predictable time: taken as a rational function of its
    function applications (σ(a), tanh(…), each branch of a Piecewise on its
    own), the shortest of its forms as differentiated, with common factors
    pulled out, and cancelled over a common denominator.  (``sympy.simplify``
    can take minutes on a network's derivative; call it yourself on small ones.)

    ``wrt`` is a node of the graph (a Value or its label), a leaf or an
    intermediate node; a Value the root does not depend on gives 0.  For an
    intermediate node the derivative is the one :func:`autograd.check`
    compares with: the node is moved and everything
    computed from it follows, so the result is written with the node's own
    symbol where the graph above it uses it (∂E/∂o for ``E = (o - t)**2/2``
    is ``o - t``).
    """
    if not isinstance(root, Value):
        raise TypeError(f"symbolic_grad: root must be a Value, not {type(root).__name__}")
    graph = Graph(root)
    if isinstance(wrt, Value) and wrt not in graph:
        _refuse_batches(graph, "symbolic_grad")
        return _functions().sp.S.Zero  # root does not depend on it
    node = _resolve(graph, wrt, "symbolic_grad")
    symbols = _Symbols(graph, [node], "symbolic_grad")
    d = symbols.f.sp.diff(symbols.expr(root), symbols.symbol(node))
    return _simplified(symbols.f, d) if simplify else d


def latex(x: Any) -> Latex:
    """LaTeX of a Value's graph (via :func:`to_sympy`), a SymPy expression, or an
    explanation (:meth:`autograd.chain.Explanation.latex`)."""
    if hasattr(x, "latex") and callable(x.latex) and not isinstance(x, Value):
        return x.latex()
    sp = _sympy()
    if isinstance(x, Value):
        x = to_sympy(x)
    return Latex(sp.latex(x))


# ------------------------------------------------------------------ formulas
_FACTORIES: dict[str, Callable[..., Op]] = {
    "leaky_relu": ops.leaky_relu_op, "elu": ops.elu_op, "celu": ops.celu_op,
    "hardtanh": ops.hardtanh_op,
}
_MANY: dict[str, Op] = {"clamp": ops.CLAMP, "max": ops.MAX, "min": ops.MIN,
                        "logsumexp": ops.LOGSUMEXP}


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


def _zero(f: SimpleNamespace, difference: Any) -> tuple[bool, str]:
    """Whether SymPy shows ``difference`` to be 0; if not, why.

    Kinks first: the conditions of the Piecewise (``a > 0``, ``-1 < x < 1``,
    also those of sign, abs and Heaviside) are split into the cases where
    they hold or not (:func:`_cases`: each kink negative, zero or positive),
    every Piecewise replaced by its branch, and each case shown to be 0 on its
    own.  A case is 0 when,
    with every function application (σ(a), tanh(…), x**y, …) taken as an
    independent symbol, it cancels as a rational function (powers of one base
    combined), or does so once σ, tanh, ... are written with exponentials.
    ``sympy.simplify`` is not used: it can take minutes on a network's
    derivative, and a check should answer at once.
    """
    if difference == 0:
        return True, ""
    cases = _cases(f, difference)
    if cases is None:
        return False, f"the difference has more than {MAX_KINKS} kink conditions to split on"
    for case in cases:
        if not _smooth_zero(f, case):
            return False, ("SymPy could not reduce the formula minus the engine's derivative "
                           "to 0")
    return True, ""


MAX_KINKS = 6  # distinct kinks a proof splits on (each negative, zero, positive: 3**6 cases)
PROOF_NODES = 2_000  # larger graphs are checked at random points only


def _cases(f: SimpleNamespace, expr: Any) -> list[Any] | None:
    """``expr`` without Piecewise, once for each way its kink conditions can hold.

    ``sign``, ``Abs`` and ``Heaviside`` are written as the Piecewise they are.  Each
    condition compares two expressions; their difference is, up to a constant
    factor, one of a few *kinks* (``x - 1`` for ``x > 1``, ``-1 < x`` and ``x <= 1``
    alike), and each kink is taken negative, zero and positive in turn.  Cases that
    cannot happen are left out when the kinks are linear in the symbols (``x < -1``
    with ``x > 1``, ``x < lo`` with ``lo < hi`` and ``x > hi``); the others are
    checked too, which can only make a proof fail, never pass wrongly.
    """
    sp = f.sp
    kinked = (sp.sign, sp.Abs, sp.Heaviside)
    if expr.has(*kinked):
        expr = expr.replace(lambda e: isinstance(e, kinked), lambda e: e.rewrite(sp.Piecewise))
    pieces = expr.atoms(sp.Piecewise)
    if not pieces:
        return [expr]
    relations: list[Any] = []
    for pw in pieces:
        for _, cond in pw.args:
            for r in cond.atoms(sp.core.relational.Relational):
                if r not in relations:
                    relations.append(r)
    kinks: list[Any] = []
    sides: dict[Any, tuple[int, int]] = {}  # relation -> (its kink, the sign of lhs - rhs over it)
    for r in relations:
        factor, kink = (r.lhs - r.rhs).as_content_primitive()
        if kink.could_extract_minus_sign():
            factor, kink = -factor, -kink
        if not factor.is_nonzero or not factor.is_extended_real:
            return None
        if kink not in kinks:
            kinks.append(kink)
        sides[r] = (kinks.index(kink), 1 if factor > 0 else -1)
    if len(kinks) > MAX_KINKS:
        return None
    linear = [_linear(f, k) for k in kinks]
    holds = {sp.Lt: lambda s: s < 0, sp.Le: lambda s: s <= 0, sp.Gt: lambda s: s > 0,
             sp.Ge: lambda s: s >= 0, sp.Eq: lambda s: s == 0, sp.Ne: lambda s: s != 0}
    cases = []
    for signs in itertools.product((-1, 0, 1), repeat=len(kinks)):
        at = _feasible(f, linear, signs)
        if at is None:
            continue
        truth = {}
        for r, (k, side) in sides.items():
            test = holds.get(type(r))
            if test is None:
                return None
            truth[r] = sp.true if test(side * signs[k]) else sp.false

        def branch(*args: Any, truth: Mapping[Any, Any] = truth) -> Any:
            for value, cond in args:
                known = cond.xreplace(truth)
                if known is sp.true:
                    return value
                if known is not sp.false:
                    raise _Undecided
            return sp.nan

        try:
            case = expr.replace(sp.Piecewise, branch)
        except _Undecided:
            return None
        cases.append(case.xreplace(at) if at else case)  # on a kink: x = 0 there
    return cases


def _linear(f: SimpleNamespace, expr: Any) -> dict[Any, Any] | None:
    """``expr`` as {symbol: coefficient, 1: constant} when it is linear in its symbols with
    rational coefficients; None otherwise."""
    sp = f.sp
    out: dict[Any, Any] = {}
    for term, coeff in expr.as_coefficients_dict().items():
        if not coeff.is_Rational or not (term is sp.S.One or term.is_Symbol):
            return None
        out[term] = out.get(term, 0) + coeff
    return out


def _feasible(f: SimpleNamespace, linear: Sequence[dict[Any, Any] | None],
              signs: Sequence[int]) -> dict[Any, Any] | None:
    """Whether the linear kinks can have ``signs`` (-1, 0, 1) at once: the equalities
    solved and substituted, then Fourier-Motzkin elimination of the strict
    inequalities.  Kinks that are not linear are free (they never make a case
    impossible).  None when the case cannot happen, else what the equalities give
    ({symbol: its value}, empty when no kink is 0)."""
    one = f.sp.S.One
    solved: dict[Any, dict[Any, Any]] = {}
    equal: list[dict[Any, Any]] = []
    strict: list[dict[Any, Any]] = []  # each: sum coefficient*symbol + constant > 0
    for form, s in zip(linear, signs):
        if form is None:
            continue
        if s == 0:
            equal.append(dict(form))
        else:
            strict.append({k: s * v for k, v in form.items()})

    def put(row: dict[Any, Any], var: Any, value: dict[Any, Any]) -> dict[Any, Any]:
        c = row.pop(var, 0)
        for k, v in value.items():
            row[k] = row.get(k, 0) + c * v
        return {k: v for k, v in row.items() if v != 0}

    while equal:
        row = {k: v for k, v in equal.pop().items() if v != 0}
        variables = [k for k in row if k is not one]
        if not variables:
            if row.get(one, 0) != 0:
                return None
            continue
        var = variables[0]
        c = row.pop(var)
        value = {k: -v / c for k, v in row.items()}  # var = value
        equal = [put(e, var, value) for e in equal]
        strict = [put(e, var, value) for e in strict]
        solved = {k: put(e, var, value) for k, e in solved.items()}
        solved[var] = value
    at = {var: f.sp.Add(*[v * k for k, v in value.items()]) for var, value in solved.items()}
    while True:
        for row in strict:
            if all(k is one for k in row) and row.get(one, 0) <= 0:
                return None
        free = {k for row in strict for k in row if k is not one}
        if not free:
            return at
        var = min(free, key=str)
        above = [r for r in strict if r.get(var, 0) > 0]
        below = [r for r in strict if r.get(var, 0) < 0]
        rest = [r for r in strict if r.get(var, 0) == 0]
        for a in above:
            for b in below:
                ca, cb = a[var], -b[var]
                combined: dict[Any, Any] = {}
                for k in set(a) | set(b):
                    if k is not var:
                        combined[k] = cb * a.get(k, 0) + ca * b.get(k, 0)
                rest.append({k: v for k, v in combined.items() if v != 0})
        strict = rest


class _Undecided(Exception):  # noqa: N818 - internal signal, never raised to the user
    pass


def _smooth_zero(f: SimpleNamespace, expr: Any) -> bool:
    """True when ``expr`` (no Piecewise) is shown to be 0: as a rational function of its
    function applications, or, with σ, tanh, ... written with exponentials, of those."""
    sp = f.sp
    if expr == 0:
        return True
    for form in (expr, sp.powsimp(expr)):  # powsimp: x**y/x is x**(y - 1)
        atomized, _ = _atomized(f, form)
        if sp.cancel(atomized) == 0:
            return True
    exponential = _exponential(f, expr)
    if exponential is None:
        return False
    if exponential == 0:
        return True
    atomized, _ = _atomized(f, exponential)
    return bool(sp.cancel(atomized) == 0)


def _exponential(f: SimpleNamespace, expr: Any) -> Any:
    """``expr`` with σ, softplus and the hyperbolic functions written with exponentials,
    each exp(c*v) as a whole power of one exp(v/q): exp(x)*exp(-x) is then 1."""
    sp = f.sp
    heads = (f.sigmoid, f.softplus, sp.tanh, sp.sinh, sp.cosh, sp.exp)
    if not expr.has(*heads):
        return None
    rewritten = sp.expand_power_exp(expr.rewrite(sp.exp))
    exps = rewritten.atoms(sp.exp)
    if not exps:
        return rewritten
    # exp(c*v): one base exp(v/q) per v, q the common denominator of its coefficients
    # (the number e is exp(1): a case on a kink, y = -1, has exp(-1) and e side by side)
    powers = [(e, *e.args[0].as_coeff_Mul()) for e in exps]
    if rewritten.has(sp.E):
        powers.append((sp.E, sp.S.One, sp.S.One))
    coeffs: dict[Any, list[Any]] = {}
    for _, c, v in powers:
        coeffs.setdefault(v, []).append(sp.Rational(c))
    bases = {v: math.lcm(*[int(c.q) for c in cs]) for v, cs in coeffs.items()}
    symbols = {v: sp.Dummy() for v in bases}
    swap = {e: symbols[v] ** int(sp.Rational(c) * bases[v]) for e, c, v in powers}
    return rewritten.xreplace(swap)


def _atomized(f: SimpleNamespace, expr: Any, piecewise: bool = False) -> tuple[Any, dict[Any, Any]]:
    """``expr`` with every function application and non-integer power (and, with
    ``piecewise``, every Piecewise) a new symbol, equal ones the same symbol: a rational
    function of those symbols.  Also returns {symbol: what it stands for}."""
    sp = f.sp
    memo: dict[Any, Any] = {}
    atoms: dict[Any, Any] = {}  # an application, its inputs atomized -> its symbol
    back: dict[Any, Any] = {}  # symbol -> the expression it stands for

    def atom(key: Any, original: Any) -> Any:
        found = atoms.get(key)
        if found is None:
            found = atoms[key] = sp.Dummy()
            back[found] = original
        return found

    def walk(e: Any) -> Any:
        if e.is_Atom:
            return e
        found = memo.get(e)
        if found is not None:
            return found
        if isinstance(e, sp.Piecewise):
            if piecewise:
                out = atom(e, e)
            else:
                out = e.func(*[(walk(v), c) for v, c in e.args])
        else:
            rebuilt = e.func(*[walk(a) for a in e.args])
            if isinstance(rebuilt, sp.core.function.Application) or (
                    rebuilt.is_Pow and not rebuilt.exp.is_Integer):
                out = atom(rebuilt, e)
            else:
                out = rebuilt
        memo[e] = out
        return out

    return walk(expr), back


def _tidy(f: SimpleNamespace, expr: Any) -> Any:
    """A shorter form of ``expr``, found in predictable time: taken as a rational
    function of its function applications (each branch of a Piecewise on its own),
    the shortest of it as it is, with common factors pulled out, and cancelled."""
    sp = f.sp
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(_tidy(f, v), c) for v, c in expr.args])
    if expr.has(sp.Piecewise):
        expr = expr.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: _tidy(f, e))
    atomized, back = _atomized(f, expr, piecewise=True)
    forms = [atomized, sp.factor_terms(atomized)]
    if sp.count_ops(atomized) <= CANCEL_OPS:
        cancelled = sp.cancel(atomized)
        forms += [cancelled, sp.factor_terms(cancelled)]
    best = min(forms, key=sp.count_ops)  # the first of the shortest: as it was, if no shorter
    return best.xreplace(back)


CANCEL_OPS = 300  # larger derivatives are not expanded over a common denominator


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


def _agree(formula: float, engine: float, rtol: float, atol: float) -> bool:
    if formula == engine:
        return True
    if math.isnan(formula) and math.isnan(engine):
        return True
    if not (math.isfinite(formula) and math.isfinite(engine)):
        return False
    return abs(formula - engine) <= atol + rtol * max(abs(formula), abs(engine))


def _finite_point(graph: Graph, values: Mapping[Value, Any]) -> bool:
    """Every node finite and every op inside its domain at ``values``."""
    for node in graph.nodes:
        x = values[node]
        if not isinstance(x, float) or not math.isfinite(x):
            return False
        row = node._row
        if row is not None and row.domain:
            xs = [values[p] for p in node.parents]
            if not all(bool(d.ok(*xs)) for d in row.domain):
                return False
    return True


def check_formula(
    root: Value,
    wrt: Value | str,
    formula: str | Any | Callable[..., Any],
    points: int = 20,
    seed: int = 0,
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> FormulaCheck:
    """Check a hand-derived ∂root/∂wrt as a formula, not as one number.

    ``formula`` is text in the command line's expression language whose names
    are the graph's labels (``"(y - t)*sigmoid(a)*(1 - sigmoid(a))*o"``, with
    ``1 if a > 0 else 0`` for a kink), a SymPy expression in symbols named by
    labels, or a function taking the labelled nodes' values by name
    (``lambda a, x: ...``).  ``wrt`` is a leaf or an intermediate node (a Value
    or its label), as for :func:`autograd.check`.

    The verdict is one of:

    * **proved** equal: SymPy reduces the formula minus the engine's
      derivative (:func:`symbolic_grad`) to 0;
    * **wrong**: the formula and the engine disagree at the recorded point or
      at a random point; the counterexample gives the leaves' values there,
      the formula's value, the engine's and a central finite difference;
    * **equal** but not proved (no SymPy, a function formula, a custom op, or
      SymPy could not reduce the difference to 0): equal at the recorded point
      and at ``points`` random points of the domain, drawn with ``seed``
      where every op of the graph is defined (each draw is re-evaluated on
      the graph and kept when every node is finite).  The number found is
      stated.

    Random points are checked even after a proof, so a formula is never
    called proved where the engine's numbers say otherwise.  Agreement is
    within ``atol + rtol * max(|formula|, |engine|)``.
    """
    if not isinstance(root, Value):
        raise TypeError(f"check_formula: root must be a Value, not {type(root).__name__}")
    if root.is_batch:
        raise ValueError("check_formula: the output must be one number (reduce a batch first)")
    if not isinstance(points, int) or isinstance(points, bool) or points < 0:
        raise ValueError(f"check_formula: points must be a whole number >= 0, got {points!r}")
    graph = Graph(root)
    _refuse_batches(graph, "check_formula")
    node = _resolve(graph, wrt, "check_formula")
    hand = _Formula(graph, formula)
    result = FormulaCheck(graph.name(root), graph.name(node), hand.text, "equal", 0, asked=points)

    def engine_at(grads: Mapping[Value, Any]) -> float:
        return _as_float(grads.get(node, 0.0))

    def finite_difference(overrides: Mapping[Value, Any], values: Mapping[Value, Any]) -> float:
        v = values[node]
        h = 1e-6 * max(1.0, abs(v))
        plus = graph.reevaluate({**overrides, node: v + h})[root]
        minus = graph.reevaluate({**overrides, node: v - h})[root]
        return _as_float((plus - minus) / (2.0 * h))

    variables = [n for n in graph.leaves if n.requires_grad or n.label]

    def counterexample(where: str, overrides: Mapping[Value, Any], values: Mapping[Value, Any],
                       mine: float, theirs: float) -> Counterexample:
        point = {graph.name(n): _as_float(values[n]) for n in variables}
        named = {name: _as_float(values[n]) for name, n in hand.nodes.items() if n not in variables}
        return Counterexample(where, point, named, mine, theirs,
                              finite_difference(overrides, values))

    # 1. the recorded point
    recorded = {n: n.data for n in graph.nodes}
    mine = hand.value(recorded)
    theirs = engine_at(graph.gradients())
    if not _agree(mine, theirs, rtol, atol):
        result.verdict = "wrong"
        result.counterexample = counterexample("at the recorded point", {}, recorded, mine, theirs)
        return result

    # 2. a proof
    proved, result.reason = _prove(graph, node, hand, result)

    # 3. random points of the domain
    rng = np.random.default_rng(seed)
    found = 0
    draws = 0
    while found < points and draws < 100 * max(points, 1) and variables:
        draws += 1
        overrides = {n: _draw(rng, float(n.data)) for n in variables}
        values = graph.reevaluate(overrides)
        if not _finite_point(graph, values):
            continue
        theirs = engine_at(graph.gradients_at(values))
        if not math.isfinite(theirs):
            continue
        mine = hand.value(values)
        if not _agree(mine, theirs, rtol, atol):
            result.verdict = "wrong"
            result.points = found
            result.counterexample = counterexample("at a random point", overrides, values,
                                                   mine, theirs)
            if proved:
                result.reason = ("SymPy reduced the difference to 0, but the engine disagrees "
                                 "here: the symbolic form of an op differs from the engine's")
            else:
                result.reason = ""
            return result
        found += 1
    result.points = found
    result.verdict = "proved" if proved else "equal"
    if not variables and not proved:
        result.reason = "; ".join(filter(None, [result.reason, "the graph has no variables to "
                                                "draw random points for"]))
    return result


def _prove(graph: Graph, node: Value, hand: _Formula, result: FormulaCheck) -> tuple[bool, str]:
    """Try SymPy on formula − ∂root/∂node; (proved, why not)."""
    if hand.kind == "function":
        return False, "a function formula has no symbolic form"
    try:
        f = _functions()
    except SymPyMissingError:
        return False, f"SymPy is not installed: {INSTALL}"
    if len(graph) > PROOF_NODES:
        return False, f"the graph has {len(graph):,} nodes, too many to write out in symbols"
    assume = _domain_assumptions(graph)
    cut = _Symbols(graph, [node], "check_formula", assume)
    grad = f.sp.diff(cut.expr(graph.root), cut.symbol(node))
    mine = hand.sympy(cut)
    if cut.custom:
        return False, (f"the graph holds the custom op{'s' if len(cut.custom) > 1 else ''} "
                       f"{', '.join(cut.custom)}, which {'have' if len(cut.custom) > 1 else 'has'} "
                       "no symbolic form")
    difference = mine - grad
    proved, why = _zero(f, difference)
    if not proved and not node.is_leaf:
        # the node's own symbol may stand for its expression in the leaves: substitute it
        full = _Symbols(graph, (), "check_formula", assume)
        difference = difference.xreplace({cut.symbol(node): full.expr(node)})
        proved, why = _zero(f, difference)
    result.difference = difference
    return proved, why


def _domain_assumptions(graph: Graph) -> dict[Value, dict[str, bool]]:
    """What the domains of the graph's ops say of their inputs, as SymPy assumptions:
    acosh's input (x >= 1) and log's (x > 0) are positive, sqrt's non-negative, a
    divisor nonzero.  They hold wherever the graph is defined, which is where the
    formula is checked; a proof may need them (1/sqrt(x**2 - 1) is acosh' for x >= 1)."""
    out: dict[Value, dict[str, bool]] = {}
    for node in graph.nodes:
        row = node._row
        if row is None or is_custom(row):
            continue
        for domain in row.domain:
            said = _assumption(domain.condition) if domain.condition else None
            if said is None or said[0] >= len(node.parents):
                continue
            index, assumption = said
            out.setdefault(node.parents[index], {})[assumption] = True
    return out


@lru_cache(maxsize=64)
def _assumption(condition: str) -> tuple[int, str] | None:
    """(input index, assumption) that a domain's condition ``x > 0`` or ``y != 0`` gives."""
    tree = parse_formula(condition).tree.body
    if not (isinstance(tree, ast.Compare) and len(tree.ops) == 1 and isinstance(tree.left, ast.Name)
            and tree.left.id in ("x", "y")):
        return None
    bound = tree.comparators[0]
    try:
        c = _constant(bound)
    except AssertionError:
        return None
    op = tree.ops[0]
    index = 0 if tree.left.id == "x" else 1
    if (isinstance(op, ast.Gt) and c >= 0) or (isinstance(op, ast.GtE) and c > 0):
        return index, "positive"
    if isinstance(op, ast.GtE) and c == 0:
        return index, "nonnegative"
    if isinstance(op, ast.NotEq) and c == 0:
        return index, "nonzero"
    return None


def _draw(rng: np.random.Generator, recorded: float) -> float:
    """A value for a leaf: near its recorded value, with its sign, or anywhere in [-3, 3]."""
    kind = int(rng.integers(3))
    if kind == 0 or recorded == 0.0:
        return float(rng.uniform(-3.0, 3.0))
    if kind == 1:
        return float(recorded + rng.normal() * max(1.0, abs(recorded)))
    return float(recorded * math.exp(0.5 * rng.normal()))

