"""One outcome for every special input, in float mode, batch mode and create_graph mode.

The policy (README, "Special values"): outside an op's domain it raises,
naming the op, the value and the label (and the sample, for a batch); nan
propagates without an error; an overflow is +-inf.  The oracle here is the
engine itself in another mode: the same input must give the same error type,
or the same value and the same first derivative, bit for bit (nan equal to
nan), in all three modes.  The grid is PyTorch's unary special values plus the
edges the issue lists.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Value, _math
from tests.test_mutants_rules import BINARY, UNARY

GRID = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-300, 1e-8, -1e-8,
        0.001, -0.001, 0.25, -0.25, 0.5, -0.5, 1.0, -1.0, math.pi / 2, -math.pi / 2, math.pi,
        -math.pi, 2.0, -2.0, 20.0, -20.0, 40.0, -40.0, 100.0, -100.0, 709.78, -709.78, 710.0,
        -710.0, 1000.0, -1000.0, math.inf, -math.inf, math.nan,
        3.0, -3.0, 6.0, 0.7, -0.7]  # the corners of hardsigmoid, hardswish, relu6; elu(0.7)'s

# every one-input row, the parametric ones at some parameters (tests/test_mutants_rules.py)
OPS = sorted(UNARY)


def _apply(name: str, v: Value) -> Value:
    return UNARY[name](v)


def _same(a: Any, b: Any, ulps: int = 0, signed_zero: bool = True) -> bool:
    """Equal (nan to nan, inf to inf of the same sign, a zero to a zero of the same sign),
    or within ``ulps`` of each other."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
        return (math.isnan(a) and math.isnan(b)) or a == b
    if a == 0.0 or b == 0.0:
        return a == b and (not signed_zero or math.copysign(1.0, a) == math.copysign(1.0, b))
    return a == b or abs(a - b) <= ulps * math.ulp(max(abs(a), abs(b)))


# float mode computes with Python's math (the C library), a batch with numpy:
# both are within an ulp or two of exact, not always the same ulp; create_graph
# evaluates the rules on Values (textbook forms for mish' and the normal density),
# within the 8 ulps of the accuracy table (and a slope that underflows may be a zero
# of either sign there: mish'(-1000) is -0.0 in float mode, +0.0 from the textbook form)
ULPS = {"float": 0, "batch": 4, "create_graph": 8, "batch create_graph": 8}


def _float_mode(name: str, x: float) -> tuple[Any, ...]:
    v = Value(x, label="x")
    try:
        y = _apply(name, v)
    except (ArithmeticError, ValueError) as err:
        return ("error", type(err))
    (g,) = autograd.gradients(y, [v])
    return ("value", y.data, g)


def _batch_mode(name: str, x: float, create_graph: bool = False) -> tuple[Any, ...]:
    # the special value is sample 1, beside an ordinary one inside the op's domain
    ordinary = next(c for c in (0.5, 1.5, 2.5) if _float_mode(name, c)[0] == "value")
    v = Value(np.array([ordinary, x]), label="x")
    try:
        y = _apply(name, v)
    except (ArithmeticError, ValueError) as err:
        assert "sample 1" in str(err) and "'x'" in str(err), str(err)
        return ("error", type(err))
    (g,) = autograd.gradients(y, [v], grad=np.array([0.0, 1.0]), create_graph=create_graph)
    return ("value", y.data[1], (g.data if create_graph else g)[1])


def _graph_mode(name: str, x: float) -> tuple[Any, ...]:
    return _second_float(name, x)[:3]


@pytest.mark.parametrize("name", OPS)
def test_every_special_value_has_one_outcome_in_every_mode(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning may escape either
        for x in GRID:
            outcomes = {"float": _float_mode(name, x), "batch": _batch_mode(name, x),
                        "create_graph": _graph_mode(name, x),
                        "batch create_graph": _batch_mode(name, x, create_graph=True)}
            first = outcomes["float"]
            for mode, got in outcomes.items():
                assert got[0] == first[0] and (
                    got[1] == first[1] if got[0] == "error" else
                    _same(got[1], first[1], ULPS[mode])
                    and _same(got[2], first[2], ULPS[mode], signed_zero="create_graph" not in mode)
                ), f"{name}({x!r}): float mode {first}, {mode} mode {got}"


def test_nan_propagates_through_every_domain_without_an_error() -> None:
    for name in OPS:
        y = _apply(name, Value(math.nan))
        assert math.isnan(y.data), name


@pytest.mark.parametrize(("make", "value"), [
    (lambda: Value(0.5) ** math.inf, 0.0),
    (lambda: Value(2.0) ** -math.inf, 0.0),
    (lambda: Value(1.0) ** math.nan, 1.0),
    (lambda: 1.0 ** Value(math.nan), 1.0),
    (lambda: math.inf ** Value(0.0), 1.0),
    (lambda: 2.0 ** Value(math.nan), math.nan),
    (lambda: Value(1e-300) ** -2, math.inf),
    (lambda: Value(1e200) ** 2, math.inf),
    (lambda: Value(1e200) * Value(1e200), math.inf),
    (lambda: Value(1000.0).exp(), math.inf),
])
def test_python_float_semantics_at_the_edges_of_pow_and_overflow(make: Any, value: float) -> None:
    assert _same(make().data, value)


def test_an_overflow_is_inf_in_float_and_batch_mode_alike() -> None:
    for make, x in ((lambda v: v**2, 1e200), (lambda v: v.exp(), 1000.0),
                    (lambda v: v.sinh(), 1000.0), (lambda v: 10.0**v, 400.0)):
        f = make(Value(x)).data
        b = make(Value(np.array([x, 1.0]))).data[0]
        assert f == b == math.inf


def test_sin_of_inf_is_refused_in_every_mode() -> None:
    with pytest.raises(ValueError, match="sin: needs a finite input"):
        Value(math.inf, label="x").sin()
    with pytest.raises(ValueError, match="sample 1"):
        Value(np.array([0.0, math.inf]), label="x").sin()


def test_a_power_of_a_nan_base_and_zero_exponent_differentiates_in_create_graph_mode() -> None:
    x, y = Value(math.nan), Value(0.0)
    gx, gy = autograd.gradients(x**y, [x, y], create_graph=True)
    plain = autograd.gradients(x**y, [x, y])
    assert _same(gx.data, plain[0]) and _same(gy.data, plain[1])


def test_batches_at_zero_match_float_mode_for_sqrt_and_half_powers() -> None:
    for make in (lambda v: v.sqrt(), lambda v: v**0.5):
        v = Value(np.array([0.0, 1.0]))
        make(v).sum().backward()
        f = Value(0.0)
        make(f).backward()
        assert v.grad[0] == f.grad == math.inf


def test_a_nan_numerator_over_zero_is_nan_in_float_mode_as_in_a_batch() -> None:
    """nan passes every domain: nan / 0, nan % 0 and nan // 0 are nan in float mode (Python's
    float division would raise) as they are in a batch; 1 / 0 is still refused."""
    for make in (lambda a, b: a / b, lambda a, b: a % b, lambda a, b: a // b):
        in_float = make(Value(math.nan), Value(0.0)).data
        in_batch = make(Value(np.array([1.0, math.nan])), Value(np.array([1.0, 0.0]))).data[1]
        assert math.isnan(in_float) and math.isnan(in_batch)
    with pytest.raises(ZeroDivisionError, match="div: needs a nonzero denominator"):
        Value(1.0) / Value(0.0)


def test_a_nan_exponent_propagates_in_every_mode() -> None:
    """x**nan is nan (nan passes every domain), whether the nan is a number exponent, a
    Value or a sample of a batch; float mode and a batch agree (a batch of bases at 0
    was refused as "undefined", the nan exponent not counted as an input)."""
    bases = [0.0, 2.0, -3.0]
    for make in (lambda v: v ** math.nan, lambda v: v ** Value(math.nan)):
        assert all(math.isnan(make(Value(b)).data) for b in bases)
        assert np.isnan(make(Value(np.array(bases))).data).all()
    assert np.isnan((Value(np.array(bases)) ** Value(np.array([math.nan] * 3))).data).all()


BINARY_GRID = [0.0, -0.0, 5e-324, 1.0, -1.0, 2.5, -2.5, 1e308, -1e308, math.inf, -math.inf,
               math.nan]


def _binary_outcome(make: Any, x: float, y: float, mode: str) -> tuple[Any, ...]:
    batch = "batch" in mode
    # the special pair is sample 1, beside an ordinary pair; with one input a number
    # ("batch x": only x a batch) the batch is the one pair (that number meets every sample)
    one = "batch x" in mode or "batch y" in mode
    a = Value(np.array([x] if one else [0.5, x]) if "batch y" not in mode and batch else x,
              label="x")
    b = Value(np.array([y] if one else [0.75, y]) if "batch x" not in mode and batch else y,
              label="y")
    try:
        z = make(a, b)
    except (ArithmeticError, ValueError) as err:
        return ("error", type(err))
    graph = "create_graph" in mode
    if not batch:
        grads = autograd.gradients(z, [a, b], create_graph=graph)
        return ("value", z.data, *[g.data if graph else g for g in grads])
    seed = np.array([1.0] if one else [0.0, 1.0])
    ga, gb = autograd.gradients(z, [a, b], grad=seed, create_graph=graph)
    if graph:
        ga, gb = ga.data, gb.data
    return ("value", z.data[-1], *[g if np.ndim(g) == 0 else g[-1] for g in (ga, gb)])


@pytest.mark.parametrize("mode", ["batch", "create_graph", "batch create_graph", "batch x",
                                  "batch x create_graph", "batch y", "batch y create_graph"])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_every_special_pair_has_one_outcome_in_every_mode(name: str, mode: str) -> None:
    """The grid's pairs through every two-input op (and the many-input ones, on three
    inputs made of the two): the same error type, or the same value and partials (signed
    zeros and nan included, and zeros' signs too but under create_graph, whose textbook
    forms may round a vanishing slope to either zero), in float mode and in ``mode``."""
    bad = []
    ulps = ULPS["create_graph" if "create_graph" in mode else "batch"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in BINARY_GRID:
            for y in BINARY_GRID:
                f = _binary_outcome(BINARY[name], x, y, "float")
                b = _binary_outcome(BINARY[name], x, y, mode)
                # a number input's partial is a sum over the samples: a zero's sign is not kept
                summed = {"batch x": 2, "batch y": 1}.get(mode.replace(" create_graph", ""))
                same = f[0] == b[0] and (f[1] == b[1] if f[0] == "error" else all(
                    _same(u, v, ulps, signed_zero=k == 0 or ("create_graph" not in mode
                                                             and k != summed))
                    for k, (u, v) in enumerate(zip(f[1:], b[1:]))))
                if not same:
                    bad.append(f"{name}({x!r}, {y!r}): float mode {f}, {mode} {b}")
    assert not bad, "\n".join(bad[:30])


HESSIAN_BASES = [0.0, -0.0, 0.5, 2.0, -2.0, 3.0]
HESSIAN_EXPONENTS = [0.0, 1.0, 2.0, 3.0, 0.5, 1.5, 2.5, -1.0, -2.0, -0.5]


def _hessian(x: Any, y: Any, grad: Any = None) -> tuple[Any, ...]:
    a, b = Value(x, label="x"), Value(y, label="y")
    try:
        z = a**b
    except (ArithmeticError, ValueError) as err:
        return ("error", type(err))
    ga, gb = autograd.gradients(z, [a, b], grad=grad, create_graph=True)
    rows = [autograd.gradients(g if grad is None else g.sum(), [a, b], allow_unused=True)
            for g in (ga, gb)]
    return ("value", *[h for row in rows for h in row])


@pytest.mark.parametrize("companion", [(0.0, 2.0), (0.75, 1.5)])
def test_second_partials_of_a_power_are_the_same_in_float_and_batch_mode(
        companion: tuple[float, float]) -> None:
    """x**y's Hessian at special bases and exponents: float mode against a batch in which
    the pair sits beside an ordinary one, or beside a zero base (which makes the whole
    batch take the table's pow_dx and pow_dy rows).  (Not at bases like 1e-300 or 1e200,
    where a Hessian entry is 0 * inf in one form and a limit in the other.)"""
    bad = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in HESSIAN_BASES:
            for y in HESSIAN_EXPONENTS:
                f = _hessian(x, y)
                b = _hessian(np.array([x, companion[0]]), np.array([y, companion[1]]),
                             grad=np.array([1.0, 0.0]))
                if f[0] == "error" or b[0] == "error":
                    same = f[:2] == b[:2]
                else:
                    # (not ulps: an entry like x**(y-1) (1 + y log x) cancels, in both forms)
                    same = all(_same(u, np.asarray(v)[0], 0, signed_zero=False)
                               or abs(u - np.asarray(v)[0]) <= 1e-12 * abs(u)
                               for u, v in zip(f[1:], b[1:]))
                if not same:
                    bad.append(f"({x!r}, {y!r}): float mode {f}, batch {b}")
    assert not bad, "\n".join(bad[:30])


def _second_float(name: str, x: float) -> tuple[Any, ...]:
    """create_graph in float mode: (y, y', y'') at x, or the error."""
    v = Value(x, label="x")
    try:
        y = _apply(name, v)
    except (ArithmeticError, ValueError) as err:
        return ("error", type(err))
    (g,) = autograd.gradients(y, [v], create_graph=True)
    (h,) = autograd.gradients(g, [v], allow_unused=True) if g.requires_grad else (0.0,)
    return ("value", y.data, g.data, h)


def _batch_second(name: str, points: list[float]) -> list[tuple[float, float]]:
    """create_graph on one batch of ``points``: (y', y'') of every sample."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = Value(np.array(points), label="x")
        (g,) = autograd.gradients(_apply(name, v), [v], create_graph=True)
        (h,) = (autograd.gradients(g, [v], allow_unused=True) if g.requires_grad
                else (np.zeros(len(points)),))
    return [(float(a), float(b)) for a, b in zip(g.data, np.asarray(h))]


def _second_matches(got: tuple[float, float], want: tuple[Any, ...]) -> bool:
    """y' within 8 ulps (a zero's sign too); y'' within 8 ulps or 1e-11 relative."""
    first, second = got
    return _same(first, want[2], 8) and (_same(second, want[3], 8, signed_zero=False)
                                         or abs(second - want[3]) <= 1e-11 * abs(want[3]))


@pytest.mark.parametrize("name", OPS)
def test_a_batch_under_create_graph_is_float_mode_in_every_sample_and_derivative(name: str
                                                                                ) -> None:
    """Every sample of a batch, the special one and the ordinary one beside it, gets float
    mode's first and second derivative under create_graph (the masks that keep a special
    sample's limit must leave the others' rules, and their own slopes, as they are); and
    so does every valid point of the grid in one batch (a mask built for one sample must
    not disturb another: a nan beside 1000, an inf beside a zero).  The second
    derivatives of the textbook forms on Values cancel differently in numpy and in math:
    8 ulps or 1e-11 relative (a wrong rule is off by far more)."""
    ordinary = next(c for c in (0.5, 1.5, 2.5) if _float_mode(name, c)[0] == "value")
    valid = [x for x in GRID if _second_float(name, x)[0] == "value"]
    bad = []
    for points in [[ordinary, x] for x in valid] + [valid]:
        for x, got in zip(points, _batch_second(name, points)):
            want = _second_float(name, x)
            if not _second_matches(got, want):
                bad.append(f"{name} at {x!r} in the batch {points}: float mode (y', y'') = "
                           f"{want[2:]}, batch {got}")
    assert not bad, "\n".join(bad[:20])


def test_leaky_relu_with_slope_zero_at_minus_inf_is_its_limit_in_every_mode() -> None:
    """leaky_relu(x, 0) is 0 * x = -0.0 for every x < 0, so its limit at -inf is -0.0 (as
    relu's is 0), with slope 0, not 0 * -inf = nan (float mode) or an error (a batch)."""
    for mode in ("float", "batch", "create_graph", "batch create_graph"):
        data = np.array([-math.inf, -2.0]) if "batch" in mode else -math.inf
        x = Value(data, label="x")
        y = x.leaky_relu(0.0)
        g = autograd.gradients(y, x, grad=np.array([1.0, 0.0]) if "batch" in mode else None,
                               create_graph="create_graph" in mode)
        value, slope = np.atleast_1d(y.data)[0], np.atleast_1d(getattr(g, "data", g))[0]
        assert value == 0.0 and math.copysign(1.0, value) == -1.0, (mode, value)
        assert slope == 0.0, (mode, slope)
    assert math.isnan(Value(math.nan).leaky_relu(0.0).data)  # nan stays nan
    samples = [-math.inf, -2.0, -0.0, 0.0, 3.0, math.inf, math.nan]
    batch = Value(np.array(samples)).leaky_relu(0.0).data
    for x, got in zip(samples, batch):
        want = Value(x).leaky_relu(0.0).data
        assert _same(got, want) and (x != x or want == max(x, 0.0)), (x, got, want)
    for slope in (0.0, -0.0):  # the numerics alike on a float and a batch, with no warning
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            direct = _math.leaky_relu(np.array(samples), slope)
        for x, raw in zip(samples, direct):
            want = _math.leaky_relu(x, slope)
            assert _same(raw, want) and (x != x or want == max(x, 0.0)), (slope, x, raw, want)



@pytest.mark.parametrize("name", ["floor", "ceil", "sign", "round", "trunc", "relu", "hardtanh",
                                  "relu6", "hardsigmoid"])
def test_a_flat_piece_passes_a_positive_zero_in_a_batch_as_in_float_mode(name: str) -> None:
    """Where an op is flat, the gradient through it is +0.0 in float mode (the piece passes
    nothing), also when the gradient from above is negative: a batch gives the same +0.0,
    not g * 0 = -0.0."""
    point = -1.5 if name in ("relu", "relu6") else (1.5 if name != "hardtanh" else 3.5)
    if name == "hardsigmoid":
        point = 4.0

    def f(x: Value) -> Value:
        return getattr(x, name)() * -3.0  # a negative gradient from above

    x = Value(point)
    want = autograd.gradients(f(x), x)
    xb = Value(np.array([point, 0.25]))
    got = autograd.gradients(f(xb), xb, grad=np.array([1.0, 0.0]))[0]
    assert want == 0.0 and _same(got, want), (name, want, got)
