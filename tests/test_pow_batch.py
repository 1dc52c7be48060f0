"""A batch sample's second derivatives of x**y do not depend on the other samples.

create_graph builds x**y's slopes in one of several forms, chosen from the data:
y·z/x where that is exact, the table's pow_dx and pow_dy rows at a zero or
infinite base, y·x^(y−1) elsewhere, a limit at an infinite exponent.  A batch
chose one form for all its samples, from the worst of them, so a sample's
Hessian changed with its companions (at (0.5, 0.1), beside (3, nan) and
(−3, 0), ∂²z/∂x² of (x·1e308)**y was −0.0 where float mode gives 2.4e29).  Each sample now
gets the form float mode gives it, and the forms are joined by cuts.  The oracle
is mpmath's exact Hessian; float mode is held to it as well.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np
import pytest

import autograd
from autograd import Value

mpmath.mp.dps = 50


def _hessian(f: Any, points: list[Any], sample: int = 0) -> np.ndarray:
    """The Hessian of f under create_graph (of sample ``sample`` for a batch)."""
    leaves = [Value(p) for p in points]
    out = f(*leaves)
    batch = out.data.__class__ is not float
    firsts = autograd.gradients(out.sum() if batch else out, leaves, create_graph=True)
    rows = []
    for g in firsts:
        row = autograd.gradients(g.sum() if batch else g, leaves, allow_unused=True)
        rows.append([float(np.ravel(h)[sample]) for h in row])
    return np.array(rows)


def _exact(c: float, x: float, y: float) -> np.ndarray:
    """The Hessian of (c·x)**y by mpmath, for c·x > 0."""
    c_, x_, y_ = mpmath.mpf(c), mpmath.mpf(x), mpmath.mpf(y)
    b = c_ * x_
    z, lb = b ** y_, mpmath.log(b)
    xx = y_ * (y_ - 1) * c_ * c_ * b ** (y_ - 2)
    xy = c_ * b ** (y_ - 1) * (1 + y_ * lb)
    yy = z * lb * lb
    return np.array([[float(xx), float(xy)], [float(xy), float(yy)]])


# companions that make float mode pick each of the other forms for themselves
COMPANIONS = [
    (0.0, 2.0),         # a zero base: pow_dx's and pow_dy's rows
    (0.0, 0.5),
    (3.0, math.nan),    # a nan exponent
    (math.nan, 2.0),    # a nan base
    (-3.0, 0.0),        # y = 0: x**0 is flat
    (2.0, math.inf),    # an infinite exponent: the limit
    (1e300, 3.0),       # z overflows: the power form
    (1e-300, 2.0),      # z underflows
    (-2.0, 3.0),        # a negative base, an integer exponent
    (1e-31, 10.0),      # z = 1e-310 is subnormal (y·z/x would keep its 30 bits): the power form
]
POINTS = [(0.5, 0.1), (0.75, 0.75), (2.0, 0.5), (3.0, -2.0), (1.5, 7.0), (0.001, -math.pi)]


@pytest.mark.parametrize("point", POINTS, ids=str)
def test_a_samples_hessian_of_a_power_is_exact_beside_any_companion(point: tuple[float, float]) -> None:
    x, y = point
    exact = _exact(1.0, x, y)
    assert _hessian(_pow, [x, y]) == pytest.approx(exact, rel=1e-13)
    for cx, cy in COMPANIONS:
        got = _hessian(_pow, [np.array([x, cx]), np.array([y, cy])])
        assert got == pytest.approx(exact, rel=1e-13), (cx, cy, got)


@pytest.mark.parametrize("scale", [1.0, 1e308, 1e-300])
@pytest.mark.parametrize("point", POINTS, ids=str)
def test_each_sample_of_a_batch_gets_float_modes_hessian(point: tuple[float, float], scale: float) -> None:
    """Both samples, for (c·x)**y too, where an intermediate of the chain over- or
    underflows (float mode is then off the exact value, as README says, but a
    batch is off by the same)."""
    def f(x: Value, y: Value) -> Value:
        return (x * scale) ** y

    for companion in COMPANIONS:
        samples = [np.array([point[0], companion[0]]), np.array([point[1], companion[1]])]
        for k, alone in enumerate((point, companion)):
            got = _hessian(f, samples, sample=k)
            want = _hessian(f, list(alone))
            assert got == pytest.approx(want, rel=1e-14, abs=0.0, nan_ok=True), (companion, k, got, want)


def _pow(x: Value, y: Value) -> Value:
    return x ** y


def test_a_nan_base_beside_an_infinite_exponent_keeps_float_modes_slopes() -> None:
    """d²/dx² x**2 is the constant 2, at a nan base too (float mode: 2·1·nan**0); beside
    a sample with an infinite exponent the batch passed the nan base through a clamp,
    whose slope at nan is nan, and gave nan."""
    alone = _hessian(lambda x, y: x ** y, [math.nan, 2.0])
    assert alone[0, 0] == 2.0
    got = _hessian(lambda x, y: x ** y, [np.array([math.nan, 0.5]), np.array([2.0, math.inf])])
    assert np.array_equal(got, alone, equal_nan=True)
