"""Rows of the derivative table: the activations of ``torch.nn.functional``.

Part of the table of :mod:`autograd.ops` (which lists every row).  At their
corners they follow PyTorch (checked against it in tests/test_ops.py):
hardtanh, relu6 and hardsigmoid have slope 0 at their bounds, hardswish has
slope 0 at -3 and 1 at 3, selu'(0) = scale * alpha (the left side).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from autograd._math import (
    elu,
    elu_slope,
    sigmoid,
    softplus,
)
from autograd._math_pieces import (
    clip,
    hardsigmoid,
    hardswish,
    hardswish_slope,
    interior,
)
from autograd._math_smooth import (
    celu,
    mish,
    mish_slope,
    softsign,
    softsign_slope,
    with_limits,
)
from autograd._row import Op, at_zero, unary

__all__ = [
    "CELU", "HARDSIGMOID", "HARDSWISH", "HARDTANH", "LOGSIGMOID", "MISH", "RELU6", "SELU",
    "SELU_ALPHA", "SELU_SCALE", "SOFTSIGN", "celu_op", "hardtanh_op",
]


# SELU's constants (Klambauer et al. 2017), as PyTorch's
_MISH_SLOPE = with_limits(mish_slope, 0.0, 1.0)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _number(v: float) -> str:
    """``v`` as a formula writes it: short (``-1``, ``0.5``), and exactly."""
    short = f"{v:g}"
    return short if float(short) == v else repr(v)


def _bounds(lo: float, hi: float) -> tuple[Any, Any]:
    """kink and piece of a function with corners at lo and hi."""
    return ((lambda x: (x == lo) | (x == hi)),
            (lambda x: np.where(x <= lo, -1, np.where(x >= hi, 1, 0))))


#                 forward z = f(x)     local derivative dz/dx
MISH = unary("mish", "mish", with_limits(mish, 0.0, math.inf),
             lambda x, z: _MISH_SLOPE(x),
             "tanh(softplus(x)) + x*sigmoid(x)*(1 - tanh(softplus(x))**2)", method="mish")
SELU = unary("selu", "selu", lambda x: SELU_SCALE * elu(x, SELU_ALPHA),
             lambda x, z: SELU_SCALE * elu_slope(x, SELU_ALPHA),
             f"{SELU_SCALE!r} if x > 0 else {SELU_SCALE * SELU_ALPHA!r}*exp(x)", kink=at_zero,
             method="selu")
_SOFTSIGN_SLOPE = with_limits(softsign_slope, 0.0, 0.0)
SOFTSIGN = unary("softsign", "softsign", softsign, lambda x, z: _SOFTSIGN_SLOPE(x),
                 "1/(1 + abs(x))**2", method="softsign")
# logsigmoid(x) = -softplus(-x); its slope is the other side's sigmoid
LOGSIGMOID = unary("logsigmoid", "logsigmoid", lambda x: -softplus(-x), lambda x, z: sigmoid(-x),
                   "sigmoid(-x)", method="logsigmoid")
HARDSIGMOID = unary("hardsigmoid", "hardsigmoid", hardsigmoid,
                    lambda x, z: interior(x, -3.0, 3.0, 1.0 / 6.0), "1/6 if -3 < x < 3 else 0",
                    *(), kink=_bounds(-3.0, 3.0)[0], piece=_bounds(-3.0, 3.0)[1],
                    method="hardsigmoid", masks=True)
HARDSWISH = unary("hardswish", "hardswish", hardswish, lambda x, z: hardswish_slope(x),
                  "0 if x <= -3 else ((2*x + 3)/6 if x < 3 else 1)",
                  kink=_bounds(-3.0, 3.0)[0], piece=_bounds(-3.0, 3.0)[1], method="hardswish", masks=True)
RELU6 = unary("relu6", "relu6", lambda x: clip(x, 0.0, 6.0), lambda x, z: interior(x, 0.0, 6.0),
              "1 if 0 < x < 6 else 0", kink=_bounds(0.0, 6.0)[0], piece=_bounds(0.0, 6.0)[1],
              method="relu6", masks=True)


@lru_cache(maxsize=256)
def hardtanh_op(lo: float, hi: float) -> Op:
    """hardtanh: x clipped to [lo, hi]; slope 1 strictly inside, 0 at and beyond the bounds."""
    kink, piece = _bounds(lo, hi)
    default = lo == -1.0 and hi == 1.0
    return unary("hardtanh", "hardtanh" if default else f"hardtanh({lo:g}, {hi:g})",
                 lambda x: clip(x, lo, hi), lambda x, z: interior(x, lo, hi),
                 f"1 if {_number(lo)} < x < {_number(hi)} else 0", kink=kink, piece=piece,
                 notation="" if default else f"hardtanh({{0}}, {lo:g}, {hi:g})", masks=True,
                 bounds=(lo, hi))


@lru_cache(maxsize=256)
def celu_op(alpha: float) -> Op:
    """celu: x for x > 0, alpha * (e**(x/alpha) - 1) otherwise; its slope e**(x/alpha) is 1 at 0
    from both sides, so celu has no kink."""
    return unary("celu", "celu" if alpha == 1.0 else f"celu({alpha:g})",
                 lambda x: celu(x, alpha), lambda x, z: elu_slope(x / alpha, 1.0),
                 f"1 if x > 0 else exp(x/{alpha:g})", param=alpha,
                 notation="" if alpha == 1.0 else f"celu({{0}}, {alpha:g})")


HARDTANH = hardtanh_op(-1.0, 1.0)  # PyTorch's defaults: the row Value.hardtanh() builds
CELU = celu_op(1.0)

ROWS = (MISH, SELU, SOFTSIGN, LOGSIGMOID, HARDSIGMOID, HARDSWISH, RELU6, HARDTANH, CELU)
