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
table (:mod:`autograd.ops`) to SymPy (it lives in
:mod:`autograd.symbolic_forms`, which says how kinks and ties are written).
``sigmoid`` and ``softplus`` are SymPy functions of their own whose
derivatives are σ(1 − σ) and σ, so results read like the seeds' formulas,
``sigmoid(a)*(1 - sigmoid(a))``, rather than as exponentials
(``.rewrite(sympy.exp)`` gives those).

Custom ops (:func:`autograd.op`) have no symbolic form: :func:`to_sympy`
writes one as an undefined function of its inputs (``sympy.Function(name)``),
:func:`symbolic_grad` leaves its derivative unevaluated, and
:func:`check_formula` cannot prove a formula through it: it says so and
checks at random points.

User text is never given to ``sympy.sympify`` or ``parse_expr`` (both
evaluate Python): a text formula is parsed by :func:`autograd.expr.parse_formula`
and its syntax tree is turned into SymPy here, node by node.

This module holds the public functions; the pieces are
:mod:`autograd.symbolic_functions` (SymPy and the functions it lacks),
:mod:`autograd.symbolic_forms` (the table and a graph in SymPy),
:mod:`autograd.symbolic_formula` (the hand-derived formula and the verdict)
and :mod:`autograd.symbolic_proof` (showing a difference to be 0).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import numpy as np

from autograd.expr import parse
from autograd.graph import Graph
from autograd.notation import Latex
from autograd.symbolic_forms import SYMPY_FORMS, _refuse_batches, _resolve, _Symbols, is_custom
from autograd.symbolic_formula import (
    Counterexample,
    FormulaCheck,
    _as_float,
    _constant,
    _Formula,
    _sympy_value,  # noqa: F401 - part of this module's namespace (the tests read it here)
)
from autograd.symbolic_functions import INSTALL, SymPyMissingError, _functions, _sympy
from autograd.symbolic_proof import MAX_KINKS, PROOF_NODES, _tidy, _zero  # noqa: F401
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
    constant = _nonzero_constant(result.difference, theirs) if not proved else None
    if constant is not None:  # wrong everywhere by that much, if within the tolerance
        result.verdict = "wrong"
        result.reason = (f"SymPy reduces the formula minus the engine's derivative to the "
                         f"constant {constant:.6g}, not 0, beyond the rounding of constants")
        mine, theirs = hand.value(recorded), engine_at(graph.gradients())
        result.counterexample = counterexample("at the recorded point", {}, recorded, mine, theirs)
        return result
    if not variables and not proved:
        result.reason = "; ".join(filter(None, [result.reason, "the graph has no variables to "
                                                "draw random points for"]))
    return result


def _nonzero_constant(difference: Any, engine: float) -> float | None:
    """The number SymPy reduced formula - derivative to, when it is one and is larger than
    the rounding of the graph's float constants (1e-13 of the derivative): 1000001/1000000
    for 1 is wrong everywhere, though within the random points' tolerance."""
    if difference is None or not getattr(difference, "is_number", False):
        return None
    try:
        c = float(difference)
    except (TypeError, ValueError):  # (a complex or undefined number)
        return None
    if not math.isfinite(c) or abs(c) <= 1e-13 * max(1.0, abs(engine)):
        return None
    return c


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
    tree = parse(condition, condition=True).tree.body
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
