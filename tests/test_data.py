"""Tests for autograd.data: generator properties and numpy <-> Value conversions."""

from __future__ import annotations

import random

import numpy as np
import pytest

from autograd.blocks import block_of
from autograd.data import (
    data_to_numpy,
    grads_to_numpy,
    make_blobs,
    make_circles,
    make_moons,
    to_batch,
    to_values,
)
from autograd.engine import Value
from autograd.functions import sum as vsum
from autograd.nn import MLP

GENERATORS = [make_moons, make_circles, make_blobs]


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n", [2, 7, 100])
def test_shapes_and_dtypes(make, n: int) -> None:
    X, y = make(n, seed=0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64


@pytest.mark.parametrize("make", [make_moons, make_circles])
def test_two_balanced_classes(make) -> None:
    _, y = make(101, seed=0)
    assert set(np.unique(y)) == {0, 1}
    assert abs(int((y == 0).sum()) - int((y == 1).sum())) <= 1


@pytest.mark.parametrize("make", GENERATORS)
def test_seeded_reproducible_and_no_global_rng(make) -> None:
    py_state = random.getstate()
    np_state = np.random.get_state()[1].copy()
    a = make(50, seed=3)
    b = make(50, random_state=3)
    c = make(50, seed=np.random.default_rng(3))
    d = make(50, seed=4)
    assert random.getstate() == py_state
    assert np.array_equal(np.random.get_state()[1], np_state)
    for other in (b, c):
        assert np.array_equal(a[0], other[0]) and np.array_equal(a[1], other[1])
    assert not np.array_equal(a[0], d[0])
    with pytest.raises(ValueError, match="not both"):
        make(10, seed=1, random_state=1)


def test_moons_lie_on_their_half_circles() -> None:
    X, y = make_moons(200, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    # class 0: unit circle around (0, 0), upper half
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, atol=1e-12)
    assert np.all(upper[:, 1] >= -1e-12)
    # class 1: unit circle around (1, 0.5), lower half
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, atol=1e-12)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)
    # with noise the points stay near their circles
    X, y = make_moons(2000, noise=0.1, seed=1)
    r0 = np.hypot(X[y == 0, 0], X[y == 0, 1])
    r1 = np.hypot(X[y == 1, 0] - 1.0, X[y == 1, 1] - 0.5)
    assert abs(np.median(r0) - 1.0) < 0.02 and abs(np.median(r1) - 1.0) < 0.02
    assert np.all(np.abs(r0 - 1.0) < 0.6) and np.all(np.abs(r1 - 1.0) < 0.6)


def test_circles_radii() -> None:
    X, y = make_circles(100, factor=0.3, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, atol=1e-12)
    np.testing.assert_allclose(r[y == 1], 0.3, atol=1e-12)
    with pytest.raises(ValueError, match="factor"):
        make_circles(10, factor=1.5)


def test_blobs_cluster_around_their_centres() -> None:
    centres = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, -5.0]])
    X, y = make_blobs(1000, centers=centres, cluster_std=0.5, seed=0)
    assert X.shape == (1000, 3)
    for k in range(2):
        pts = X[y == k]
        assert len(pts) == 500
        np.testing.assert_allclose(pts.mean(axis=0), centres[k], atol=0.1)
        assert pts.std(axis=0) == pytest.approx([0.5] * 3, rel=0.1)
    X, y = make_blobs(30, centers=4, n_features=5, center_box=(-1.0, 1.0), seed=2)
    assert X.shape == (30, 5) and set(np.unique(y)) == {0, 1, 2, 3}


def test_noise_and_size_checks() -> None:
    with pytest.raises(ValueError, match="noise"):
        make_moons(10, noise=-1.0)
    with pytest.raises(ValueError, match="n_samples"):
        make_moons(1)
    with pytest.raises(TypeError, match="seed"):
        make_moons(10, seed="x")  # type: ignore[arg-type]


def test_unshuffled_order_is_class_by_class() -> None:
    _, y = make_moons(10, shuffle=False)
    assert list(y) == [0] * 5 + [1] * 5


# ------------------------------------------------------------ conversions
def test_to_values_per_sample_and_grads_back() -> None:
    X = np.arange(6.0).reshape(3, 2)
    rows = to_values(X, label="x")
    assert len(rows) == 3 and all(len(r) == 2 for r in rows)
    assert rows[2][1].data == 5.0 and rows[2][1].label == "x[2,1]"
    loss = vsum([r[0] * r[0] + 3.0 * r[1] for r in rows])
    loss.backward()
    np.testing.assert_array_equal(grads_to_numpy(rows), np.column_stack([2 * X[:, 0],
                                                                         np.full(3, 3.0)]))
    np.testing.assert_array_equal(data_to_numpy(rows), X)
    flat = to_values(np.array([1.0, 2.0]))
    assert [v.data for v in flat] == [1.0, 2.0]
    np.testing.assert_array_equal(data_to_numpy(flat), [1.0, 2.0])


def test_to_batch_per_feature_and_grads_back() -> None:
    X = np.arange(6.0).reshape(3, 2)
    cols = to_batch(X, label="x")
    assert len(cols) == 2 and cols[1].label == "x[:,1]"
    np.testing.assert_array_equal(cols[0].data, X[:, 0])
    out = (cols[0] * cols[0] + 3.0 * cols[1]).sum()
    out.backward()
    np.testing.assert_array_equal(grads_to_numpy(cols), np.column_stack([2 * X[:, 0],
                                                                         np.full(3, 3.0)]))
    np.testing.assert_array_equal(data_to_numpy(cols), X)
    assert block_of([c.data for c in cols]) is not None  # a first layer reads them as is
    X[0, 0] = 99.0  # copies: the Values do not see the array change
    assert cols[0].data[0] == 0.0
    single = to_batch(np.array([1.0, 2.0]))
    assert isinstance(single, Value) and single.is_batch
    with pytest.raises(ValueError, match="1-D or 2-D"):
        to_batch(np.zeros((2, 2, 2)))


def test_to_batch_constants_get_no_gradient_and_a_network_reads_them_as_before() -> None:
    X = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]])
    net = MLP(2, [3, 1], seed=3)
    cols = to_batch(X, requires_grad=False)
    assert all(not c.requires_grad for c in cols)
    out = net(cols).sum()
    out.backward()
    assert all(not np.any(c.grad) for c in cols)
    batch_grads = [p.grad for p in net.parameters()]
    # the oracle: one float pass per sample, summed (no blocks anywhere)
    net.zero_grad()
    for row in X:
        net([Value(float(v)) for v in row]).backward()
    np.testing.assert_allclose(batch_grads, [p.grad for p in net.parameters()], rtol=1e-12)
