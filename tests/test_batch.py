"""Batch mode: one graph for many samples equals the per-sample graphs, summed.

The oracle is the engine's own scalar path run sample by sample, itself checked
against sympy and PyTorch in test_oracles.py; the batched gradients must match
the per-sample gradients (batch leaves) or their sum (float leaves) to 1e-12.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value
from tests.graphs import Recipe, build, engine_table, finite, recipes

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    """Equal to rounding; nan agrees only with nan (a sample at hypot's origin, where
    the derivative is 0/0 in both modes)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel)


@st.composite
def batched_recipes(draw: st.DrawFn) -> tuple[Recipe, dict[int, np.ndarray]]:
    recipe = draw(recipes())
    size = draw(st.integers(2, 5))
    batched = {}
    for i in range(len(recipe.leaves)):
        if draw(st.booleans()):
            batched[i] = np.array([draw(st.floats(-2.0, 2.0).filter(lambda v: abs(v) > 1e-3))
                                   for _ in range(size)])
    assume(batched)
    return recipe, batched


def per_sample(recipe: Recipe, batched: dict[int, np.ndarray], s: int) -> Recipe:
    leaves = tuple(float(batched[i][s]) if i in batched else v for i, v in enumerate(recipe.leaves))
    return Recipe(leaves, recipe.steps)


def engine_leaf(batched: dict[int, np.ndarray]) -> object:
    return lambda i, v: Value(batched[i] if i in batched else v, label=f"x{i}")


@SETTINGS
@given(batched_recipes())
def test_batched_gradients_equal_per_sample_gradients(case: tuple[Recipe, dict[int, np.ndarray]]) -> None:
    recipe, batched = case
    size = len(next(iter(batched.values())))
    try:
        leaves, root = build(recipe, engine_leaf(batched), engine_table())  # type: ignore[arg-type]
        singles = []
        for s in range(size):
            sl, sr = build(per_sample(recipe, batched, s), lambda i, v: Value(v), engine_table())
            assume(all(finite(float(n.data)) for n in autograd.topological_order(sr)))
            singles.append((sr, autograd.gradients(sr, sl, allow_unused=True)))
    except (OverflowError, ValueError, ZeroDivisionError):
        assume(False)
    assume(root.is_batch)  # a root that no batch reaches is an ordinary float graph
    root.backward()
    data = root.data
    for s, (sr, _) in enumerate(singles):
        assert close(float(data[s]), float(sr.data))
    for i, leaf in enumerate(leaves):
        if i in batched:
            assert isinstance(leaf.grad, np.ndarray) and leaf.grad.shape == (size,)
            for s, (_, grads) in enumerate(singles):
                assert close(float(leaf.grad[s]), grads[i]), f"x{i} sample {s}; {recipe}"
        else:
            assert type(leaf.grad) is float
            total = math.fsum(grads[i] for _, grads in singles)
            assert close(leaf.grad, total, rel=1e-11), f"x{i}: {leaf.grad!r} vs {total!r}; {recipe}"


def test_float_parameter_gets_the_batch_sum_and_grad_has_the_shape_of_data() -> None:
    xs = np.array([0.5, -1.0, 2.0])
    x, w = Value(xs, label="x"), Value(0.3, label="w")
    y = (w * x).tanh()
    y.backward()
    expected = sum((1 - math.tanh(0.3 * v) ** 2) * v for v in xs)
    assert w.grad == pytest.approx(expected, rel=1e-14)
    assert x.grad.shape == xs.shape and y.grad.shape == xs.shape
    np.testing.assert_allclose(x.grad, (1 - np.tanh(0.3 * xs) ** 2) * 0.3, rtol=1e-14)


def test_reductions_and_second_derivatives_on_batches() -> None:
    xs = np.array([0.2, 0.7, -0.4])
    x = Value(xs)
    loss = (x * x * x).mean()
    g = autograd.gradients(loss, x, create_graph=True)  # 3x^2 / n per sample
    np.testing.assert_allclose(g.data, 3 * xs**2 / 3, rtol=1e-15)
    h = autograd.gradients(g.sum(), x)  # 6x / n
    np.testing.assert_allclose(h, 6 * xs / 3, rtol=1e-15)
    w = Value(1.5)
    inner = autograd.gradients((w * x).sin().sum(), w, create_graph=True)
    assert autograd.gradients(inner, w) == pytest.approx(float(np.sum(-np.sin(1.5 * xs) * xs**2)), rel=1e-14)


def test_no_grad_on_batches() -> None:
    x = Value(np.array([1.0, 2.0]))
    with autograd.no_grad():
        y = x * 2
    assert y.parents == () and list(y.data) == [2.0, 4.0]


def test_batches_of_different_sizes_are_refused() -> None:
    a = Value(np.array([1.0, 2.0]), label="a")
    b = Value(np.array([1.0, 2.0, 3.0]), label="b")
    with pytest.raises(ValueError, match=r"mul: batches of different sizes, 2 and 3.*'a'.*'b'"):
        a * b
    with pytest.raises(ValueError, match="different sizes"):
        autograd.sum([a, b])


def test_domain_errors_name_the_sample() -> None:
    x = Value(np.array([1.0, -2.0, 3.0]), label="x")
    with pytest.raises(ValueError, match=r"log: .*-2.0 at sample 1 \(label 'x'\)"):
        x.log()
    with pytest.raises(ZeroDivisionError, match="sample 2"):
        1.0 / Value(np.array([1.0, 2.0, 0.0]))


def test_batch_data_is_copied_and_validated() -> None:
    arr = np.array([1, 2, 3])
    v = Value(arr)
    arr[0] = 100
    assert v.data.dtype == np.float64 and v.data[0] == 1.0
    with pytest.raises(TypeError, match="1-D"):
        Value(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="at least one"):
        Value(np.array([]))
    with pytest.raises(TypeError, match=r"numpy.asarray"):
        Value([1.0, 2.0])  # type: ignore[arg-type]


def test_batch_backward_emits_no_warnings_for_saturating_inputs() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = Value(np.array([-800.0, 0.0, 800.0]))
        (x.sigmoid() + x.softplus() + x.tanh()).sum().backward()
    assert np.all(np.isfinite(x.grad))


def test_numpy_operands_on_the_left_give_batch_values() -> None:
    v = Value(2.0)
    labels = np.array([1.0, -1.0, 3.0])
    for out, expected in ((labels * v, labels * 2.0), (labels + v, labels + 2.0),
                          (labels - v, labels - 2.0), (labels / v, labels / 2.0),
                          (np.float64(3.0) * v, 6.0)):
        assert isinstance(out, Value)
        np.testing.assert_array_equal(out.data, expected)
    (labels * v).sum().backward()
    assert v.grad == float(np.sum(labels))


@pytest.mark.parametrize("activations", [["tanh", "sigmoid", "relu", "linear"],
                                         ["gelu", "elu", "softplus", "silu"]])
def test_mlp_batch_gradients_equal_the_sum_of_per_sample_gradients(activations: list[str]) -> None:
    """One graph for the batch vs one backward per sample, to 1e-12 of the summed magnitudes."""
    from autograd.data import make_moons
    from autograd.nn import MLP

    X, y = make_moons(40, noise=0.1, seed=2)
    net = MLP(2, [6, 5, 4, 1], activations=activations, seed=4)
    params = net.parameters()
    per_sample = []
    for row, target in zip(X, y):
        net.zero_grad()
        out = net([Value(float(v)) for v in row])
        ((out - float(target)) * (out - float(target))).backward()
        per_sample.append([p.grad for p in params])
    net.zero_grad()
    out = net([Value(column) for column in X.T])
    ((out - y) * (out - y)).sum().backward()
    for k, p in enumerate(params):
        contributions = [grads[k] for grads in per_sample]
        scale = math.fsum(abs(c) for c in contributions)
        assert abs(p.grad - math.fsum(contributions)) <= 1e-12 * max(scale, 1e-300), p.label
