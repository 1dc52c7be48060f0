"""log_softmax and softmax at a dominant input: every slope exact to a few ulps.

Built as v_i - logsumexp(v), the largest input's own slope was 1 - p, two
chain-rule terms whose difference keeps p's absolute rounding error (3.8e-8
relative off at a logit of 20, PyTorch's too).  The oracle is mpmath at 50
digits on the formulas, differentiated by mpmath itself (no engine code).
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value

REL = 2e-15  # the old 1 - p was off by 1e-13 to 1e-7 relative at these points


def _exact(xs: list[float], soft: bool) -> tuple[list[float], list[list[float]]]:
    """Each output and its Jacobian J[i][j] = d out_i / d x_j, by mpmath from the
    formulas: log_softmax' = delta_ij - p_j, softmax' = p_i (delta_ij - p_j)."""
    with mpmath.workdps(50):
        X = [mpmath.mpf(x) for x in xs]
        top = max(X)
        e = [mpmath.exp(x - top) for x in X]
        total = mpmath.fsum(e)
        p = [t / total for t in e]
        values = [float(q) if soft else float(x - top - mpmath.log(total)) for q, x in zip(p, X)]
        jac = [[float((p[i] if soft else 1) * ((i == j) - p[j])) for j in range(len(X))]
               for i in range(len(X))]
    return values, jac


def _close(got: float, want: float, rel: float = REL) -> bool:
    return got == want or abs(got - want) <= rel * abs(want) + 1e-300


DOMINANT = [[20.0, 0.0], [30.0, 1.0, -2.0], [-3.0, 25.0, 0.5], [0.0, 36.0], [5.0, 5.0, 1.0],
            [3.0, 3.0, 3.0], [700.0, 690.0, -700.0], [1e-8, 0.0, -1e-8], [12.0, -np.inf, 0.0]]


def _jacobian_float(xs: list[float], fn: Any, create_graph: bool) -> tuple[list[float], list[list[float]]]:
    vs = [Value(x) for x in xs]
    out = fn(vs)
    rows = []
    for o in out:
        g = autograd.gradients(o, vs, create_graph=create_graph, allow_unused=True)
        rows.append([float(getattr(d, "data", d)) for d in g])
    return [float(o.data) for o in out], rows


@pytest.mark.parametrize("xs", DOMINANT, ids=str)
@pytest.mark.parametrize("soft", [False, True], ids=["log_softmax", "softmax"])
@pytest.mark.parametrize("mode", ["float", "create_graph", "batch"])
def test_every_slope_is_exact_at_a_dominant_input(xs: list[float], soft: bool, mode: str) -> None:
    fn = autograd.softmax if soft else autograd.log_softmax
    values, jac = _exact(xs, soft)
    if mode == "batch":  # the point beside two others whose top input is another one
        others = [[0.0] * len(xs), [float(k) for k in range(len(xs))]]
        cols = [Value(np.array([x, *(o[k] for o in others)])) for k, x in enumerate(xs)]
        out = fn(cols)
        got_values = [float(o.data[0]) for o in out]
        got = [[float(g[0]) for g in autograd.gradients(o, cols, grad=np.array([1.0, 0.0, 0.0]),
                                                          allow_unused=True)] for o in out]
        want_others = [_jacobian_float(o, fn, False) for o in others]
        for s, (v, j) in enumerate(want_others, start=1):  # the other samples: float mode's
            assert [float(o.data[s]) for o in out] == pytest.approx(v, rel=1e-15, abs=1e-300)
            seed = np.zeros(3)
            seed[s] = 1.0
            for i, o in enumerate(out):
                g = autograd.gradients(o, cols, grad=seed, allow_unused=True)
                assert [float(d[s]) for d in g] == pytest.approx(j[i], rel=1e-15, abs=1e-300)
    else:
        got_values, got = _jacobian_float(xs, fn, mode == "create_graph")
    # softmax's p = e**log_softmax inherits the absolute error of its log (an ulp of
    # 32 is 7e-15 relative in p); the old 1 - p was 4e-8 off at these points
    rel = 1e-14 if soft else REL
    for g, w in zip(got_values, values):
        assert _close(g, w, rel), (got_values, values)
    for i in range(len(xs)):
        for j in range(len(xs)):
            assert _close(got[i][j], jac[i][j], rel), (i, j, got[i][j], jac[i][j])


def test_second_derivative_at_the_top_is_exact() -> None:
    """d^2/dx_0^2 log_softmax_0 = -p_0 (1 - p_0), with 1 - p_0 the other inputs' p."""
    xs = [30.0, 1.0, -2.0]
    vs = [Value(x) for x in xs]
    first = autograd.gradients(autograd.log_softmax(vs)[0], vs, create_graph=True)[0]
    second = autograd.gradients(first, vs)
    with mpmath.workdps(50):
        X = [mpmath.mpf(x) for x in xs]
        p = [mpmath.exp(x) / mpmath.fsum(mpmath.exp(t) for t in X) for x in X]
        want = [float(-p[0] * (1 - p[0])), float(p[0] * p[1]), float(p[0] * p[2])]
    for g, w in zip(second, want):
        assert _close(float(g), w, 1e-14), (second, want)


def test_a_tie_for_the_top_gives_slopes_that_cancel_exactly() -> None:
    """softmax([x, x, x])[0] is 1/3 for every x: the top's own slope is exactly 0 (it was
    2.8e-17, which x / softmax(...)[0] multiplied by x**2); the other outputs keep the
    tie's noise, 1 - 3 * (1/3 rounded)."""
    for x in (2.0, 1e150, -7.5):
        v = Value(x)
        assert autograd.gradients(autograd.softmax([v, v, v])[0], v) == 0.0
        assert autograd.gradients(autograd.log_softmax([v, v, v])[0], v) == 0.0


def test_an_infinite_or_nan_input_gives_one_outcome_in_every_mode() -> None:
    """A single +inf top is a top: log_softmax is its limit [0, -inf] (softmax [1, 0]) with
    the limits' slopes, 0 (the composition gave inf - inf = nan); a nan or two infinite
    tops keep the composition's nan.  A batch gives each sample float mode's values and
    slopes whatever its other samples are (its sample beside finite ones was nan)."""
    cases = ([math.inf, 1.0], [math.inf, 40.0, 40.0], [math.nan, 0.0], [math.inf, math.inf],
             [-math.inf, -math.inf])
    for xs in cases:
        vs = [Value(x) for x in xs]
        floats = [o.data for o in autograd.log_softmax(vs)]
        slopes = autograd.gradients(autograd.log_softmax(vs)[0], vs)
        if xs[0] == math.inf and xs.count(math.inf) == 1:
            assert floats == [0.0] + [-math.inf] * (len(xs) - 1)
            assert [abs(s) for s in slopes] == [0.0] * len(xs)
        for other in ([0.5] * len(xs), [float(k) for k in range(len(xs))]):
            cols = [Value(np.array([x, o])) for x, o in zip(xs, other)]
            out = autograd.log_softmax(cols)
            np.testing.assert_array_equal([o.data[0] for o in out], floats)
            got = autograd.gradients(out[0], cols, grad=np.array([1.0, 0.0]))
            np.testing.assert_array_equal([abs(g[0]) for g in got], [abs(s) for s in slopes])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-60.0, 60.0), min_size=2, max_size=5))
def test_random_logits_have_exact_slopes(xs: list[float]) -> None:
    values, jac = _exact(xs, False)
    got_values, got = _jacobian_float(xs, autograd.log_softmax, False)
    # e**(x_j - top) inherits the rounding of x_j - top, an ulp of the span: the
    # condition of the exp, not an error of the rule (the old 1 - p was 4e-8 off at 20)
    rel = 4e-15 + 2.3e-16 * (max(xs) - min(xs))
    for i in range(len(xs)):
        assert _close(got_values[i], values[i], rel), (got_values, values)
        for j in range(len(xs)):
            assert _close(got[i][j], jac[i][j], rel), (i, j, got, jac)
