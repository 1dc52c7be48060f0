"""How many ulps each op's value and first derivative are off, against mpmath at 60 digits.

    python -m tests.accuracy      # prints the README's ulp table (markdown)

The points are PyTorch's own unary test values with |x| <= 30.  PyTorch's
reference inputs for elementwise unary ops (``reference_inputs_elementwise_unary``
in torch/testing/_internal/opinfo/core.py) are fixed small values (the
``_float_vals`` of ``generate_elementwise_binary_small_value_tensors``:
0, -0, +-0.001, +-0.25, +-1, +-pi/2, +-pi, +-(pi - 1e-5), +-(pi + 1e-5)), large
ones (+-501 and beyond: outside |x| <= 30), extremal ones (inf, nan) and
``make_tensor``'s random draws.  The fixed values with |x| <= 30 are used as
they are; the random draws are stood in for by 48 seeded uniform draws from
[-30, 30] and the integers +-2, +-5, +-9, +-20, +-30, so the tails (x = 20,
where z(1 - z) lost sigmoid' entirely) are covered too.  Two-input ops are
measured on all pairs of the fixed values, as PyTorch's binary tests pair them.

The exact results come from sympy's derivative of the op's formula, evaluated
by mpmath at 60 significant digits at the float64 input itself (so the error
of the input's own rounding is not counted).  A derivative is not measured
where the op sits on a kink (its value there is a convention, checked against
PyTorch in tests/test_ops.py).  PyTorch's ulps (float64 CPU) are measured
on the same points, when it is installed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp

import autograd
from autograd import Value, ops
from autograd.nodes import apply

# PyTorch's fixed unary reference values (opinfo/core.py, _float_vals), all with |x| <= 30
TORCH_FLOAT_VALS = (0.0, -0.0, -0.001, 0.001, -0.25, 0.25, -1.0, 1.0, -math.pi / 2, math.pi / 2,
                    -math.pi + 0.00001, math.pi - 0.00001, -math.pi, math.pi,
                    -math.pi - 0.00001, math.pi + 0.00001)
_rng = random.Random(20)
DRAWS = tuple(_rng.uniform(-30.0, 30.0) for _ in range(48))
INTEGERS = (-30.0, -20.0, -9.0, -5.0, -2.0, 2.0, 5.0, 9.0, 20.0, 30.0)
UNARY_POINTS = TORCH_FLOAT_VALS + DRAWS + INTEGERS
BINARY_POINTS = tuple((a, b) for a in TORCH_FLOAT_VALS for b in TORCH_FLOAT_VALS)

DIGITS = 60
LIMIT = 8  # ulps, for the engine's value and first derivative


def _pw(*pairs: Any) -> Any:
    return sp.Piecewise(*pairs)


S = sp.Symbol("x", real=True)
T = sp.Symbol("y", real=True)
_SELU_A = sp.Float("1.6732632423543772848170429916717", 40)
_SELU_S = sp.Float("1.0507009873554804934193349852946", 40)


@dataclass(frozen=True)
class Case:
    """One op: how the engine, sympy and PyTorch write it."""

    name: str
    engine: Callable[..., Value]
    exact: Any  # a sympy expression of x (and y)
    torch: Callable[..., Any] | None  # torch function of tensors, None where torch has none


def _cases() -> list[Case]:
    x = S
    sg = 1 / (1 + sp.exp(-x))
    sp_ = sp.log(1 + sp.exp(x))
    unary: list[tuple[str, Callable[[Value], Value], Any, str | None]] = [
        ("neg", lambda v: -v, -x, "neg"),
        ("abs", abs, sp.Abs(x), "abs"),
        ("exp", Value.exp, sp.exp(x), "exp"),
        ("log", Value.log, sp.log(x), "log"),
        ("sqrt", Value.sqrt, sp.sqrt(x), "sqrt"),
        ("x**2", lambda v: v**2, x**2, "square"),
        ("x**3", lambda v: v**3, x**3, "cube"),
        ("x**-1", lambda v: v**-1, 1 / x, "reciprocal"),
        ("x**0.5", lambda v: v**0.5, sp.sqrt(x), "pow0.5"),
        ("1.5**x", lambda v: 1.5**v, sp.Rational(3, 2) ** x, "rpow"),
        ("sin", Value.sin, sp.sin(x), "sin"),
        ("cos", Value.cos, sp.cos(x), "cos"),
        ("tan", Value.tan, sp.tan(x), "tan"),
        ("asin", Value.asin, sp.asin(x), "asin"),
        ("acos", Value.acos, sp.acos(x), "acos"),
        ("atan", Value.atan, sp.atan(x), "atan"),
        ("sinh", Value.sinh, sp.sinh(x), "sinh"),
        ("cosh", Value.cosh, sp.cosh(x), "cosh"),
        ("tanh", Value.tanh, sp.tanh(x), "tanh"),
        ("asinh", Value.asinh, sp.asinh(x), "asinh"),
        ("acosh", Value.acosh, sp.acosh(x), "acosh"),
        ("atanh", Value.atanh, sp.atanh(x), "atanh"),
        ("log1p", Value.log1p, sp.log(1 + x), "log1p"),
        ("expm1", Value.expm1, sp.exp(x) - 1, "expm1"),
        ("log2", Value.log2, sp.log(x) / sp.log(2), "log2"),
        ("log10", Value.log10, sp.log(x) / sp.log(10), "log10"),
        ("exp2", Value.exp2, 2**x, "exp2"),
        ("cbrt", Value.cbrt, sp.sign(x) * sp.Abs(x) ** sp.Rational(1, 3), None),
        ("erf", Value.erf, sp.erf(x), "erf"),
        ("erfc", Value.erfc, sp.erfc(x), "erfc"),
        ("sign", Value.sign, sp.sign(x), "sign"),
        ("floor", Value.floor, sp.floor(x), "floor"),
        ("ceil", Value.ceil, sp.ceiling(x), "ceil"),
        ("round", Value.round, sp.floor(x + sp.S.Half), "round"),
        ("trunc", Value.trunc, sp.sign(x) * sp.floor(sp.Abs(x)), "trunc"),
        ("sigmoid", Value.sigmoid, sg, "sigmoid"),
        ("logsigmoid", Value.logsigmoid, -sp.log(1 + sp.exp(-x)), "F.logsigmoid"),
        ("softplus", Value.softplus, sp_, "F.softplus"),
        ("relu", Value.relu, _pw((x, x > 0), (0, True)), "relu"),
        ("relu6", Value.relu6, _pw((0, x < 0), (6, x > 6), (x, True)), "F.relu6"),
        ("leaky_relu", Value.leaky_relu, _pw((x, x > 0), (x / 100, True)), "F.leaky_relu"),
        ("elu", Value.elu, _pw((x, x > 0), (sp.exp(x) - 1, True)), "F.elu"),
        ("selu", Value.selu, _SELU_S * _pw((x, x > 0), (_SELU_A * (sp.exp(x) - 1), True)), "F.selu"),
        ("celu", Value.celu, _pw((x, x > 0), (sp.exp(x) - 1, True)), "F.celu"),
        ("silu", Value.silu, x * sg, "F.silu"),
        # erfc (kept from becoming 2 - erfc): 1 + erf(-12) cancels below 60 digits
        ("gelu", Value.gelu, x * sp.erfc(-x / sp.sqrt(2), evaluate=False) / 2, "F.gelu"),
        ("mish", Value.mish, x * sp.tanh(sp_), "F.mish"),
        ("softsign", Value.softsign, x / (1 + sp.Abs(x)), "F.softsign"),
        ("clamp", lambda v: v.clamp(-1.0, 1.0), _pw((-1, x < -1), (1, x > 1), (x, True)), "clamp"),
        ("hardtanh", Value.hardtanh, _pw((-1, x < -1), (1, x > 1), (x, True)), "F.hardtanh"),
        ("hardsigmoid", Value.hardsigmoid, _pw((0, x < -3), (1, x > 3), (x / 6 + sp.S.Half, True)),
         "F.hardsigmoid"),
        ("hardswish", Value.hardswish, _pw((0, x < -3), (x, x > 3), (x * (x + 3) / 6, True)),
         "F.hardswish"),
    ]
    y = T
    binary: list[tuple[str, Callable[[Value, Value], Value], Any, str | None]] = [
        ("add", lambda a, b: a + b, x + y, "add"),
        ("sub", lambda a, b: a - b, x - y, "sub"),
        ("mul", lambda a, b: a * b, x * y, "mul"),
        ("div", lambda a, b: a / b, x / y, "div"),
        ("pow", lambda a, b: a**b, x**y, "pow"),
        # pow's slopes as rows of their own (create_graph builds them at a zero base)
        ("pow_dx", lambda a, b: apply(ops.POW_DX, a, b), y * x ** (y - 1), None),
        ("pow_dy", lambda a, b: apply(ops.POW_DY, a, b), x**y * sp.log(x), None),
        ("atan2", Value.atan2, sp.atan2(x, y), "atan2"),
        # atan2's slopes as rows of their own (create_graph builds them)
        ("atan2_dx", lambda a, b: apply(ops.ATAN2_DX, a, b), y / (x * x + y * y), None),
        ("atan2_dy", lambda a, b: apply(ops.ATAN2_DY, a, b), -x / (x * x + y * y), None),
        ("hypot", Value.hypot, sp.sqrt(x * x + y * y), "hypot"),
        # hypot's slopes as rows of their own (create_graph builds them)
        ("hypot_dx", lambda a, b: apply(ops.HYPOT_DX, a, b), x / sp.sqrt(x * x + y * y), None),
        ("hypot_dy", lambda a, b: apply(ops.HYPOT_DY, a, b), y / sp.sqrt(x * x + y * y), None),
        ("logaddexp", Value.logaddexp, sp.log(sp.exp(x) + sp.exp(y)), "logaddexp"),
        ("maximum", Value.maximum, _pw((x, x > y), (y, True)), "maximum"),
        ("minimum", Value.minimum, _pw((x, x < y), (y, True)), "minimum"),
        ("mod", lambda a, b: a % b, x - y * sp.floor(x / y), "remainder"),
        ("floordiv", lambda a, b: a // b, sp.floor(x / y), "floordiv"),
        ("logsumexp", lambda a, b: autograd.logsumexp([a, b]), sp.log(sp.exp(x) + sp.exp(y)),
         "logsumexp"),
        ("max", lambda a, b: autograd.max([a, b]), _pw((x, x > y), (y, True)), "max"),
        ("min", lambda a, b: autograd.min([a, b]), _pw((x, x < y), (y, True)), "min"),
        # x where x is nonzero, else y (where's condition has slope 0)
        ("where", lambda a, b: autograd.where(a, a, b), _pw((x, sp.Ne(x, 0)), (y, True)), "where"),
    ]
    return ([Case(n, e, ex, _torch_fn(t)) for n, e, ex, t in unary]
            + [Case(n, e, ex, _torch_fn(t)) for n, e, ex, t in binary])


def _torch_fn(name: str | None) -> Callable[..., Any] | None:
    if name is None:
        return None

    def fn(*ts: Any) -> Any:
        import torch

        special = {
            "square": lambda a: a**2, "cube": lambda a: a**3, "pow0.5": lambda a: a**0.5,
            "rpow": lambda a: 1.5**a, "floordiv": lambda a, b: torch.div(a, b, rounding_mode="floor"),
            "logsumexp": lambda a, b: torch.logsumexp(torch.stack([a, b]), 0),
            "max": lambda a, b: torch.max(torch.stack([a, b])),
            "min": lambda a, b: torch.min(torch.stack([a, b])),
            "clamp": lambda a: torch.clamp(a, -1.0, 1.0),
            "where": lambda a, b: torch.where(a != 0, a, b),
        }
        if name in special:
            return special[name](*ts)
        if name.startswith("F."):
            return getattr(torch.nn.functional, name[2:])(*ts)
        return getattr(torch, name)(*ts)

    return fn


def _exact_fn(expr: Any, symbols: list[Any]) -> Callable[..., Any]:
    expr = expr.replace(sp.DiracDelta, lambda *args: sp.S.Zero)
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative), lambda e: sp.S.Zero)
    expr = expr.replace(sp.Heaviside, lambda u, *rest: sp.Piecewise((1, u > 0), (0, True)))
    return sp.lambdify(symbols, expr, modules="mpmath")


def _exact_slope(expr: Any, s: Any, symbols: list[Any]) -> Any:
    """d expr / d s; factored where it is a rational function, so that the oracle does not
    cancel where the derivative is 0 (d/dy y/(x**2 + y**2) at x = y as 1/r - 2y**2/r**2
    leaves 1e-61 at 60 digits; factored, (x - y)(x + y)/r**2, it is exactly 0)."""
    slope = sp.diff(expr, s)
    return sp.factor(slope) if slope.is_rational_function(*symbols) else slope


def _exact(fn: Callable[..., Any], point: tuple[float, ...]) -> float | None:
    with mpmath.workdps(DIGITS):
        try:
            r = fn(*[mpmath.mpf(v) for v in point])
        except (ZeroDivisionError, ValueError, TypeError):
            return None
        if isinstance(r, mpmath.mpc):
            if abs(r.imag) > 0:
                return None
            r = r.real
        if not isinstance(r, mpmath.mpf):
            r = mpmath.mpf(r)
        if mpmath.isnan(r):
            return None
        return float(r)


def ulps(ours: float, exact: float) -> float:
    """|ours - exact| in units of the last place of the exact result."""
    if ours == exact or (math.isnan(ours) and math.isnan(exact)):
        return 0.0
    if math.isinf(exact) or math.isinf(ours) or math.isnan(ours):
        return math.inf
    return abs(ours - exact) / math.ulp(exact) if exact != 0.0 else abs(ours) / 5e-324


@dataclass
class Row:
    name: str
    value: float = 0.0
    slope: float = 0.0
    torch_value: float | None = None
    torch_slope: float | None = None
    worst: str = ""  # where the engine's largest error is


def _engine(case: Case, point: tuple[float, ...],
            create_graph: bool = False) -> tuple[float, list[float], bool] | None:
    leaves = [Value(v) for v in point]
    try:
        out = case.engine(*leaves)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    row = out._row
    kink = False
    if row is not None and row.kink is not None:
        data = [p.data for p in out.parents]
        kink = bool(np.any(row.kink(data) if row.arity == -1 else row.kink(*data)))
    grads = autograd.gradients(out, leaves, allow_unused=True, create_graph=create_graph)
    return out.data, [float(g.data if isinstance(g, Value) else g) for g in grads], kink


def _torch(case: Case, point: tuple[float, ...]) -> tuple[float, list[float]] | None:
    import torch

    assert case.torch is not None
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    out = case.torch(*ts)
    grads = torch.autograd.grad(out, ts, allow_unused=True)
    return float(out.detach()), [0.0 if g is None else float(g) for g in grads]


def measure(with_torch: bool | None = None, create_graph: bool = False) -> list[Row]:
    """One row per op: the largest ulp errors over the points in its domain (with
    ``create_graph``, of the derivatives built as graphs)."""
    if with_torch is None:
        try:
            import torch  # noqa: F401
            with_torch = True
        except ImportError:
            with_torch = False
    rows = []
    for case in _cases():
        arity = 2 if T in case.exact.free_symbols else 1
        symbols = [S, T][:arity]
        value_fn = _exact_fn(case.exact, symbols)
        slope_fns = [_exact_fn(_exact_slope(case.exact, s, symbols), symbols) for s in symbols]
        points = BINARY_POINTS if arity == 2 else [(v,) for v in UNARY_POINTS]
        row = Row(case.name, torch_value=0.0 if with_torch and case.torch else None,
                  torch_slope=0.0 if with_torch and case.torch else None)
        worst = -1.0
        for point in points:
            if case.name == "atan2" and point[0] == 0.0 and point[1] <= 0.0:
                continue  # the branch cut, where the sign of a zero decides (mpmath has no -0)
            got = _engine(case, point, create_graph)
            if got is None:
                continue
            value, grads, kink = got
            theirs = _torch(case, point) if row.torch_value is not None else None
            exact_value = _exact(value_fn, point)
            if exact_value is not None:
                u = ulps(value, exact_value)
                row.value = max(row.value, u)
                if u > worst:
                    worst, row.worst = u, f"value at {point}"
                if theirs is not None:
                    row.torch_value = max(row.torch_value or 0.0, ulps(theirs[0], exact_value))
            if kink:
                continue
            for i, fn in enumerate(slope_fns):
                if case.name == "pow" and i == 1 and point[0] == 0.0:
                    continue  # no d/dy at x = 0: 0**y jumps from 1 to 0 at y = 0
                if point[0] < 0.0 and (case.name, i) in (("pow_dx", 1), ("pow_dy", 0), ("pow_dy", 1)):
                    continue  # no slope in y for a negative base: nan, and so are its slopes
                exact_slope = _exact(fn, point)
                if exact_slope is None:
                    continue
                u = ulps(grads[i], exact_slope)
                row.slope = max(row.slope, u)
                if u > worst:
                    worst, row.worst = u, f"d/dx{i} at {point}"
                if theirs is not None:
                    row.torch_slope = max(row.torch_slope or 0.0, ulps(theirs[1][i], exact_slope))
        rows.append(row)
    return rows


def _fmt(u: float | None) -> str:
    if u is None:
        return "—"
    if math.isinf(u):
        return "∞"
    if u < 1000:
        return f"{u:.0f}"
    return f"{u:.1e}".replace("e+0", "e").replace("e+", "e")


def markdown(rows: list[Row]) -> str:
    lines = ["| op | value | d/dx | PyTorch value | PyTorch d/dx |", "|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.name} | {_fmt(r.value)} | {_fmt(r.slope)} | {_fmt(r.torch_value)} "
                     f"| {_fmt(r.torch_slope)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(measure()))
