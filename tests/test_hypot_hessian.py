"""hypot's first and second partials, in every mode, against mpmath at 60 digits.

Built as x / z, d/dx of x/z was 1/z - x (x/z) / z**2, two terms that cancel where |y|
is small beside |x|: 0 at (1, 1e-8), where the exact y**2/z**3 is 1e-16, and 8e-8
relative off at (1, 1e-5).  hypot's slopes are now rows of the table (hypot_dx,
hypot_dy) whose own slopes are the closed forms y**2/z**3, -xy/z**3 and x**2/z**3.

Where hypot is subnormal or at the edge of the normal range: a subnormal z is rounded
to a few digits, so x / z is taken from x and y scaled by 2**600 (an exact scaling, a
z of full precision).  These points sit on each
side of that rule: z just below and exactly at the smallest normal, an input 0 beside a
subnormal one, a subnormal input beside a huge one, and batches that mix subnormal
samples with samples near overflow (where any scaling of the normal samples would
overflow them).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from autograd import Value, gradients
from tests import accuracy

_NORMAL = 2.0 ** -1022

POINTS = [(5e-324, 5e-324), (5e-324, 0.0), (0.0, -1e-320), (-3e-310, 2e-310),
          (_NORMAL, 0.0), (0.0, -_NORMAL), (_NORMAL / 2, _NORMAL / 2), (_NORMAL, _NORMAL),
          (2.0 ** -1023 + 5e-324, 2.0 ** -1024), (5e-324, 1.0), (-1e-310, 1e300),
          (5e-324, 1.7e308), (1e-315, -1.5e-320), (2.0 ** -300, 2.0 ** -850),
          (1.0, 1e-8), (1.0, -1e-5), (-3.0, 4.0), (1e-200, 1.0), (0.3, 0.3), (1e150, -1e140),
          (1.5e308, 1.5e308)]
BIG = [(1.7e308, 1.0), (1e308, -1e308), (-1.6e308, 3e307), (2.0, -1.75e308)]


def _exact(a: float, b: float) -> tuple[list[float], list[list[float]]]:
    """x/z, y/z and the Hessian y²/z³, -xy/z³, x²/z³ at 60 digits, then rounded."""
    mp = accuracy.mpmath
    with mp.workdps(60):
        x, y = mp.mpf(a), mp.mpf(b)
        z = mp.sqrt(x * x + y * y)
        first = [x / z, y / z]
        hessian = [[y * y / z ** 3, -x * y / z ** 3], [-x * y / z ** 3, x * x / z ** 3]]
        return [float(v) for v in first], [[_rounded(v) for v in row] for row in hessian]


def _rounded(v: Any) -> float:
    return float(v)  # (mpmath rounds beyond the largest float to +-inf)


def _close(got: float, want: float, ulps: int) -> bool:
    if math.isinf(want) or want == 0.0:
        return got == want
    return abs(got - want) <= ulps * math.ulp(want)


def _partials(a: Any, b: Any) -> tuple[list[Any], list[list[Any]]]:
    """The first partials (create_graph) and the Hessian, on floats or on a batch."""
    x, y = Value(a), Value(b)
    out = x.hypot(y)
    batch = out.is_batch
    first = gradients(out.sum() if batch else out, [x, y], create_graph=True)
    rows = []
    for g in first:
        h = gradients(g.sum() if batch else g, [x, y], allow_unused=True)
        rows.append([np.asarray(getattr(d, "data", d), dtype=np.float64) for d in h])
    return [np.asarray(g.data, dtype=np.float64) for g in first], rows


def _plain(a: Any, b: Any) -> list[Any]:
    x, y = Value(a), Value(b)
    out = x.hypot(y)
    return [np.asarray(g, dtype=np.float64) for g in
            gradients(out.sum() if out.is_batch else out, [x, y])]


@pytest.mark.parametrize(("a", "b"), POINTS)
def test_float_mode_first_and_second_partials_are_exact(a: float, b: float) -> None:
    first, hessian = _exact(a, b)
    plain = _plain(a, b)
    built, rows = _partials(a, b)
    for i in range(2):
        assert _close(float(plain[i]), first[i], 2), ("plain", i, plain[i], first[i])
        assert _close(float(built[i]), first[i], 2), ("create_graph", i, built[i], first[i])
        for j in range(2):
            assert _close(float(rows[i][j]), hessian[i][j], 8), (i, j, rows[i][j], hessian[i][j])


@pytest.mark.parametrize("order", ["tiny first", "big first"])
def test_a_batch_mixing_subnormal_and_near_overflow_samples_is_exact(order: str) -> None:
    points = POINTS + BIG if order == "tiny first" else BIG + POINTS
    xs, ys = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    plain = _plain(xs, ys)
    built, rows = _partials(xs, ys)
    bad = []
    for k, (a, b) in enumerate(points):
        first, hessian = _exact(a, b)
        for i in range(2):
            if not _close(float(plain[i][k]), first[i], 2):
                bad.append(f"batch d/d{'xy'[i]} at {(a, b)}: {plain[i][k]!r}, exact {first[i]!r}")
            if not _close(float(built[i][k]), first[i], 2):
                bad.append(f"create_graph d/d{'xy'[i]} at {(a, b)}: {built[i][k]!r}")
            for j in range(2):
                if not _close(float(rows[i][j][k]), hessian[i][j], 8):
                    bad.append(f"d2/d{'xy'[i]}d{'xy'[j]} at {(a, b)}: {rows[i][j][k]!r}, "
                               f"exact {hessian[i][j]!r}")
    assert not bad, "\n".join(bad[:12])


def test_one_value_beside_a_constant_is_exact() -> None:
    """hypot of a Value and a plain number (the other input a constant) under create_graph."""
    for a, b in POINTS:
        first, hessian = _exact(a, b)
        x = Value(a)
        (g,) = gradients(x.hypot(b), [x], create_graph=True)
        assert _close(g.data, first[0], 2), (a, b, g.data, first[0])
        (h,) = gradients(g, [x])
        assert _close(float(h), hessian[0][0], 8), (a, b, h, hessian[0][0])
        y = Value(b)
        (g,) = gradients(Value(a).hypot(y), [y], create_graph=True)
        assert _close(g.data, first[1], 2), (a, b, g.data, first[1])


def test_the_mixed_partial_is_the_same_number_in_both_orders() -> None:
    xs, ys = np.array([p[0] for p in POINTS]), np.array([p[1] for p in POINTS])
    for a, b in [*POINTS, (xs, ys)]:
        _, rows = _partials(a, b)
        assert np.array_equal(rows[0][1], rows[1][0]), (a, b)


def test_the_origin_and_infinite_inputs_keep_their_conventions() -> None:
    """At the origin (a cone's tip) the slopes are nan, as PyTorch's, and so is their
    Hessian; at an infinite input the slopes are their limits, constants, and the Hessian
    is 0 (each second partial is at most 1/z in size), as are the rows' own slopes."""
    from autograd import ops
    from autograd.nodes import apply2

    first, rows = _partials(0.0, 0.0)
    assert all(math.isnan(float(g)) for g in first)
    assert all(math.isnan(float(v)) for row in rows for v in row)
    for a, b in ((math.inf, 1.0), (-2.0, math.inf), (math.inf, -math.inf), (5e-324, -math.inf)):
        first, rows = _partials(a, b)
        assert all(float(v) == 0.0 for row in rows for v in row), (a, b, rows)
        for row in (ops.HYPOT_DX, ops.HYPOT_DY):
            x, y = Value(a), Value(b)
            assert [float(g) for g in gradients(apply2(row, x, y), [x, y])] == [0.0, 0.0]


def test_pytorch_agrees_where_nothing_cancels() -> None:
    """(PyTorch's second partials cancel too: 0 at (1e-8, 2.5) for x**2/z**3 = 6.4e-18.)"""
    torch = pytest.importorskip("torch")
    for a, b in ((0.3, -0.7), (2.0, 1.0), (-7.5, 7.25), (4.0, 3.0)):
        x = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        y = torch.tensor(b, dtype=torch.float64, requires_grad=True)
        gx, gy = torch.autograd.grad(torch.hypot(x, y), [x, y], create_graph=True)
        want = [[float(d) for d in torch.autograd.grad(g, [x, y], retain_graph=True)]
                for g in (gx, gy)]
        _, rows = _partials(a, b)
        for i in range(2):
            for j in range(2):
                assert float(rows[i][j]) == pytest.approx(want[i][j], rel=1e-9, abs=1e-300)


def test_third_derivatives_are_the_exact_ones() -> None:
    """The rows' own slopes are built from Values under create_graph: d3/dx3 of hypot,
    -3xy**2/z**5, within 1e-13 relative where nothing cancels."""
    for a, b in ((0.3, -0.7), (2.0, 1.0), (-1e-3, 5.0)):
        x = Value(a)
        (g,) = gradients(x.hypot(b), [x], create_graph=True)
        (h,) = gradients(g, [x], create_graph=True)
        (t,) = gradients(h, [x])
        mp = accuracy.mpmath
        with mp.workdps(60):
            exact = float(-3 * mp.mpf(a) * mp.mpf(b) ** 2 / (mp.mpf(a) ** 2 + mp.mpf(b) ** 2) ** 2.5)
        assert float(t) == pytest.approx(exact, rel=1e-13), (a, b, t, exact)


def test_the_rows_own_slopes_at_an_infinite_input_are_0_on_batches_and_under_create_graph() -> None:
    """hypot_dx and hypot_dy on their own: at an infinite input their slopes are 0 (the
    limits of the second partials), on a batch beside plain samples, and on Values under
    create_graph (a float, and a batch through a cut that leaves the plain sample's
    exact value)."""
    from autograd import ops
    from autograd.nodes import apply2

    special = [(math.inf, 1.0), (-2.0, math.inf), (math.inf, -math.inf)]
    xs = np.array([a for a, _ in special] + [0.3])
    ys = np.array([b for _, b in special] + [-0.7])
    _, hessian = _exact(0.3, -0.7)
    for k, row in enumerate((ops.HYPOT_DX, ops.HYPOT_DY)):
        x, y = Value(xs), Value(ys)
        plain = gradients(apply2(row, x, y).sum(), [x, y])
        built = gradients(apply2(row, x, y).sum(), [x, y], create_graph=True)
        for i in range(2):
            for got in (np.asarray(plain[i]), built[i].data):
                assert np.array_equal(got[:-1], np.zeros(len(special))), (row.name, i, got)
                assert _close(float(got[-1]), hessian[k][i], 8), (row.name, i, got[-1])
        for a, b in special:
            x, y = Value(a), Value(b)
            built = gradients(apply2(row, x, y), [x, y], create_graph=True)
            assert [g.data for g in built] == [0.0, 0.0], (row.name, a, b)
