"""Values pickle and copy with their graphs, at any depth.

Oracle: the original graph.  A restored graph must compute the same data and,
backpropagated, the same gradients; shared nodes must stay shared.
"""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest

import autograd
from autograd import Value


def my_square(x: float) -> float:
    return x * x


def my_square_slope(x: float) -> float:
    return 2.0 * x


SQUARE = autograd.op(my_square, my_square_slope, name="my_square")


def _graph() -> tuple[Value, list[Value]]:
    x, w = Value(0.5, label="x"), Value(-1.5, label="w")
    y = ((x * w).tanh().leaky_relu(0.2) + x**3 + 2.0**x + autograd.dot([w], [x], 1.0)
         + SQUARE(w) / (abs(w) + 1.0) + x.elu(0.5))
    return y, [x, w]


def _grads(root: Value) -> list[float]:
    leaves = [n for n in autograd.Graph(root).leaves if n.requires_grad]
    return [g for g in autograd.gradients(root, leaves)]


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_graph_comes_back_with_the_same_values_and_gradients(how: str) -> None:
    y, _ = _graph()
    y.backward()
    z = pickle.loads(pickle.dumps(y)) if how == "pickle" else copy.deepcopy(y)
    assert z is not y and z.data == y.data and z.grad == y.grad
    assert [n.op for n in autograd.Graph(z).nodes] == [n.op for n in autograd.Graph(y).nodes]
    assert _grads(z) == _grads(y)


def test_a_leaf_shared_by_two_pickled_values_stays_one_leaf() -> None:
    w = Value(0.3, label="w")
    a, b = w * 2.0, (w + 1.0).exp()
    a2, b2 = pickle.loads(pickle.dumps((a, b)))
    (w_a,) = [p for p in a2.parents if p.label == "w"]
    assert any(p is w_a for p in autograd.Graph(b2).leaves)


def test_deepcopy_keeps_shared_nodes_shared() -> None:
    x = Value(1.2, label="x")
    h = x.sin()
    out = h * h + h
    c = copy.deepcopy(out)
    g = autograd.Graph(c)
    assert len(g) == len(autograd.Graph(out))
    (h2,) = [n for n in g.nodes if n.op == "sin"]
    assert g.uses(h2) == 3


def test_batches_pickle_too() -> None:
    x = Value(np.array([0.5, -1.0, 2.0]), label="x")
    y = (x * 0.3).tanh().mean()
    z = pickle.loads(pickle.dumps(y))
    assert z.data == y.data
    (x2,) = [n for n in autograd.Graph(z).leaves if n.label == "x"]
    np.testing.assert_array_equal(x2.data, x.data)


def test_a_graph_ten_to_the_fifth_deep_pickles_and_copies() -> None:
    x = Value(0.1, label="x")
    y = x
    for _ in range(100_000):  # a chain 10^5 deep
        y = y * 1.0000001
    z = pickle.loads(pickle.dumps(y))
    c = copy.deepcopy(y)
    assert z.data == y.data == c.data
    z.backward()
    (xz,) = autograd.Graph(z).find("x")
    y.backward()
    assert xz.grad == x.grad


def test_a_custom_op_of_lambdas_refuses_with_what_to_do() -> None:
    cube = autograd.op(lambda x: x**3, lambda x: 3 * x * x, name="cube")
    y = cube(Value(2.0))
    with pytest.raises(TypeError, match="module level"):
        pickle.dumps(y)


def test_rows_are_shared_not_copied() -> None:
    y = Value(0.4).tanh()
    assert copy.deepcopy(y)._row is y._row
    assert pickle.loads(pickle.dumps(y))._row is y._row
    assert math.isclose(pickle.loads(pickle.dumps(Value(3.0) ** 2.5)).data, 3.0**2.5)


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
@pytest.mark.parametrize("which", ["leaf", "output", "the leaf's grad"])
def test_a_graph_after_backward_with_create_graph_pickles_and_copies(how: str, which: str) -> None:
    """create_graph leaves a leaf's grad as a graph that holds the leaf itself: pickling
    or copying any of them recursed without end (RecursionError)."""
    x = Value(0.5, label="x")
    y = x * x * x
    y.backward(create_graph=True)  # x.grad = 3x**2, a graph of x
    obj = {"leaf": x, "output": y, "the leaf's grad": x.grad}[which]
    c = pickle.loads(pickle.dumps(obj)) if how == "pickle" else copy.deepcopy(obj)
    assert c.data == obj.data
    leaf = c if which == "leaf" else next(n for n in autograd.Graph(c).leaves if n.label == "x")
    grad = leaf.grad
    assert isinstance(grad, Value) and grad.data == 3 * 0.5**2  # 3x**2, exact at 1/2
    # the restored grad graph is built on the restored leaf: differentiating it gives 6x
    assert any(n is leaf for n in autograd.Graph(grad).nodes)
    assert autograd.gradients(grad, leaf) == 6 * 0.5


def test_a_deep_chain_after_create_graph_pickles_and_copies() -> None:
    z = Value(1.25)
    t = z
    for _ in range(100_000):
        t = t * 1.0
    (t * z).backward(create_graph=True)  # z.grad = t + z: a graph 10**5 deep that holds z
    for c in (pickle.loads(pickle.dumps(z)), copy.deepcopy(z)):
        assert c.grad.data == 2.5 and c.data == 1.25
