"""Forward mode, Jacobians and Hessians: against the reverse-mode gradient, against each
other, and against torch.func.jvp and torch.autograd.functional's jacobian and hessian."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, grad, hessian, hvp, jacfwd, jacobian, jvp
from tests.graphs import OPS, TORCH_IMPRECISE, Recipe, build, engine_table, finite, recipes, torch_table
from tests.test_oracles import close, on_kink

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


def as_function(recipe: Recipe, table: dict[str, Any] | None = None) -> Any:
    """The recipe as a function of its leaves."""
    table = table or engine_table()

    def f(*leaves: Any) -> Any:
        pool = list(leaves)
        for op, args in recipe.steps:
            pool.append(table[op](*[pool[a] for a in args]))
        return pool[-1]

    return f


def valid(recipe: Recipe) -> None:
    try:
        _, root = build(recipe, lambda i, v: Value(v), engine_table())
    except (OverflowError, ValueError, ZeroDivisionError):
        assume(False)
    nodes = autograd.topological_order(root)
    assume(all(finite(float(n.data)) for n in nodes) and not any(on_kink(n) for n in nodes))


@SETTINGS
@given(recipes(), st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_jvp_is_the_gradient_dotted_with_the_tangent(recipe: Recipe, direction: list[float]) -> None:
    valid(recipe)
    f = as_function(recipe)
    tangents = tuple(direction[: len(recipe.leaves)])
    value, dot = jvp(f, recipe.leaves, tangents)
    grads = grad(f, argnums=tuple(range(len(recipe.leaves))))(*recipe.leaves)
    expected = math.fsum(g * t for g, t in zip(grads, tangents))
    scale = max(1.0, *(abs(g * t) for g, t in zip(grads, tangents)))
    assert value == build(recipe, lambda i, v: Value(v), engine_table())[1].data
    assert abs(dot - expected) <= 1e-13 * scale, f"{dot!r} vs {expected!r}; {recipe}"


@SETTINGS
@given(recipes(ops=tuple(op for op in OPS if op not in TORCH_IMPRECISE)),
       st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_jvp_matches_torch_func_jvp(recipe: Recipe, direction: list[float]) -> None:
    torch = pytest.importorskip("torch")
    valid(recipe)
    tangents = tuple(direction[: len(recipe.leaves)])
    value, dot = jvp(as_function(recipe), recipe.leaves, tangents)
    t = [torch.tensor(v, dtype=torch.float64) for v in recipe.leaves]
    tt = [torch.tensor(v, dtype=torch.float64) for v in tangents]
    try:
        tvalue, tdot = torch.func.jvp(as_function(recipe, torch_table(torch)), tuple(t), tuple(tt))
    except (RuntimeError, NotImplementedError):  # an op without a forward-mode rule in torch
        assume(False)
    assert close(value, float(tvalue), rel=1e-12)
    assert close(dot, float(tdot), rel=1e-10), f"{dot!r} vs torch {float(tdot)!r}; {recipe}"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(recipes(max_leaves=3, max_steps=6, ops=tuple(op for op in OPS if op not in TORCH_IMPRECISE)))
def test_hessian_matches_torch(recipe: Recipe) -> None:
    torch = pytest.importorskip("torch")
    valid(recipe)
    n = len(recipe.leaves)
    ours = hessian(as_function(recipe), argnums=tuple(range(n)))(*recipe.leaves)
    theirs = torch.autograd.functional.hessian(
        as_function(recipe, torch_table(torch)),
        tuple(torch.tensor(v, dtype=torch.float64) for v in recipe.leaves))
    for i in range(n):
        for j in range(n):
            expected = float(theirs[i][j])
            assume(finite(expected))
            assert close(ours[i][j], expected, rel=1e-9), f"H[{i}][{j}]: {ours[i][j]!r} vs {expected!r}"
            assert close(ours[i][j], ours[j][i], rel=1e-9), "not symmetric"


@SETTINGS
@given(recipes(max_leaves=3, max_steps=8))
def test_jacfwd_equals_jacrev_and_hvp_equals_hessian_times_v(recipe: Recipe) -> None:
    valid(recipe)
    n = len(recipe.leaves)
    f = as_function(recipe)
    nums = tuple(range(n))
    forward, reverse = jacfwd(f, nums)(*recipe.leaves), jacobian(f, nums)(*recipe.leaves)
    for a, b in zip(forward, reverse):
        assert close(a, b, rel=1e-12)
    v = tuple(0.5 + 0.25 * k for k in range(n))
    h = hessian(f, nums)(*recipe.leaves)
    product = hvp(f, recipe.leaves, v)
    product = product if n > 1 else (product,)
    for i in range(n):
        expected = math.fsum(h[i][j] * v[j] for j in range(n))
        assume(finite(expected))
        assert close(product[i], expected, rel=1e-9)


def test_multiple_outputs_jacobian_matches_torch() -> None:
    torch = pytest.importorskip("torch")

    def f(x: Any, y: Any) -> list[Any]:
        return [x * y.sin(), (x - y).exp(), x.atan2(y) + y.softsign()]

    def tf(x: Any, y: Any) -> tuple[Any, ...]:
        return (x * y.sin(), (x - y).exp(), torch.atan2(x, y) + torch.nn.functional.softsign(y))

    ours = jacobian(f, argnums=(0, 1))(0.7, -1.1)
    theirs = torch.autograd.functional.jacobian(tf, (torch.tensor(0.7, dtype=torch.float64),
                                                     torch.tensor(-1.1, dtype=torch.float64)))
    assert len(ours) == 3
    for row, trow in zip(ours, theirs):
        assert row == pytest.approx([float(t) for t in trow], rel=1e-15)
    for row, frow in zip(ours, jacfwd(f, argnums=(0, 1))(0.7, -1.1)):
        assert frow == pytest.approx(row, rel=1e-15)


def test_results_are_nested_like_jax() -> None:
    f = lambda x, y: x * x * y  # noqa: E731
    assert jacobian(f)(2.0, 3.0) == 12.0
    assert jacobian(f, argnums=1)(2.0, 3.0) == 4.0
    assert jacobian(f, argnums=(0, 1))(2.0, 3.0) == (12.0, 4.0)
    assert jacobian(lambda x, y: [f(x, y), x + y], argnums=(0, 1))(2.0, 3.0) == [(12.0, 4.0), (1.0, 1.0)]
    assert hessian(f)(2.0, 3.0) == 6.0
    assert hessian(f, argnums=(0, 1))(2.0, 3.0) == ((6.0, 4.0), (4.0, 0.0))
    g = lambda v: v[0] * v[1] ** 2 + v[2].sin()  # noqa: E731
    assert jacobian(g)([1.0, 2.0, 0.0]) == [4.0, 4.0, 1.0]
    assert hessian(g)([1.0, 2.0, 0.0]) == [[0.0, 4.0, 0.0], [4.0, 2.0, 0.0], [0.0, 0.0, -0.0]]
    assert jvp(lambda x, y: [x * y, x - y], (2.0, 3.0), (1.0, 0.0)) == ([6.0, -1.0], [3.0, 1.0])
    assert hvp(lambda x: x**4, (2.0,), (1.0,)) == 48.0
    assert hvp(f, (2.0, 3.0), (1.0, 0.0)) == (6.0, 4.0)


def test_jvp_on_batches_gives_one_directional_derivative_per_sample() -> None:
    x = np.array([0.3, -1.2, 2.0])
    t = np.array([1.0, 0.5, -2.0])
    value, dot = jvp(lambda v, w: (v * w).tanh() + v.mish(), (x, 0.7), (t, 0.0))
    for k in range(3):
        v1, d1 = jvp(lambda v, w: (v * w).tanh() + v.mish(), (float(x[k]), 0.7), (float(t[k]), 0.0))
        assert value[k] == pytest.approx(v1, rel=1e-15) and dot[k] == pytest.approx(d1, rel=1e-15)
    # a batch reduced to one number: the tangent is the sum over the samples
    total, dtotal = jvp(lambda v: (v * v).sum(), (x,), (t,))
    assert total == pytest.approx(float(np.sum(x * x))) and dtotal == pytest.approx(float(np.sum(2 * x * t)))
    # a number as tangent is spread over the batch
    _, dspread = jvp(lambda v: v.exp(), (x,), (1.0,))
    assert dspread == pytest.approx(np.exp(x), rel=1e-15)


def test_transforms_compose_with_grad() -> None:
    # d/dx of the directional derivative of y**3 at x along 1: 6x
    assert grad(lambda x: jvp(lambda y: y**3, (x,), (1.0,))[1])(2.0) == 12.0
    assert grad(lambda x: hessian(lambda y: y**4)(x))(2.0) == pytest.approx(48.0)
    assert jacfwd(jacfwd(lambda x: x.sin()))(0.5) == pytest.approx(-math.sin(0.5), rel=1e-15)
    # no perturbation confusion: d/dx [jvp of y -> x*y at y = x] is 1, not 2
    assert grad(lambda x: jvp(lambda y: x * y, (x,), (1.0,))[1])(3.0) == 1.0


def test_bad_calls_are_refused() -> None:
    with pytest.raises(ValueError, match="2 primals but 1 tangents"):
        jvp(lambda x, y: x * y, (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match="tangent 0 is a batch"):
        jvp(lambda x: x, (1.0,), (np.array([1.0, 2.0]),))
    with pytest.raises(TypeError, match="f must be a function"):
        jvp(3.0, (1.0,), (1.0,))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="f must be a function"):
        jacobian(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out of range"):
        jacobian(lambda x: x, argnums=2)(1.0)
    with pytest.raises(TypeError, match="must return a Value"):
        jvp(lambda x: "text", (1.0,), (1.0,))


def test_a_function_that_ignores_its_input_has_zero_derivatives() -> None:
    assert jvp(lambda x: 3.0, (1.0,), (1.0,)) == (3.0, 0.0)
    assert jacobian(lambda x, y: x * 2.0, argnums=(0, 1))(1.0, 5.0) == (2.0, 0.0)
    assert hessian(lambda x: x * 2.0)(1.0) == 0.0


def test_jvp_uses_the_tables_local_derivatives_so_kinks_follow_the_table() -> None:
    # forward mode reads the same rules as backward: maximum's tie gives 1/2 to each
    assert jvp(lambda x, y: x.maximum(y), (1.0, 1.0), (1.0, 0.0))[1] == 0.5
    assert jvp(lambda x: x.relu(), (0.0,), (1.0,))[1] == 0.0
    assert isinstance(jvp(lambda x: Value(2.0) * x, (1.0,), (1.0,))[1], float)
