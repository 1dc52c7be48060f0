"""Second derivatives of a batch under create_graph behind an infinity or a flat piece.

Float ``create_graph`` builds a flat piece's 0 and a limit (mish' at inf) as
constants: no edge, so the next pass sends nothing through them.  A batch's
gradient graph holds a cut there (a ``where`` node), and the next pass must give
the samples it does not pick no gradient at all: a 0 that met an infinite slope
below (a·b at a = inf) was nan.  Each case below was found by fuzzing (float and
batch modes disagreed); the oracles are finite differences and limits, not our
own float mode alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Value

Graph = Callable[..., Value]


def _hessian(f: Graph, points: list[Any]) -> list[list[float]]:
    """The Hessian of f at ``points`` under create_graph (of sample 0 for a batch)."""
    leaves = [Value(p, label=f"x{k}") for k, p in enumerate(points)]
    out = f(*leaves)
    batch = out.data.__class__ is not float
    firsts = autograd.gradients(out.sum() if batch else out, leaves, create_graph=True)
    rows = []
    for g in firsts:
        if not (isinstance(g, Value) and g.requires_grad):
            rows.append([0.0] * len(leaves))
            continue
        row = autograd.gradients(g.sum() if batch else g, leaves, allow_unused=True)
        rows.append([float(np.ravel(h)[0]) for h in row])
    return rows


def _batch_hessian(f: Graph, points: list[float], companion: list[float]) -> list[list[float]]:
    return _hessian(f, [np.array([p, c]) for p, c in zip(points, companion)])


def _second_difference(f: Graph, x: float, h: float = 1e-4) -> float:
    """d²f/dx² by central differences of the function's values."""
    def at(t: float) -> float:
        return float(f(Value(t)).data)
    return (at(x + h) - 2.0 * at(x) + at(x - h)) / (h * h)


CASES: list[tuple[str, Graph, list[float]]] = [
    ("x**relu(x) at -2", lambda x: x ** x.relu(), [-2.0]),
    ("mish(a*b) at a = inf", lambda a, b: (a * b).mish(), [math.inf, 0.025]),
    ("gelu(a*b) at a = -inf", lambda a, b: (a * b).gelu(), [-math.inf, 0.5]),
    ("silu(a*b) at a = inf", lambda a, b: (a * b).silu(), [math.inf, 2.0]),
    ("exp(maximum(a, b)) at a = 710", lambda a, b: a.maximum(b).exp(), [710.0, 3.0]),
    ("relu(a)*b at a = -1, b = inf", lambda a, b: a.relu() * (b * a), [-1.0, math.inf]),
]


@pytest.mark.parametrize(("name", "f", "points"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("companion", [0.75, -1.25])
def test_a_batch_hessian_behind_an_infinity_is_float_modes(
        name: str, f: Graph, points: list[float], companion: float) -> None:
    """Sample 0 of a batch has float mode's Hessian, whatever its companion."""
    want = _hessian(f, points)
    got = _batch_hessian(f, points, [companion + 0.5 * k for k in range(len(points))])
    assert np.array_equal(np.array(got), np.array(want), equal_nan=True), (name, got, want)
    assert not any(math.isnan(h) for row in want for h in row), (name, want)


def test_the_hessian_of_x_to_its_relu_at_minus_two_is_the_calculus() -> None:
    """relu(x) = 0 near -2, so x**relu(x) = 1 there: every derivative is 0 (finite
    differences agree); the batch's nan came from log(-2) behind relu's flat piece."""
    f = CASES[0][1]
    assert _second_difference(f, -2.0) == 0.0
    assert _hessian(f, [-2.0]) == [[0.0]]
    assert _batch_hessian(f, [-2.0], [0.5]) == [[0.0]]


def test_the_mixed_partial_of_mish_of_a_product_at_infinity_is_its_limit() -> None:
    """∂²/∂a∂b mish(ab) = mish'(ab) + ab·mish''(ab) tends to 1 as a → inf (mish' → 1,
    and ab·mish''(ab) → 0); ∂²/∂b² = a²·mish''(ab) tends to 0.  Finite differences at
    a large finite a agree; the batch form gave nan for both."""
    a, b = 1e3, 0.025
    h = 1e-5

    def grad_b(at_a: float, at_b: float) -> float:
        x, y = Value(at_a), Value(at_b)
        (x * y).mish().backward()
        return y.grad

    mixed = (grad_b(a + h * 1e3, b) - grad_b(a - h * 1e3, b)) / (2e3 * h)
    assert mixed == pytest.approx(1.0, abs=1e-9)
    rows = _batch_hessian(CASES[1][1], [math.inf, 0.025], [0.75, 1.25])
    assert rows[0][1] == rows[1][0] == 1.0
    assert rows[1][1] == 0.0


def test_a_user_where_still_multiplies_its_zero_into_an_infinite_slope() -> None:
    """The cut is internal: where() itself keeps PyTorch's rule (the side not picked
    gets 0, and 0 times sqrt's infinite slope at 0 is nan), in float and batch mode."""
    torch = pytest.importorskip("torch")
    t = torch.tensor([0.0, 4.0], dtype=torch.float64, requires_grad=True)
    torch.where(t > 0, t.sqrt(), torch.zeros_like(t)).sum().backward()
    x = Value(np.array([0.0, 4.0]))
    autograd.where(x > 0, x.sqrt(), 0.0).sum().backward()
    assert np.array_equal(x.grad, t.grad.numpy(), equal_nan=True)
    y = Value(0.0)
    autograd.where(y > 0, y.sqrt(), 0.0).backward()
    assert math.isnan(y.grad) and math.isnan(float(t.grad[0]))


# Graphs of one or two inputs over special values: batch create_graph against float
# create_graph, to the third derivative (a second create_graph pass cuts again).
GRAPHS: list[tuple[str, Graph, list[float]]] = [
    ("mish(a*b), a = inf", lambda a, b: (a * b).mish(), [math.inf, 0.5]),
    ("exp(where(0, a*b, b)), a = inf", lambda a, b: autograd.where(0.0, a * b, b).exp(), [math.inf, 0.5]),
    ("relu(relu(a) - b)*b", lambda a, b: (a.relu() - b).relu() * (b * b).exp(), [-1.0, 2.0]),
    ("relu(a)*(b*b).exp(), b = 30", lambda a, b: a.relu() * (b * b).exp(), [-1.0, 30.0]),
    ("elu(a.sinh())*b", lambda a, b: a.sinh().elu() * b, [1e300, 3.0]),
    ("hardswish(a*a*b)", lambda a, b: (a * a * b).hardswish(), [1e200, 2.0]),
    ("silu(a*b)*a", lambda a, b: (a * b).silu() * a, [-math.inf, 0.5]),
    ("gelu(a*b).exp()", lambda a, b: (a * b).gelu().exp(), [math.inf, 0.25]),
    ("x**relu(x)", lambda a, b: a ** a.relu() + b * b, [-2.0, 1.0]),
    ("maximum(a, b).exp()*b", lambda a, b: a.maximum(b).exp() * b, [710.0, 3.0]),
]


def _derivatives(f: Graph, points: list[Any], order: int) -> list[float]:
    """Every partial derivative of f up to ``order`` (of sample 0 for a batch), in a
    fixed order; nested create_graph passes."""
    leaves = [Value(p, label=f"x{k}") for k, p in enumerate(points)]
    level = [f(*leaves)]
    found: list[float] = []
    for k in range(order):
        last = k == order - 1
        nxt = []
        for g in level:
            if not (isinstance(g, Value) and g.requires_grad):
                found.extend([0.0] * len(leaves))
                nxt.extend([0.0] * len(leaves))
                continue
            root = g.sum() if g.data.__class__ is not float else g
            row = autograd.gradients(root, leaves, create_graph=not last, allow_unused=True)
            found.extend(float(np.ravel(getattr(h, "data", h))[0]) for h in row)
            nxt.extend(row)
        level = nxt
    return found


@pytest.mark.parametrize(("name", "f", "points"), GRAPHS, ids=[c[0] for c in GRAPHS])
def test_batch_derivatives_to_the_third_are_float_modes_sample_by_sample(
        name: str, f: Graph, points: list[float]) -> None:
    want = _derivatives(f, points, 3)
    for companion in ([0.75, -1.5], [points[0], -0.5]):
        got = _derivatives(f, [np.array([p, c]) for p, c in zip(points, companion)], 3)
        assert np.array_equal(np.array(got), np.array(want), equal_nan=True), (name, companion, got, want)


def _second(f: Graph, first: list[Any], then: list[Any]) -> list[Any]:
    """d(sum of d(sum f)/d first[0])/d then[k]: a second pass over a batch's gradient graph."""
    out = f(*first, *then)
    (g,) = autograd.gradients(out.sum(), [first[0]], create_graph=True)
    return [np.asarray(h).tolist() for h in autograd.gradients(g.sum(), then)]


def test_a_node_below_two_cuts_is_absent_only_where_both_cut_it() -> None:
    """d/dx (relu(x) e^w - relu(-x) e^w) is e^w at every x != 0 (one relu or the other
    is on its slope), so d/dw of it is e^w: e^w reaches each sample through one of
    the two cuts, and is absent only where neither passes it (the intersection)."""
    x, w = Value(np.array([-1.0, 1.0])), Value(np.array([0.0, 0.5]))
    def f(x: Value, w: Value) -> Value:
        y = w.exp()  # one node, below both cuts
        return x.relu() * y - (-x).relu() * y
    (gw,) = _second(f, [x], [w])
    assert gw == [1.0, math.exp(0.5)]


def test_a_float_node_below_a_cut_gets_the_samples_the_cut_passes() -> None:
    """sum(relu(x) e^w) with w a float: d/dx is e^w where x > 0, so d/dw of its sum is
    e^w times the number of positive samples, not 0 because one sample is cut."""
    x, w = Value(np.array([-1.0, 1.0, 2.0])), Value(0.25)
    (gw,) = _second(lambda x, w: x.relu() * w.exp(), [x], [w])
    assert gw == 2.0 * math.exp(0.25)


def test_a_user_where_in_a_graph_holding_cuts_keeps_pytorchs_rule() -> None:
    """A backward pass over a gradient graph (holding relu's cut) plus a user's where:
    the cut gives its side not picked nothing, the where gives 0, and 0 times sqrt's
    infinite slope at 0 is nan, as in PyTorch."""
    torch = pytest.importorskip("torch")
    tu = torch.tensor([-1.0, 1.0], dtype=torch.float64, requires_grad=True)
    tx = torch.tensor([0.0, 4.0], dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(tu.relu().sum(), tu, create_graph=True)
    ((tg * tx).sum() + torch.where(tx > 0, tx.sqrt(), torch.zeros_like(tx)).sum()).backward()
    u, x = Value(np.array([-1.0, 1.0])), Value(np.array([0.0, 4.0]))
    (g,) = autograd.gradients(u.relu().sum(), [u], create_graph=True)
    ((g * x).sum() + autograd.where(x > 0, x.sqrt(), 0.0).sum()).backward()
    assert np.array_equal(x.grad, tx.grad.numpy(), equal_nan=True) and math.isnan(x.grad[0])


def test_atan2_at_the_origin_passes_nothing_to_an_infinite_slope_below() -> None:
    """atan2's slopes at the origin are the constant 0 (PyTorch's convention): in float
    mode a constant, on a batch a cut, so sqrt's infinite slope at 0 below meets no 0
    (the batch's second derivatives there were nan, float mode's 0).  The other
    sample's are the calculus: d/dx of y/(x**2 + y) is -2xy/(x**2 + y)**2 for y = sqrt(b)."""
    def second(a: Any, b: Any) -> list[list[float]]:
        x, y = Value(a), Value(b)
        out = x.atan2(y.sqrt())
        batch = out.data.__class__ is not float
        gx, _ = autograd.gradients(out.sum() if batch else out, [x, y], create_graph=True)
        return [np.atleast_1d(h).tolist() for h in
                autograd.gradients(gx.sum() if batch else gx, [x, y], allow_unused=True)]
    assert second(0.0, 0.0) == [[0.0], [0.0]]
    got = second(np.array([0.0, 0.75]), np.array([0.0, 0.5]))
    assert [g[0] for g in got] == [0.0, 0.0]
    a, b = 0.75, 0.5
    s = math.sqrt(b)
    dxx = -2.0 * a * s / (a * a + b) ** 2
    dxy = (a * a - b) / (a * a + b) ** 2 / (2.0 * s)  # d/db of s/(a**2 + s**2), ds/db = 1/(2s)
    assert got[0][1] == pytest.approx(dxx, rel=1e-14) and got[1][1] == pytest.approx(dxy, rel=1e-14)
