"""Every derivative of the table against independent oracles, on random graphs.

* sympy differentiates the same expression symbolically; mpmath evaluates it
  at 40 digits (the exact oracle);
* central finite differences on the engine's own forward pass;
* PyTorch in float64, when it is installed (skipped cleanly otherwise).

First derivatives through ``backward()`` and ``gradients()``, second
derivatives through ``create_graph=True``.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

import autograd
from autograd import Value
from tests.graphs import (
    CEIL0,
    FLOOR0,
    OPS,
    PIECEWISE,
    SIGN0,
    TORCH_IMPRECISE,
    Recipe,
    build,
    engine_table,
    finite,
    recipes,
    sympy_table,
)

KINKED = ("abs", "relu", "leaky_relu", "elu", *PIECEWISE)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


def engine_graph(recipe: Recipe) -> tuple[list[Value], Value]:
    try:
        leaves, root = build(recipe, lambda i, v: Value(v, label=f"x{i}"), engine_table())
    except (OverflowError, ValueError, ZeroDivisionError):
        assume(False)
    nodes = autograd.topological_order(root)
    assume(all(finite(float(n.data)) for n in nodes))
    assume(not any(on_kink(n) for n in nodes))  # a tie of max, an integer into floor, ...
    return leaves, root


def on_kink(node: Value) -> bool:
    """True when the node's op sits exactly on one of its kinks (the derivative there is a
    convention, checked against PyTorch in tests/test_ops.py, not a sympy derivative)."""
    op = node._row
    if op is None or op.kink is None:
        return False
    data = [p.data for p in node.parents]
    return bool(op.kink(data) if op.arity == -1 else op.kink(*data))


def sympy_graph(recipe: Recipe) -> tuple[list[Any], Any]:
    symbols = [sp.Symbol(f"x{i}", real=True) for i in range(len(recipe.leaves))]
    _, root = build(recipe, lambda i, v: symbols[i], sympy_table())
    return symbols, root


def exact(expr: Any, symbols: list[Any], point: tuple[float, ...]) -> float:
    """Evaluate a sympy expression at a float point with 40 significant digits.

    Away from a kink the derivative of sign() is 0, so DiracDelta terms drop;
    the tables' floor and ceiling have derivative 0 and Heaviside (the
    derivative of Max and Min) is its value away from 0.
    """
    try:
        expr = expr.replace(sp.DiracDelta, lambda *args: sp.S.Zero)
        expr = expr.replace(FLOOR0, sp.floor).replace(CEIL0, sp.ceiling).replace(SIGN0, sp.sign)
        expr = expr.replace(sp.Heaviside, lambda u, *rest: sp.Piecewise((1, u > 0), (0, True)))
        try:
            with mpmath.workdps(40):
                f = sp.lambdify(symbols, expr, modules="mpmath")
                return float(f(*[mpmath.mpf(v) for v in point]))
        except TypeError:
            # a Piecewise whose condition holds another Piecewise (maximum of a
            # hardtanh) does not lambdify: substitute the point and let SymPy decide
            # every condition at 40 digits instead
            at = {s: sp.Float(repr(v), 40) for s, v in zip(symbols, point)}
            return float(sp.N(expr.subs(at), 40))
    except (RecursionError, ValueError):
        # sympy itself gives up (deeply nested Piecewise, an unevaluated Derivative it
        # cannot print): no exact oracle for this example; the others still run
        reject()
        raise  # unreachable: reject() raises


def symbolic(recipe: Recipe) -> tuple[list[Any], Any]:
    """The recipe in sympy; an example sympy cannot build (it recurses too deep) is skipped."""
    try:
        return sympy_graph(recipe)
    except RecursionError:
        reject()
        raise  # unreachable: reject() raises


def close(ours: float, oracle: float, rel: float = 1e-9) -> bool:
    return math.isclose(ours, oracle, rel_tol=rel, abs_tol=rel)


def unique_leaves(recipe: Recipe) -> list[int]:
    """Indices of leaves that share no value (a leaf reused is still one symbol)."""
    return list(range(len(recipe.leaves)))


@SETTINGS
@given(recipes())
def test_values_and_first_derivatives_match_sympy(recipe: Recipe) -> None:
    leaves, root = engine_graph(recipe)
    root.backward()
    symbols, expr = symbolic(recipe)
    assert close(float(root.data), exact(expr, symbols, recipe.leaves)), str(recipe)
    for leaf, sym in zip(leaves, symbols):
        oracle = exact(sp.diff(expr, sym), symbols, recipe.leaves)
        assert close(leaf.grad, oracle), f"d/d{sym}: engine {leaf.grad!r}, sympy {oracle!r}; {recipe}"


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(recipes(max_leaves=2, max_steps=6))
def test_second_derivatives_match_sympy(recipe: Recipe) -> None:
    leaves, root = engine_graph(recipe)
    symbols, expr = symbolic(recipe)
    first = autograd.gradients(root, leaves, create_graph=True, allow_unused=True)
    for i, gi in enumerate(first):
        assert isinstance(gi, Value)
        second = autograd.gradients(gi, leaves, allow_unused=True)
        for j, gij in enumerate(second):
            oracle = exact(sp.diff(expr, symbols[i], symbols[j]), symbols, recipe.leaves)
            assume(finite(oracle))
            assert close(gij, oracle, rel=1e-8), (
                f"d2/dx{i}dx{j}: engine {gij!r}, sympy {oracle!r}; {recipe}")


def central_difference(recipe: Recipe, i: int, h: float = 1e-6) -> float:
    def at(delta: float) -> float:
        shifted = list(recipe.leaves)
        shifted[i] += delta
        _, root = build(Recipe(tuple(shifted), recipe.steps), lambda k, v: Value(v), engine_table())
        return float(root.data)

    return (at(h) - at(-h)) / (2 * h)


SMOOTH = tuple(op for op in OPS if op not in KINKED)


@SETTINGS
@given(recipes(ops=SMOOTH))
def test_first_derivatives_match_central_differences(recipe: Recipe) -> None:
    leaves, root = engine_graph(recipe)
    grads = autograd.gradients(root, leaves, allow_unused=True)
    for i, g in enumerate(grads):
        try:
            fd = central_difference(recipe, i)
        except (OverflowError, ValueError, ZeroDivisionError):
            assume(False)
        scale = max(1.0, abs(g), abs(float(root.data)))
        assert abs(g - fd) <= 1e-5 * scale, f"d/dx{i}: engine {g!r}, central difference {fd!r}; {recipe}"


@SETTINGS
@given(recipes())
def test_backward_and_gradients_agree_and_gradients_leave_grad_alone(recipe: Recipe) -> None:
    leaves, root = engine_graph(recipe)
    before = [leaf.grad for leaf in leaves]
    grads = autograd.gradients(root, leaves, allow_unused=True)
    assert [leaf.grad for leaf in leaves] == before
    root.backward()
    assert [leaf.grad for leaf in leaves] == grads


def _same(a: float, b: float) -> bool:
    """Equal as floats, nan equal to nan."""
    return a == b or (math.isnan(a) and math.isnan(b))


@SETTINGS
@given(recipes(), st.integers(2, 40))
def test_leaves_accumulate_exactly_and_intermediates_do_not(recipe: Recipe, passes: int) -> None:
    """k backward passes give exactly k times one pass on every leaf (the float
    product k*g, correctly rounded, not g+g+...+g), never more (micrograd's 3x bug)."""
    leaves, root = engine_graph(recipe)
    once = autograd.gradients(root, leaves, allow_unused=True)
    nodes = autograd.topological_order(root)
    for _ in range(passes):
        root.backward()
    for leaf, g in zip(leaves, once):
        assert _same(leaf.grad, passes * g)
    inner = [n for n in nodes if not n.is_leaf]
    assert [n.grad for n in inner] == autograd.gradients(root, inner)


# ------------------------------------------------------------------ torch
torch_available = True
try:  # pragma: no cover - depends on the environment
    import torch  # noqa: F401
except ImportError:  # pragma: no cover
    torch_available = False


@pytest.mark.skipif(not torch_available, reason="PyTorch is not installed")
@SETTINGS
@given(recipes(ops=tuple(op for op in OPS if op not in TORCH_IMPRECISE)))
def test_first_and_second_derivatives_match_torch(recipe: Recipe) -> None:
    import torch

    from tests.graphs import torch_table

    leaves, root = engine_graph(recipe)
    tleaves, troot = build(
        recipe,
        lambda i, v: torch.tensor(v, dtype=torch.float64, requires_grad=True),
        torch_table(torch),
    )
    assert close(float(root.data), float(troot.detach()), rel=1e-12)
    tgrads = torch.autograd.grad(troot, tleaves, create_graph=True, allow_unused=True)
    ours = autograd.gradients(root, leaves, create_graph=True, allow_unused=True)
    for i, (g, tg) in enumerate(zip(ours, tgrads)):
        expected = 0.0 if tg is None else float(tg.detach())
        assert close(g.item(), expected, rel=1e-12), f"d/dx{i}: {g!r} vs torch {expected!r}"
        if tg is None or not tg.requires_grad:
            continue
        t2 = torch.autograd.grad(tg, tleaves, retain_graph=True, allow_unused=True)
        for j, (g2, tg2) in enumerate(zip(autograd.gradients(g, leaves, allow_unused=True), t2)):
            expected2 = 0.0 if tg2 is None else float(tg2)
            assert close(g2, expected2, rel=1e-10), f"d2/dx{i}dx{j}: {g2!r} vs {expected2!r}"
