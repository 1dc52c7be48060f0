"""k backward passes give exactly k times one pass, on floats and on batches.

The oracle is the float product: after k passes a leaf's gradient must be
``k * g`` (one correctly rounded multiplication) for g its gradient from one
pass, bit for bit, not the k-fold rounded sum g + g + ... + g (which is an ulp
or more away, e.g. ten passes of 0.1).  Anything written into ``.grad`` in
between starts the sum afresh.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value

FLOATS = st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: abs(v) > 1e-6)


def test_ten_passes_of_a_tenth_are_one() -> None:
    """The classic case: 0.1 added ten times is 0.9999999999999999, 10 * 0.1 is 1.0."""
    x = Value(3.0)
    f = 0.1 * x
    for _ in range(10):
        f.backward()
    assert x.grad == 10 * 0.1 == 1.0


@settings(max_examples=200, deadline=None)
@given(FLOATS, FLOATS, st.integers(2, 60))
def test_k_passes_are_k_times_one_pass(a: float, b: float, k: int) -> None:
    x, y = Value(a), Value(b)
    f = x * y + (x / (1.0 + y * y)) * 0.3 + x
    (gx, gy) = autograd.gradients(f, [x, y])
    for _ in range(k):
        f.backward()
    assert x.grad == k * gx
    assert y.grad == k * gy


@settings(max_examples=60, deadline=None)
@given(st.lists(FLOATS, min_size=1, max_size=30), FLOATS, st.integers(2, 40))
def test_k_passes_on_a_batch_are_k_times_one_pass(xs: list[float], w: float, k: int) -> None:
    """A batch leaf's gradient array and a parameter's float gradient, elementwise exact."""
    x = Value(np.array(xs))
    p = Value(w)
    f = autograd.sum((x * p) * (x * 0.7) + x)
    gx, gp = autograd.gradients(f, [x, p])
    for _ in range(k):
        f.backward()
    assert np.array_equal(x.grad, k * gx)
    assert p.grad == k * gp


def test_assigning_a_gradient_starts_the_sum_afresh() -> None:
    """After ``x.grad = v`` (zero_grad included) a pass adds to v alone: no error of the
    earlier sum is carried over, even when v equals the earlier gradient's value."""
    x = Value(1.0)
    f = x * 0.1
    for _ in range(3):
        f.backward()  # a rounding error is now held for x
    x.grad = 0.0
    f.backward()
    assert x.grad == 0.1
    x.grad = 5.0
    f.backward()
    assert x.grad == 5.0 + 0.1


def test_changing_a_batch_gradient_in_place_starts_afresh() -> None:
    """An array gradient zeroed in place carries no error of the sum it held."""
    x = Value(np.array([1.0, 2.0, 3.0]))
    f = autograd.sum(x * 0.1)
    for _ in range(3):
        f.backward()
    x.grad[:] = 0.0
    f.backward()
    assert np.array_equal(x.grad, np.full(3, 0.1))


def test_an_infinite_gradient_stays_infinite() -> None:
    """Passes that overflow the sum give inf, as k * g does, and never nan."""
    x = Value(1.0)
    f = x * 1e308
    for _ in range(3):
        f.backward()
    assert x.grad == 3 * 1e308 == math.inf


def test_the_held_errors_go_with_their_leaves() -> None:
    """The per-leaf errors are weakly held: dropping the leaves frees them."""
    from autograd import accumulate as bw

    before = len(bw._residues)
    leaves = [Value(float(i)) for i in range(50)]
    f = autograd.sum([v * 0.1 for v in leaves])
    for _ in range(3):
        f.backward()
    assert len(bw._residues) > before
    del f, leaves
    assert len(bw._residues) == before


def test_an_infinite_batch_gradient_stays_infinite_and_nan_stays_nan() -> None:
    x = Value(np.array([1.0, 2.0, 3.0]))
    f = autograd.sum(x * np.array([1e308, np.nan, 0.25]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no numpy warning reaches the user
        for _ in range(3):
            f.backward()
    with np.errstate(over="ignore"):
        expected = 3 * np.array([1e308, np.nan, 0.25])
    assert np.array_equal(x.grad, expected, equal_nan=True)


def test_sum_and_mean_take_a_batch_as_torch_does() -> None:
    """``autograd.sum(batch)`` and ``autograd.mean(batch)`` reduce over the samples, like
    ``torch.sum``/``torch.mean``; on a list they add its Values (the mean divides by n)."""
    data = np.array([1.0, 2.0, 4.0])
    x = Value(data)
    assert autograd.sum(x).data == data.sum()
    assert autograd.mean(x).data == data.mean()
    a, b = Value(1.0), Value(4.0)
    m = autograd.mean([a, b, 2.0])
    m.backward()
    assert m.data == (1.0 + 4.0 + 2.0) / 3
    assert a.grad == b.grad == 1 / 3


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e12, 1e12, allow_nan=False).filter(lambda v: v != 0.0), min_size=2,
                max_size=12), FLOATS)
def test_passes_with_different_seeds_sum_to_the_correctly_rounded_total(seeds: list[float],
                                                                         a: float) -> None:
    """Passes seeded with different upstream gradients c_1..c_k give the leaf the exact sum
    of what each pass brings (``gradients`` with the same seed), rounded once: math.fsum's
    (correctly rounded) total.  A later
    pass may bring more than all the earlier ones together (the case Fast2Sum misses)."""
    x = Value(a)
    f = x * 0.1 + x * x
    each = [autograd.gradients(f, x, grad=c) for c in seeds]  # what each pass brings
    for c in seeds:
        f.backward(c)
    assert x.grad == math.fsum(each)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e12, 1e12, allow_nan=False).filter(lambda v: v != 0.0), min_size=2,
                max_size=8))
def test_batch_passes_with_different_seeds_sum_to_the_correctly_rounded_total(seeds: list[float]) -> None:
    """Elementwise for a batch leaf's gradient array, which keeps one error term per
    sample: within an ulp of the correctly rounded total (exact for repeated passes,
    above)."""
    data = np.array([0.3, -1.7, 2.9])
    x = Value(data)
    f = x * 0.1 + x * x
    each = [autograd.gradients(f, x, grad=np.full(3, c)) for c in seeds]
    for c in seeds:
        f.backward(np.full(3, c))
    expected = [math.fsum(e[i] for e in each) for i in range(3)]
    for got, want in zip(x.grad.tolist(), expected):
        assert abs(got - want) <= math.ulp(want)


def test_a_nan_sample_does_not_cost_the_other_samples_their_exactness() -> None:
    """One sample's gradient is nan; the others still sum exactly: ten passes of 0.1 are 1.0."""
    x = Value(np.array([1.0, 2.0, 3.0]))
    f = autograd.sum(x * np.array([0.1, np.nan, 0.7]))
    for _ in range(10):
        f.backward()
    assert x.grad[0] == 10 * 0.1 == 1.0
    assert math.isnan(x.grad[1])
    assert x.grad[2] == 10 * 0.7
