"""atan2's second partials under create_graph: symmetric, exact at |x| = |y|, in every mode.

Built as y * (1/r), ∂/∂y of y/r was 1/r - 2y²/r², two terms of size 1/r that cancel
at |x| = |y|: ±7e283 at x = y = 1e-150 where the exact value is 0, ±inf at 1e-300,
and a different number in the other order.  atan2's slopes are now rows of the table
(atan2_dx, atan2_dy) whose own slopes are the closed forms -2xy/r², (x² - y²)/r² and
2xy/r², computed from x and y scaled by a power of two.

Oracles: sympy's exact second partials of atan2 (rational functions, exactly 0 at
|x| = |y|), evaluated in exact rational arithmetic at the float64 inputs, and
PyTorch's create_graph where the value is far from cancelling.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import sympy as sp

from autograd import Value, gradients, ops
from autograd._math_plane import atan2_dx_slopes, atan2_dy_slopes
from autograd.nodes import apply2

_x, _y = sp.symbols("x y", real=True)
_ATAN2 = sp.atan2(_x, _y)  # atan2(x, y): the angle of the point (y, x), math.atan2's order
_HESSIAN = [[sp.factor(sp.diff(_ATAN2, a, b)) for b in (_x, _y)] for a in (_x, _y)]


def _exact(a: float, b: float) -> list[list[float]]:
    """The Hessian at the float64 inputs in exact rational arithmetic, then rounded
    (every entry is a rational function: no digits are lost on the way)."""
    point = {_x: sp.Rational(a), _y: sp.Rational(b)}
    return [[_rounded(h.subs(point)) for h in row] for row in _HESSIAN]


def _rounded(q: Any) -> float:
    try:
        return float(q)
    except OverflowError:  # beyond the largest float: the float64 value is +-inf
        return math.copysign(math.inf, q)


def _hessian(a: Any, b: Any) -> list[list[Any]]:
    """∂²atan2/∂u∂v by create_graph, on floats or on batches (one row per sample)."""
    x, y = Value(a, label="x"), Value(b, label="y")
    out = x.atan2(y)
    batch = out.is_batch
    gx, gy = gradients(out.sum() if batch else out, [x, y], create_graph=True)
    rows = []
    for g in (gx, gy):
        h = gradients(g.sum() if batch else g, [x, y], allow_unused=True)
        rows.append([np.asarray(getattr(d, "data", d), dtype=np.float64) for d in h])
    return rows


def _ulps(got: float, want: float) -> float:
    if got == want:
        return 0.0
    return abs(got - want) / math.ulp(want) if want != 0.0 else math.inf


POINTS = [(1e-150, 1e-150), (-1e-150, 1e-150), (1e-300, 1e-300), (1e-300, -1e-300),
          (3e-320, 3e-320), (2.0, 2.0), (-7.5, 7.5), (1e150, 1e150), (0.3, -0.7),
          (1e-200, 3e-200), (5e-324, 1e-323), (1e-8, 2.5), (1e200, -3e199)]


@pytest.mark.parametrize(("a", "b"), POINTS)
def test_the_hessian_is_the_exact_one_and_symmetric_in_float_mode(a: float, b: float) -> None:
    want = _exact(a, b)
    got = _hessian(a, b)
    assert got[0][1] == got[1][0], (got[0][1], got[1][0])  # the same number in both orders
    for i in range(2):
        for j in range(2):
            g, w = float(got[i][j]), want[i][j]
            if w == 0.0 or math.isinf(w) or abs(w) > 1.7e308:
                assert g == w or (math.isinf(g) and math.copysign(1, g) == math.copysign(1, w)), \
                    (i, j, g, w)
            else:
                assert _ulps(g, w) <= 8, (i, j, g, w)


def test_a_batch_gives_float_modes_hessian_bit_for_bit() -> None:
    xs = np.array([p[0] for p in POINTS])
    ys = np.array([p[1] for p in POINTS])
    batch = _hessian(xs, ys)
    for k, (a, b) in enumerate(POINTS):
        single = _hessian(a, b)
        for i in range(2):
            for j in range(2):
                assert float(batch[i][j][k]) == float(single[i][j]) or (
                    math.isnan(batch[i][j][k]) and math.isnan(single[i][j])), (a, b, i, j)


def test_the_mixed_partial_at_equal_magnitudes_is_exactly_zero() -> None:
    for t in (1e-300, 1e-150, 1e-8, 1.0, 3.0, 1e150, 1e300):
        for a, b in ((t, t), (-t, t), (t, -t), (-t, -t)):
            h = _hessian(a, b)
            assert h[0][1] == 0.0 and h[1][0] == 0.0, (a, b, h)


def test_first_derivatives_under_create_graph_are_the_plain_passes() -> None:
    for a, b in POINTS:
        x, y = Value(a), Value(b)
        plain = gradients(x.atan2(y), [x, y])
        graph = gradients(x.atan2(y), [x, y], create_graph=True)
        assert [g.data for g in graph] == list(plain), (a, b)


def test_the_origin_and_infinite_inputs_keep_their_conventions() -> None:
    # at the origin the slopes are the constant 0 (PyTorch's), so the Hessian is 0; at an
    # infinite input the slopes are signed zeros, their limits, and the Hessian is 0
    for a, b in ((0.0, 0.0), (math.inf, 1.0), (2.0, -math.inf), (math.inf, math.inf)):
        h = _hessian(a, b)
        assert all(float(v) == 0.0 for row in h for v in row), (a, b, h)


def test_pytorch_agrees_where_nothing_cancels() -> None:
    torch = pytest.importorskip("torch")
    for a, b in ((0.3, -0.7), (1e-8, 2.5), (-7.5, 7.25), (40.0, 1e-3)):
        x = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        y = torch.tensor(b, dtype=torch.float64, requires_grad=True)
        gx, gy = torch.autograd.grad(torch.atan2(x, y), [x, y], create_graph=True)
        want = [[float(d) for d in torch.autograd.grad(g, [x, y], retain_graph=True)]
                for g in (gx, gy)]
        got = _hessian(a, b)
        for i in range(2):
            for j in range(2):
                assert float(got[i][j]) == pytest.approx(want[i][j], rel=1e-13, abs=1e-300)


SPECIAL = [(0.0, 0.0), (math.inf, 1.0), (-2.0, math.inf), (-math.inf, -math.inf)]


def test_the_rows_own_slopes_at_the_origin_and_an_infinite_input_are_0() -> None:
    """The rows are the table's, usable on their own: at the origin (their kink, where
    atan2's slopes are the constant 0) and at an infinite input (where they are signed
    zeros, their limits) their own slopes are 0, not the nan of 0 * inf, on numbers, on
    a batch, and on Values under create_graph (floats and a batch beside a plain point)."""
    for rule in (atan2_dx_slopes, atan2_dy_slopes):
        for a, b in SPECIAL:
            assert [float(v) for v in rule(a, b, None)] == [0.0, 0.0], (rule, a, b)
        got = rule(np.array([a for a, _ in SPECIAL]), np.array([b for _, b in SPECIAL]), None)
        assert all(np.array_equal(np.abs(g), np.zeros(len(SPECIAL))) for g in got)
    for row in (ops.ATAN2_DX, ops.ATAN2_DY):
        for a, b in SPECIAL:
            x, y = Value(a), Value(b)
            graph = gradients(apply2(row, x, y), [x, y], create_graph=True)
            assert [g.data for g in graph] == [0.0, 0.0], (row.name, a, b)
        xs = np.array([a for a, _ in SPECIAL] + [0.3])
        ys = np.array([b for _, b in SPECIAL] + [-0.7])
        x, y = Value(xs), Value(ys)
        graph = gradients(apply2(row, x, y).sum(), [x, y], create_graph=True)
        exact = _exact(0.3, -0.7)[0 if row is ops.ATAN2_DX else 1]
        for k, g in enumerate(graph):
            assert np.array_equal(np.abs(g.data[:-1]), np.zeros(len(SPECIAL))), (row.name, g.data)
            assert _ulps(float(g.data[-1]), exact[k]) <= 8, (row.name, k, g.data[-1], exact[k])
