"""Adding a pass's gradient to a leaf's, rounded once from the exact sum of the passes.

A leaf's gradient is the sum of what each backward pass gives it;
:func:`accumulate` keeps the sum's rounding error beside it, so k passes of the
same gradient g give exactly ``k * g``, bit for bit.
"""

from __future__ import annotations

import math
import weakref
from typing import Any

import numpy as np

from autograd.value import Value

__all__ = ["accumulate"]

# What rounding dropped from each leaf's running sum of passes, kept beside the
# gradient it belongs to: {leaf: (grad, partial sums)} for a float gradient,
# {leaf: (a private copy of grad, error per sample)} for an array.  Weak keys: a leaf's entry
# goes with it.  Written only inside a pass (under _lock).
_residues: weakref.WeakKeyDictionary[Value, tuple[Any, Any]] = weakref.WeakKeyDictionary()


def _two_sum(a: Any, b: Any) -> tuple[Any, Any]:
    """s = fl(a + b) and the error e with s + e = a + b exactly (Knuth's TwoSum)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def accumulate(leaf: Value, prev: Any, g: Any) -> Any:
    """``prev + g`` for a leaf's gradient, rounded once from the exact sum of its passes.

    A leaf's gradient is the sum of what each backward pass gives it.  Adding
    in floating point rounds at every pass, so ten passes of the same g would
    give g+g+...+g, an ulp or more away from 10*g.  Instead the leaf keeps,
    beside its gradient (``_residues``, valid while the gradient is still what
    the last pass left: any assignment to ``.grad``, ``zero_grad()`` included,
    starts afresh), what rounding dropped:

    * a float gradient keeps the exact sum of its passes as a short list of
      non-overlapping partial sums (Shewchuk's expansion, the method of
      ``math.fsum``), and its value is that sum correctly rounded: any passes
      give ``math.fsum`` of what each brought, k passes of g exactly ``k * g``;
    * an array keeps one error term per sample (TwoSum), which is exact for
      repeated passes (k passes of g give ``k * g``) and within an ulp otherwise.

    An inf or nan sum keeps nothing.  A ``create_graph`` gradient (a Value) is
    added as a graph node.
    """
    if g.__class__ is float and prev.__class__ is float:
        held = _residues.get(leaf)
        if not (math.isfinite(prev) and math.isfinite(g)):
            if held is not None:
                del _residues[leaf]
            return prev + g
        partials = held[1] if held is not None and held[0] is prev else [prev]
        x = g
        grown = []
        for y in partials:  # smallest first; each step splits x + y into hi + lo exactly
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            if not math.isfinite(hi):  # the sum overflows: inf, as prev + g gives
                _residues.pop(leaf, None)
                return prev + g
            lo = y - (hi - x)
            if lo:
                grown.append(lo)
            x = hi
        grown.append(x)
        total = math.fsum(grown)
        if len(grown) > 1 and math.isfinite(total):
            _residues[leaf] = (total, grown)
        elif held is not None:
            del _residues[leaf]
        return total if math.isfinite(total) else prev + g
    if g.__class__ is np.ndarray and prev.__class__ is np.ndarray and prev.shape == g.shape \
            and prev.dtype == g.dtype == np.float64:
        held = _residues.get(leaf)
        with np.errstate(all="ignore"):
            s1, e1 = _two_sum(prev, g)
            # an array can be changed in place: its error counts only if it still
            # holds what the last pass left (a private copy tells)
            valid = held is not None and np.array_equal(held[0], prev, equal_nan=True)
            t = e1 + held[1] if valid else e1  # type: ignore[index]
            s = s1 + t
            residue = t - (s - s1)
            special = ~np.isfinite(s1)  # an inf or nan sum has no error to keep
            s[special] = s1[special]
            residue[special] = 0.0
        if residue.any():
            _residues[leaf] = (s.copy(), residue)
        elif held is not None:
            del _residues[leaf]
        return s
    return prev + g
