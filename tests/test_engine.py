"""The engine's behaviour: Values, accumulation, modes, functional API, errors."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
import sympy as sp

import autograd
from autograd import Value, grad, no_grad, value_and_grad


# ------------------------------------------------------------------ Value
@pytest.mark.parametrize("data", [3, 2.5, True, np.float32(1.5), np.int64(4), np.float64(-0.25)])
def test_value_stores_numbers_as_float(data: object) -> None:
    v = Value(data)
    assert type(v.data) is float and v.data == float(data)  # type: ignore[arg-type]
    assert v.grad == 0.0 and v.label == "" and v.op == "" and v.parents == ()


@pytest.mark.parametrize("data", ["1.0", None, [1.0], 1 + 2j, {"a": 1}, np.zeros((2, 2))])
def test_value_rejects_other_data_naming_the_type(data: object) -> None:
    with pytest.raises(TypeError) as err:
        Value(data)
    assert type(data).__name__ in str(err.value) or "shape" in str(err.value)


def test_value_has_slots_and_no_dict() -> None:
    v = Value(1.0)
    assert not hasattr(v, "__dict__")
    with pytest.raises(AttributeError):
        v.something = 1  # type: ignore[attr-defined]


def test_repr_shows_data_grad_label_and_op() -> None:
    x = Value(2.0, label="x")
    y = (x * 3).tanh()
    y.label = "y"
    assert repr(x) == "Value(2.0, grad=0.0, label='x')"
    assert repr(y) == f"Value({math.tanh(6.0)!r}, grad=0.0, label='y', op='tanh')"


def test_label_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_parents_and_op_record_the_graph() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    assert c.op == "mul" and c.parents == (a, b)
    assert (-a).parents == (a,) and (-a).op == "neg"
    s = autograd.sum([a, b, c])
    assert s.op == "sum" and s.parents == (a, b, c)


# --------------------------------------------------------- arithmetic
@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (lambda v: v + 2, 5.0), (lambda v: 2 + v, 5.0), (lambda v: v - 2, 1.0), (lambda v: 2 - v, -1.0),
        (lambda v: v * 2, 6.0), (lambda v: 2 * v, 6.0), (lambda v: v / 2, 1.5), (lambda v: 2 / v, 2 / 3),
        (lambda v: v**2, 9.0), (lambda v: 2**v, 8.0), (lambda v: v ** Value(2.0), 9.0),
        (lambda v: -v, -3.0), (lambda v: abs(-v), 3.0), (lambda v: +v, 3.0),
    ],
)
def test_operators_and_reflected_forms(expr: object, expected: float) -> None:
    out = expr(Value(3.0))  # type: ignore[operator]
    assert out.data == pytest.approx(expected, rel=1e-15)


def test_operators_with_unsupported_types_raise_type_error() -> None:
    with pytest.raises(TypeError):
        Value(1.0) + "a"  # type: ignore[operator]
    with pytest.raises(TypeError):
        [1] * Value(2.0)  # type: ignore[operator]


def test_module_level_functions_accept_numbers_and_values() -> None:
    assert autograd.tanh(0.5).data == math.tanh(0.5)
    assert autograd.sigmoid(Value(0.0)).data == 0.5
    assert autograd.exp(1).data == math.e
    for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "softplus", "silu", "gelu",
                 "sin", "cos", "erf", "leaky_relu", "elu"):
        f = getattr(autograd, name)
        assert f(0.7).data == getattr(Value(0.7), name)().data


# ------------------------------------------------------- backward
def test_the_issue_example_against_the_chain_rule() -> None:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    n = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432
    dtanh = 1 - math.tanh(n) ** 2
    assert w1.grad == pytest.approx(dtanh * 2.0, rel=1e-15)
    assert x1.grad == pytest.approx(dtanh * -3.0, rel=1e-15)
    assert w2.grad == 0.0 and b.grad == pytest.approx(dtanh, rel=1e-15)


def test_shared_uses_sum_their_contributions() -> None:
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    y = Value(2.0)
    a = y * 3.0
    d = a * a + a.exp()  # a diamond: a feeds both terms
    d.backward()
    assert y.grad == pytest.approx((2 * 6.0 + math.exp(6.0)) * 3.0, rel=1e-15)
    z = Value(0.5)
    autograd.sum([z] * 7).backward()
    assert z.grad == 7.0


def test_second_backward_doubles_leaves_exactly_and_never_triples() -> None:
    x = Value(0.8)
    h = x.tanh()
    out = h * h + h
    out.backward()
    first_x, first_h = x.grad, h.grad
    out.backward()
    assert x.grad == 2 * first_x  # micrograd gives 3x here
    assert h.grad == first_h  # an intermediate holds this pass's gradient only


def test_backward_seed_and_errors() -> None:
    x = Value(2.0)
    (x * x).backward(grad=0.5)
    assert x.grad == 2.0
    with pytest.raises(TypeError):
        (x * x).backward(grad="one")  # type: ignore[arg-type]


def test_zero_grad_clears_a_whole_graph() -> None:
    x, y = Value(1.0), Value(2.0)
    out = (x * y).exp()
    out.backward()
    out.zero_grad()
    assert [n.grad for n in autograd.topological_order(out)] == [0.0] * 4
    out.backward()
    autograd.zero_grad([x, y])
    assert x.grad == y.grad == 0.0


def test_a_million_node_chain_at_the_default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 1000  # Python's default; the engine never raises it
    x = Value(0.3)
    y = x
    for _ in range(1_000_000):
        y = -y
    y.backward()
    assert x.grad == 1.0  # an even number of negations
    assert len(autograd.topological_order(y)) == 1_000_001


def test_interrupted_backward_leaves_the_graph_usable() -> None:
    x = Value(1.0)
    y = (x * 2).tanh()
    with pytest.raises(RuntimeError):
        with autograd.engine.observe(edges=_raise):
            y.backward()
    y.backward()
    assert x.grad == pytest.approx(2 * (1 - math.tanh(2.0) ** 2), rel=1e-15)


def _raise(*args: object) -> None:
    raise RuntimeError("stop")


# ------------------------------------------------------- higher order
x_, y_ = sp.symbols("x y", real=True)


@pytest.mark.parametrize(
    ("build", "expr", "at"),
    [
        (lambda v: v.tanh(), sp.tanh(x_), 0.7),
        (lambda v: v.sigmoid(), 1 / (1 + sp.exp(-x_)), -0.4),
        (lambda v: v**3, x_**3, 1.3),
        (lambda v: v.sin().exp(), sp.exp(sp.sin(x_)), 0.9),
    ],
)
def test_second_derivatives_are_exact(build: object, expr: sp.Expr, at: float) -> None:
    x = Value(at)
    first = autograd.gradients(build(x), x, create_graph=True)  # type: ignore[operator]
    second = autograd.gradients(first, x)
    assert first.item() == pytest.approx(float(sp.diff(expr, x_).subs(x_, at)), rel=1e-14)
    assert second == pytest.approx(float(sp.diff(expr, x_, 2).subs(x_, at)), rel=1e-13)
    # the same through .grad
    x2 = Value(at)
    build(x2).backward(create_graph=True)  # type: ignore[operator]
    g = x2.grad
    assert isinstance(g, Value)
    x2.zero_grad()
    g.backward()
    assert x2.grad == pytest.approx(second, rel=1e-15)


def test_mixed_second_derivative_of_x_times_y() -> None:
    x, y = Value(3.0), Value(-2.0)
    dx = autograd.gradients(x * y, x, create_graph=True)
    assert autograd.gradients(dx, y) == 1.0
    assert autograd.gradients(dx, x) == 0.0


def test_grad_and_value_and_grad_transform_functions() -> None:
    f = lambda x, y: (x * y).sin()  # noqa: E731
    assert grad(f)(2.0, 3.0) == pytest.approx(3 * math.cos(6.0), rel=1e-15)
    assert grad(f, argnums=1)(2.0, 3.0) == pytest.approx(2 * math.cos(6.0), rel=1e-15)
    value, (_, gy) = value_and_grad(f, argnums=(0, 1))(2.0, 3.0)
    assert value == math.sin(6.0) and gy == pytest.approx(2 * math.cos(6.0), rel=1e-15)
    assert grad(grad(lambda x: x**3))(2.0) == pytest.approx(12.0, rel=1e-15)
    assert grad(grad(grad(lambda x: x.exp())))(0.5) == pytest.approx(math.exp(0.5), rel=1e-15)
    assert grad(lambda x: 5.0)(1.0) == 0.0


def test_no_perturbation_confusion() -> None:
    """f(x) = d/dy (x*y) at y = x is just x, so f'(3) = 1, not 2."""
    def f(x: Value) -> Value:
        return grad(lambda y: x * y)(x)

    assert grad(f)(3.0) == 1.0


def test_grad_rejects_bad_argnums_and_results() -> None:
    with pytest.raises(ValueError, match="argnums"):
        grad(lambda x: x, argnums=2)(1.0)
    with pytest.raises(TypeError, match="must return"):
        grad(lambda x: "no")(1.0)


# ------------------------------------------------------- no_grad
def test_no_grad_builds_no_graph_and_restores_the_mode() -> None:
    w = Value(2.0)
    with no_grad():
        assert not autograd.is_grad_enabled()
        out = w * 3 + 1
        with no_grad():
            pass
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()
    assert out.data == 7.0 and out.parents == () and out.op == ""
    with pytest.raises(KeyError):
        with no_grad():
            raise KeyError("x")
    assert autograd.is_grad_enabled()


# ------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Value(-2.0, label="q").log(), ValueError, ["log", "-2.0", "'q'"]),
        (lambda: Value(0.0, label="q").log(), ValueError, ["log", "0.0", "'q'"]),
        (lambda: Value(-1.0, label="r").sqrt(), ValueError, ["sqrt", "-1.0", "'r'"]),
        (lambda: Value(1.0) / Value(0.0, label="d"), ZeroDivisionError, ["div", "0.0", "'d'"]),
        (lambda: 1.0 / Value(0.0, label="d"), ZeroDivisionError, ["div", "0.0", "'d'"]),
        (lambda: Value(0.0, label="b") ** -1, ZeroDivisionError, ["pow", "0.0", "'b'"]),
        (lambda: Value(-8.0, label="b") ** (1 / 3), ValueError, ["pow", "-8.0", "'b'"]),
        (lambda: Value(-8.0, label="b") ** Value(0.5), ValueError, ["pow", "-8.0", "'b'"]),
        (lambda: Value(0.0, label="b") ** Value(-2.0), ZeroDivisionError, ["pow", "0.0", "'b'"]),
        (lambda: Value(1000.0, label="z").exp(), OverflowError, ["exp", "1000.0", "'z'"]),
        (lambda: Value(10.0, label="z") ** 400, OverflowError, ["pow", "10.0", "'z'"]),
        (lambda: 10 ** Value(400.0, label="z"), OverflowError, ["rpow", "400.0", "'z'"]),
    ],
)
def test_bad_input_names_the_op_the_value_and_the_label(make: object, error: type, words: list) -> None:
    with pytest.raises(error) as err:
        make()  # type: ignore[operator]
    for word in words:
        assert word in str(err.value)


def test_pow_exponent_gradient_is_nan_for_a_negative_base() -> None:
    x, y = Value(-2.0), Value(3.0)
    (x**y).backward()
    assert x.grad == 3 * 4.0 and math.isnan(y.grad)


def test_sqrt_at_zero_has_an_infinite_derivative_not_a_crash() -> None:
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf
