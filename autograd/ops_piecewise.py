"""Rows of the derivative table: piecewise functions (rounding, clamp, maximum, % and //).

Part of the table of :mod:`autograd.ops` (which lists every row).  The rounding
functions are flat between their jumps, so their derivative is exactly 0 (at
a jump too, as PyTorch's); ``kink`` says where a jump or a corner is, so that
gradcheck reports a finite difference across it as a kink, not as a failure.
At ties and bounds the conventions are PyTorch's (checked against it in
tests/test_ops.py): maximum/minimum give 1/2 to each input at a tie, clamp
passes the gradient to x at its bounds (inclusive), ``x % y`` has
d/dy = -(x // y).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd._math import sign
from autograd._math_masks import full_like
from autograd._math_pieces import (
    clamp,
    clamp_piece,
    clamp_slopes,
    floor_quotient,
    max_slopes,
    remainder,
    rounding,
    where,
    where_slopes,
)
from autograd._row import NARY, Domain, Op, at_zero, binary, unary

__all__ = [
    "CEIL", "CLAMP", "FLOOR", "FLOORDIV", "MAXIMUM", "MINIMUM", "MOD", "ROUND", "SIGN",
    "TRUNC", "WHERE",
]


_NONZERO = Domain(lambda x, y: y != 0.0, ZeroDivisionError, "a nonzero divisor", "y != 0")
# inf % y and inf // y are nan (Python and numpy alike): undefined, so refused in every mode
_FINITE_DIVIDEND = Domain(lambda x, y: (x - x == 0.0) | (x != x), ValueError, "a finite dividend")


def _zero(x: Any, z: Any) -> Any:
    return full_like(x, 0.0)


def _maximum(x: Any, y: Any) -> Any:
    if x.__class__ is float and y.__class__ is float:
        return x if (x > y or x != x) else y
    return np.maximum(x, y)


def _minimum(x: Any, y: Any) -> Any:
    if x.__class__ is float and y.__class__ is float:
        return x if (x < y or x != x) else y
    return np.minimum(x, y)


#                 forward z = f(x)     local derivative dz/dx
SIGN = unary("sign", "sign", sign, _zero, "0", kink=at_zero, method="sign", masks=True)
FLOOR = unary("floor", "floor", rounding("floor"), _zero, "0", method="floor",
              kink=lambda x: x == np.floor(x), piece=np.floor, masks=True)
CEIL = unary("ceil", "ceil", rounding("ceil"), _zero, "0", method="ceil",
             kink=lambda x: x == np.ceil(x), piece=np.ceil, masks=True)
# round: halves go to the even neighbour (Python's, numpy's and PyTorch's rule)
ROUND = unary("round", "round", rounding("round"), _zero, "0", method="round",
              kink=lambda x: x - np.floor(x) == 0.5, piece=np.round, masks=True)
TRUNC = unary("trunc", "trunc", rounding("trunc"), _zero, "0", method="trunc",
              kink=lambda x: (x == np.trunc(x)) & (x != 0.0), piece=np.trunc, masks=True)

#                 forward z            local derivatives (dz/dx, dz/dy)
MAXIMUM = binary("maximum", "max", _maximum, lambda x, y, z: max_slopes(x, y, True),
                 ("1 if x > y else (0.5 if x == y else 0)", "1 if y > x else (0.5 if x == y else 0)"),
                 method="maximum", kink=lambda x, y: x == y, piece=lambda x, y: np.sign(x - y), masks=True)
MINIMUM = binary("minimum", "min", _minimum, lambda x, y, z: max_slopes(x, y, False),
                 ("1 if x < y else (0.5 if x == y else 0)", "1 if y < x else (0.5 if x == y else 0)"),
                 method="minimum", kink=lambda x, y: x == y, piece=lambda x, y: np.sign(x - y), masks=True)
# Python's % and //: x % y has the sign of y, x == (x // y) * y + x % y
MOD = binary("mod", "%", remainder, lambda x, y, z: (1.0, -floor_quotient(x, y)), ("1", "-(x // y)"),
             _NONZERO, _FINITE_DIVIDEND, notation="{0} % {1}", precedence=2,
             kink=lambda x, y: remainder(x, y) == 0.0, piece=floor_quotient)
FLOORDIV = binary("floordiv", "//", floor_quotient,
                  lambda x, y, z: (full_like(x, 0.0), full_like(y, 0.0)), ("0", "0"),
                  _NONZERO, _FINITE_DIVIDEND, notation="{0} // {1}", precedence=2,
                  kink=lambda x, y: remainder(x, y) == 0.0, piece=floor_quotient, masks=True)

# clamp(x, lo, hi) = min(max(x, lo), hi), one node with inputs [x, lo, hi]; its formulas
# call them so (dz/dhi: 1 if x > hi or lo > hi, then z = hi)
CLAMP = Op("clamp", "clamp", NARY, clamp, clamp_slopes,
           ("1 if lo <= x <= hi else 0", "1 if x < lo < hi else 0",
            "1 if x > hi else (1 if lo > hi else 0)"),
           kink=lambda xs: (xs[0] == xs[1]) | (xs[0] == xs[2]) | (xs[1] == xs[2]), piece=clamp_piece,
           masks=True, inputs=("x", "lo", "hi"))

# where(c, x, y) = x if c != 0 else y, one node of inputs [c, x, y] (torch.where, numpy's
# truth of a number): the mask of a flat piece inside a batch's gradient graph
WHERE = Op("where", "where", NARY, where, where_slopes,
           ("0", "1 if c != 0 else 0", "1 if c == 0 else 0"),
           kink=lambda xs: xs[0] == 0.0, piece=lambda xs: np.asarray(xs[0]) != 0.0,
           masks=True, inputs=("c", "x", "y"))

ROWS = (SIGN, FLOOR, CEIL, ROUND, TRUNC, MAXIMUM, MINIMUM, MOD, FLOORDIV, CLAMP, WHERE)
