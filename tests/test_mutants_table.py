"""What the table's rows say beyond their rules: formula texts, limits, domain edges, ties,
defaults, names and the kink reports gradcheck reads.

The first stage of ``python tools/mutate.py --target table`` runs these with the rule
tests (tests/test_mutants_rules.py).  Each test states the property a row must have and
checks it against an oracle: SymPy (a formula text proved equal to the derivative, a
limit at +-inf), mpmath, the central difference, or a rule of the project's own
(the same outcome in float and batch mode, PyTorch's default parameters).
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp

import autograd
from autograd import Value, check_formula, gradcheck, ops
from autograd.backward import local_derivatives
from autograd.graph import Graph
from autograd.nodes import apply

# ------------------------------------------------------------------ formula texts


def _rows() -> list[Any]:
    rows = [r for r in ops.ROWS if r.arity in (1, 2) and not r.name.startswith("batch_")
            and r.name != "gelu"]  # gelu's Phi(x) + x*phi(x): Phi is not in the expression language
    rows += [ops.pow_const_op(n) for n in (2.0, 1.0, 3.0, 0.5, -1.0, -2.0, 0.0, 2.5)]
    rows += [ops.leaky_relu_op(0.2), ops.leaky_relu_op(-0.5), ops.elu_op(0.5), ops.celu_op(2.0),
             ops.hardtanh_op(-1 / 3, 2 / 3), ops.hardtanh_op(-2.0, 0.5), ops.exp_base_op(1.5)]
    return rows


ROWS = _rows()


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.name}{'' if r.param is None else r.param}"
                         f"{getattr(r, 'bounds', '') or ''}")
def test_every_rows_formula_as_explain_writes_it_is_the_derivative(row: Any) -> None:
    """The rule text explain prints (``Graph.rule``: the row's formula in the graph's names)
    is proved by check_formula (SymPy) to be the derivative: a wrong text (x**3's "1", a
    bound written short) fails although the numbers are right."""
    x = Value(1.3 if row.name == "acosh" else 0.3, label="x")
    y = Value(0.7, label="y")
    leaves = [x] if row.arity == 1 else [x, y]
    z = apply(row, *leaves)
    graph = Graph(z)
    for i, leaf in enumerate(leaves):
        text = graph.rule(z, i)
        result = check_formula(z, leaf, text)
        assert result.proved, f"{row.name}: d/d{leaf.label} written {text!r}: {result.verdict}"


# ------------------------------------------------------------------ limits at +-inf

_S = sp.Symbol("s", real=True)
_SP_SIGMOID = 1 / (1 + sp.exp(-_S))
_SP_SOFTPLUS = sp.log(1 + sp.exp(_S))
LIMIT_FORMS = {
    "silu": (lambda v: v.silu(), _S * _SP_SIGMOID),
    "gelu": (lambda v: v.gelu(), _S * (1 + sp.erf(_S / sp.sqrt(2))) / 2),
    "mish": (lambda v: v.mish(), _S * sp.tanh(_SP_SOFTPLUS)),
}


def _at(f: Any, x: float, mode: str) -> tuple[float, float]:
    """(value, slope) at x: a float Value, sample 1 of a batch, or the slope from a
    create_graph pass (a node)."""
    v = Value(np.array([0.5, x])) if mode == "batch" else Value(x)
    out = f(v)
    if mode == "batch":
        (g,) = autograd.gradients(out.sum(), [v])
        return float(out.data[1]), float(g[1])
    (g,) = autograd.gradients(out, [v], create_graph=mode == "graph")
    return float(out.data), float(g.data if isinstance(g, Value) else g)


@pytest.mark.parametrize("mode", ["float", "batch", "graph"])
@pytest.mark.parametrize("name", sorted(LIMIT_FORMS))
def test_smooth_activations_at_infinity_are_sympys_limits(name: str, mode: str) -> None:
    """silu, gelu and mish are 0 at -inf and inf at +inf, with slopes 0 and 1 there:
    SymPy's limits of the function and of its derivative."""
    f, form = LIMIT_FORMS[name]
    for end in (-math.inf, math.inf):
        value, slope = _at(f, end, mode)
        to = -sp.oo if end < 0 else sp.oo
        assert value == float(sp.limit(form, _S, to)), (name, end, mode, value)
        assert slope == float(sp.limit(sp.diff(form, _S), _S, to)), (name, end, mode, slope)


# ------------------------------------------------------------------ rows with simple rules


@pytest.mark.parametrize("x", [3.0, -0.5, np.array([1.0, -2.0, 0.0])])
def test_the_identity_passes_its_gradient_on_unchanged(x: Any) -> None:
    """d/dx x = 1 (the identity row carries ``grad(lambda x: x)`` and jacobians of inputs)."""
    g = autograd.grad(lambda v: v if np.ndim(x) == 0 else v.sum())(x)
    np.testing.assert_array_equal(g, np.ones_like(np.asarray(x, dtype=float)))
    node = apply(ops.IDENTITY, Value(x))
    np.testing.assert_array_equal(local_derivatives(node)[0], np.ones_like(np.asarray(x, dtype=float)))


@pytest.mark.parametrize("slope", [-0.5, 0.2])
def test_leaky_relu_with_any_slope_has_the_slope_of_its_input_side(slope: float) -> None:
    """leaky_relu's slope is read from the side of x (1 for x > 0, ``slope`` for x < 0), not
    from the sign of its output, which a negative slope flips; the central difference."""
    for x in (-1.5, -0.2, 0.4, 2.0):
        v = Value(x)
        out = v.leaky_relu(slope)
        out.backward()
        h = 1e-6
        def leaky(t: float) -> float:
            return t if t > 0 else slope * t
        central = (leaky(x + h) - leaky(x - h)) / (2 * h)
        assert v.grad == pytest.approx(central, rel=1e-9), (slope, x, v.grad)


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_batch_reduction_gives_every_sample_its_own_gradient(create_graph: bool) -> None:
    """d(mean x)/dx_i = 1/n and d(sum x)/dx_i = 1 for each sample i: the gradient of a batch
    leaf holds one number per sample (an array of the batch's shape, not one number), also
    under create_graph, and so does the local derivative explain reads."""
    x = Value(np.array([0.5, -1.0, 2.0, 3.0, 7.0]))
    for out, want in ((x.mean(), 0.2), (x.sum(), 1.0)):
        (g,) = autograd.gradients(out, [x], create_graph=create_graph)
        data = g.data if create_graph else g
        assert np.shape(data) == (5,), (out.op, create_graph, data)
        np.testing.assert_array_equal(data, np.full(5, want))
        (local,) = local_derivatives(out)
        assert np.shape(local) == (5,) and np.all(local == want), (out.op, local)


# ------------------------------------------------------------------ domain edges


@pytest.mark.parametrize("name", ["asin", "acos"])
@pytest.mark.parametrize("mode", ["float", "batch"])
def test_asin_and_acos_take_their_closed_domain_and_refuse_beyond(name: str, mode: str) -> None:
    """[-1, 1] is the domain, ends included: the values there are mpmath's, the slopes the
    one-sided limits (asin' -> +inf, acos' -> -inf); 1.5 and -1.5 are refused with the
    domain named (not a math error from deep inside)."""
    exact = {"asin": mpmath.asin, "acos": mpmath.acos}[name]
    for x in (-1.0, 1.0):
        v = Value(np.array([0.0, x])) if mode == "batch" else Value(x)
        out = getattr(v, name)()
        value = float(out.data[1]) if mode == "batch" else float(out.data)
        assert value == float(exact(x))
        (g,) = autograd.gradients(out.sum() if mode == "batch" else out, [v])
        slope = float(g[1]) if mode == "batch" else float(g)
        assert slope == (math.inf if name == "asin" else -math.inf)
    for x in (-1.5, 1.5, -1.0000000000000002, 1.0000000000000002):
        v = Value(np.array([0.0, x])) if mode == "batch" else Value(x)
        with pytest.raises(ValueError, match=r"needs an input in \[-1, 1\]"):
            getattr(v, name)()


# ------------------------------------------------------------------ ties of maximum and minimum


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_a_tie_of_signed_zeros_gives_the_same_zero_in_float_and_batch_mode(name: str) -> None:
    """maximum(-0.0, 0.0) and the other orders: a tie returns the second input, in float
    mode and in batch mode alike (one outcome for every input)."""
    for a, b in ((-0.0, 0.0), (0.0, -0.0)):
        in_float = getattr(Value(a), name)(Value(b)).data
        in_batch = getattr(Value(np.array([a])), name)(Value(np.array([b]))).data[0]
        assert math.copysign(1.0, in_float) == math.copysign(1.0, in_batch) == math.copysign(1.0, b)


# ------------------------------------------------------------------ PyTorch's defaults, names


def test_the_tables_hardtanh_and_celu_rows_have_pytorchs_defaults() -> None:
    """torch.nn.functional.hardtanh clips to [-1, 1] and celu has alpha = 1 by default: so do
    the rows ``ops.HARDTANH`` and ``ops.CELU``, the ones the table lists."""
    assert ops.HARDTANH.bounds == (-1.0, 1.0) and ops.HARDTANH is ops.hardtanh_op(-1.0, 1.0)
    assert ops.CELU.param == 1.0 and ops.CELU is ops.celu_op(1.0)
    for x, want in ((-3.0, -1.0), (0.25, 0.25), (3.0, 1.0)):
        assert ops.HARDTANH.forward(x) == want


def test_a_parametric_activation_names_its_parameters_only_when_they_are_not_the_default() -> None:
    """Drawings and explanations write hardtanh(x) and celu(x) for PyTorch's defaults, and the
    parameters otherwise (hardtanh(x, -2, 2), celu(x, 2)), in the node name and the op symbol."""
    x = Value(0.3, label="x")
    cases = [(x.hardtanh(), "hardtanh(x)", "hardtanh"),
             (x.hardtanh(-2.0, 2.0), "hardtanh(x, -2, 2)", "hardtanh(-2, 2)"),
             (x.hardtanh(-1.0, 2.0), "hardtanh(x, -1, 2)", "hardtanh(-1, 2)"),
             (x.hardtanh(-2.0, 1.0), "hardtanh(x, -2, 1)", "hardtanh(-2, 1)"),
             (x.celu(), "celu(x)", "celu"), (x.celu(2.0), "celu(x, 2)", "celu(2)")]
    for node, name, symbol in cases:
        assert Graph(node).name(node) == name
        assert node._row.symbol == symbol


# ------------------------------------------------------------------ kinks gradcheck reports


def _status(f: Any, x: float, eps: float = 1e-6) -> str:
    v = Value(x, label="x")
    return gradcheck(f, [v], eps=eps, raise_exception=False).rows[0].status


@pytest.mark.parametrize(("name", "f", "lo", "hi"), [
    ("hardtanh", lambda v: v.hardtanh(), -1.0, 1.0),
    ("hardtanh(-2, 0.5)", lambda v: v.hardtanh(-2.0, 0.5), -2.0, 0.5),
    ("relu6", lambda v: v.relu6(), 0.0, 6.0),
    ("hardsigmoid", lambda v: v.hardsigmoid(), -3.0, 3.0),
    ("hardswish", lambda v: v.hardswish(), -3.0, 3.0),
])
def test_gradcheck_reports_a_difference_across_a_corner_as_a_kink(name: str, f: Any, lo: float,
                                                                  hi: float) -> None:
    """A central difference whose points lie on two sides of a corner (lo or hi) is a kink,
    at the corner or half a step beside it; one well inside a piece is compared (ok)."""
    h = 1e-6
    for corner in (lo, hi):
        for x in (corner, corner - h / 2, corner + h / 2):
            assert _status(f, x, h) == "kink", (name, x)
    for x in (lo - 1.0, (lo + hi) / 2, hi + 1.0):
        assert _status(f, x, h) == "ok", (name, x)


def test_gradcheck_reports_a_difference_across_both_corners_as_a_kink() -> None:
    """A step wider than the whole middle piece straddles both corners: still a kink."""
    assert _status(lambda v: v.hardtanh(-1e-7, 1e-7), 0.0, 1e-6) == "kink"


@pytest.mark.parametrize("name", ["max", "min"])
def test_gradcheck_reports_ties_of_max_and_min_as_kinks_and_nothing_else(name: str) -> None:
    """max and min have corners where two inputs tie for the largest (smallest) value, only
    there: a tie at the top is a kink, a tie elsewhere and no tie are compared."""
    pick = getattr(autograd, name)
    top = 1.0 if name == "max" else -1.0
    for others, want in (((top, 0.0), "kink"), ((0.0, 0.0), "ok"), ((0.0, -top), "ok")):
        def f(v: Value, others: tuple[float, float] = others) -> Value:
            return pick([v, Value(others[0]), Value(others[1])])
        x = top if want == "kink" else top * 2.0
        assert _status(f, x) == want, (name, x, others)


@pytest.mark.parametrize("mode", ["float", "batch"])
@pytest.mark.parametrize("name", sorted(LIMIT_FORMS))
def test_smooth_activations_at_the_largest_floats_are_mpmaths(name: str, mode: str) -> None:
    """At +-1e308 (finite, where the rounding correction of the normal CDF's argument
    overflows to nan) silu, gelu and mish are mpmath's x * (their gate), and so are
    their slopes (1 and 0)."""
    f, form = LIMIT_FORMS[name]
    value_fn = sp.lambdify([_S], form, modules="mpmath")
    slope_fn = sp.lambdify([_S], sp.diff(form, _S), modules="mpmath")
    for x in (1e308, -1e308, 1.7976931348623157e308):
        value, slope = _at(f, x, mode)
        with mpmath.workdps(60):
            exact = float(value_fn(mpmath.mpf(x)))
            exact_slope = float(slope_fn(mpmath.mpf(x)))
        assert value == exact and abs(slope - exact_slope) <= 1e-15, (name, x, mode, value, slope)


@pytest.mark.parametrize("mode", ["float", "batch", "graph"])
@pytest.mark.parametrize("n", [math.inf, -math.inf])
@pytest.mark.parametrize("exponent", ["number", "Value"])
def test_a_power_with_an_infinite_exponent_is_flat_off_its_jumps(n: float, mode: str,
                                                                 exponent: str) -> None:
    """x**inf is 0 for |x| < 1, inf for |x| > 1 and 1 at x = +-1 (Python's and IEEE's pow;
    x**-inf the other way round): flat pieces, slope 0, and jumps at |x| = 1, where the
    slope does not exist (nan); with the exponent a number or a Value."""
    def f(v: Value) -> Value:
        if exponent == "number":
            return v ** n
        return v ** Value(np.full(2, n) if v.is_batch else n, requires_grad=False)

    for x in (0.5, -0.5, 2.0, -2.0, 0.999, 1.001):
        value, slope = _at(f, x, mode)
        assert value == math.pow(x, n) and slope == 0.0, (n, x, mode, value, slope)
    for x in (1.0, -1.0):
        value, slope = _at(f, x, mode)
        assert value == 1.0 and math.isnan(slope), (n, x, mode, value, slope)


@pytest.mark.parametrize("mode", ["float", "batch"])
def test_the_power_rules_slope_is_mpmaths_where_the_power_under_or_overflows(mode: str) -> None:
    """d(x**y)/dx = y x**(y-1) even where x**y itself underflows to 0 or overflows to inf
    (the quotient y z / x would give 0 or inf there): mpmath's value, within an ulp or two."""
    for x, y in ((1e-200, 2.0), (1e200, 2.0), (3e-160, 2.1), (1e155, 2.5), (1e-310, 1.5),
                 (2.0, 0.5), (0.3, -1.5)):
        with mpmath.workdps(60):
            exact = float(y * mpmath.mpf(x) ** (mpmath.mpf(y) - 1))
        if mode == "batch":
            a, b = Value(np.array([0.5, x])), Value(np.array([1.0, y]))
            (g,) = autograd.gradients((a**b).sum(), [a])
            got = float(g[1])
        else:
            a, b = Value(x), Value(y)
            (got,) = autograd.gradients(a**b, [a])
        assert got == pytest.approx(exact, rel=4e-16 * 4, abs=0.0), (x, y, mode, got, exact)


@pytest.mark.parametrize("mode", ["float", "batch"])
def test_a_tie_shares_the_gradient_evenly_in_every_mode(mode: str) -> None:
    """PyTorch's rule: maximum/minimum give 1/2 to each input at a tie, max/min of k tied
    inputs 1/k to each, the same in float mode and in batch mode."""
    def leaf(x: float) -> Value:
        return Value(np.array([x - 7.0, x])) if mode == "batch" else Value(x)

    def at_tie(g: Any) -> float:
        return float(g[1]) if mode == "batch" else float(g)

    for name in ("maximum", "minimum"):
        a, b = leaf(2.0), leaf(2.0)
        out = getattr(a, name)(b)
        ga, gb = autograd.gradients(out.sum() if mode == "batch" else out, [a, b])
        assert at_tie(ga) == at_tie(gb) == 0.5, (name, mode)
    for name, k in (("max", 2), ("max", 3), ("min", 3)):
        xs = [leaf(2.0) for _ in range(k)] + [leaf(-5.0 if name == "max" else 9.0)]
        out = getattr(autograd, name)(xs)
        grads = autograd.gradients(out.sum() if mode == "batch" else out, xs)
        assert [at_tie(g) for g in grads] == [1.0 / k] * k + [0.0], (name, k, mode)


def test_max_of_a_nan_is_nan_and_a_float_beside_a_batch_gets_its_samples_share() -> None:
    """max and min propagate nan (PyTorch's), in float mode too; a float input beside a
    batch gets the sum over the samples where it is the largest (per-sample passes)."""
    assert math.isnan(autograd.max([Value(1.0), Value(math.nan)]).data)
    assert math.isnan(autograd.min([Value(math.nan), Value(1.0)]).data)
    c, v = Value(2.0), Value(np.array([1.0, 3.0, 0.5]))
    (gc, gv) = autograd.gradients(autograd.max([c, v]).sum(), [c, v])
    assert gc == 2.0  # the largest in samples 0 and 2
    np.testing.assert_array_equal(gv, [0.0, 1.0, 0.0])
