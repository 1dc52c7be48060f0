"""Every rule of the table against central differences, in every mode, to second order.

The first stage of ``python tools/mutate.py --target math|table``: fast checks
that a rule (``autograd/_math.py`` and the rows of ``autograd/ops*.py``) gives
the central difference of its own op's forward, on a float, on a batch and
under ``create_graph``, and that the derivative of its derivative
(``create_graph``) is the central difference of the first derivative.  Points
lie off every kink (a difference that straddles one is skipped), away from the
special points that tests/test_special.py and the part-B tests pin.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Value, functions
from autograd.ops import UNARY_FUNCTIONS

POINTS = [-25.0, -2.6, -1.7, -0.9, -0.35, 0.15, 0.45, 0.8, 1.3, 2.2, 3.7, 7.5, 25.0]


def _unary() -> dict[str, Callable[[Any], Any]]:
    ops: dict[str, Callable[[Any], Any]] = {}
    for name in UNARY_FUNCTIONS:
        ops[name] = (lambda v: abs(v)) if name == "abs" else getattr(autograd, name)
    for name in ("neg", "leaky_relu", "elu", "celu", "hardtanh", "sign", "floor", "ceil", "round",
                 "trunc", "tan", "sinh", "cosh", "asinh", "acosh", "atanh", "asin", "acos", "atan",
                 "log1p", "expm1", "log2", "log10", "exp2", "cbrt", "erfc", "mish", "selu",
                 "softsign", "logsigmoid", "hardsigmoid", "hardswish", "relu6"):
        if hasattr(Value, name) and name not in ops:
            ops[name] = lambda v, n=name: getattr(v, n)()
    ops["neg"] = lambda v: -v
    ops["leaky_relu(0.2)"] = lambda v: v.leaky_relu(0.2)
    ops["leaky_relu(-0.5)"] = lambda v: v.leaky_relu(-0.5)
    ops["elu(0.7)"] = lambda v: v.elu(0.7)
    ops["elu(-0.5)"] = lambda v: v.elu(-0.5)  # a negative alpha: the signs of its zeros
    ops["celu(0.5)"] = lambda v: v.celu(0.5)
    ops["hardtanh(-2, 0.5)"] = lambda v: v.hardtanh(-2.0, 0.5)
    ops["clamp(-1, 2)"] = lambda v: v.clamp(-1.0, 2.0)
    ops["clamp(0, 2)"] = lambda v: v.clamp(0.0, 2.0)  # a bound at 0: ties of signed zeros
    ops["hardtanh(-2, 0)"] = lambda v: v.hardtanh(-2.0, 0.0)
    for n in (2.0, 3.0, -1.0, -2.0, 0.5, 1.5, -0.5, 2.5):
        ops[f"x**{n}"] = lambda v, n=n: v ** n
    for c in (1.5, 0.4, 3.0):
        ops[f"{c}**x"] = lambda v, c=c: c ** v
    return ops


UNARY = _unary()


def _value(f: Callable[[Any], Any], x: float) -> float | None:
    try:
        out = f(Value(x))
    except (ArithmeticError, ValueError):
        return None
    return float(out.data)


def _smooth(f: Callable[[Any], Any], x: float, h: float) -> bool:
    """The op's node at x - h, x and x + h lies on one smooth piece of its row."""
    nodes = []
    for p in (x - 2 * h, x, x + 2 * h):
        try:
            nodes.append(f(Value(p)))
        except (ArithmeticError, ValueError):
            return False
    row = nodes[1]._row
    if row is None:
        return True
    if row.piece is not None:
        pieces = [np.asarray(row.piece(*_inputs(n))).tolist() for n in nodes]
    else:
        pieces = [math.copysign(1.0, d) if d != 0.0 else 0.0 for d in
                  (n.parents[0].data for n in nodes)]
    return pieces[0] == pieces[1] == pieces[2]


def _central(f: Callable[[Any], Any], x: float, h: float) -> float | None:
    hi, lo = _value(f, x + h), _value(f, x - h)
    if hi is None or lo is None:
        return None
    return (hi - lo) / (2 * h)


def _first(f: Callable[[Any], Any], x: float) -> float:
    v = Value(x)
    return float(autograd.gradients(f(v), v))


def _check(got: float, want: float, x: float, what: str, rel: float) -> None:
    if not (math.isfinite(want) and abs(want) < 1e12):
        return
    assert abs(got - want) <= rel * max(1.0, abs(want)), (what, x, got, want)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_first_derivative_is_the_central_difference_in_every_mode(name: str) -> None:
    f = UNARY[name]
    xs, want = [], []
    for x in POINTS:
        h = 1e-6 * max(1.0, abs(x))
        if _value(f, x) is None or not _smooth(f, x, h):
            continue
        d = _central(f, x, h)
        if d is None:
            continue
        v = Value(x)
        _check(float(autograd.gradients(f(v), v)), d, x, "float", 1e-5)
        v = Value(x)
        f(v).backward()
        _check(float(v.grad), d, x, "backward", 1e-5)
        v = Value(x)
        _check(float(autograd.gradients(f(v), v, create_graph=True).data), d, x, "create_graph", 1e-5)
        xs.append(x)
        want.append(d)
    if not xs:
        return
    batch = Value(np.array(xs))
    for create_graph in (False, True):
        out = f(batch)
        g = autograd.gradients(out.sum(), batch, create_graph=create_graph)
        g = g.data if create_graph else g
        for x, gi, d in zip(xs, np.asarray(g), want):
            _check(float(gi), d, x, f"batch create_graph={create_graph}", 1e-5)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_second_derivative_is_the_central_difference_of_the_first(name: str) -> None:
    f = UNARY[name]
    xs, want = [], []
    for x in POINTS:
        h = 1e-5 * max(1.0, abs(x))
        if _value(f, x) is None or not _smooth(f, x, 3 * h):
            continue
        try:
            d2 = (_first(f, x + h) - _first(f, x - h)) / (2 * h)
        except (ArithmeticError, ValueError):
            continue
        v = Value(x)
        g = autograd.gradients(f(v), v, create_graph=True)
        got = float(autograd.gradients(g, v, allow_unused=True)) if g.requires_grad else 0.0
        _check(got, d2, x, "second", 1e-4)
        xs.append(x)
        want.append(d2)
    if not xs:
        return
    batch = Value(np.array(xs))
    g = autograd.gradients(f(batch).sum(), batch, create_graph=True)
    if g.requires_grad:
        second = autograd.gradients(g.sum(), batch, allow_unused=True)
        for x, gi, d in zip(xs, np.asarray(second), want):
            _check(float(gi), d, x, "batch second", 1e-4)


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "pow": lambda a, b: a ** b, "mod": lambda a, b: a % b,
    "floordiv": lambda a, b: a // b, "atan2": lambda a, b: a.atan2(b),
    "hypot": lambda a, b: a.hypot(b), "logaddexp": lambda a, b: a.logaddexp(b),
    "maximum": lambda a, b: a.maximum(b), "minimum": lambda a, b: a.minimum(b),
    "max": lambda a, b: functions.max([a, b, a * 0.5 - 3.0]),
    "min": lambda a, b: functions.min([a, b, a * 0.5 + 3.0]),
    "logsumexp": lambda a, b: functions.logsumexp([a, b, a * b]),
    "dot": lambda a, b: functions.dot([a, b], [b * b, a + 1.0], a * b),
    "sum": lambda a, b: functions.sum([a, b, a * b]),
    "clamp": lambda a, b: a.clamp(b - 1.0, b + 0.5),
}
PAIRS = [(0.7, 1.9), (1.3, -0.6), (-2.1, 0.45), (2.6, 3.2), (-0.8, -1.4), (0.35, 0.2)]


def _grad2(f: Callable[[Any, Any], Any], a: float, b: float) -> list[float] | None:
    try:
        va, vb = Value(a), Value(b)
        return [float(g) for g in autograd.gradients(f(va, vb), [va, vb], allow_unused=True)]
    except (ArithmeticError, ValueError):
        return None


def _fwd2(f: Callable[[Any, Any], Any], a: float, b: float) -> float | None:
    try:
        return float(f(Value(a), Value(b)).data)
    except (ArithmeticError, ValueError):
        return None


def _kinked(f: Callable[[Any, Any], Any], a: float, b: float, h: float) -> bool:
    """Some node of f's graph changes piece between the points a +- h, b +- h."""
    def pieces(p: float, q: float) -> list[Any] | None:
        try:
            out = f(Value(p), Value(q))
        except (ArithmeticError, ValueError):
            return None
        found = []
        stack = [out]
        while stack:
            n = stack.pop()
            stack.extend(n.parents)
            if n._row is not None and n._row.piece is not None:
                found.append(np.asarray(n._row.piece(*_inputs(n))).tolist())
        return found

    base = pieces(a, b)
    for da in (-2 * h, 2 * h):
        for db in (-2 * h, 2 * h):
            if pieces(a + da, b + db) != base:
                return True
    return base is None


def _inputs(n: Value) -> tuple[Any, ...]:
    data = [p.data for p in n.parents]
    return (data,) if n._row.arity == -1 else tuple(data)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_and_many_input_rules_are_the_central_differences(name: str) -> None:
    f = BINARY[name]
    for a, b in PAIRS:
        h = 1e-6
        got = _grad2(f, a, b)
        if got is None or _kinked(f, a, b, h):
            continue
        for k in range(2):
            hi = _fwd2(f, a + h * (k == 0), b + h * (k == 1))
            lo = _fwd2(f, a - h * (k == 0), b - h * (k == 1))
            if hi is None or lo is None:
                continue
            _check(got[k], (hi - lo) / (2 * h), a, f"{name} d{k}", 1e-5)
            va, vb = Value(np.array([a, a])), Value(np.array([b, b]))
            batch = autograd.gradients(f(va, vb).sum(), [va, vb], allow_unused=True)
            for gi in np.asarray(batch[k]).reshape(-1):
                _check(float(gi), (hi - lo) / (2 * h), a, f"{name} batch d{k}", 1e-5)
            va, vb = Value(a), Value(b)
            cg = autograd.gradients(f(va, vb), [va, vb], create_graph=True, allow_unused=True)
            _check(float(cg[k].data), (hi - lo) / (2 * h), a, f"{name} create_graph d{k}", 1e-5)
        # the second derivatives d/dx (dz/dx) and d/dy (dz/dx)
        h2 = 1e-5
        if _kinked(f, a, b, 3 * h2):
            continue
        va, vb = Value(a), Value(b)
        first = autograd.gradients(f(va, vb), [va, vb], create_graph=True, allow_unused=True)
        if not first[0].requires_grad:
            continue
        second = autograd.gradients(first[0], [va, vb], allow_unused=True)
        for k in range(2):
            up = _grad2(f, a + h2 * (k == 0), b + h2 * (k == 1))
            down = _grad2(f, a - h2 * (k == 0), b - h2 * (k == 1))
            if up is None or down is None:
                continue
            _check(float(second[k]), (up[0] - down[0]) / (2 * h2), a, f"{name} second d{k}", 1e-4)


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_batch_reduction_passes_one_or_one_over_n_to_every_sample(create_graph: bool) -> None:
    """d(sum x_i)/dx_j = 1 and d(mean x_i)/dx_j = 1/n (n = 4 here)."""
    x = Value(np.array([0.5, -1.0, 2.0, 3.0]))
    for out, want in ((x.sum(), 1.0), (x.mean(), 0.25)):
        g = autograd.gradients(out, x, create_graph=create_graph)
        g = g.data if create_graph else g
        np.testing.assert_array_equal(g, np.full(4, want))


FLAT: dict[str, tuple[Callable[[Any], Any], float]] = {
    "relu": (lambda v: v.relu(), -1.0), "sign": (lambda v: v.sign(), 0.5),
    "floor": (lambda v: v.floor(), 0.3), "ceil": (lambda v: v.ceil(), 0.3),
    "round": (lambda v: v.round(), 0.3), "trunc": (lambda v: v.trunc(), 0.3),
    "hardtanh": (lambda v: v.hardtanh(), 2.0), "relu6": (lambda v: v.relu6(), 7.0),
    "hardsigmoid": (lambda v: v.hardsigmoid(), 4.0), "hardswish": (lambda v: v.hardswish(), -4.0),
    "maximum": (lambda v: v.maximum(Value(5.0)), 1.0), "minimum": (lambda v: v.minimum(Value(-5.0)), 1.0),
    "floordiv": (lambda v: v // 2.0, 0.3), "max": (lambda v: functions.max([v, Value(9.0)]), 1.0),
    "min": (lambda v: functions.min([v, Value(-9.0)]), 1.0),
    "clamp": (lambda v: v.clamp(0.0, 1.0), -1.0),
    "where": (lambda v: functions.where(1.0, Value(9.0), v), 1.0),
    # hardswish's flat piece up to its bound, where the slope is 0 (PyTorch's too)
    "hardswish at -3": (lambda v: v.hardswish(), -3.0),
    "hardswish at -3.5": (lambda v: v.hardswish(), -3.5),
}


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", sorted(FLAT))
def test_a_flat_piece_passes_exactly_zero_from_a_pole(name: str, create_graph: bool) -> None:
    """On a flat piece the local derivative is 0 and PyTorch's where() passes exactly 0,
    also from sqrt'(0) = inf upstream (0 * inf would be nan): in float and batch mode,
    and in create_graph mode, whose gradient graph is 0 there and so is its derivative."""
    f, x = FLAT[name]
    for data in (x, np.array([x, x])):
        zero = np.zeros_like(np.asarray(data))
        v = Value(data)
        node = f(v)
        out = (node - Value(node.data, requires_grad=False)).sqrt()
        out = out if out.data.__class__ is float else out.sum()
        g = autograd.gradients(out, v, create_graph=create_graph)
        np.testing.assert_array_equal(g.data if create_graph else g, zero)
        v.grad = 0.0
        (g if g.data.__class__ is float else g.sum()).backward() if create_graph else out.backward()
        np.testing.assert_array_equal(v.grad, zero)
