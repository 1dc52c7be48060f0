"""Cases a fuzzing run found (issue 15): limits at +-inf of second derivatives, and
first derivatives at subnormal operands, in float, batch and create_graph modes.

* d²/dx² atan(x) at inf was nan in every mode (its slope 1/(1 + x²), differentiated,
  is -2x/(1 + x²)², inf/inf); the limit is 0, as for asinh, cbrt, erf, erfc and
  softsign (tanh, sigmoid and exp gave 0 already).  The oracle is sympy's limit.
* ∂(x**y)/∂x at x = y = 5e-324 was inf (z / x overflows; y·z/x is 1), and
  ∂(x/y)/∂y at (5e-324, 1e-310) was -inf (1/y overflows; -z/y is -4.9e296).  The
  oracle is mpmath at the float inputs themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp

import autograd
from autograd import Value

MODES = ["float", "batch", "create_graph"]
t = sp.Symbol("t", real=True)
UNARY: dict[str, Any] = {
    "atan": sp.atan(t),
    "asinh": sp.asinh(t),
    "cbrt": sp.sign(t) * sp.Abs(t) ** sp.Rational(1, 3),
    "erf": sp.erf(t),
    "erfc": sp.erfc(t),
    "softsign": t / (1 + sp.Abs(t)),
}


def _second(f: Callable[[Value], Value], x: float, mode: str) -> float:
    """f''(x) under create_graph; for a batch, sample 0 beside a companion at 0.5."""
    if mode == "batch":
        v = Value(np.array([x, 0.5]))
        (g,) = autograd.gradients(f(v).sum(), [v], create_graph=True)
        (h,) = autograd.gradients(g.sum(), [v], allow_unused=True)
        return float(np.asarray(h)[0])
    v = Value(x)
    (g,) = autograd.gradients(f(v), [v], create_graph=True)
    if not isinstance(g, Value) or not g.requires_grad:
        return 0.0  # a constant first derivative: its slope is 0
    (h,) = autograd.gradients(g, [v], allow_unused=True)
    return float(h)


@pytest.mark.parametrize("mode", ["float", "batch"])
@pytest.mark.parametrize("side", [1, -1])
@pytest.mark.parametrize("name", list(UNARY))
def test_a_second_derivative_at_an_infinity_is_its_limit(name: str, side: int, mode: str) -> None:
    limit = float(sp.limit(sp.diff(UNARY[name], t, 2), t, side * sp.oo))
    got = _second(lambda v: getattr(v, name)(), side * math.inf, mode)
    assert got == limit, (name, side, mode, got, limit)


@pytest.mark.parametrize("mode", ["float", "batch"])
def test_the_limit_carries_through_a_composition(mode: str) -> None:
    """hypot(x, erf(x)) = sqrt(x² + erf(x)²): its second derivative tends to 0 at inf
    (it was nan in every mode, from erf's slope)."""
    form = sp.sqrt(t**2 + sp.erf(t) ** 2)
    assert sp.limit(sp.diff(form, t, 2), t, sp.oo) == 0
    assert _second(lambda v: v.hypot(v.erf()), math.inf, mode) == 0.0


def _pow_partials(x: Any, y: Any) -> list[Any]:
    return [y * x ** (y - 1), x**y * mpmath.log(x)]


def _div_partials(x: Any, y: Any) -> list[Any]:
    return [1 / y, -x / y**2]


def _exact(partials: Callable[..., list[Any]], at: list[float]) -> list[float]:
    """The closed-form partials at the float inputs, by mpmath at 60 digits (rounded to
    float64: -inf where the exact value is beyond the largest float)."""
    with mpmath.workdps(60):
        return [float(d) for d in partials(*(mpmath.mpf(a) for a in at))]


def _firsts(f: Callable[..., Value], at: list[float], mode: str) -> list[float]:
    if mode == "batch":
        leaves = [Value(np.array([a, 2.0])) for a in at]
        f(*leaves).sum().backward()
        return [float(v.grad[0]) for v in leaves]  # type: ignore[index]
    leaves = [Value(a) for a in at]
    if mode == "float":
        f(*leaves).backward()
        return [float(v.grad) for v in leaves]  # type: ignore[arg-type]
    grads = autograd.gradients(f(*leaves), leaves, create_graph=True)
    return [float(getattr(g, "data", g)) for g in grads]


SUBNORMAL = [
    ("x**y at (5e-324, 5e-324)", lambda x, y: x**y, _pow_partials, [5e-324, 5e-324]),
    ("x**y at (1e-310, 1e-300)", lambda x, y: x**y, _pow_partials, [1e-310, 1e-300]),
    ("x**y at (3e-320, 1e-15)", lambda x, y: x**y, _pow_partials, [3e-320, 1e-15]),
    ("x/y at (5e-324, 1e-310)", lambda x, y: x / y, _div_partials, [5e-324, 1e-310]),
    ("x/y at (1e-300, -3e-310)", lambda x, y: x / y, _div_partials, [1e-300, -3e-310]),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "f", "partials", "at"), SUBNORMAL, ids=[c[0] for c in SUBNORMAL])
def test_first_derivatives_at_subnormal_operands_are_finite_and_exact(
        name: str, f: Callable[..., Any], partials: Callable[..., list[Any]], at: list[float],
        mode: str) -> None:
    got = _firsts(f, at, mode)
    for k, (g, exact) in enumerate(zip(got, _exact(partials, at))):
        if math.isinf(exact):
            assert g == exact, (name, k, g)
        else:
            assert g == pytest.approx(exact, rel=1e-14), (name, mode, k, g, exact)


@pytest.mark.parametrize("mode", MODES)
def test_x_to_the_x_at_the_smallest_float(mode: str) -> None:
    """d/dx x**x = x**x (1 + log x): -743.44 at 5e-324 (it was +inf: 1 + inf)."""
    got = _firsts(lambda x: x**x, [5e-324], mode)[0]
    exact = _exact(lambda x: [x**x * (1 + mpmath.log(x))], [5e-324])[0]
    assert got == pytest.approx(exact, rel=1e-14)


def test_the_scaled_quotient_leaves_the_other_samples_alone() -> None:
    """Beside a subnormal base, a sample at (1, 1e308) keeps y·z/x = 1e308: its own x and
    y are not scaled (y·2 would overflow), only the subnormal sample's are."""
    x, y = Value(np.array([5e-324, 1.0])), Value(np.array([5e-324, 1e308]))
    (x**y).sum().backward()
    assert x.grad.tolist() == [1.0, 1e308]  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", ["float", "batch"])
def test_the_third_derivative_of_sqrt_at_zero_is_its_limit(mode: str) -> None:
    """sqrt''' = 3/(8 x^(5/2)) tends to +inf at 0+; the third pass differentiates the
    IEEE node 1/sqrt(x) at 0, a division by a zero Value, whose slope -z/y is then
    -z * (1/y), IEEE's, not a ZeroDivisionError."""
    assert sp.limit(sp.diff(sp.sqrt(t), t, 3), t, 0, "+") == sp.oo
    x = Value(np.array([0.0, 4.0]) if mode == "batch" else 0.0)
    level: Any = x.sqrt()
    for last in (False, False, True):
        root = level.sum() if mode == "batch" else level
        (level,) = autograd.gradients(root, [x], create_graph=not last, allow_unused=True)
    got = np.ravel(getattr(level, "data", level))
    assert got[0] == math.inf
    if mode == "batch":
        assert got[1] == pytest.approx(3.0 / (8.0 * 4.0**2.5), rel=1e-14)


def test_a_slope_that_overflows_in_a_batch_is_inf_without_a_warning() -> None:
    """d(x/y)/dy = -x/y**2 = -1e400 at (1e200, 1e-100): -inf, the exact value rounded, in
    both modes, and no numpy RuntimeWarning (pytest makes one an error)."""
    x, y = Value(np.array([1e200, 1.0])), Value(np.array([1e-100, 2.0]))
    (x / y).sum().backward()
    assert y.grad.tolist() == [-math.inf, -0.25]  # type: ignore[union-attr]
    a, b = Value(1e200), Value(1e-100)
    (a / b).backward()
    assert b.grad == -math.inf


@pytest.mark.parametrize("mode", ["float", "batch", "create_graph"])
@pytest.mark.parametrize("side", [1, -1])
@pytest.mark.parametrize("name", list(UNARY))
def test_a_first_derivative_at_an_infinity_is_its_limit(name: str, side: int, mode: str) -> None:
    """The slopes' limits at +-inf, which the rows now state (sympy's limit of f')."""
    limit = float(sp.limit(sp.diff(UNARY[name], t), t, side * sp.oo))
    if mode == "batch":
        v = Value(np.array([side * math.inf, 0.5]))
        getattr(v, name)().sum().backward()
        got = float(v.grad[0])  # type: ignore[index]
    else:
        v = Value(side * math.inf)
        if mode == "float":
            getattr(v, name)().backward()
            got = float(v.grad)  # type: ignore[arg-type]
        else:
            (g,) = autograd.gradients(getattr(v, name)(), [v], create_graph=True)
            got = float(getattr(g, "data", g))
    assert got == limit, (name, side, mode, got)
