"""What micrograd and PyTorch users type works as they expect, or says at once what to write.

Oracles: the calculus of each tiny expression (written out here), the
engine's own result for the same graph built the usual way, and the
behaviour of Python floats and PyTorch where a habit comes from them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Value, grad


# ---------------------------------------------------------------- PyTorch habits
def test_a_grad_set_to_none_counts_as_zero() -> None:
    x = Value(3.0, label="x")
    x.grad = None
    (x * x).backward()
    assert x.grad == 6.0
    b = Value(2.0)
    b.grad = None
    (Value(np.array([1.0, 2.0])) * b).sum().backward()  # the batch (general) loop
    assert b.grad == 3.0


def test_requires_grad_false_makes_a_constant_that_backward_skips() -> None:
    c = Value(2.0, requires_grad=False)
    x = Value(3.0)
    assert c.requires_grad is False and x.requires_grad is True
    (c * x).backward()
    assert c.grad == 0.0 and x.grad == 2.0
    (c * x).backward(create_graph=True)
    assert c.grad == 0.0
    assert not Value(1.0, requires_grad=False).requires_grad
    with pytest.raises(TypeError, match="requires_grad"):
        Value(1.0, requires_grad="no")  # type: ignore[arg-type]


def test_numbers_in_an_expression_are_constants() -> None:
    x = Value(3.0)
    y = x * 2.0
    (two,) = [p for p in y.parents if p is not x]
    y.backward()
    assert two.requires_grad is False and two.grad == 0.0 and x.grad == 2.0


def test_detach_gives_a_constant_with_the_same_data() -> None:
    x = Value(3.0, label="x")
    h = x * x
    d = h.detach()
    assert d.data == h.data and d.is_leaf and not d.requires_grad
    (d * x).backward()
    assert x.grad == 9.0  # h's dependence on x is cut: d(9 x)/dx


def test_retain_graph_is_accepted_and_the_graph_stays_usable() -> None:
    x = Value(0.5)
    y = x.tanh()
    y.backward(retain_graph=True)
    y.backward(retain_graph=False)
    assert x.grad == pytest.approx(2.0 * (1.0 - math.tanh(0.5) ** 2), rel=1e-15)


def test_backward_on_a_value_made_under_no_grad_raises_and_says_why() -> None:
    x = Value(2.0)
    with autograd.no_grad():
        y = x * x
    assert not y.requires_grad
    with pytest.raises(RuntimeError, match=r"no_grad\(\)"):
        y.backward()
    with pytest.raises(RuntimeError, match=r"no_grad\(\)"):
        autograd.gradients(y, x)


def test_gradients_refuses_an_input_that_is_not_in_the_graph() -> None:
    w, other = Value(1.0, label="w"), Value(5.0, label="other")
    with pytest.raises(ValueError, match=r"'other'.*not in the graph.*allow_unused=True"):
        autograd.gradients(w * 2.0, other)
    assert autograd.gradients(w * 2.0, [w, other], allow_unused=True) == [2.0, 0.0]


def test_grad_refuses_a_value_and_points_to_gradients() -> None:
    w = Value(1.0)
    loss = w * w
    with pytest.raises(TypeError, match="gradients"):
        grad(loss, [w])  # type: ignore[arg-type]


def test_bool_follows_the_data_and_a_batch_refuses() -> None:
    assert bool(Value(0.0)) is False and bool(Value(-2.0)) is True
    assert bool(Value(0.0)) is bool(0.0)
    x = Value(1.5)
    assert ("positive" if x else "zero") == "positive"
    with pytest.raises(ValueError, match="ambiguous"):
        bool(Value(np.array([1.0, 0.0])))


def test_format_formats_the_data_like_a_float() -> None:
    loss = Value(0.123456789) * 1.0
    assert f"{loss:.4f}" == f"{0.123456789:.4f}" == "0.1235"
    assert f"{loss:>10.2e}" == f"{0.123456789:>10.2e}"
    assert f"{loss}" == str(loss)
    with pytest.raises(TypeError, match="batch"):
        f"{Value(np.array([1.0, 2.0])):.2f}"


def test_a_failed_backward_restores_leaves_and_intermediate_nodes() -> None:
    def bad_derivative(x: float) -> float:
        raise ArithmeticError("this rule fails")

    bad = autograd.op(math.sin, bad_derivative, name="bad")
    x, w = Value(0.3, label="x"), Value(2.0, label="w")
    h = x * w
    out = bad(h) * w + h
    x.grad, w.grad, h.grad = 5.0, None, 7.0
    before = {id(n): n.grad for n in autograd.topological_order(out)}
    with pytest.raises(ArithmeticError, match="this rule fails"):
        out.backward()
    assert {id(n): n.grad for n in autograd.topological_order(out)} == before


# ---------------------------------------------------------------- micrograd habits
def test_micrograd_style_node_building_fails_at_once_with_the_op_equivalent() -> None:
    x = Value(0.5)
    with pytest.raises(TypeError, match=r"autograd\.op\("):
        Value(math.tanh(x.data), (x,), "tanh")
    out = x.tanh()
    with pytest.raises(AttributeError, match=r"autograd\.op\("):
        out._backward = lambda: None  # type: ignore[method-assign]


def test_micrograd_attributes_read_as_micrograd_has_them() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    assert c._op == "mul" and a._op == ""
    assert c._prev == {a, b}
    # micrograd's notebooks walk the graph with _prev to draw it: that walk works here
    nodes, edges = set(), set()

    def build(v: Value) -> None:
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(c)
    assert nodes == {a, b, c} and edges == {(a, c), (b, c)}


def test_an_integer_grad_reset_works_as_in_micrograd() -> None:
    w = Value(0.5)
    for _ in range(3):
        w.grad = 0  # micrograd's zero_grad writes the int 0
        (w * w).backward()
        assert w.grad == 1.0
    assert isinstance(w.grad, float)


def test_values_stay_usable_as_dict_keys_and_in_sets() -> None:
    a, b = Value(1.0), Value(1.0)
    assert len({a, b}) == 2 and {a: 1}[a] == 1
