"""where(c, x, y): x where c is nonzero, else y; checked against torch.where, SymPy's
Piecewise and central differences, in float, batch and create_graph modes, and the
flat-piece rule it carries: the input not picked gets exactly 0, even from an inf."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import sympy as sp

import autograd
from autograd import Value
from autograd.backward import masked
from autograd.expr import parse


def _torch_where(c: list[float], x: list[float], y: list[float]) -> tuple[Any, Any, Any]:
    torch = pytest.importorskip("torch")
    tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(y, dtype=torch.float64, requires_grad=True)
    out = torch.where(torch.tensor(c, dtype=torch.float64) != 0, tx * tx, ty.exp())
    out.sum().backward()
    return out.detach().numpy(), tx.grad.numpy(), ty.grad.numpy()


C = [1.0, 0.0, -2.0, math.nan, 0.0]
X = [0.5, -1.5, 3.0, 2.0, 1e308]
Y = [0.25, 2.0, -1.0, 0.5, 800.0]  # exp(800) = inf on the side not picked


def test_a_batch_matches_torch_where_in_value_and_gradient() -> None:
    """nan counts as nonzero (as torch's c != 0); the unpicked exp(800) = inf and
    x*x = inf are never seen: values and gradients are torch's, sample by sample."""
    want, gx, gy = _torch_where(C, X, Y)
    x, y = Value(np.array(X)), Value(np.array(Y))
    out = autograd.where(np.array(C), x * x, y.exp())
    np.testing.assert_array_equal(out.data, want)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, gx)
    np.testing.assert_array_equal(y.grad, gy)


@pytest.mark.parametrize("i", range(len(C)))
def test_float_mode_and_create_graph_give_each_sample_of_the_batch(i: int) -> None:
    _, gx, gy = _torch_where(C, X, Y)
    for create_graph in (False, True):
        x, y = Value(X[i]), Value(Y[i])
        out = autograd.where(C[i], x * x, y.exp())
        dx, dy = autograd.gradients(out, [x, y], create_graph=create_graph)
        got = [d.data if create_graph else d for d in (dx, dy)]
        assert got == [gx[i], gy[i]], (create_graph, got)


def test_a_boolean_condition_and_the_method_form() -> None:
    x = Value(2.0)
    assert autograd.where(True, x, 5.0).data == 2.0
    assert autograd.where(False, x, 5.0).data == 5.0
    assert x.where(np.array([True, False]), -1.0).data.tolist() == [2.0, -1.0]
    assert x.where(0.0, -1.0).data == -1.0


def test_a_value_condition_gets_slope_zero_and_the_result_jumps_at_zero() -> None:
    c, x, y = Value(0.0), Value(3.0), Value(4.0)
    out = autograd.where(c, x, y)
    out.backward()
    assert (out.data, c.grad, x.grad, y.grad) == (4.0, 0.0, 0.0, 1.0)
    c.data = 1e-300  # any nonzero condition picks x
    assert autograd.where(c, x, y).data == 3.0


def test_the_derivatives_are_sympys_piecewise_and_central_differences() -> None:
    """d/dx of where(x - 1, x**3, sin(x)) is 3x**2 for x != 1 and cos(x) at x = 1;
    second derivatives too (create_graph through the where node)."""
    s = sp.Symbol("x")
    exact = sp.Piecewise((s**3, sp.Ne(s - 1, 0)), (sp.sin(s), True))
    for point in (-0.7, 0.3, 1.0, 2.5):
        x = Value(point)
        out = autograd.where(x - 1.0, x**3, x.sin())
        (d1,) = autograd.gradients(out, [x], create_graph=True)
        (d2,) = autograd.gradients(d1, [x])
        assert d1.data == pytest.approx(float(sp.diff(exact, s).subs(s, point)), rel=1e-15)
        assert d2 == pytest.approx(float(sp.diff(exact, s, 2).subs(s, point)), rel=1e-14)
        if point != 1.0:  # away from the jump, central differences agree
            h = 1e-6
            fd = (autograd.where(point + h - 1.0, (point + h) ** 3, math.sin(point + h)).data
                  - autograd.where(point - h - 1.0, (point - h) ** 3, math.sin(point - h)).data) / (2 * h)
            assert d1.data == pytest.approx(fd, rel=1e-8)


def test_the_expression_language_and_the_symbolic_form() -> None:
    out, leaves = parse("where(x, x**3, 5*x)").build({"x": 0.0})
    x = leaves["x"]
    out.backward()
    assert (out.data, x.grad) == (5.0 * 0.0, 5.0)
    from autograd.symbolic import symbolic_grad, to_sympy

    form = to_sympy(out)
    (s,) = form.free_symbols  # the engine's own x (real)
    assert form == sp.Piecewise((s**3, sp.Ne(s, 0)), (5 * s, True))
    slope = symbolic_grad(out, "x")
    assert [slope.subs(s, p) for p in (0, 2)] == [5, 12]


def test_masked_zeroes_a_batch_gradient_graph_where_the_local_derivative_is_zero() -> None:
    """create_graph on a batch: the contribution is a Value; its flat samples become a
    where node's constant 0, and a where node's own flat picks are found as flat."""
    g = Value(np.array([math.inf, 2.0]))
    out = masked(g, np.array([0.0, 3.0]))
    assert out.data.tolist() == [0.0, 2.0] and out._row is autograd.ops.WHERE
    assert masked(g, np.array([1.0, 3.0])) is g
    live = Value(np.array([1.0, 1.0]))
    local = autograd.where(np.array([1.0, 0.0]), live, 0.0)  # flat at sample 1 only
    assert masked(g, local).data.tolist() == [math.inf, 0.0]
    local = autograd.where(np.array([1.0, 0.0]), live, live * 2.0)  # flat nowhere
    assert masked(g, local) is g
    assert masked(Value(math.nan), autograd.where(0.0, Value(1.0), 0.0)).data == 0.0


def test_a_batch_flat_in_every_sample_passes_a_constant_as_float_mode_does() -> None:
    """exp(maximum(a, b)) at a = 710: d/db is 0 through maximum's flat side; as a
    constant (float create_graph's), its own derivative is 0, where a where node over
    the graph behind it would give 0 * exp(710) = nan (upstream 0 times an inf slope)."""
    out = masked(Value(np.array([math.inf, 1.0])), np.array([0.0, 0.0]))
    assert out.data.tolist() == [0.0, 0.0] and not out.requires_grad
    results = []
    for a, b in ((Value(710.0), Value(0.3)), (Value(np.array([710.0, 710.0])), Value(np.array([0.3, 0.3])))):
        z = a.maximum(b).exp()
        _, gb = autograd.gradients(z if z.data.__class__ is float else z.sum(), [a, b], create_graph=True)
        second = autograd.gradients(gb if gb.data.__class__ is float else gb.sum(), [a, b],
                                    allow_unused=True)
        results.append([float(np.asarray(g).ravel()[0]) for g in second])
    assert results[0] == results[1] == [0.0, 0.0]
