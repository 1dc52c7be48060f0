"""Tests for autograd.losses: values and gradients against PyTorch, formulas, sympy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd.engine import Value
from autograd.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge,
    max_margin,
    mse,
    softmax,
)

RNG = np.random.default_rng(0)
PRED = RNG.normal(size=7)
TARGET = RNG.normal(size=7)
PROB = RNG.uniform(0.05, 0.95, size=7)
LABEL = RNG.integers(0, 2, size=7).astype(float)
SOFT = RNG.uniform(0.0, 1.0, size=7)


def leaves(xs: np.ndarray) -> list[Value]:
    return [Value(float(x)) for x in xs]


def torch_loss_and_grad(fn, x: np.ndarray, *args):
    torch = pytest.importorskip("torch")
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out = fn(t, *[torch.tensor(a, dtype=torch.float64) if isinstance(a, np.ndarray) else a
                  for a in args])
    out.backward()
    return out.item(), t.grad.numpy()


# ------------------------------------------------------------------ against torch
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("layout", ["list", "batch"])
@pytest.mark.parametrize(
    ("ours", "theirs", "x", "y"),
    [
        ("mse", "mse_loss", PRED, TARGET),
        ("bce", "binary_cross_entropy", PROB, LABEL),
        ("bce", "binary_cross_entropy", PROB, SOFT),
        ("bce_logits", "binary_cross_entropy_with_logits", 3 * PRED, LABEL),
        ("bce_logits", "binary_cross_entropy_with_logits", 3 * PRED, SOFT),
    ],
)
def test_losses_match_torch(ours: str, theirs: str, x: np.ndarray, y: np.ndarray,
                            layout: str, reduction: str) -> None:
    torch = pytest.importorskip("torch")
    fn = {"mse": mse, "bce": binary_cross_entropy,
          "bce_logits": binary_cross_entropy_with_logits}[ours]
    expected, expected_grad = torch_loss_and_grad(
        lambda t, u: getattr(torch.nn.functional, theirs)(t, u, reduction=reduction), x, y)
    if layout == "list":
        xs = leaves(x)
        loss = fn(xs, list(y), reduction=reduction)
        loss.backward()
        grad = np.array([v.grad for v in xs])
    else:
        xb = Value(x)
        loss = fn(xb, y, reduction=reduction)
        loss.backward()
        grad = xb.grad
    assert loss.data == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_hinge_matches_torch_formula(reduction: str) -> None:
    torch = pytest.importorskip("torch")
    y = 2 * LABEL - 1

    def theirs(t, u):
        per = torch.clamp(1.0 - u * t, min=0.0)
        return per.mean() if reduction == "mean" else per.sum()

    expected, expected_grad = torch_loss_and_grad(theirs, PRED, y)
    xs = leaves(PRED)
    loss = hinge(xs, y, reduction=reduction)
    loss.backward()
    assert loss.data == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose([v.grad for v in xs], expected_grad, rtol=1e-12)
    assert max_margin is hinge


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("scale", [1.0, 1000.0])  # 1000: e**1000 would overflow if unshifted
def test_cross_entropy_matches_torch(reduction: str, scale: float) -> None:
    torch = pytest.importorskip("torch")
    z = scale * np.random.default_rng(1).normal(size=(6, 4))
    y = np.array([0, 3, 1, 2, 2, 0])
    t = torch.tensor(z, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(t, torch.tensor(y), reduction=reduction)
    expected.backward()
    # per sample: a list of lists
    rows = [leaves(r) for r in z]
    loss = cross_entropy(rows, list(y), reduction=reduction)
    loss.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose([[v.grad for v in r] for r in rows], t.grad.numpy(),
                               rtol=1e-9, atol=1e-15)
    # batch: one Value per class holding the column
    cols = [Value(z[:, c]) for c in range(4)]
    loss_b = cross_entropy(cols, y, reduction=reduction)
    loss_b.backward()
    assert loss_b.data == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(np.column_stack([c.grad for c in cols]), t.grad.numpy(),
                               rtol=1e-9, atol=1e-15)


def test_cross_entropy_one_sample_gradient_is_softmax_minus_onehot() -> None:
    z = leaves(np.array([2.0, -1.0, 0.5]))
    loss = cross_entropy(z, 2)
    loss.backward()
    p = np.exp([2.0, -1.0, 0.5])
    p /= p.sum()
    assert loss.data == pytest.approx(-math.log(p[2]), rel=1e-14)
    np.testing.assert_allclose([v.grad for v in z], p - np.array([0, 0, 1]), rtol=1e-13)
    np.testing.assert_allclose([s.data for s in softmax(z)], p, rtol=1e-14)


def test_cross_entropy_rejects_bad_targets() -> None:
    z = leaves(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"class indices in 0\.\.1"):
        cross_entropy(z, 2)
    with pytest.raises(ValueError, match="class indices"):
        cross_entropy(z, 0.5)
    with pytest.raises(ValueError, match="2 samples but 1 targets"):
        cross_entropy([z, z], [0])


# ------------------------------------------------------------------ BCE with logits
@pytest.mark.parametrize("z", [-800.0, -30.0, -2.5, -1e-3, 0.0, 1e-3, 0.7, 30.0, 800.0])
@pytest.mark.parametrize("y", [0.0, 1.0, 0.3])
def test_bce_with_logits_gradient_is_sigmoid_minus_target(z: float, y: float) -> None:
    """The seeds' cancellation: d/dz BCE(sigmoid(z), y) = sigmoid(z) - y, exactly."""
    logit = Value(z)
    loss = binary_cross_entropy_with_logits(logit, y, reduction="sum")
    loss.backward()
    sigma = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    assert logit.grad == sigma - y  # bit for bit, at z = 0 too
    # stable: finite everywhere, and the textbook value where that does not overflow
    stable = max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z)))
    assert loss.data == pytest.approx(stable, rel=1e-13, abs=1e-13)


def test_bce_with_logits_gradient_batch_mean() -> None:
    z = Value(np.array([-3.0, 0.0, 2.0, 50.0]))
    y = np.array([1.0, 0.0, 1.0, 0.0])
    binary_cross_entropy_with_logits(z, y).backward()
    np.testing.assert_allclose(z.grad, (1 / (1 + np.exp(-z.data)) - y) / 4, rtol=1e-15)


def test_bce_with_logits_equals_bce_of_sigmoid() -> None:
    z = leaves(3 * PRED)
    a = binary_cross_entropy_with_logits(z, LABEL)
    b = binary_cross_entropy([v.sigmoid() for v in z], LABEL)
    assert a.data == pytest.approx(b.data, rel=1e-12)


# ------------------------------------------------------------------ BCE on probabilities
def test_bce_saturated_probabilities() -> None:
    # exactly right: zero loss, finite gradient
    p = Value(1.0)
    loss = binary_cross_entropy(p, 1.0)
    loss.backward()
    assert loss.data == 0.0 and p.grad == -1.0
    # exactly wrong: an infinite loss is an error that points to the logits form
    with pytest.raises(ValueError, match=r"infinite loss.*with_logits"):
        binary_cross_entropy(Value(1.0), 0.0)
    with pytest.raises(ValueError, match="infinite loss"):
        binary_cross_entropy(Value(np.array([0.5, 0.0])), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="infinite loss"):
        binary_cross_entropy(Value(0.0), 0.4)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        binary_cross_entropy(Value(1.5), 1.0)
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        binary_cross_entropy(Value(0.5), 2.0)


# ------------------------------------------------------------------ mse and the seeds' ½
def test_half_sum_mse_is_the_seeds_r2_loss() -> None:
    """E = ½ (y - target)**2 has dE/dy = y - target: that is 0.5 * mse(sum), not mse."""
    y = Value(0.8)
    (0.5 * mse(y, 0.25, reduction="sum")).backward()
    assert y.grad == pytest.approx(0.8 - 0.25, rel=1e-15)
    y2 = Value(0.8)
    mse(y2, 0.25).backward()
    assert y2.grad == pytest.approx(2 * (0.8 - 0.25), rel=1e-15)


def test_mse_against_sympy() -> None:
    sp = pytest.importorskip("sympy")
    ps = sp.symbols("p0:3")
    ts = [0.5, -1.0, 2.0]
    expr = sum((p - t) ** 2 for p, t in zip(ps, ts)) / 3
    at = {ps[0]: 0.1, ps[1]: 0.2, ps[2]: -0.3}
    xs = [Value(float(at[p])) for p in ps]
    loss = mse(xs, ts)
    loss.backward()
    assert loss.data == pytest.approx(float(expr.subs(at)), rel=1e-14)
    for v, p in zip(xs, ps):
        assert v.grad == pytest.approx(float(sp.diff(expr, p).subs(at)), rel=1e-14)


def test_multi_output_rows_average_over_every_element() -> None:
    pred = [leaves(np.array([1.0, 2.0])), leaves(np.array([3.0, 4.0]))]
    loss = mse(pred, [[0.0, 0.0], [0.0, 0.0]])
    assert loss.data == pytest.approx((1 + 4 + 9 + 16) / 4)


def test_list_of_batches_mean_counts_every_sample() -> None:
    a = Value(np.array([1.0, 2.0, 3.0]))
    b = Value(np.array([4.0]))
    loss = mse([a, b], [np.zeros(3), np.zeros(1)])
    assert loss.data == pytest.approx((1 + 4 + 9 + 16) / 4)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-20, 20), min_size=1, max_size=5),
    st.sampled_from(["mse", "bce_logits", "hinge"]),
)
def test_gradients_match_finite_differences(xs: list[float], which: str) -> None:
    y = [1.0 if i % 2 else -1.0 for i in range(len(xs))]
    if which == "mse":
        def f(v):
            return mse(v, y)
    elif which == "bce_logits":
        def f(v):
            return binary_cross_entropy_with_logits(v, [(t + 1) / 2 for t in y])
    else:
        def f(v):
            return hinge(v, y)
    vals = leaves(np.array(xs))
    f(vals).backward()
    h = 1e-6
    for i, x in enumerate(xs):
        if which == "hinge" and abs(1 - y[i] * x) < 1e-3:
            continue  # at the kink
        up = [Value(v) for v in xs]
        up[i] = Value(x + h)
        down = [Value(v) for v in xs]
        down[i] = Value(x - h)
        numeric = (f(up).data - f(down).data) / (2 * h)
        assert vals[i].grad == pytest.approx(numeric, rel=1e-5, abs=1e-7)


# ------------------------------------------------------------------ errors
def test_shape_and_label_errors() -> None:
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        mse(leaves(np.zeros(3)), [1.0, 2.0])
    with pytest.raises(ValueError, match="batch of 3 predictions but 2 targets"):
        mse(Value(np.zeros(3)), np.zeros(2))
    with pytest.raises(ValueError, match="reduction"):
        mse(Value(1.0), 0.0, reduction="none")
    with pytest.raises(ValueError, match="-1 or \\+1"):
        hinge(Value(0.3), 0.0)


def test_batch_targets_may_be_a_list() -> None:
    z = Value(np.array([0.5, -1.0]))
    assert mse(z, [1.0, 0.0]).data == mse(z, np.array([1.0, 0.0])).data
    with pytest.raises(ValueError, match="single prediction"):
        mse(Value(0.5), [1.0, 0.0])


def _exact_ce(zs: list[float], y: int) -> tuple[float, list[float]]:
    """-log softmax(z)[y] and its gradient softmax(z) - onehot(y), by mpmath at 50 digits."""
    import mpmath
    with mpmath.workdps(50):
        e = [mpmath.exp(mpmath.mpf(v)) for v in zs]
        total = mpmath.fsum(e)
        return (float(mpmath.log(total) - zs[y]),
                [float(ei / total - (1 if c == y else 0)) for c, ei in enumerate(e)])


CONFIDENT = [([30.0, 0.0], 0), ([20.0, 0.0, -3.0], 0), ([36.0, 1.0, 2.0], 0), ([0.0, 5.0], 0),
             ([1000.0, -1000.0], 1), ([2.0, 1.0, 0.5], 2), ([12.0, -np.inf, 0.0], 0)]


@pytest.mark.parametrize(("zs", "y"), CONFIDENT, ids=str)
@pytest.mark.parametrize("mode", ["float", "batch", "batch, one class", "create_graph"])
def test_cross_entropy_of_a_confident_logit_has_an_exact_gradient(zs: list[float], y: int,
                                                                  mode: str) -> None:
    """dL/dz_y = p_y - 1 was computed as that difference, which cancels as p_y -> 1:
    1e-3 off at a logit of 30 (-9.348e-14 for -9.3576e-14).  It is now minus the sum of
    the other classes' p_c, exact to a few ulps; the oracle is mpmath."""
    value, grads = _exact_ce(zs, y)
    if mode == "batch, one class":  # the same target for every sample: an int, not an array
        zv = [Value(np.array([v, v])) for v in zs]
        cross_entropy(zv, y, reduction="sum").backward()
        got = [float(v.grad[0]) for v in zv]  # type: ignore[index]
        got_value = float(cross_entropy(zv, y).data)  # the mean of two equal samples
    elif mode == "batch":
        zv = [Value(np.array([v, 0.25])) for v in zs]
        loss = cross_entropy(zv, np.array([y, 1]), reduction="sum")
        loss.backward()
        got = [float(v.grad[0]) for v in zv]  # type: ignore[index]
        got_value = float(cross_entropy([Value(np.array([v])) for v in zs], np.array([y])).data)
    else:
        zv = [Value(v) for v in zs]
        loss = cross_entropy(zv, y)
        if mode == "float":
            loss.backward()
            got = [float(v.grad) for v in zv]  # type: ignore[arg-type]
        else:
            got = [float(getattr(g, "data", g)) for g in
                   autograd.gradients(loss, zv, create_graph=True, allow_unused=True)]
        got_value = float(loss.data)  # type: ignore[arg-type]
    assert got_value == pytest.approx(value, rel=1e-14, abs=1e-300)
    assert got == pytest.approx(grads, rel=1e-14, abs=1e-300), (got, grads)


@pytest.mark.parametrize("p", [1e-17, 2e-16, 1e-300, 0.3, 0.75])
def test_binary_cross_entropy_of_a_small_p_against_label_0_is_exact(p: float) -> None:
    """-log(1 - p) rounded 1 - p away: -0.0 for p = 1e-17, 11% off at 2e-16; it is
    -log1p(-p) now (mpmath's value, and its slope 1/(1 - p)), in float and batch mode."""
    import mpmath

    with mpmath.workdps(50):
        want = float(-mpmath.log1p(-mpmath.mpf(p)))
        slope = float(1 / (1 - mpmath.mpf(p)))
    v = Value(p)
    loss = binary_cross_entropy(v, 0.0)
    loss.backward()
    assert loss.data == pytest.approx(want, rel=2e-16) and v.grad == pytest.approx(slope, rel=2e-16)
    vb = Value(np.array([p, 0.4]))
    lb = binary_cross_entropy(vb, np.array([0.0, 1.0]), reduction="sum")
    lb.backward()
    assert vb.grad[0] == v.grad  # type: ignore[index]
    assert lb.data == pytest.approx(want - math.log(0.4), rel=1e-15)
