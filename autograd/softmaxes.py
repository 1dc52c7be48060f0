"""logsumexp, log_softmax and softmax, built from the table's rows.

``logsumexp`` is one node (the ``LOGSUMEXP`` row), whose local derivatives are
the softmax.  ``log_softmax`` and ``softmax`` are compositions on it, one Value
per input, with one exception at the top.  Built as ``v_i - logsumexp(v)``, the
slope of the largest input's own output is ``1 - p``, two chain-rule terms that
cancel where p is near 1 (3.8e-8 relative off at a logit of 20, PyTorch's
too); there that output is built instead as ``-logsumexp([0, v_k - v_top ...])``,
the same number, whose slopes are sums of positive terms: ``1 - p`` as the sum
of the other inputs' p, exact to a few ulps.  At a tie for the top, that
output's slopes cancel exactly (each term meets its mirror).  On a batch the top
input is found sample by sample and each sample's form is picked by cuts (``where``
nodes whose side not picked gets no gradient at all, so a sample's unused form
never meets a 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import ops
from autograd._math_masks import cut
from autograd._math_smooth import _one_infinite_top
from autograd.nodes import apply_nary
from autograd.value import Operand, Value

__all__ = ["log_softmax", "logsumexp", "softmax"]


def logsumexp(values: Sequence[Operand]) -> Value:
    """log(sum(e**v)), one node whose local derivatives are the softmax; no overflow at +-1000."""
    return apply_nary(ops.LOGSUMEXP, list(values))


def _shifted(values: Sequence[Operand]) -> list[Value]:
    """v - c for a constant c, the largest data (per sample): softmax does not change."""
    nodes = [v if isinstance(v, Value) else Value(v) for v in values]
    if not nodes:
        raise ValueError("softmax: needs at least one value")
    data = [v.data for v in nodes]
    top = data[0]
    for d in data[1:]:
        top = np.maximum(top, d)
    top = np.where(np.isfinite(top), top, 0.0)  # all -inf (or an inf): no shift
    shift = float(top) if all(d.__class__ is float for d in data) else top
    return [v - shift for v in nodes]


def _tops(shifted: list[Value]) -> Any:
    """The index of the largest input (the first of a tie), sample by sample on a batch;
    -1 where there is no top to build on (a nan, or two infinite tops: the composition's
    values stand).  A single top of +inf is one: its output's limit is 0, the others'
    -inf (softmax 1 and 0), with the limits' slopes, where the composition gave inf - inf."""
    data = [v.data for v in shifted]
    a = np.array(np.broadcast_arrays(*data), dtype=np.float64)
    top = np.argmax(a, axis=0)
    single_inf, _ = _one_infinite_top(a)  # (logsumexp's slopes have their limits there)
    if a.ndim == 1:
        return int(top) if np.isfinite(a[top]) or single_inf else -1
    found = np.where(np.isfinite(a[top, np.arange(a.shape[1])]) | single_inf, top, -1)
    return int(found[0]) if (found == found[0]).all() else found


def _at_the_top(shifted: list[Value], top: int) -> Value:
    """log softmax of the input ``top`` as -logsumexp([0, v_k - v_top for k != top])."""
    others = [v - shifted[top] for k, v in enumerate(shifted) if k != top]
    return 0.0 - logsumexp([0.0, *others])  # 0 - 0 is +0, as v_top - total gives


def log_softmax(values: Sequence[Operand]) -> list[Value]:
    """log(softmax(values)): v_i - logsumexp(values), one Value per input.

    The inputs are first shifted by their largest value (a constant, which
    changes nothing), so each result is exact to an ulp or two at +-1000 too;
    the largest input's own output is ``-logsumexp([0, v_k - v_top ...])``,
    whose slopes have no ``1 - p`` to cancel (see the module's docstring).
    """
    shifted = _shifted(values)
    total = logsumexp(shifted)
    out = [v - total for v in shifted]
    if len(out) < 2:
        return out
    tops = _tops(shifted)
    if isinstance(tops, int):
        if tops >= 0:
            out[tops] = _at_the_top(shifted, tops)
        return out
    present = [c for c in range(len(out)) if (tops == c).any()]
    if not present:
        return out
    # each sample's own form, joined by cuts: the side a sample does not take gets no
    # gradient at all (its inf - inf is never multiplied by a 0)
    top = shifted[present[0]]  # the top input's Value, sample by sample
    for c in present[1:]:
        top = cut(shifted[c], tops == c, top)
    # the top's own term is left out (-inf: e**-inf = 0, and no gradient)
    others = [cut(v - top, tops != c, -np.inf) if c in present else v - top
              for c, v in enumerate(shifted)]
    at_top = 0.0 - logsumexp([0.0, *others])
    for c in present:
        out[c] = cut(at_top, tops == c, out[c])
    return out


def softmax(values: Sequence[Operand]) -> list[Value]:
    """e**v_i / sum_j e**v_j, one Value per input (each e**log_softmax_i: no overflow)."""
    return [v.exp() for v in log_softmax(values)]
