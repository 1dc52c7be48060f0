"""The general backward loop: edge by edge, for ``create_graph``, observed passes
and graphs holding cuts.

:func:`sweep` applies the table's rule along every edge, on data or, under
``create_graph``, on the Values themselves (so the gradients are graphs), and
shows each edge to the observers (``trace_backward``, anomaly mode).

Cuts: per-sample "no edge here".  Float ``create_graph`` builds a flat piece's
0 or a limit as a constant, which has no edge, so the next pass sends nothing
through it.  A batch's gradient graph is one graph for all samples: there the
constant is a ``where`` node made by :func:`autograd._math_masks.cut`.  A plain
``where`` passes 0 to the side it does not pick, and that 0 times an infinite
slope further down is nan (PyTorch's gradient graphs do the same).  Over a
graph holding a cut the loop instead gives the side not picked no gradient at
all, sample by sample, as float mode's missing edge does: each node carries
the samples no path reaches (``absent``), its contributions are 0 there
whatever the slopes below, and an input's absent samples are those absent from
every contribution it receives.  Under ``create_graph`` the contributions' absent
samples are cut again, so the next pass sees them missing too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import modes
from autograd._math_masks import CUTS, _constant_like, cut
from autograd.backward_data import masked
from autograd.ops import WHERE, Op
from autograd.value import Value
from autograd.value_data import zeros_like

__all__ = ["holds_cuts", "sweep"]


def _locals(op: Op, inputs: Sequence[Any], out: Any) -> Sequence[Any]:
    """The op's local derivatives, one per input, from the table's rule."""
    if op.arity == 2:
        return op.local(inputs[0], inputs[1], out)
    if op.arity == 1:
        return (op.local(inputs[0], out),)
    return op.local(inputs, out)


def _reduce_to(node: Value, contribution: Any) -> Any:
    """A float node that fed a batch gets the sum of its per-sample gradients."""
    if node.data.__class__ is float:
        if isinstance(contribution, np.ndarray):
            return float(np.sum(contribution))
        if isinstance(contribution, Value) and contribution.data.__class__ is not float:
            return contribution.sum()
    return contribution


def holds_cuts(order: Sequence[Value]) -> bool:
    """True when a node of ``order`` is a cut (looked for only while cuts exist)."""
    if not CUTS:
        return False
    return any(n._row is WHERE and n in CUTS for n in order)


def _zero_at(c: Any, gone: Any) -> Any:
    """The contribution ``c`` with its absent samples set to 0 (all of them: a constant)."""
    if np.all(gone):
        return _constant_like(c, zeros_like(c.data)) if isinstance(c, Value) else zeros_like(c)
    if isinstance(c, Value):
        return cut(c, ~np.broadcast_to(gone, np.shape(c.data)))
    return np.where(gone, 0.0, c)


def _absent(gone: Any, picks: Any, i: int) -> Any:
    """The samples of the contribution through input ``i`` that no path reaches: the
    consumer's own, and at a cut (``picks``) the samples that pick the other side."""
    if picks is not None and i > 0:
        side = ~picks if i == 1 else picks
        gone = side if gone is None else gone | side
    return gone


def _kept(gone: Any, p: Value) -> Any:
    """``gone`` as p's absent samples (a float fed every sample: absent if all are)."""
    if p.data.__class__ is float:
        return np.True_ if np.all(gone) else None
    return np.broadcast_to(gone, np.shape(p.data))


def sweep(order: Sequence[Value], seed: Any, create_graph: bool,
          observers: Sequence[modes.EdgeObserver], cuts: bool) -> dict[Value, Any]:
    """∂root/∂node for every node of ``order`` (inputs first), into a dict; ``cuts``:
    the graph holds cuts, whose side not picked gets no gradient (see above)."""
    grads: dict[Value, Any] = {order[-1]: seed}
    absent: dict[Value, Any] = {}
    for n in reversed(order):
        op = n._row
        if op is None:
            continue
        g = grads[n]
        parents = n.parents
        if create_graph:
            local = _locals(op, parents, n)
        else:
            local = _locals(op, [p.data for p in parents], n.data)
        mine = picks = None
        if cuts:
            mine = absent.get(n)
            if op is WHERE and n in CUTS:
                picks = np.broadcast_to(np.asarray(parents[0].data) != 0.0, np.shape(n.data))
        for i, (p, d) in enumerate(zip(parents, local)):
            c = g if (d.__class__ is float and d == 1.0) else g * d
            if op.masks:
                c = masked(c, d)
            gone = None
            if cuts and (gone := _absent(mine, picks, i)) is not None:
                c = _zero_at(c, gone)
                gone = _kept(gone, p)
            c = _reduce_to(p, c)
            for observe in observers:
                observe(n, i, p, g, d, c)
            prev = grads.get(p)
            if prev is None:
                grads[p] = c
                if gone is not None:
                    absent[p] = gone
                continue
            grads[p] = prev + c
            if p in absent:  # absent where every contribution is
                both = None if gone is None else absent[p] & gone
                if both is None or not both.any():
                    del absent[p]
                else:
                    absent[p] = both
    return grads
