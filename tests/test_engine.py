"""The engine's behaviour: Values, accumulation, modes, functional API, errors."""

from __future__ import annotations

import gc
import math
import sys
import weakref
from typing import Any

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
    for _ in range(999_999):
        y = -y
    y.backward()
    assert x.grad == -1.0  # an odd number of negations: a wrong sign for neg' would show
    assert len(autograd.topological_order(y)) == 1_000_000


def test_interrupted_backward_leaves_the_graph_usable() -> None:
    x = Value(1.0)
    y = (x * 2).tanh()
    with pytest.raises(RuntimeError):
        with autograd.modes.observe(edges=_raise):
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
    assert autograd.gradients(dx, x, allow_unused=True) == 0.0


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


# ------------------------------------------------------- review regressions
def _counts_are_zero(root: Value) -> bool:
    """No node carries the mark of a pass still in progress (the next pass starts clean)."""
    from autograd import backward

    return all(n._n <= backward._mark for n in autograd.topological_order(root))


def test_counts_are_zero_after_every_kind_of_pass() -> None:
    x = Value(0.4)
    y = (x * x).tanh() + x.exp()
    y.backward()
    autograd.gradients(y, x)
    autograd.gradients(y, x, create_graph=True)
    y.backward(create_graph=True)
    assert _counts_are_zero(y)


def test_a_failed_pass_keeps_leaf_gradients_and_counts() -> None:
    x, w = Value(1e-10), Value(3.0)
    x.grad, w.grad = 5.0, 7.0
    y = w * x**-30.5  # the rule's x**-31.5 overflows: inf, never an exception now
    y.backward()
    assert x.grad == -math.inf and w.grad == 7.0 + 1e-10**-30.5
    x.grad, w.grad = 5.0, 7.0
    z = (w * x).tanh()
    with pytest.raises(RuntimeError):
        with autograd.modes.observe(edges=_raise):
            z.backward()
    assert (x.grad, w.grad) == (5.0, 7.0) and _counts_are_zero(z)


def test_a_backward_inside_a_running_backward_is_refused() -> None:
    x = Value(2.0)
    h = x * x
    y = h.exp() + h
    calls: list[int] = []

    def again(*args: object) -> None:
        if not calls:
            calls.append(1)
            y.backward()

    with pytest.raises(RuntimeError, match="another one is running"):
        with autograd.modes.observe(edges=again):
            y.backward()
    assert _counts_are_zero(y)
    y.backward()
    assert x.grad == pytest.approx((math.exp(4.0) + 1) * 4.0, rel=1e-15)


@pytest.mark.parametrize(("n", "first", "second"), [(0.0, 0.0, 0.0), (1.0, 1.0, 0.0), (2.0, 0.0, 2.0)])
def test_constant_powers_at_zero_follow_the_calculus(n: float, first: float, second: float) -> None:
    assert grad(lambda x: x**n)(0.0) == first
    assert grad(grad(lambda x: x**n))(0.0) == second
    x, y = Value(0.0), Value(n)
    (x**y).backward()
    assert x.grad == first


def test_relu_keeps_nan_and_elu_is_exact_at_infinity() -> None:
    assert math.isnan(Value(math.nan).relu().data)
    x = Value(math.inf)
    x.elu().backward()
    assert x.grad == 1.0
    z = Value(-0.0)
    z.sqrt().backward()
    assert z.grad == -math.inf  # 1/(2*sqrt(-0.0)) in IEEE arithmetic, as numpy gives


def test_poles_on_the_create_graph_path_are_constants_not_errors() -> None:
    x = Value(0.0)
    x.sqrt().backward(create_graph=True)
    assert x.grad.data == math.inf  # type: ignore[union-attr]
    b, e = Value(-3.0), Value(2.0)
    (b**e).backward(create_graph=True)
    assert b.grad.data == -6.0 and math.isnan(e.grad.data)  # type: ignore[union-attr]


def test_gelu_keeps_relative_accuracy_in_the_far_tail() -> None:
    x = -10.0
    exact = x * 0.5 * math.erfc(-x / math.sqrt(2))
    assert Value(x).gelu().data == pytest.approx(exact, rel=1e-14)


def test_float_conversion_is_refused_so_math_functions_cannot_cut_the_graph() -> None:
    x = Value(1.0, label="x")
    with pytest.raises(TypeError, match=r"cuts the graph.*v\.sin\(\)"):
        math.sin(x)  # type: ignore[arg-type]
    assert x.item() == 1.0


def test_a_number_seeds_every_sample_of_a_batch() -> None:
    x = Value(np.array([1.0, 2.0]))
    g = autograd.gradients(x * 3.0, x, grad=2.0)
    assert isinstance(g, np.ndarray) and list(g) == [6.0, 6.0]
    with pytest.raises(ValueError, match="does not match"):
        (Value(1.0) * 2).backward(grad=Value(np.array([1.0, 2.0])))


def test_grad_works_inside_no_grad_and_refuses_repeated_argnums() -> None:
    with no_grad():
        assert grad(lambda x: x * x)(3.0) == 6.0
        assert not autograd.is_grad_enabled()
    with pytest.raises(ValueError, match="twice"):
        grad(lambda x, y: x * y, argnums=(0, 0))(2.0, 3.0)


def test_sin_of_infinity_and_huge_integers_name_the_problem() -> None:
    with pytest.raises(ValueError, match=r"sin: .*inf.*'q'"):
        Value(math.inf, label="q").sin()
    with pytest.raises(OverflowError, match="too large"):
        Value(10**400)
    assert math.isnan(Value(math.nan).exp().data)


@pytest.mark.parametrize("n", [10**400, -(10**5000), 2**1024, Value(1.0)],
                         ids=["10**400", "-10**5000", "2**1024", "an operand"])
def test_a_huge_integer_is_named_by_its_size_not_written_out(n: Any) -> None:
    """10**400's message was its 401 digits; past 4,300 digits Python refuses to write an
    integer, and the message itself raised ValueError."""
    if isinstance(n, Value):  # as an operand too
        with pytest.raises(OverflowError, match="too large for a float64") as err:
            n * 10**5000
    else:
        with pytest.raises(OverflowError, match="too large for a float64") as err:
            Value(n)
    message = str(err.value)
    digits = 5001 if isinstance(n, Value) or n < -1 else len(str(abs(n)))
    assert len(message) < 120 and f"{digits:,} digits" in message


def _nodes_die_without_the_collector(make: Any) -> list[str]:
    """Run ``make()`` (it returns the Values it made, to be dropped) with the cyclic
    collector off, and name the nodes still alive after the last reference went."""
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        made = make()
        refs = [(weakref.ref(v), repr(v)) for v in autograd.topological_order(made[-1])]
        refs += [(weakref.ref(v), repr(v)) for v in made]
        del made
        return [name for ref, name in refs if ref() is not None]
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize("batch", [False, True])
def test_graphs_and_create_graph_graphs_are_freed_by_reference_counting(batch: bool) -> None:
    """A graph holds no reference cycle, a create_graph gradient's graph neither (the
    functional forms store nothing), and backward(create_graph=True)'s cycle through
    leaf.grad (as PyTorch's) is gone once the grad is reset: with the collector off,
    every node dies when the last reference to it goes."""
    data = np.array([0.3, -1.2]) if batch else 0.3

    def first() -> list[Value]:
        x = Value(data, label="x")
        y = (x * x).tanh() + x.sigmoid() * 2.0
        y.backward(np.ones(2) if batch else None)
        return [x, y]

    def second() -> list[Value]:
        x, w = Value(data, label="x"), Value(0.7, label="w")
        y = (w * x).tanh() * x.exp()
        seed = np.ones(2) if batch else None
        gx, gw = autograd.gradients(y, [x, w], grad=seed, create_graph=True)
        hxx, = autograd.gradients(gx, [x], grad=seed, create_graph=True)
        return [x, w, y, gx, gw, hxx]

    def stored() -> list[Value]:
        x = Value(data, label="x")
        y = (x ** 3.0).sin()
        y.backward(np.ones(2) if batch else None, create_graph=True)
        g = x.grad
        x.grad = 0.0  # (zero_grad's reset) breaks the cycle leaf -> grad -> ... -> leaf
        return [x, y, g]

    for make in (first, second, stored):
        alive = _nodes_die_without_the_collector(make)
        assert not alive, (make.__name__, alive[:5])


def test_backward_with_create_graph_keeps_a_cycle_through_the_leaf_s_grad() -> None:
    """The documented exception (as PyTorch's): while leaf.grad holds a create_graph
    gradient, the leaf is reachable from itself; the collector frees it."""
    def make() -> list[Value]:
        x = Value(0.3, label="x")
        y = x * x * x
        y.backward(create_graph=True)
        return [x]

    alive = _nodes_die_without_the_collector(make)
    assert alive  # the cycle
    gc.collect()


@pytest.mark.parametrize("batch", [False, True])
def test_backward_with_create_graph_gives_op_nodes_their_gradient_s_numbers(batch: bool) -> None:
    """Under create_graph a leaf's grad is a Value (to differentiate again) and an op
    node's grad the numbers of its gradient: d(y)/d(u) for u = x**2 is cos(u), checked
    against math's cos and against a pass without create_graph."""
    data = np.array([0.3, -1.2]) if batch else 0.3
    x = Value(data, label="x")
    u = x ** 2.0
    y = u.sin()
    y.backward(np.ones(2) if batch else None, create_graph=True)
    assert isinstance(x.grad, Value) and not isinstance(u.grad, Value)
    np.testing.assert_allclose(u.grad, np.cos(np.square(data)), rtol=1e-15)
    np.testing.assert_allclose(x.grad.data, 2 * np.asarray(data) * np.cos(np.square(data)),
                               rtol=1e-15)
    plain = Value(data, label="x")
    v = plain ** 2.0
    v.sin().backward(np.ones(2) if batch else None)
    assert type(u.grad) is type(v.grad) and np.array_equal(u.grad, v.grad)


def test_backward_with_create_graph_hands_op_nodes_arrays_of_their_own() -> None:
    """An op node's grad under create_graph is its gradient's numbers in an array of its
    own: writing into it changes no leaf's grad and not the caller's seed."""
    x, w = Value(np.array([1.0, 2.0]), label="x"), Value(np.array([3.0, 4.0]), label="w")
    x.grad = w.grad = None
    v = x * 2.0 + w
    seed = Value(np.array([1.0, 1.0]))
    v.backward(seed, create_graph=True)
    v.grad *= 100.0
    assert w.grad.data.tolist() == [1.0, 1.0] and x.grad.data.tolist() == [2.0, 2.0]
    assert seed.data.tolist() == [1.0, 1.0]
