"""Rows of the derivative table over many inputs: max, min and logsumexp.

Part of the table of :mod:`autograd.ops` (which lists every row).  ``forward``
takes the list of inputs, ``local`` gives one derivative per input.  The
softmax and log-softmax of :mod:`autograd.functions` are built from
``LOGSUMEXP``, whose local derivatives are the softmax itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd._math_pieces import (
    extreme,
    extreme_slopes,
)
from autograd._math_smooth import (
    logsumexp,
    softmax_slopes,
)
from autograd._row import NARY, Op

__all__ = ["LOGSUMEXP", "MAX", "MIN"]



def _stack(xs: list[Any]) -> Any:
    return np.array(np.broadcast_arrays(*xs), dtype=np.float64)


def _ties(larger: bool) -> Any:
    """Where two inputs tie for the largest (or smallest) value: a corner of max (min)."""
    def kink(xs: list[Any]) -> Any:
        a = _stack(xs)
        best = a.max(axis=0) if larger else a.min(axis=0)
        return (a == best).sum(axis=0) > 1
    return kink


#                 forward z            local derivatives, one per input
# max: 1 for the largest input; a tie shares it evenly (PyTorch's max of a tensor)
MAX = Op("max", "max", NARY, lambda xs: extreme(xs, True), extreme_slopes,
         ("1 if x_i is the largest (1/k for a k-way tie) else 0",), kink=_ties(True),
         piece=lambda xs: np.argmax(_stack(xs), axis=0), masks=True)
MIN = Op("min", "min", NARY, lambda xs: extreme(xs, False), extreme_slopes,
         ("1 if x_i is the smallest (1/k for a k-way tie) else 0",), kink=_ties(False),
         piece=lambda xs: np.argmin(_stack(xs), axis=0), masks=True)
# logsumexp: z = log(sum_i e**x_i); dz/dx_i = e**(x_i - z), the softmax
LOGSUMEXP = Op("logsumexp", "logsumexp", NARY, logsumexp, softmax_slopes, ("exp(x_i - z)",))

ROWS = (MAX, MIN, LOGSUMEXP)
