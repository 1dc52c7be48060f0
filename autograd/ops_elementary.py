"""Rows of the derivative table: trigonometric, hyperbolic, exponential and logarithmic.

Part of the table of :mod:`autograd.ops` (which lists every row); read it the
same way: ``forward`` gives z from the input x (and y), ``local`` gives dz/dx
(and dz/dy), written from x, y and z with the functions of :mod:`autograd._math`.
"""

from __future__ import annotations

import math
from typing import Any

from autograd._math import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    cbrt,
    cosh,
    erf_slope,
    erfc,
    exp,
    exp2,
    expm1,
    log1p,
    log2,
    log10,
    sigmoid,
    sinh,
    tan,
)
from autograd._math_plane import (
    atan2,
    atan2_dx,
    atan2_dx_slopes,
    atan2_dy,
    atan2_dy_slopes,
    atan2_slopes,
    hypot,
    hypot_dx,
    hypot_dx_slopes,
    hypot_dy,
    hypot_dy_slopes,
    hypot_slopes,
)
from autograd._math_power import (
    acosh_slope,
    asin_slope,
    cbrt_slope,
    one_minus_square,
    recip,
)
from autograd._math_smooth import logaddexp, with_limits
from autograd._row import FINITE, Domain, binary, unary

__all__ = [
    "ACOS", "ACOSH", "ASIN", "ASINH", "ATAN", "ATAN2", "ATAN2_DX", "ATAN2_DY", "ATANH", "CBRT",
    "COSH", "ERFC", "EXP2", "EXPM1", "HYPOT", "HYPOT_DX", "HYPOT_DY", "LOG1P", "LOG2", "LOG10",
    "LOGADDEXP", "SINH", "TAN",
]


def _at_origin(x: Any, y: Any) -> Any:
    """Where a function of the point (y, x) sits at the origin (atan2's and hypot's kink)."""
    return (x == 0.0) & (y == 0.0)


def _one_piece(x: Any, y: Any) -> float:
    """One smooth piece everywhere off the kink (for gradcheck's straddle test)."""
    return 0.0


def _flat_beyond(rule: Any) -> Any:
    """The rule ``rule(x, z)`` with its limit 0 at +-inf given: where x is infinite,
    create_graph builds a constant there, so the second derivative is the limit 0, not
    the nan of its formula (d/dx 1/(1 + x**2) = -2x/(1 + x**2)**2 is inf/inf)."""
    def local(x: Any, z: Any) -> Any:
        return with_limits(lambda t: rule(t, z), 0.0, 0.0)(x)
    return local


_ATAN_SLOPE = with_limits(lambda x: recip(1.0 + x * x), 0.0, 0.0)
_ASINH_SLOPE = with_limits(lambda x: recip(hypot(1.0, x)), 0.0, 0.0)
_ERFC_SLOPE = with_limits(lambda x: -erf_slope(x), -0.0, -0.0)
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


# ------------------------------------------------------- trigonometric
#                 forward z = f(x)     local derivative dz/dx (from x and z)

TAN = unary("tan", "tan", tan, lambda x, z: 1.0 + z * z, "1 + z**2", FINITE, method="tan")
ASIN = unary("asin", "asin", asin, lambda x, z: asin_slope(x),
             "1/sqrt(1 - x**2)",
             Domain(lambda x: (x >= -1.0) & (x <= 1.0), ValueError, "an input in [-1, 1]",
                    "-1 <= x <= 1"),
             method="asin")
ACOS = unary("acos", "acos", acos, lambda x, z: -asin_slope(x),
             "-1/sqrt(1 - x**2)",
             Domain(lambda x: (x >= -1.0) & (x <= 1.0), ValueError, "an input in [-1, 1]",
                    "-1 <= x <= 1"),
             method="acos")
ATAN = unary("atan", "atan", atan, lambda x, z: _ATAN_SLOPE(x), "1/(1 + x**2)", method="atan")
# atan2(x, y) is the angle of the point (y, x): math.atan2's argument order.
ATAN2 = binary("atan2", "atan2", atan2, lambda x, y, z: atan2_slopes(x, y),
               ("y/(x**2 + y**2)", "-x/(x**2 + y**2)"), method="atan2",
               # no derivative at the origin (0 there, as PyTorch's)
               kink=_at_origin, piece=_one_piece)
# atan2's slopes as rows of their own: create_graph builds them, so that the second
# partials are in closed form, exactly 0 at |x| = |y| and the same in both orders
ATAN2_DX = binary("atan2_dx", "atan2_dx", atan2_dx, atan2_dx_slopes,
                  ("-2*x*y/(x**2 + y**2)**2", "(x**2 - y**2)/(x**2 + y**2)**2"),
                  notation="{1}/({0}**2 + {1}**2)", precedence=2,
                  kink=_at_origin, piece=_one_piece)
ATAN2_DY = binary("atan2_dy", "atan2_dy", atan2_dy, atan2_dy_slopes,
                  ("(x**2 - y**2)/(x**2 + y**2)**2", "2*x*y/(x**2 + y**2)**2"),
                  notation="-{0}/({0}**2 + {1}**2)", precedence=2,
                  kink=_at_origin, piece=_one_piece)
HYPOT = binary("hypot", "hypot", hypot, hypot_slopes,
               ("x/z", "y/z"), method="hypot",
               # a cone's tip: 0/0 = nan at the origin, as PyTorch's
               kink=_at_origin, piece=_one_piece)
# hypot's slopes as rows of their own: create_graph builds them, so that the second
# partials are in closed form (through x / z, d/dx would be 1/z - x**2/z**3, which cancels)
HYPOT_DX = binary("hypot_dx", "hypot_dx", hypot_dx, hypot_dx_slopes,
                  ("y**2/(x**2 + y**2)**(3/2)", "-x*y/(x**2 + y**2)**(3/2)"),
                  notation="{0}/hypot({0}, {1})", precedence=2,
                  kink=_at_origin, piece=_one_piece)
HYPOT_DY = binary("hypot_dy", "hypot_dy", hypot_dy, hypot_dy_slopes,
                  ("-x*y/(x**2 + y**2)**(3/2)", "x**2/(x**2 + y**2)**(3/2)"),
                  notation="{1}/hypot({0}, {1})", precedence=2,
                  kink=_at_origin, piece=_one_piece)

# ---------------------------------------------------------- hyperbolic
# sinh, cosh, expm1 and exp2 overflow to +-inf (IEEE), in every mode
SINH = unary("sinh", "sinh", sinh, lambda x, z: cosh(x), "cosh(x)", method="sinh")
COSH = unary("cosh", "cosh", cosh, lambda x, z: sinh(x), "sinh(x)", method="cosh")
ASINH = unary("asinh", "asinh", asinh, lambda x, z: _ASINH_SLOPE(x), "1/sqrt(1 + x**2)",
              method="asinh")
ACOSH = unary("acosh", "acosh", acosh, lambda x, z: acosh_slope(x),
              "1/sqrt(x**2 - 1)", Domain(lambda x: x >= 1.0, ValueError, "an input >= 1", "x >= 1"),
              method="acosh")
ATANH = unary("atanh", "atanh", atanh, lambda x, z: recip(one_minus_square(x)), "1/(1 - x**2)",
              Domain(lambda x: (x > -1.0) & (x < 1.0), ValueError, "an input in (-1, 1)",
                     "-1 < x < 1"),
              method="atanh")

# ------------------------------------------------ exponential and logarithmic
LOG1P = unary("log1p", "log1p", log1p, lambda x, z: recip(1.0 + x), "1/(1 + x)",
              Domain(lambda x: x > -1.0, ValueError, "an input > -1", "x > -1"), method="log1p")
EXPM1 = unary("expm1", "expm1", expm1, lambda x, z: exp(x), "exp(x)", method="expm1")
LOG2 = unary("log2", "log2", log2, lambda x, z: recip(x * _LN2), "1/(x*log(2))",
             Domain(lambda x: x > 0.0, ValueError, "a positive input", "x > 0"), method="log2")
LOG10 = unary("log10", "log10", log10, lambda x, z: recip(x * _LN10), "1/(x*log(10))",
              Domain(lambda x: x > 0.0, ValueError, "a positive input", "x > 0"), method="log10")
EXP2 = unary("exp2", "exp2", exp2, lambda x, z: z * _LN2, "z*log(2)", method="exp2")
# cbrt'(0) is inf, like sqrt'(0)
CBRT = unary("cbrt", "cbrt", cbrt, _flat_beyond(lambda x, z: cbrt_slope(z)), "1/(3*z**2)", method="cbrt")
ERFC = unary("erfc", "erfc", erfc, lambda x, z: _ERFC_SLOPE(x), "-2/sqrt(pi)*exp(-x**2)",
             method="erfc")
# logaddexp'(x) is the weight of x in the sum, sigmoid(x - y) (1/2 each at a tie)
LOGADDEXP = binary("logaddexp", "logaddexp", logaddexp,
                   lambda x, y, z: (sigmoid(x - y), sigmoid(y - x)),
                   ("sigmoid(x - y)", "sigmoid(y - x)"), method="logaddexp")

ROWS = (TAN, ASIN, ACOS, ATAN, ATAN2, ATAN2_DX, ATAN2_DY, HYPOT, HYPOT_DX, HYPOT_DY, SINH, COSH,
        ASINH, ACOSH, ATANH, LOG1P, EXPM1, LOG2, LOG10, EXP2, CBRT, ERFC, LOGADDEXP)
