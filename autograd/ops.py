"""The derivative table: every op's forward value and local derivative, stated once.

Read it like the table at the back of a calculus book.  For each op:

* ``forward`` computes the output ``z`` from the inputs;
* ``local`` gives the local derivative of ``z`` with respect to each input,
  written from the inputs ``x`` (and ``y``) and the output ``z``.

The backward pass multiplies the local derivative by the upstream gradient
(the chain rule); that product never appears here.  Because the rules are
written with the elementwise functions of :mod:`autograd._math`, one rule serves
three callers: plain floats (the fast path), numpy batches, and Values when a
gradient must itself be differentiated (``create_graph=True``).

Kinks follow PyTorch's conventions: relu'(0) = 0, abs'(0) = 0,
leaky_relu'(0) = slope, elu'(0) = alpha.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from functools import lru_cache, reduce
from typing import Any

import numpy as np

from autograd._math import (
    batch_size,
    cos,
    elu,
    elu_slope,
    erf,
    erf_slope,
    exp,
    leaky_relu,
    log,
    normal_cdf,
    normal_pdf,
    relu,
    sech2,
    select,
    sigmoid,
    sigmoid_slope,
    sign,
    sin,
    softplus,
    sqrt,
    step,
    tanh,
)
from autograd._math_masks import full_like
from autograd._math_power import (
    div_slope,
    pow_base_slope,
    pow_dx,
    pow_dx_slopes,
    pow_dy,
    pow_dy_slopes,
    pow_exponent_slope,
    pow_slope,
    power,
    recip,
)
from autograd._math_smooth import (
    with_limits,
)
from autograd._row import FINITE, at_zero, binary, unary
from autograd._row import NARY as NARY
from autograd._row import Domain as Domain
from autograd._row import Op as Op

_unary = unary
_binary = binary
_at_zero = at_zero


# ------------------------------------------------------------------ binary ops
#                 forward z            local derivatives (dz/dx, dz/dy)

ADD = _binary("add", "+", operator.add, lambda x, y, z: (1.0, 1.0), ("1", "1"), constant=True,
              notation="{0} + {1}", precedence=1, shape="sum")
SUB = _binary("sub", "-", operator.sub, lambda x, y, z: (1.0, -1.0), ("1", "-1"), constant=True,
              notation="{0} - {1}", precedence=1, shape="difference")
MUL = _binary("mul", "*", operator.mul, lambda x, y, z: (y, x), ("y", "x"),
              notation="{0}*{1}", precedence=2, shape="product")
DIV = _binary(
    "div", "/", operator.truediv,
    lambda x, y, z: (recip(y), div_slope(z, y)),  # d(x/y)/dy = -x/y**2 = -z/y
    ("1/y", "-x/y**2"),
    Domain(lambda x, y: y != 0.0, ZeroDivisionError, "a nonzero denominator", "y != 0"),
    notation="{0}/{1}", precedence=2,
)
POW = _binary(
    "pow", "**", operator.pow,
    lambda x, y, z: (pow_slope(x, y, z), pow_exponent_slope(x, z, y)),
    ("y*x**(y-1)", "x**y*log(x)"),
    Domain(lambda x, y: (x != 0.0) | (y >= 0.0), ZeroDivisionError,
           "a nonzero base when the exponent is negative"),
    Domain(lambda x, y: (x >= 0.0) | (y == np.floor(y)), ValueError,
           "a non-negative base when the exponent is not an integer"),
    notation="{0}**{1}", precedence=4,
)
# pow's slopes as ops of their own: create_graph builds them where the base is 0, so
# that their own slopes there are the limits (d/dx (x**y log x) = -inf at (0, 1), in
# both orders), not the nan of a product with log(0) or 0**(y-1)
POW_DX = _binary(
    "pow_dx", "pow_dx", pow_dx, pow_dx_slopes,
    ("y*(y-1)*x**(y-2)", "x**(y-1)*(1 + y*log(x))"),
    notation="{1}*{0}**({1} - 1)", precedence=2,
)
POW_DY = _binary(
    "pow_dy", "pow_dy", pow_dy, pow_dy_slopes,
    ("x**(y-1)*(y*log(x) + 1)", "z*log(x)"),
    notation="{0}**{1}*log({0})", precedence=2,
)


# ------------------------------------------------------------------- unary ops
#                 forward z = f(x)     local derivative dz/dx

NEG = _unary("neg", "-", operator.neg, lambda x, z: -1.0, "-1", notation="-{0}", precedence=3)
IDENTITY = _unary("identity", "id", lambda x: x, lambda x, z: 1.0, "1", notation="{0}")
ABS = _unary("abs", "abs", abs, lambda x, z: sign(x), "sign(x)", kink=_at_zero)
EXP = _unary("exp", "exp", exp, lambda x, z: z, "exp(x)")  # inf above 709.78 (IEEE overflow)
LOG = _unary("log", "log", log, lambda x, z: recip(x), "1/x",
             Domain(lambda x: x > 0.0, ValueError, "a positive input", "x > 0"))
SQRT = _unary("sqrt", "sqrt", sqrt, lambda x, z: 0.5 * recip(z), "1/(2*sqrt(x))",
              Domain(lambda x: x >= 0.0, ValueError, "a non-negative input", "x >= 0"))
SIN = _unary("sin", "sin", sin, lambda x, z: cos(x), "cos(x)", FINITE)
COS = _unary("cos", "cos", cos, lambda x, z: -sin(x), "-sin(x)", FINITE)
_ERF_SLOPE = with_limits(erf_slope, 0.0, 0.0)  # (create_graph at +-inf: the limit 0, not 0 * inf)
ERF = _unary("erf", "erf", erf, lambda x, z: _ERF_SLOPE(x), "2/sqrt(pi)*exp(-x**2)")
# tanh' is written from the OUTPUT z = tanh(x): 1 - z**2.  Beyond |z| = 0.4 it is
# computed as sech(x)**2 from x: 1 - z*z cancels (0 for |x| > 19, 100 ulps off at 3).
TANH = _unary("tanh", "tanh", tanh, sech2, "1 - tanh(x)**2")
# sigmoid' is written from the OUTPUT z = sigmoid(x): z * (1 - z).  Feeding this
# formula the pre-activation x instead of z is the classic mistake (see the
# seed text on sigmoid derivatives); here it always receives z.  For x > 0, 1 - z
# is computed as sigmoid(-x): 1 - z loses the small factor (2e8 ulps off at x = 20).
SIGMOID = _unary("sigmoid", "sigmoid", sigmoid, sigmoid_slope,
                 "sigmoid(x)*(1 - sigmoid(x))")
RELU = _unary("relu", "relu", relu, lambda x, z: step(x), "1 if x > 0 else 0",
              kink=_at_zero, masks=True)
SOFTPLUS = _unary("softplus", "softplus", softplus, lambda x, z: sigmoid(x), "sigmoid(x)")


_SILU_SLOPE = with_limits(lambda x: sigmoid(x) * (1.0 + x * sigmoid(-x)),  # 1 - σ(x) as σ(-x)
                          0.0, 1.0)
_GELU_SLOPE = with_limits(lambda x: normal_cdf(x) + x * normal_pdf(x), 0.0, 1.0)


# silu, gelu (and mish) are 0 at -inf and x at +inf; their slopes 0 and 1 there
SILU = _unary("silu", "silu", with_limits(lambda x: x * sigmoid(x), 0.0, math.inf),
              lambda x, z: _SILU_SLOPE(x), "sigmoid(x)*(1 + x*(1 - sigmoid(x)))")
# GELU in its exact form x * Phi(x) (Phi the standard normal CDF), as PyTorch's
# default; not the tanh approximation.
GELU = _unary("gelu", "gelu", with_limits(lambda x: x * normal_cdf(x), 0.0, math.inf),
              lambda x, z: _GELU_SLOPE(x), "Phi(x) + x*phi(x)")


@lru_cache(maxsize=256)
def leaky_relu_op(slope: float) -> Op:
    """leaky_relu with its negative-side slope; leaky_relu'(0) = slope."""
    return _unary("leaky_relu", f"leaky_relu({slope:g})",
                  lambda x: leaky_relu(x, slope),
                  lambda x, z: select(x, 1.0, slope),
                  f"1 if x > 0 else {slope:g}", param=slope, kink=_at_zero,
                  notation="" if slope == 0.01 else f"leaky_relu({{0}}, {slope:g})")


@lru_cache(maxsize=256)
def elu_op(alpha: float) -> Op:
    """elu with scale alpha; for x <= 0, elu'(x) = alpha * e**x."""
    return _unary("elu", f"elu({alpha:g})", lambda x: elu(x, alpha),
                  lambda x, z: elu_slope(x, alpha),
                  f"1 if x > 0 else {alpha:g}*exp(x)", param=alpha, kink=_at_zero,
                  notation="" if alpha == 1.0 else f"elu({{0}}, {alpha:g})")


def _power_rule_text(n: float) -> str:
    if n == 2.0:
        return "2*x"
    if n == 1.0:
        return "1"
    return f"{n:g}*x**{n - 1.0:g}"


@lru_cache(maxsize=256)
def pow_const_op(n: float) -> Op:
    """x**n for a constant exponent n: d/dx = n * x**(n-1)."""
    # The exponent is a constant, so what it allows is decided once, not per sample.
    # A nan exponent gives nan (it propagates); an infinite one is defined on any base
    # but 0 (IEEE pow: (-2)**inf = inf).
    any_base = n != n or n - n != 0.0 or n == math.floor(n)
    any_nonzero = n != n or n >= 0.0
    # numpy takes x**0.5 as sqrt(x), which is -0.0 at -0.0; IEEE pow (float mode) gives +0
    forward = (lambda x: x**n + 0.0) if n == 0.5 else (lambda x: x**n)
    return _unary(
        "pow", f"**{n:g}", forward, lambda x, z: pow_base_slope(x, n),
        _power_rule_text(n),
        Domain(lambda x: True if any_nonzero else x != 0.0, ZeroDivisionError,
               "a nonzero base when the exponent is negative"),
        Domain(lambda x: True if any_base else x >= 0.0, ValueError,
               "a non-negative base when the exponent is not an integer"),
        param=n, notation=f"{{0}}**{n:g}", precedence=4,
    )


@lru_cache(maxsize=256)
def exp_base_op(c: float) -> Op:
    """c**x for a constant base c > 0: d/dx = c**x * log(c)."""
    log_c = math.log(c)
    return _unary("rpow", f"{c:g}**", lambda x: power(c, x), lambda x, z: z * log_c,
                  f"{c:g}**x*log({c:g})",
                  param=c, notation=f"{c:g}**{{0}}", precedence=4)


# --------------------------------------------------------------- n-ary ops
#                 forward z            local derivatives, one per input

def _sum(xs: Sequence[Any]) -> Any:
    # Left to right, like a + b + c typed by hand (and like a batch, elementwise).
    return reduce(operator.add, xs)


def _dot(xs: Sequence[Any]) -> Any:
    # Inputs are laid out (w_1..w_n, x_1..x_n, b): z = sum_i w_i * x_i + b.
    n = len(xs) // 2
    total = xs[-1]
    for i in range(n):
        total = total + xs[i] * xs[n + i]
    return total


def _dot_local(xs: Sequence[Any], z: Any) -> list[Any]:
    n = len(xs) // 2
    return [*xs[n:2 * n], *xs[:n], 1.0]  # dz/dw_i = x_i, dz/dx_i = w_i, dz/db = 1


# n-ary notations: SUM joins its inputs with " + ", DOT writes w1*x1 + w2*x2 + b
SUM = Op("sum", "sum", NARY, _sum, lambda xs, z: [1.0] * len(xs), ("1",), notation="+",
         precedence=1)
DOT = Op("dot", "w·x+b", NARY, _dot, _dot_local, ("x_i", "w_i", "1"), notation="w*x+b",
         precedence=1)


# ------------------------------------------------------------ batch reductions
#  A batch Value holds one scalar per sample; these reduce it to one float.

BATCH_SUM = _unary("batch_sum", "Σ batch", lambda x: float(np.sum(x)),
                   lambda x, z: full_like(x, 1.0), "1 for every sample", notation="{0}.sum()")
BATCH_MEAN = _unary("batch_mean", "mean batch", lambda x: float(np.mean(x)),
                    lambda x, z: full_like(x, 1.0 / batch_size(x)), "1/n for every sample",
                    notation="{0}.mean()")

# ------------------------------------------------------------ every row
# The families of the table, each a module of its own (read them the same way).
from autograd import ops_activations, ops_elementary, ops_piecewise, ops_reductions  # noqa: E402
from autograd.ops_activations import *  # noqa: E402, F403
from autograd.ops_elementary import *  # noqa: E402, F403
from autograd.ops_piecewise import *  # noqa: E402, F403
from autograd.ops_reductions import *  # noqa: E402, F403

ROWS: tuple[Op, ...] = (
    ADD, SUB, MUL, DIV, POW, POW_DX, POW_DY, NEG, IDENTITY, ABS, EXP, LOG, SQRT, SIN, COS, ERF, TANH, SIGMOID,
    RELU, SOFTPLUS, SILU, GELU, SUM, DOT, BATCH_SUM, BATCH_MEAN,
    *ops_elementary.ROWS, *ops_piecewise.ROWS, *ops_activations.ROWS, *ops_reductions.ROWS,
)
"""Every row of the table with fixed constants (the parametric rows leaky_relu, elu,
x**n, c**x, hardtanh and celu come from their functions, ``leaky_relu_op(slope)``, ...)."""

UNARY_FUNCTIONS: dict[str, Op] = {
    op.name: op
    for op in (ABS, EXP, LOG, SQRT, SIN, COS, ERF, TANH, SIGMOID, RELU, SOFTPLUS, SILU, GELU,
               *(row for row in ROWS if row.arity == 1 and row.method))
}
"""The one-argument functions by name (for the expression parser and nn activations)."""

BINARY_FUNCTIONS: dict[str, Op] = {op.name: op for op in ROWS if op.arity == 2 and op.method}
"""The two-argument functions by name: atan2, hypot, logaddexp, maximum, minimum."""
