"""logsumexp (and cross_entropy on it) at an input of +inf: the limits, as logaddexp's.

With one input at +inf (the others finite or -inf), logsumexp = that input, so its
slope is 1 there and 0 for the others, and every second derivative is 0; the
formula e**(x_i - m) gave inf - inf = nan for all.  Two infinite inputs or a nan have
no limit: nan.  Oracle: the limit of the exact softmax, by sympy, along x_0 -> +inf.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

import autograd
from autograd import Value
from autograd.losses import cross_entropy

INF = math.inf


def _limit_slopes(others: list[float]) -> list[float]:
    """d logsumexp / dx_i as x_0 -> +inf with the others fixed, by sympy."""
    t = sp.Symbol("t", real=True)
    xs = [t, *[sp.Float(v) if math.isfinite(v) else -sp.oo for v in others]]
    total = sum(sp.exp(x) for x in xs)
    return [float(sp.limit(sp.exp(x) / total, t, sp.oo)) for x in xs]


@pytest.mark.parametrize("others", [[5.0], [-INF, 2.0], [700.0, -700.0]], ids=str)
@pytest.mark.parametrize("mode", ["float", "create_graph", "batch", "batch create_graph"])
def test_one_infinite_input_gives_the_limits(others: list[float], mode: str) -> None:
    want = _limit_slopes(others)
    values = [INF, *others]
    if mode.startswith("batch"):  # the point beside an ordinary sample
        vs = [Value(np.array([v, 0.5 * k])) for k, v in enumerate(values)]
    else:
        vs = [Value(v) for v in values]
    seed = np.array([1.0, 0.0]) if mode.startswith("batch") else None
    out = autograd.logsumexp(vs)
    assert (out.data[0] if mode.startswith("batch") else out.data) == INF
    if mode.endswith("create_graph"):
        first = autograd.gradients(out, vs, grad=seed, create_graph=True)
        got = [float(g.data[0] if mode.startswith("batch") else g.data) for g in first]
        for g in first:  # flat out there: every second derivative is 0
            second = autograd.gradients(g, vs, grad=seed, allow_unused=True)
            assert [float(np.asarray(h).ravel()[0]) for h in second] == [0.0] * len(vs)
    else:
        got = [float(np.asarray(g).ravel()[0]) for g in autograd.gradients(out, vs, grad=seed)]
    assert got == want


@pytest.mark.parametrize("values", [[INF, INF], [INF, math.nan], [-INF, -INF]], ids=str)
def test_no_limit_is_nan(values: list[float]) -> None:
    vs = [Value(v) for v in values]
    assert all(math.isnan(g) for g in autograd.gradients(autograd.logsumexp(vs), vs))


def test_cross_entropy_of_a_class_ruled_out_has_pytorchs_gradient() -> None:
    """-log softmax([0, -inf])[1] is +inf; its gradient is softmax - onehot = [1, -1]
    (PyTorch's too); it was [nan, nan]."""
    a, b = Value(0.0), Value(-INF)
    loss = cross_entropy([a, b], 1)
    assert loss.data == INF
    assert autograd.gradients(loss, [a, b]) == [1.0, -1.0]


@pytest.mark.parametrize(("zs", "y"), [([-INF, 0.0, 1.0], 0), ([-INF, 5.0, -INF], 0),
                                       ([1.0, -INF, 2.0, 0.5], 1)], ids=str)
@pytest.mark.parametrize("mode", ["float", "batch"])
def test_cross_entropy_of_a_ruled_out_target_class(zs: list[float], y: int, mode: str) -> None:
    """With the target's logit at -inf, every z_c - z_y is +inf: for three classes or more
    the gradient was nan (and the loss nan when another logit was -inf too).  The loss is
    +inf and the gradient softmax(z) - onehot(y), by sympy's limit-free exact softmax."""
    finite = [sp.Float(v) if math.isfinite(v) else None for v in zs]
    total = sum(sp.exp(v) for v in finite if v is not None)
    want = [float(sp.exp(v) / total) if v is not None else 0.0 for v in finite]
    want[y] -= 1.0
    if mode == "batch":
        cols = [Value(np.array([v, 0.25])) for v in zs]
        loss = cross_entropy(cols, np.array([y, 0]), reduction="sum")
        got = [float(g[0]) for g in autograd.gradients(loss, cols)]
        assert loss.data == INF
    else:
        vs = [Value(v) for v in zs]
        loss = cross_entropy(vs, y)
        got = autograd.gradients(loss, vs)
        assert loss.data == INF
    assert got == pytest.approx(want, rel=1e-15, abs=1e-300)
