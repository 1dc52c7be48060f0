"""The numeric helpers' own contracts (``autograd/_math*.py``), on every kind of input.

Each helper of the numerics takes a float, a batch (a numpy array) or a Value, and
its docstring says what it returns.  Some of those promises cannot be told apart
through today's call sites (``select`` is only ever given the branches 1 and a slope;
``power`` never sees a zero base with a negative exponent in float mode, which the
forward pass refuses), so a wrong helper would wait for its next caller.  These tests
hold each helper to its promise directly, against an independent oracle: the C
library's ``pow`` (IEEE 754 semantics, through ctypes), Python's ``math`` and
numpy's functions, and mpmath at 60 digits.  ``python tools/mutate.py --target math``
runs them in its first stage.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import math
import warnings
from typing import Any

import numpy as np
import pytest
import sympy as sp

from autograd import Value, _math, _math_pieces, _math_plane, _math_power, _math_smooth, gradients, ops
from autograd.nodes import apply


def _same(a: Any, b: Any) -> bool:
    """Equal as IEEE doubles: nan to nan, and a zero to a zero of the same sign."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def _libm_pow() -> Any:
    name = ctypes.util.find_library("m")
    if name is None:
        pytest.skip("no C math library to compare with")
    fn = ctypes.CDLL(name).pow
    fn.restype = ctypes.c_double
    fn.argtypes = [ctypes.c_double, ctypes.c_double]
    return fn


BASES = [0.0, -0.0, 1e-200, -1e-200, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 1e200, -1e200,
         math.inf, -math.inf, math.nan]
EXPONENTS = [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 1.5, -1.5, 4.0,
             math.inf, -math.inf, math.nan, 1e-300]


def _expected_power(cpow: Any, x: float, p: float) -> float | None:
    """IEEE pow, except the docstring's one departure: a negative base with a finite
    non-integer exponent is nan.  None at -inf with such an exponent: every mode's
    forward pass refuses that base, and the helpers need not agree on a value no
    derivative is ever taken at."""
    if x < 0.0 and math.isfinite(p) and p != math.floor(p):
        return None if x == -math.inf else math.nan
    return float(cpow(x, p))


def test_power_is_ieee_pow_on_floats_batches_and_mixed_inputs() -> None:
    cpow = _libm_pow()
    bad = []
    for x, p in itertools.product(BASES, EXPONENTS):
        want = _expected_power(cpow, x, p)
        if want is None:
            continue
        got = {
            "float": _math_power.power(x, p),
            "batch, number exponent": _math_power.power(np.array([x, 2.0]), p)[0],
            "batch, batch exponent": _math_power.power(np.array([x, 2.0]), np.array([p, 1.0]))[0],
            "number, batch exponent": _math_power.power(x, np.array([p, 1.0]))[0],
            "value": _math_power.power(Value(x), p).data,
            "batch value": _math_power.power(Value(np.array([x, 2.0])), p).data[0],
        }
        bad += [f"{kind}: power({x!r}, {p!r}) = {v!r}, IEEE {want!r}"
                for kind, v in got.items() if not _same(v, want)]
    assert not bad, "\n".join(bad)


def test_recip_is_ieee_division_with_signed_infinities() -> None:
    for x in BASES:
        want = math.copysign(math.inf, x) if x == 0.0 else (math.nan if x != x else 1.0 / x)
        assert _same(_math_power.recip(x), want), x
        assert _same(_math_power.recip(np.array([x, 1.0]))[0], want), x


def _kinds(x: float) -> dict[str, Any]:
    """x as each kind the helpers take (a batch holds x beside an ordinary sample)."""
    return {"float": x, "batch": np.array([x, 0.75]), "value": Value(x),
            "batch value": Value(np.array([x, 0.75]))}


def _first(out: Any) -> float:
    data = out.data if hasattr(out, "grad") else out
    return float(np.asarray(data).reshape(-1)[0])


@pytest.mark.parametrize("x", [2.0, 1e-300, 0.0, -0.0, -1.0, math.inf, -math.inf])
def test_select_picks_the_positive_branch_where_x_is_positive_and_the_other_elsewhere(x: float
                                                                                      ) -> None:
    for kind, v in _kinds(x).items():
        for positive, otherwise in ((3.0, -2.0), (0.25, 5.0)):
            got = _first(_math.select(v, positive, otherwise))
            assert got == (positive if x > 0.0 else otherwise), (kind, x, positive, otherwise)


def test_select_picks_rather_than_blends() -> None:
    """An infinite value on the branch not taken stays out (0 * inf would be nan), and on
    a Value holding a number the branch taken is returned itself, a node of the graph."""
    with np.errstate(all="ignore"):
        got = _math.select(np.array([1.0, -1.0]), np.array([2.0, math.inf]), np.array([math.inf, 5.0]))
    assert list(got) == [2.0, 5.0]
    a, b = Value(3.0), Value(-2.0)
    assert _math.select(Value(1.0), a, b) is a and _math.select(Value(-1.0), a, b) is b


def test_is_value_is_true_for_values_only() -> None:
    assert _math._is_value(Value(1.0)) and _math._is_value(Value(np.array([1.0])))
    for other in (1.0, 1, np.float64(1.0), np.int64(1), np.array([1.0]), "x", None, [1.0]):
        assert not _math._is_value(other), repr(other)


# ------------------------------------------------------ every kind of input, one answer
# A helper's float branch (Python's math), its batch branch (numpy) and its Value branch
# (the textbook form, differentiated under create_graph) must give one answer: within
# 4 ulps of each other for a batch, 8 for a Value (the accuracy table's bounds), with the
# same nan, inf and, for a batch, the same sign of a zero.
MODERATE = [-3.7, -1.0, -0.3, -0.0, 0.0, 0.4, 1.0, 2.5, 8.0]
WIDE = [*MODERATE, -1e300, -710.0, -40.0, -1e-300, 5e-324, 1e-8, 40.0, 710.0, 1e300,
        -math.inf, math.inf, math.nan]

UNARY_HELPERS: dict[str, tuple[Any, list[float]]] = {
    "softsign": (_math_smooth.softsign, WIDE),
    "softsign_slope": (_math_smooth.softsign_slope, MODERATE),
    "celu(0.5)": (lambda x: _math_smooth.celu(x, 0.5), WIDE),
    "mish": (_math_smooth.mish, MODERATE),
    "mish_slope": (_math_smooth.mish_slope, MODERATE),
    "elu(0.7)": (lambda x: _math.elu(x, 0.7), WIDE),
    "elu_slope(0.7)": (lambda x: _math.elu_slope(x, 0.7), WIDE),
    "leaky_relu(-0.5)": (lambda x: _math.leaky_relu(x, -0.5), WIDE),
    "hardsigmoid": (_math_pieces.hardsigmoid, [*WIDE, -3.0, 3.0]),
    "hardswish": (_math_pieces.hardswish, [*WIDE, -3.0, 3.0]),
    "hardswish_slope": (_math_pieces.hardswish_slope, [*WIDE, -3.0, 3.0]),
    "interior(-1, 2)": (lambda x: _math_pieces.interior(x, -1.0, 2.0), [*WIDE, 2.0]),
    "clip(-1, 2)": (lambda x: _math_pieces.clip(x, -1.0, 2.0), [*WIDE, 2.0]),
    "step": (_math.step, WIDE),
    "sign": (_math.sign, WIDE),
    "sigmoid_slope": (lambda x: _math.sigmoid_slope(x, _math.sigmoid(x)), MODERATE),
    "sech2": (lambda x: _math.sech2(x, _math.tanh(x)), MODERATE),
    "recip": (_math_power.recip, [v for v in MODERATE if v != 0.0]),
    "x**2.5 slope": (lambda x: _math_power.pow_base_slope(x, 2.5), [0.0, 0.4, 1.0, 2.5, 8.0]),
    "x**3 slope": (lambda x: _math_power.pow_base_slope(x, 3.0), MODERATE),
}


def _ulps_apart(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
        return 0.0 if _same(a, b) or (a == b) else math.inf
    if a == b:
        return 0.0
    return abs(a - b) / math.ulp(max(abs(a), abs(b)))


# forward functions: numbers and batches only (a Value's forward is computed on its data)
DATA_ONLY = {"softsign", "celu(0.5)", "mish", "hardsigmoid", "hardswish", "clip(-1, 2)"}


def _check_kinds(name: str, fn: Any, points: list[tuple[float, ...]]) -> list[str]:
    bad = []
    for point in points:
        ref = float(fn(*point))
        batches = [np.array([v, 0.75]) for v in point]
        others = {"batch": _first(fn(*batches))}
        if name not in DATA_ONLY:
            others["value"] = _first(fn(*[Value(v) for v in point]))
            others["batch value"] = _first(fn(*[Value(b) for b in batches]))
        if len(point) == 2:  # one input a batch, the other a number
            others["batch, number"] = _first(fn(batches[0], point[1]))
            others["number, batch"] = _first(fn(point[0], batches[1]))
        for kind, got in others.items():
            limit = 8 if "value" in kind else 4
            zero_sign = "value" not in kind
            if _ulps_apart(got, ref) > limit or (zero_sign and got == 0.0 == ref and not _same(got, ref)):
                bad.append(f"{name}{point}: float {ref!r}, {kind} {got!r}")
    return bad


@pytest.mark.parametrize("name", sorted(UNARY_HELPERS))
def test_a_one_input_helper_gives_one_answer_for_every_kind_of_input(name: str) -> None:
    fn, grid = UNARY_HELPERS[name]
    with np.errstate(all="ignore"):  # as the engine calls them (its own test: test_special.py)
        bad = _check_kinds(name, fn, [(x,) for x in grid])
    assert not bad, "\n".join(bad)


PAIR_VALUES = [-2.5, -1.0, -0.0, 0.0, 0.4, 1.0, 3.0]
EXTREMES = [1e-160, -1e-170, 3e-200, 1e200, -3e199, 1e300, math.inf, -math.inf, math.nan]
PAIRS = list(itertools.product(PAIR_VALUES, PAIR_VALUES))
WIDE_PAIRS = PAIRS + list(itertools.product(EXTREMES, PAIR_VALUES + EXTREMES))
WIDE_PAIRS += [(y, x) for x, y in WIDE_PAIRS]
NONZERO = [(x, y) for x, y in PAIRS if y != 0.0]

BINARY_HELPERS: dict[str, tuple[Any, list[tuple[float, float]]]] = {
    "quotient": (_math_smooth.quotient, WIDE_PAIRS),
    "hypot": (_math_plane.hypot, PAIRS),
    "hypot, wide": (_math_plane.hypot, WIDE_PAIRS),
    "atan2": (_math_plane.atan2, WIDE_PAIRS),
    "atan2 d/dx": (lambda x, y: _math_plane.atan2_slopes(x, y)[0], PAIRS),
    "atan2 d/dy": (lambda x, y: _math_plane.atan2_slopes(x, y)[1], PAIRS),
    "atan2 d/dx, wide": (lambda x, y: _math_plane.atan2_slopes(x, y)[0], WIDE_PAIRS),
    "atan2 d/dy, wide": (lambda x, y: _math_plane.atan2_slopes(x, y)[1], WIDE_PAIRS),
    "logaddexp": (_math_smooth.logaddexp, WIDE_PAIRS),
    "floor_quotient": (_math_pieces.floor_quotient, NONZERO),
    "remainder": (_math_pieces.remainder, NONZERO),
    "max d/dx": (lambda x, y: _math_pieces.max_slopes(x, y, True)[0], WIDE_PAIRS),
    "max d/dy": (lambda x, y: _math_pieces.max_slopes(x, y, True)[1], WIDE_PAIRS),
    "min d/dx": (lambda x, y: _math_pieces.max_slopes(x, y, False)[0], WIDE_PAIRS),
}
DATA_ONLY |= {"hypot, wide", "atan2", "atan2 d/dx, wide", "atan2 d/dy, wide", "logaddexp", "remainder"}


@pytest.mark.parametrize("name", sorted(BINARY_HELPERS))
def test_a_two_input_helper_gives_one_answer_for_every_kind_of_input(name: str) -> None:
    """Both inputs of one kind, and a batch beside a number either way round."""
    fn, pairs = BINARY_HELPERS[name]
    with np.errstate(all="ignore"):
        bad = _check_kinds(name, fn, pairs)
    assert not bad, "\n".join(bad[:20])


# ------------------------------------------------------------- pow's slope rows
def _like(x: Any, y: Any, fn: Any) -> Any:
    """fn of the inputs' data, as a Value where an input is one (a node's output)."""
    if hasattr(x, "grad") or hasattr(y, "grad"):
        return Value(fn(getattr(x, "data", x), getattr(y, "data", y)))
    return fn(x, y)


POW_POINTS = [(x, y) for x in (0.3, 0.7, 1.0, 2.5) for y in (-1.5, -1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0)]
POW_POINTS += [(x, y) for x in (0.0, -2.0) for y in (-1.0, 0.0, 1.0, 2.0, 3.0) if not (x == 0.0 and y < 0.0)]
POW_ROWS = {"pow_dx": _math_power.pow_dx, "pow_dy": _math_power.pow_dy}
POW_RULES = {"pow_dx": _math_power.pow_dx_slopes, "pow_dy": _math_power.pow_dy_slopes}


@pytest.mark.parametrize("row", sorted(POW_ROWS))
@pytest.mark.parametrize("i", [0, 1])
def test_the_rules_of_pows_slope_rows_give_one_answer_for_every_kind_of_input(row: str, i: int
                                                                                ) -> None:
    """pow_dx's and pow_dy's own slopes (x**y's second partials) on numbers, batches and
    Values; on Values with a base <= 0 the limits at the data, as constants."""
    rule, forward = POW_RULES[row], POW_ROWS[row]

    def fn(x: Any, y: Any) -> Any:
        return rule(x, y, _like(x, y, forward))[i]

    with np.errstate(all="ignore"):
        bad = _check_kinds(f"{row} slope {i}", fn, POW_POINTS)
    assert not bad, "\n".join(bad[:20])


SX, SY = sp.symbols("x y", positive=True)
ROW_FORMULAS = {"pow_dx": SY * SX ** (SY - 1), "pow_dy": SX**SY * sp.log(SX)}


@pytest.mark.parametrize("row", sorted(ROW_FORMULAS))
def test_pows_slope_rows_differentiate_twice_like_sympy(row: str) -> None:
    """The rows' rules, differentiated once more under create_graph (x**y's third
    partials), at positive bases: sympy's derivatives, to 1e-12."""
    formula = ROW_FORMULAS[row]
    bad = []
    for x, y in [(0.3, 2.5), (0.7, -1.5), (1.0, 0.5), (2.5, 3.0), (1.7, 1.0)]:
        a, b = Value(x), Value(y)
        z = apply(getattr(ops, row.upper()), a, b)
        first = gradients(z, [a, b], create_graph=True)
        for j, g in enumerate(first):
            second = gradients(g, [a, b])
            for k, got in enumerate(second):
                want = float(sp.diff(formula, [SX, SY][j], [SX, SY][k]).subs({SX: x, SY: y}))
                if not abs(got - want) <= 1e-12 * max(1.0, abs(want)):
                    bad.append(f"{row} d/d{'xy'[j]} d/d{'xy'[k]} at ({x}, {y}): {got!r}, sympy {want!r}")
    assert not bad, "\n".join(bad)


# ------------------------------------------------------- constants in gradient graphs
def _free_leaves(g: Any, known: list[Value]) -> list[Value]:
    """The leaves of g's graph that require a gradient but are none of ``known``."""
    from autograd.graph import Graph

    if not _math._is_value(g):
        return []
    return [leaf for leaf in Graph(g).leaves
            if leaf.requires_grad and not any(leaf is k for k in known)]


@pytest.mark.parametrize("batch", [False, True])
def test_a_create_graph_gradient_depends_only_on_the_inputs_and_the_seed(batch: bool) -> None:
    """Every number a rule adds to a gradient's graph (a kink's 0/1 mask, a limit, a
    power of two that scales hypot) is a constant, as the engine promises: a second
    backward pass leaves its grad at 0, and the graph view draws it as a number.  So the
    only leaves of a create_graph gradient that require a gradient are the inputs and
    the seed."""
    from tests.test_mutants_rules import BINARY, POINTS, UNARY

    bad = []
    points = [-2.6, -0.35, 0.0, 0.45, 1.0, 3.7, math.inf]
    for name, f in {**UNARY, **BINARY}.items():
        two = name in BINARY
        for p in points if not batch else [None]:
            data: Any = np.array(POINTS) if batch else p
            xs = [Value(data, label="x")] + ([Value(data * 0.5 + 0.25, label="y")] if two else [])
            seed = Value(np.ones_like(data) if batch else 1.0, label="seed")
            try:
                with np.errstate(all="ignore"):
                    out = f(*xs)
                    grads = gradients(out, xs, grad=seed, create_graph=True)
            except (ArithmeticError, ValueError):
                continue
            for g in grads:
                bad += [f"{name} at {p}: {leaf!r}" for leaf in _free_leaves(g, [*xs, seed])]
    assert not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("batch", [False, True])
def test_the_hessian_of_a_power_at_exponent_zero_is_exact_at_every_base(batch: bool) -> None:
    """At y = 0, x**y = 1 is flat in x, so d2/dx2 = 0; d2/dxdy = d2/dydx = 1/x (+inf where
    1/x overflows, and as x -> 0+), and d2/dy2 = log(x)**2: mpmath's values, in both
    orders, down to the smallest subnormal (where p x**(p-1)'s own slopes would be 0 * inf)."""
    import mpmath

    bases = [5e-324, 1.0 / 1.7976931348623157e308, 8.3e-309, 1e-300, 1e-160, 0.5, 3.0, 1e200, 1e300]
    cases = ([(Value(np.array(bases)), Value(np.zeros(len(bases))))] if batch
             else [(Value(x), Value(0.0)) for x in bases])
    got: list[list[float]] = []
    for a, b in cases:
        gx, gy = gradients(a**b, [a, b], create_graph=True)
        (xx, xy), (yx, yy) = gradients(gx, [a, b]), gradients(gy, [a, b])
        got += list(zip(*[np.atleast_1d(v) for v in (xx, xy, yx, yy)]))
    bad = []
    for x, (xx, xy, yx, yy) in zip(bases, got):
        inv = float(1 / mpmath.mpf(x)) if 1 / mpmath.mpf(x) < 1.7976931348623157e308 else math.inf
        want = (0.0, inv, inv, float(mpmath.log(mpmath.mpf(x)) ** 2))
        for what, v, w in zip(("xx", "xy", "yx", "yy"), (xx, xy, yx, yy), want):
            if not (v == w or abs(v - w) <= 1e-14 * abs(w)):
                bad.append(f"d2/d{what} of x**y at ({x!r}, 0): {v!r}, exact {w!r}")
    assert not bad, "\n".join(bad)


def _hessian_row(f: Any, a: Value, b: Value, seed: Any) -> tuple[Any, ...] | None:
    """(f_a, f_b, d f_a/da, d f_b/db, d f_a/db) under create_graph, or None where f
    refuses (with a batch b, f_a sums over the samples, so d f_a/db is per sample)."""
    try:
        with np.errstate(all="ignore"):
            ga, gb = gradients(f(a, b), [a, b], grad=seed, create_graph=True)
            aa, ab = (gradients(ga, [a, b], allow_unused=True) if _math._is_value(ga)
                      else (0.0, 0.0))
            (bb,) = gradients(gb, [b], allow_unused=True) if _math._is_value(gb) else (0.0,)
    except (ArithmeticError, ValueError):
        return None
    return tuple(_data(v) for v in (ga, gb, aa, bb, ab))


def _data(v: Any) -> Any:
    return v.data if hasattr(v, "grad") else v


def _close(got: float, want: float) -> bool:
    got, want = float(got), float(want)
    return _same(got, want) or got == want or abs(got - want) <= 1e-11 * abs(want)


@pytest.mark.parametrize("order", ["number, batch", "batch, number"])
def test_a_number_beside_a_batch_of_values_differentiates_twice_like_float_mode(order: str
                                                                                ) -> None:
    """A Value holding a number beside a Value holding a batch (a shared parameter and a
    column of samples), under create_graph: the batch's first and second derivatives are
    float mode's sample by sample, and the number's are the sums over the samples."""
    from tests.test_mutants_rules import BINARY

    # (an infinite sample makes the number's sums nan: the extremes are a batch of their own)
    groups = ([0.0, 0.5, 1.0, 2.5, -1.0, -2.0, 3.0], [0.5, 1e16, -1e16, math.inf, -math.inf])
    bad = []
    for (name, f), others, number in itertools.product(BINARY.items(), groups,
                                                       (0.0, 0.5, 1.0, 2.0, -1.0, -2.0)):
        g = f if order == "number, batch" else (lambda a, b, f=f: f(b, a))
        rows = {s: _hessian_row(g, Value(number), Value(s), 1.0) for s in others}
        samples = [s for s, r in rows.items() if r is not None]
        if len(samples) < 2:
            continue
        got = _hessian_row(g, Value(number), Value(np.array(samples)), np.ones(len(samples)))
        if got is None:
            bad.append(f"{name} ({order}) at {number}, {samples}: refused in a batch")
            continue
        want = [rows[s] for s in samples]
        for k in range(2):  # the number's: sums over the samples
            terms = [w[2 * k] for w in want]
            finite = all(math.isfinite(t) for t in terms)
            total = math.fsum(terms) if finite else sum(terms)
            # the batch adds in its own order: within 1e-11 of the sum of magnitudes
            if not (_close(got[2 * k], total) or (finite and abs(got[2 * k] - total)
                    <= 1e-11 * math.fsum(map(abs, terms)))):
                bad.append(f"{name} ({order}) at {number}, {samples}: d{'2' * k}/dnumber "
                           f"{got[2 * k]!r}, float mode's sum {total!r}")
        for i, w in enumerate(want):
            for k in (1, 3, 4):
                got_k = np.broadcast_to(got[k], (len(samples),))[i]
                if not _close(got_k, w[k]):
                    bad.append(f"{name} ({order}) at {number}, sample {samples[i]}: "
                               f"{['', 'd/db', '', 'd2/db2', 'd2/dadb'][k]} {got_k!r}, "
                               f"float mode {w[k]!r}")
    assert not bad, "\n".join(bad[:20])


def test_the_hessian_of_a_power_with_an_exponent_beyond_2_to_the_53_is_exact() -> None:
    """For |y| >= 2**53, y - 1 rounds to y: the second partials of x**y must not be built
    from x**(y-1) (whose sign at x < 0 would be y's parity, not y - 1's), nor be taken
    as constants: y (y-1) x**(y-2), x**(y-1) (1 + y log x) and x**y log(x)**2, as mpmath
    gives them (nan for log of a negative base)."""
    import mpmath

    bad = []
    for x in (1.0, -1.0, 1.0 + 2.0**-52, -(1.0 - 2.0**-53), 0.999999):
        for y in (2.0**53, 3.0 * 2.0**53, -(2.0**54)):
            a, b = Value(x), Value(y)
            try:
                gx, _gy = gradients(a**b, [a, b], create_graph=True)
            except (ArithmeticError, ValueError):
                continue
            xx, xy = gradients(gx, [a, b])
            mx, my = mpmath.mpf(x), mpmath.mpf(y)
            want_xx = float(my * (my - 1) * mx ** (my - 2))
            got_xy = float(xy)
            if x < 0.0:
                want_xy = math.nan
            else:
                want_xy = float(mx ** (my - 1) * (1 + my * mpmath.log(mx)))
            if not _close(xx, want_xx):
                bad.append(f"d2/dx2 of x**y at ({x!r}, {y!r}): {float(xx)!r}, exact {want_xx!r}")
            if not (_close(got_xy, want_xy) or abs(got_xy - want_xy) <= 1e-9 * abs(want_xy)):
                bad.append(f"d2/dxdy of x**y at ({x!r}, {y!r}): {got_xy!r}, exact {want_xy!r}")
    assert not bad, "\n".join(bad)


def test_the_slope_of_x_to_the_zero_is_plus_zero_at_every_base() -> None:
    """x**0 = 1 is constant, so d/dx is 0, and +0.0 (PyTorch's masked zero), not the
    0 * x**-1 = -0.0 of the power rule at a negative base: with a number exponent, a
    Value exponent, in float mode and in a batch."""
    bases = [-2.0, -0.5, -1e-300, 0.5, 3.0, 1e300]
    for exponent in (lambda: 0.0, lambda: Value(0.0), lambda: Value(np.zeros(len(bases)))):
        for batch in (False, True):
            xs = [Value(np.array(bases))] if batch else [Value(b) for b in bases]
            got = []
            for x in xs:
                e = exponent()
                if not batch and hasattr(e, "data") and np.ndim(e.data):
                    e = Value(0.0)
                (g,) = gradients(x**e, [x])
                got += list(np.atleast_1d(g))
            assert all(_same(v, 0.0) for v in got), (batch, got)


def test_a_quotient_of_a_batch_and_a_number_is_ieee_without_a_warning() -> None:
    """x/0 is +-inf and 0/0 nan with a batch on either side, as on numbers, and numpy's
    divide-by-zero warning is not let out (the helper's promise: IEEE, not exceptions)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        top = _math_smooth.quotient(np.array([1.0, -1.0, 0.0]), 0.0)
        bottom = _math_smooth.quotient(-2.0, np.array([0.0, -0.0, 4.0]))
    assert [_same(v, w) for v, w in zip(top, [math.inf, -math.inf, math.nan])] == [True] * 3
    assert [_same(v, w) for v, w in zip(bottom, [-math.inf, math.inf, -0.5])] == [True] * 3


def test_third_partials_of_a_power_at_a_zero_base_are_not_followed() -> None:
    """The README's limit: beyond the second, the partials of x**y at a base 0 are
    constants (the second partials' limits), so their own slopes are 0 even where the
    formula's diverge (at (0, 2.5), y (y-1) (y-2) x**(y-3) is inf)."""
    for x, y in ((0.0, 2.5), (0.0, 3.0), (-0.0, 1.5)):
        a, b = Value(x), Value(y)
        (gx,) = gradients(a**b, [a], create_graph=True)
        (gxx,) = gradients(gx, [a], create_graph=True)
        assert gradients(gxx, [a, b], allow_unused=True) == [0.0, 0.0], (x, y)


def test_clamps_pieces_tell_apart_every_two_pieces_whose_slopes_differ() -> None:
    """clamp_piece says which smooth piece (x, lo, hi) lies on, so that a gradient check
    reports a perturbation that crosses a kink: the same answer within a piece, different
    answers for pieces with different slopes (PyTorch's rule: to x inside [lo, hi], to lo
    below it, to hi above it; with lo > hi, z = hi, like above), on numbers and batches."""
    pieces = {
        "below": [(-1.0, 0.0, 1.0), (-5.0, 0.0, 2.0), (-1e-300, 0.0, 1e-300)],
        "inside": [(0.5, 0.0, 1.0), (1.5, 0.0, 2.0), (0.0, -1e-300, 1e-300)],
        "above": [(2.0, 0.0, 1.0), (9.0, 0.0, 2.0), (1e300, -1e300, 1e299)],
        "lo > hi": [(0.5, 1.0, 0.0), (-3.0, 2.0, 1.0), (5.0, 2.0, 1.0)],
    }
    ids: dict[str, set[int]] = {}
    for name, points in pieces.items():
        floats = [int(_math_pieces.clamp_piece(list(p))) for p in points]
        batch = _math_pieces.clamp_piece([np.array(c) for c in zip(*points)])
        assert list(batch) == floats, name
        ids[name] = set(floats)
        assert len(ids[name]) == 1, (name, floats)
    for a, b in itertools.combinations(["below", "inside", "above", "lo > hi"], 2):
        if {a, b} != {"above", "lo > hi"}:  # (the same slopes: 1 to hi)
            assert ids[a] != ids[b], (a, b)


def test_clamp_in_a_batch_keeps_the_sign_of_a_zero_as_float_mode() -> None:
    """A bound replaces x only when it is strictly beyond it (float mode's min and max),
    so clamp(-0.0, lo, 0.0) is -0.0 and clamp(0.0, -0.0, hi) is 0.0, in a batch too."""
    values = [0.0, -0.0, -1.0, 1.0]
    for x, lo, hi in itertools.product(values, repeat=3):
        want = _math_pieces.clamp([x, lo, hi])
        got = _math_pieces.clamp([np.array([x, 0.5]), np.array([lo, 0.0]), np.array([hi, 1.0])])[0]
        assert _same(got, want), (x, lo, hi, got, want)


def test_a_remainder_with_a_batch_on_either_side_warns_not() -> None:
    """numpy's remainder on batches (Python's sign rule), with its warnings kept in: x % 0
    is nan, as a batch gives it, with no RuntimeWarning let out."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = _math_pieces.remainder(np.array([5.0, -5.0]), 0.0)
        b = _math_pieces.remainder(5.0, np.array([0.0, -3.0]))
    assert np.isnan(a).all() and math.isnan(b[0]) and b[1] == 5.0 % -3.0


def test_float_mode_gradients_are_python_floats_for_every_op() -> None:
    """A graph of numbers differentiates to numbers: every rule's float branch returns a
    float (not a numpy scalar or a 0-d array), so ``x.grad`` prints as 0.5, not array(0.5)."""
    from tests.test_mutants_rules import BINARY, UNARY

    bad = []
    for name, f in {**UNARY, **BINARY}.items():
        for point in (0.45, 2.2, -0.35):
            xs = [Value(point)] + ([Value(point * 0.5 + 1.0)] if name in BINARY else [])
            try:
                grads = gradients(f(*xs), xs)
            except (ArithmeticError, ValueError):
                continue
            bad += [f"{name} at {point}: {type(g).__name__}" for g in grads if type(g) is not float]
    assert not bad, "\n".join(bad)


def test_the_hessian_of_a_power_at_a_zero_or_infinite_base_is_the_limit() -> None:
    """At x = 0 and x = +-inf, x**y's first and second partials are their limits as
    x -> 0+ or +-inf, which mpmath gives at |x| = 10**(-+10**400) (each rounds to inf,
    a number, or a zero): no 0 * inf = nan from x**(y-1) log x, in float mode and in a
    batch beside another base (a zero base sends a batch through the pow_dx and pow_dy
    rows).  At -inf the partials in y are nan (a negative base has none)."""
    import mpmath

    with mpmath.workdps(50):  # (mp.dps itself is global: sympy reads it too)
        bad = []
        for x0, y in itertools.product((0.0, math.inf, -math.inf),
                                       (-1.5, -1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)):
            if (x0 < 0 and y != math.floor(y)) or (x0 == 0.0 and y < 0.0):
                continue  # (the forward pass refuses these)
            big = mpmath.mpf(10) ** (mpmath.mpf(10) ** 400)
            X, Y = (1 / big if x0 == 0.0 else big if x0 > 0 else -big), mpmath.mpf(y)
            ln = mpmath.log(X) if x0 >= 0 else None
            exact = {"dz/dx": Y * X ** (Y - 1), "d2z/dx2": Y * (Y - 1) * X ** (Y - 2),
                     "dz/dy": X**Y * ln if ln is not None else None,
                     "d2z/dxdy": X ** (Y - 1) * (1 + Y * ln) if ln is not None else None,
                     "d2z/dy2": X**Y * ln**2 if ln is not None else None}
            want = {k: math.nan if v is None else float(v) for k, v in exact.items()}
            for batch in (False, True):
                a = Value(np.array([x0, 0.0 if x0 else 1.0])) if batch else Value(x0)
                b = Value(np.array([y, 2.0])) if batch else Value(y)
                seed = np.array([1.0, 0.0]) if batch else None
                gx, gy = gradients(a**b, [a, b], grad=seed, create_graph=True)
                xx, xy = gradients(gx, [a, b], grad=seed)
                yx, yy = gradients(gy, [a, b], grad=seed)
                got = {"dz/dx": gx.data, "d2z/dx2": xx, "dz/dy": gy.data, "d2z/dxdy": xy,
                       "d2z/dy2": yy, "d2z/dydx": yx}
                for k, v in got.items():
                    w = want["d2z/dxdy" if k == "d2z/dydx" else k]
                    v = float(np.atleast_1d(v)[0])
                    if not (_same(v, w) or (v == w == 0.0) or abs(v - w) <= 1e-14 * abs(w)):
                        bad.append(f"{k} of x**y at ({x0}, {y}){' in a batch' if batch else ''}: "
                                   f"{v!r}, limit {w!r}")
    assert not bad, "\n".join(bad)


_INFINITE_PAIRS = [(x, y) for x in (math.inf, -math.inf, 0.0, -0.0, 2.5, -1.5)
                   for y in (math.inf, -math.inf, 0.0, -0.0, 3.0, -0.5) if math.isinf(x) or math.isinf(y)]


def _two_input_partials(name: str, x: float, y: float, mode: str) -> dict[str, float]:
    """z = atan2(x, y) or hypot(x, y) and its first and second partials in ``mode`` (float
    mode with create_graph, or a batch beside the ordinary pair (0.5, 0.75))."""
    batch = mode == "batch"
    a = Value(np.array([x, 0.5])) if batch else Value(x)
    b = Value(np.array([y, 0.75])) if batch else Value(y)
    seed = np.array([1.0, 0.0]) if batch else None
    z = getattr(a, name)(b)
    plain = gradients(z, [a, b], grad=seed)
    gx, gy = gradients(z, [a, b], grad=seed, create_graph=True)
    xx, xy = gradients(gx, [a, b], grad=seed, allow_unused=True)
    yx, yy = gradients(gy, [a, b], grad=seed, allow_unused=True)
    got = {"dz/dx": plain[0], "dz/dy": plain[1], "dz/dx graph": gx.data, "dz/dy graph": gy.data,
           "d2z/dx2": xx, "d2z/dxdy": xy, "d2z/dydx": yx, "d2z/dy2": yy}
    return {k: float(np.atleast_1d(getattr(v, "data", v))[0]) for k, v in got.items()}


@pytest.mark.parametrize("mode", ["float", "batch"])
@pytest.mark.parametrize("name", ["atan2", "hypot"])
def test_atan2_and_hypot_at_an_infinite_input_have_their_limits(name: str, mode: str) -> None:
    """Where an input is +-inf, atan2's and hypot's first and second partials are their
    limits (SymPy's derivatives, evaluated by mpmath at |x| = 10**(10**400), round to a
    number or a zero): (y/h)/h and x/z would be inf/inf = nan.  hypot's first partials
    at two infinite inputs have no limit (nan, as PyTorch's x / z); its second partials
    there do (0).  The same in float mode, under create_graph, and in a batch."""
    import mpmath

    X, Y = sp.symbols("x y", real=True)
    f = sp.atan2(X, Y) if name == "atan2" else sp.sqrt(X**2 + Y**2)
    forms = {"dz/dx": sp.diff(f, X), "dz/dy": sp.diff(f, Y), "d2z/dx2": sp.diff(f, X, 2),
             "d2z/dxdy": sp.diff(f, X, Y), "d2z/dy2": sp.diff(f, Y, 2)}
    exact = {k: sp.lambdify((X, Y), v, "mpmath") for k, v in forms.items()}
    bad = []
    with mpmath.workdps(50):  # (mp.dps itself is global: sympy reads it too)
        big = mpmath.mpf(10) ** (mpmath.mpf(10) ** 400)

        def huge(v: float) -> Any:
            return (big if v > 0 else -big) if math.isinf(v) else mpmath.mpf(v)

        for x, y in _INFINITE_PAIRS:
            want = {k: float(e(huge(x), huge(y))) for k, e in exact.items()}
            if name == "hypot" and math.isinf(x) and math.isinf(y):
                want["dz/dx"] = want["dz/dy"] = math.nan  # (the direction decides)
            got = _two_input_partials(name, x, y, mode)
            for k, v in got.items():
                w = want[k.replace(" graph", "").replace("d2z/dydx", "d2z/dxdy")]
                # a limit 0 may be reached from either side: a zero's sign is not asked for
                if not (_same(v, w) or v == w == 0.0):
                    bad.append(f"{k} of {name}({x}, {y}) in {mode} mode: {v!r}, limit {w!r}")
    assert not bad, "\n".join(bad)


def test_atan2_slopes_under_create_graph_keep_their_digits_beside_a_subnormal_input() -> None:
    """Under create_graph atan2's slopes are y/(x**2 + y**2) and -x/(x**2 + y**2) with the
    inputs scaled by a power of two s; (y/s)/s is formed before 1/r, so a subnormal y beside
    a larger x gives a normal slope with all its digits (mpmath at 50 digits), as in float
    mode, not (y/s)/r, a subnormal that kept 27 bits of 53."""
    import mpmath

    with mpmath.workdps(50):
        for x, y in [(-1e-8, 5e-324), (5e-324, -1e-8), (1e-300, 3e-310), (3e-310, -1e-300),
                     (2.0, 1e-320), (1e-160, -7e-170)]:
            X, Y = mpmath.mpf(x), mpmath.mpf(y)
            want = (float(Y / (X**2 + Y**2)), float(-X / (X**2 + Y**2)))
            for batch in (False, True):
                a = Value(np.array([x, 0.5])) if batch else Value(x)
                b = Value(np.array([y, 0.75])) if batch else Value(y)
                seed = np.array([1.0, 0.0]) if batch else None
                got = [float(np.atleast_1d(g.data)[0])
                       for g in gradients(a.atan2(b), [a, b], grad=seed, create_graph=True)]
                for g, w in zip(got, want):
                    assert abs(g - w) <= 4 * math.ulp(w), (x, y, batch, got, want)


def test_hypot_slopes_where_finite_inputs_overflow_their_hypot_are_x_over_z() -> None:
    """hypot(1.5e308, 1.5e308) is inf (beyond the largest float), but its slopes x/z and
    y/z are numbers of order 1 (mpmath at 50 digits), in every mode, not x / inf = 0."""
    import mpmath

    with mpmath.workdps(50):
        for x, y in [(1.5e308, 1.5e308), (1.7e308, -1e308), (-1.2e308, 1.79e308)]:
            X, Y = mpmath.mpf(x), mpmath.mpf(y)
            Z = mpmath.sqrt(X**2 + Y**2)
            want = (float(X / Z), float(Y / Z))
            # beside it in a batch, an ordinary sample keeps x / z
            beside = (float(mpmath.mpf(0.5) / mpmath.hypot(0.5, 0.75)),
                      float(mpmath.mpf(0.75) / mpmath.hypot(0.5, 0.75)))
            for batch in (False, True):
                for graph in (False, True):
                    a = Value(np.array([x, 0.5])) if batch else Value(x)
                    b = Value(np.array([y, 0.75])) if batch else Value(y)
                    seed = np.ones(2) if batch else None
                    grads = gradients(a.hypot(b), [a, b], grad=seed, create_graph=graph)
                    got = [np.atleast_1d(getattr(g, "data", g)) for g in grads]
                    for g, w, o in zip(got, want, beside):
                        assert abs(g[0] - w) <= 2 * math.ulp(w), (x, y, batch, graph, got, want)
                        if batch:
                            assert abs(g[1] - o) <= 2 * math.ulp(o), (x, y, graph, got, beside)


def test_pow_slope_where_z_overflows_but_the_slope_does_not() -> None:
    """x**y = 1e10**30.85 overflows, y * x**(y-1) = 30.85e298.5 does not: the power
    form, in float mode and on a batch (y * inf / x would be inf)."""
    exact = 30.85 * 1e10 ** 29.85
    x, y = Value(1e10), Value(30.85)
    (g,) = gradients(x**y, [x])
    xb, yb = Value(np.array([1e10, 2.0])), Value(np.array([30.85, 2.0]))
    (gb,) = gradients((xb**yb).sum(), [xb])
    assert math.isfinite(g) and g == pytest.approx(exact, rel=1e-13)
    assert gb.tolist() == [g, 4.0]


@pytest.mark.parametrize("point", [(1000.0, -math.pi), (0.001, math.pi), (7.5, -2.3), (0.3, 4.7),
                                   (1e-5, -30.5)])
def test_create_graph_builds_float_modes_slopes_of_a_power(point: tuple[float, float]) -> None:
    """y * z / x on Values too: the first derivatives create_graph builds are float
    mode's, bit for bit, also where |z| < 1 (x**(y-1) would be |log x| ulps off)."""
    x, y = Value(point[0]), Value(point[1])
    plain = gradients(x**y, [x, y])
    built = [g.data for g in gradients(x**y, [x, y], create_graph=True)]
    assert built == plain


@pytest.mark.parametrize("exponent", [2.0, 0.5, -1.0])
def test_second_derivatives_of_a_power_at_an_infinite_base_are_the_limits(exponent: float) -> None:
    """At x = inf the pow_dx row's slopes are its limits, as constants under create_graph
    too (z / x would be inf / inf = nan): d2/dx2 of x**2 is 2, of x**0.5 and x**-1 0."""
    x, y = Value(math.inf), Value(exponent)
    gx, _ = gradients(x**y, [x, y], create_graph=True)
    plain = gradients(gx, [x, y])
    built = [g.data for g in gradients(gx, [x, y], create_graph=True)]
    assert plain == built and plain[0] == (2.0 if exponent == 2.0 else 0.0)


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_a_nan_input_gets_a_nan_slope_through_relu_in_every_mode(name: str) -> None:
    """The README's nan row: a kink's convention never turns nan into a number (relu'(nan)
    was 0, leaky_relu'(nan) 0.01: a nan in a relu layer gave silent zero gradients)."""
    f = {"relu": lambda v: v.relu(), "leaky_relu": lambda v: v.leaky_relu(0.01)}[name]
    for data in (math.nan, np.array([math.nan, 2.0, -2.0])):
        for create_graph in (False, True):
            x = Value(data)
            out = f(x)
            (g,) = gradients(out if out.data.__class__ is float else out.sum(), [x],
                             create_graph=create_graph)
            got = np.atleast_1d(g.data if create_graph else g)
            assert math.isnan(got[0]), (data, create_graph, got)
            if got.size > 1:
                assert got[1:].tolist() == [1.0, 0.0 if name == "relu" else 0.01]
