"""Second derivatives of tanh, asin, acos and atanh near 0, where their slopes' forms
once cancelled: tanh'' = -2 tanh sech^2 was 8.9e-5 relative off at 1e-12 and 0 below
1e-17, asin''/acos''/atanh'' 3.3e-5 off at 1e-12 (PyTorch's are exact there).

Oracle: the closed forms, by mpmath at 50 digits.
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np
import pytest

import autograd
from autograd import Value

EXACT = {
    "tanh": lambda x: -2 * mpmath.tanh(x) * mpmath.sech(x) ** 2,
    "asin": lambda x: x / (1 - x**2) ** mpmath.mpf(1.5),
    "acos": lambda x: -x / (1 - x**2) ** mpmath.mpf(1.5),
    "atanh": lambda x: 2 * x / (1 - x**2) ** 2,
}
# beyond 1/2, 1 - x*x would keep x*x's rounding (5e-10 relative at 1 - 2**-30)
POINTS = [1e-300, 1e-17, 1e-12, 1e-8, 1e-4, 0.1, 0.39, 0.41, 0.49, 0.51, 0.9, 0.999999,
          1 - 2.0**-30, 1 - 3 * 2.0**-40]


def _second(name: str, x: float) -> tuple[float, float]:
    v = Value(x)
    first = autograd.gradients(getattr(v, name)(), v, create_graph=True)
    return float(first.data), float(autograd.gradients(first, v))


@pytest.mark.parametrize("name", list(EXACT))
@pytest.mark.parametrize("x", [*POINTS, *(-p for p in POINTS)])
def test_the_second_derivative_is_exact_near_0_and_beyond(name: str, x: float) -> None:
    with mpmath.workdps(50):
        want = float(EXACT[name](mpmath.mpf(x)))
    first, got = _second(name, x)
    assert abs(got - want) <= 4e-15 * abs(want), (got, want)
    # create_graph's first derivative is the plain pass's, bit for bit
    v = Value(x)
    assert first == autograd.gradients(getattr(v, name)(), v)


@pytest.mark.parametrize("name", list(EXACT))
def test_a_batch_gives_each_sample_the_float_result(name: str) -> None:
    xs = np.array([1e-12, -0.3, 0.45, 0.7, -0.95, 1e-300, 1 - 2.0**-30, -(1 - 3 * 2.0**-40)])
    v = Value(xs)
    if name != "tanh":  # (a batch's plain tanh' is 1/cosh**2 for every sample: 3 ulps)
        plain = autograd.gradients(getattr(v, name)(), v, grad=np.ones_like(xs))
        assert np.array_equal(plain, [autograd.gradients(getattr(w, name)(), w)
                                      for w in (Value(float(x)) for x in xs)])
    first = autograd.gradients(getattr(v, name)(), v, create_graph=True)
    second = autograd.gradients(first, v, grad=np.ones_like(xs))
    assert np.array_equal(second, [_second(name, float(x))[1] for x in xs])
    assert np.array_equal(first.data, [_second(name, float(x))[0] for x in xs])


def test_mish_under_create_graph_is_the_plain_pass_and_its_slope_is_exact() -> None:
    """mish' on Values was the textbook tanh(sp) + x sigmoid(x) sech(sp)**2: 22 ulps off
    the plain pass's rational form, and its own slope 2% off at 25; the Values now
    build the same rational forms."""
    import random

    rng = random.Random(7)
    points = [rng.uniform(-30.0, 30.0) for _ in range(200)] + [-1.2922172983985476, 25.0, 0.0, 1e-8]

    def mish(t: Any) -> Any:
        return t * mpmath.tanh(mpmath.log1p(mpmath.exp(t)))

    for x in points:
        v = Value(x)
        first = autograd.gradients(autograd.mish(v), v, create_graph=True)
        w = Value(x)
        assert first.data == autograd.gradients(autograd.mish(w), w)
        second = autograd.gradients(first, v)
        with mpmath.workdps(60):
            want = float(mpmath.diff(mish, mpmath.mpf(x), 2))
        # near 30 mish'' is 1e-23 beside a slope of 1: its terms cancel to 1e-28 absolute
        assert abs(second - want) <= 1e-13 * abs(want) + 1e-27, (x, second, want)
