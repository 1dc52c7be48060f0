"""Each row of the derivative table, on its own, against sympy and PyTorch.

The random graphs of test_oracles.py mix ops; here every op is checked at fixed
points on both sides of zero, so no op can go untested in a run.
"""

from __future__ import annotations

import math
import warnings

import pytest
import sympy as sp

import autograd
from autograd import Value
from tests.graphs import OPS, TORCH_IMPRECISE, Recipe, build, engine_table, sympy_table
from tests.test_oracles import close, exact

POINTS = (-1.7, -0.3, 0.4, 1.9)
NAMES = sorted(OPS)


def single(op: str, x: float) -> Recipe:
    arity = OPS[op]
    if arity == 1:
        return Recipe((x,), ((op, (0,)),))
    if arity == 2:
        return Recipe((x, 0.6), ((op, (0, 1)),))
    if arity == 3:  # clamp(x, lo, hi): x below, inside and above [-0.5, 1.0]
        return Recipe((x, -0.5, 1.0), ((op, (0, 1, 2)),))
    args = (0, 1, 2, 0, 1) if op == "dot" else (0, 1, 2)
    return Recipe((x, 0.6, -1.1), ((op, args),))


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("op", NAMES)
def test_op_value_first_and_second_derivatives_against_sympy(op: str, x: float) -> None:
    recipe = single(op, x)
    leaves, root = build(recipe, lambda i, v: Value(v), engine_table())
    symbols = [sp.Symbol(f"x{i}", real=True) for i in range(len(recipe.leaves))]
    _, expr = build(recipe, lambda i, v: symbols[i], sympy_table())
    assert close(float(root.data), exact(expr, symbols, recipe.leaves), rel=1e-13)
    first = autograd.gradients(root, leaves, create_graph=True, allow_unused=True)
    for i, g in enumerate(first):
        assert close(g.item(), exact(sp.diff(expr, symbols[i]), symbols, recipe.leaves), rel=1e-13)
        for j, g2 in enumerate(autograd.gradients(g, leaves, allow_unused=True)):
            oracle = exact(sp.diff(expr, symbols[i], symbols[j]), symbols, recipe.leaves)
            assert close(g2, oracle, rel=1e-12), f"d2 {op} /dx{i}dx{j} at {x}"


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("op", NAMES)
def test_op_against_torch(op: str, x: float) -> None:
    torch = pytest.importorskip("torch")
    from tests.graphs import torch_table

    recipe = single(op, x)
    leaves, root = build(recipe, lambda i, v: Value(v), engine_table())
    tleaves, troot = build(recipe, lambda i, v: torch.tensor(v, dtype=torch.float64,
                                                               requires_grad=True), torch_table(torch))
    assert close(float(root.data), float(troot.detach()), rel=1e-14), f"{op} value"
    tgrads = torch.autograd.grad(troot, tleaves, allow_unused=True, create_graph=True)
    first = autograd.gradients(root, leaves, allow_unused=True, create_graph=True)
    for i, (g, tg) in enumerate(zip(first, tgrads)):
        theirs = 0.0 if tg is None else float(tg.detach())
        if not close(g.item(), theirs, rel=1e-13):
            # allowed where torch is the one that is off (hardsigmoid' uses a float32 1/6)
            oracle = exact_derivative(recipe, (i,))
            assert close(g.item(), oracle, rel=1e-14) and abs(g.item() - oracle) < abs(theirs - oracle), (
                f"{op}: d/dx{i} {g.item()!r}, torch {theirs!r}, exact {oracle!r}")
        if tg is None or not tg.requires_grad or op in TORCH_IMPRECISE:
            continue  # (torch has no second derivative of hardsigmoid; sympy checks ours)
        t2 = torch.autograd.grad(tg, tleaves, allow_unused=True, retain_graph=True)
        for j, (g2, tg2) in enumerate(zip(autograd.gradients(g, leaves, allow_unused=True), t2)):
            theirs2 = 0.0 if tg2 is None else float(tg2)
            if not close(g2, theirs2, rel=1e-12):
                oracle = exact_derivative(recipe, (i, j))
                assert close(g2, oracle, rel=1e-13), f"{op}: d2/dx{i}dx{j} {g2!r}, torch {theirs2!r}"


def exact_derivative(recipe: Recipe, wrt: tuple[int, ...]) -> float:
    symbols = [sp.Symbol(f"x{k}", real=True) for k in range(len(recipe.leaves))]
    _, expr = build(recipe, lambda k, v: symbols[k], sympy_table())
    return exact(sp.diff(expr, *[symbols[k] for k in wrt]), symbols, recipe.leaves)


EXTREME = (-1000.0, 1000.0)
SATURATING = ("tanh", "sigmoid", "softplus", "silu", "gelu", "elu", "erf", "relu", "leaky_relu")


@pytest.mark.parametrize("x", EXTREME)
@pytest.mark.parametrize("op", SATURATING)
def test_no_overflow_or_warning_at_plus_minus_1000(op: str, x: float) -> None:
    """Exp-based ops saturate cleanly: finite value and derivative, no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = Value(x)
        out = engine_table()[op](v)
        out.backward()
    assert math.isfinite(out.data) and math.isfinite(v.grad)
    symbol = sp.Symbol("x", real=True)
    _, expr = build(single(op, x), lambda i, value: symbol, sympy_table())
    assert close(out.data, exact(expr, [symbol], (x,)), rel=1e-13)
    assert close(v.grad, exact(sp.diff(expr, symbol), [symbol], (x,)), rel=1e-13)


def test_saturating_ops_on_batches_do_not_warn() -> None:
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for op in SATURATING:
            v = Value(np.array([-1000.0, -1.0, 0.5, 1000.0]))
            out = engine_table()[op](v)
            out.backward()
            assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(v.grad)), op


@pytest.mark.parametrize(("op", "expected"), [("relu", 0.0), ("abs", 0.0)])
def test_kinks_follow_the_documented_convention(op: str, expected: float) -> None:
    v = Value(0.0)
    getattr(v, "__abs__" if op == "abs" else op)().backward()
    assert v.grad == expected


def test_kink_conventions_of_leaky_relu_and_elu_match_torch() -> None:
    torch = pytest.importorskip("torch")
    for ours, theirs in ((lambda v: v.leaky_relu(0.2), lambda t: torch.nn.functional.leaky_relu(t, 0.2)),
                         (lambda v: v.elu(0.5), lambda t: torch.nn.functional.elu(t, 0.5))):
        v = Value(0.0)
        ours(v).backward()
        t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
        theirs(t).backward()
        assert v.grad == float(t.grad)


def test_sigmoid_derivative_is_written_from_the_output() -> None:
    """The table's sigmoid rule must be fed sigma(x), the seeds' point: at x = 2,
    x * (1 - x) would give -2, while sigma(x) * (1 - sigma(x)) is about 0.105."""
    from autograd import ops

    x = 2.0
    s = 1.0 / (1.0 + math.exp(-x))
    assert ops.SIGMOID.local(x, s) == pytest.approx(s * (1 - s), rel=1e-15)
    assert ops.TANH.local(x, math.tanh(x)) == pytest.approx(1 - math.tanh(x) ** 2, rel=1e-15)


SPECIAL = (0.0, -0.0, 30.0, -30.0, 1e-300)
UNARY_VS_TORCH = {
    "exp": ("exp", None), "tanh": ("tanh", None), "sigmoid": ("sigmoid", None),
    "relu": ("relu", None), "abs": ("abs", None), "sin": ("sin", None), "cos": ("cos", None),
    "softplus": ("softplus", "F"), "silu": ("silu", "F"), "gelu": ("gelu", "F"),
    "elu": ("elu", "F"), "leaky_relu": ("leaky_relu", "F"), "erf": ("erf", None),
    "sqrt": ("sqrt", None), "square": ("square", None),
}


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or math.isclose(a, b, rel_tol=1e-13, abs_tol=1e-300)


# sqrt is only defined from 0 up; torch rounds gelu(-30) to -0.0, where this engine
# keeps the tail's relative accuracy (test_gelu_keeps_relative_accuracy checks it)
CASES = [(name, x) for name in sorted(UNARY_VS_TORCH) for x in SPECIAL
         if not (name == "sqrt" and x < 0) and not (name == "gelu" and x == -30.0)]


@pytest.mark.parametrize(("name", "x"), CASES)
def test_unary_ops_at_special_points_match_torch(name: str, x: float) -> None:
    """Zero, negative zero, saturation and tiny inputs: value and derivative as torch."""
    torch = pytest.importorskip("torch")
    attr, where = UNARY_VS_TORCH[name]
    v = Value(x)
    out = abs(v) if name == "abs" else (v**2 if name == "square" else getattr(v, attr)())
    out.backward()
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    fn = getattr(torch.nn.functional if where else torch, attr)
    tout = fn(t)
    tout.backward()
    assert _same(out.data, float(tout.detach())), f"{name}({x!r}) value"
    if not _same(v.grad, float(t.grad)):  # allowed only where torch is the less accurate
        symbol = sp.Symbol("x", real=True)
        oracle = exact(sp.diff(SPECIAL_SYMPY[name](symbol), symbol), [symbol], (x,))
        assert abs(v.grad - oracle) < abs(float(t.grad) - oracle), (
            f"{name}'({x!r}): {v.grad!r} vs torch {float(t.grad)!r}, exact {oracle!r}")
        assert abs(v.grad - oracle) <= 8 * math.ulp(oracle), f"{name}'({x!r}) is more than 8 ulps off"


# where the engine's derivative is allowed to differ from torch's (torch's 1 - z*z
# and z*(1 - z) lose everything at |x| = 30): the exact function, for the oracle
SPECIAL_SYMPY = {"tanh": sp.tanh, "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
                 "silu": lambda a: a / (1 + sp.exp(-a)), "softplus": lambda a: sp.log(1 + sp.exp(a))}
