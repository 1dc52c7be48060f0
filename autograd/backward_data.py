"""The backward pass on data: batches, and ``gradients()`` on floats.

:func:`_run_data` walks the order :func:`autograd.backward.schedule` made and
applies the table's rules to the nodes' data, accumulating into a dict; when
sibling nodes (a layer's ``dot`` nodes, its activations) have their data in one
block (see :mod:`autograd.blocks`), it evaluates them together in matrix form
(:func:`_dots`, :func:`_maps`), computing what the rule computes node by node.
:func:`masked` is the flat-piece rule every loop shares: through a piece where
an op is constant the contribution is exactly 0, even from an inf or nan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd._math_masks import cut
from autograd.blocks import block_of, elementwise, matrix, rows, split
from autograd.ops import DOT, WHERE
from autograd.value import Value, zeros_like

__all__ = ["masked"]


def masked(contribution: Any, local: Any) -> Any:
    """The contribution through a flat piece (local derivative 0) is exactly 0.

    PyTorch computes the gradients of relu, clamp, floor, max... with where(),
    so an inf or nan from upstream does not leak through a piece where the op
    is constant.  A Value's local derivative is masked where it is a constant (as flat
    pieces' are in create_graph mode); a batch's by a ``where`` node, which masks again.
    """
    if local.__class__ is float:
        if local != 0.0:
            return contribution
        data = contribution.data if isinstance(contribution, Value) else contribution
        zero = zeros_like(data)
        return Value(zero, requires_grad=False) if isinstance(contribution, Value) else zero
    if isinstance(local, np.ndarray):
        if isinstance(contribution, Value):  # a batch's gradient graph: a where node, or
            flat = local == 0.0  # where every sample is flat a constant, as float mode's
            if flat.all():
                return Value(np.zeros(np.broadcast(contribution.data, local).shape), requires_grad=False)
            return cut(contribution, ~flat) if flat.any() else contribution
        if contribution.__class__ is np.ndarray:
            # +0.0, as float mode passes (g * 0 is -0.0 for g < 0, nan for an inf g); every
            # caller's contribution is its own product g * d, so it is set in place
            np.copyto(contribution, 0.0, where=local == 0.0)
            return contribution
        return np.where(local == 0.0, 0.0, contribution)
    if isinstance(local, Value) and (flat := _flat(local)) is not None:
        ones = np.where(flat, 0.0, 1.0) if isinstance(flat, np.ndarray) else float(not flat)
        return masked(contribution, ones)
    return contribution


def _flat(local: Value) -> Any:
    """Where a local derivative built on Values is a constant 0 (a flat piece): all of a
    constant's zeros, and the samples where a ``where`` node picks one; None: nowhere."""
    if not local.requires_grad:
        return local.data == 0.0
    if local._row is not WHERE:
        return None
    c, x, y = local.parents
    fx, fy = _flat(x), _flat(y)
    if fx is None and fy is None:
        return None
    return np.where(c.data != 0.0, False if fx is None else fx, False if fy is None else fy)


# ------------------------------------------------------------ the data loop
# Gradients of batches are arrays.  The loop owns the arrays it makes: one made for
# one node alone (listed in ``mine``) is added into in place, any other (a gradient
# passed on unchanged, the seed) is never written, so none aliases another or data.

_ndarray = np.ndarray


def _add_array(grads: dict[Value, Any], mine: set[Value], p: Value, c: Any, own: bool) -> None:
    """Add the batch contribution ``c`` into p's gradient (``own``: made for p alone)."""
    prev = grads.get(p)
    if prev is None:
        grads[p] = c
        if own and c.__class__ is _ndarray:
            mine.add(p)
    elif p in mine:
        prev += c
    else:
        c = prev + c
        grads[p] = c
        if c.__class__ is _ndarray:
            mine.add(p)


def _add(grads: dict[Value, Any], mine: set[Value], p: Value, g: Any, d: Any,
         skip: set[Value], masks: bool = False) -> None:
    """Add the contribution of one edge, ``g * d``, into p's gradient.

    A float p that fed a batch gets the sum over the samples, taken in one pass
    (a dot product) without the array of products.  A multiplication by exactly
    1 is skipped, and so is any work on arrays for a node in ``skip``.  For an
    op that ``masks``, the contribution is exactly 0 where d is 0 (see :func:`masked`).
    """
    if masks:
        if skip and p in skip:
            return
        with np.errstate(invalid="ignore"):
            c = masked(g * d, d)
        if p.data.__class__ is float:
            if c.__class__ is not float:
                c = float(np.sum(c))
            prev = grads.get(p)
            grads[p] = c if prev is None else prev + c
        else:
            _add_array(grads, mine, p, c, True)
        return
    if p.data.__class__ is float:
        if g.__class__ is float:
            c = g * d if d.__class__ is float else g * float(d.sum())
        elif skip and p in skip:
            return
        elif d.__class__ is float:
            c = float(g.sum()) if d == 1.0 else d * float(g.sum())
        else:
            c = float(g @ d)
        prev = grads.get(p)
        grads[p] = c if prev is None else prev + c
    elif skip and p in skip:
        return
    elif d.__class__ is float and d == 1.0:
        _add_array(grads, mine, p, g, False)
    else:
        _add_array(grads, mine, p, g * d, True)


def _in_row_order(members: Sequence[Value]) -> list[Value] | None:
    """The members ordered by the row their data hold in one block, when their data are
    all the rows of one block (see :mod:`autograd.blocks`); else None."""
    found = rows([m.data for m in members])
    if found is None:
        return None
    block, index = found
    if len(index) != block.shape[0]:
        return None
    ordered: list[Any] = [None] * len(index)
    for m, j in zip(members, index):
        if ordered[j] is not None:
            return None
        ordered[j] = m
    return ordered


def _dots(members: Sequence[Value], grads: dict[Value, Any], mine: set[Value],
          skip: set[Value]) -> bool:
    """Evaluate ``dot`` nodes that read the same batch inputs x with float weights and
    biases, in matrix form: with G the nodes' gradients (one row each), X the inputs'
    data and W the weights, the table's rule (dz/dw_i = x_i, dz/dx_i = w_i, dz/db = 1)
    gives G X^T for the weights, the row sums of G for the biases and W^T G for the
    inputs.  Returns False (nothing done) when the nodes are not of that kind."""
    first = members[0]._a
    k = len(first) // 2
    xs = first[k:2 * k]
    if k == 0:
        return False
    for x in xs:
        if x.data.__class__ is not _ndarray:
            return False
    if len(members) > 1:
        members = _in_row_order(members) or members
    weights = []
    gs = []
    for m in members:
        a = m._a
        row = [w.data for w in a]
        del row[k:-1]  # the weights and the bias
        for w in row:
            if w.__class__ is not float:
                return False
        g = grads[m]
        if g.__class__ is not _ndarray:
            return False
        weights.append(row)
        gs.append(g)
    G = matrix(gs)
    X = matrix([x.data for x in xs])
    dW = (G @ X.T).tolist()
    db = G.sum(axis=1).tolist()
    get = grads.get
    for m, dw, dbj in zip(members, dW, db):
        a = m._a
        for w, c in zip(a, dw):
            prev = get(w)
            grads[w] = c if prev is None else prev + c
        b = a[-1]
        prev = get(b)
        grads[b] = dbj if prev is None else prev + dbj
    if skip and all(x in skip for x in xs):
        return True  # constant inputs (data): their gradients are not wanted
    W = np.array(weights)[:, :k]
    dX = np.multiply.outer(W[0], gs[0]) if len(gs) == 1 else W.T @ G
    for x, c in zip(xs, split(dX)):
        if not (skip and x in skip):
            _add_array(grads, mine, x, c, True)
    return True


def _maps(members: Sequence[Value], grads: dict[Value, Any], mine: set[Value]) -> bool:
    """Evaluate one-input nodes of one elementwise op whose own data, and whose inputs'
    data, are the rows of one block each (a layer's activations): the table's rule once
    on the blocks.  Returns False (nothing done) when they are not."""
    op = members[0]._row
    if op is None or not elementwise(op) or (ordered := _in_row_order(members)) is None:
        return False
    parents = [m._a for m in ordered]
    Z = block_of([p.data for p in parents])
    if Z is None:
        return False
    A = ordered[0].data.base  # type: ignore[union-attr]
    gs = [grads[m] for m in ordered]
    if any(g.__class__ is not _ndarray for g in gs):
        return False
    G = matrix(gs)
    L = op.local(Z, A)
    if L.__class__ is float and L == 1.0:
        for p, g in zip(parents, gs):  # passed on unchanged
            _add_array(grads, mine, p, g, False)
        return True
    own = (L.__class__ is _ndarray and L is not Z and L is not A and L.base is None
           and L.shape == G.shape and L.flags.writeable)  # the rule made L for this call
    flat = L == 0.0 if own and op.masks else None  # found before L is overwritten
    if own:
        C = np.multiply(L, G, out=L)
        if flat is not None:  # a flat piece passes exactly 0 (see masked)
            np.copyto(C, 0.0, where=flat)
    else:
        C = masked(G * L, L) if op.masks else G * L
    for p, c in zip(parents, split(C)):
        _add_array(grads, mine, p, c, True)
    return True


def _siblings(order: Sequence[Value]
              ) -> tuple[dict[Value, list[Value]], dict[Value, int], set[Value]]:
    """Sibling batch nodes that may be evaluated together, the uses of each, and the
    nodes that use them.

    Siblings are ``dot`` nodes reading the same inputs x (a layer's neurons) and
    one-input nodes of one op whose inputs' data are rows of one block (their
    activations).  ``uses`` counts, for each candidate, the edges from the nodes
    computed from it; the loop counts them down, so it knows when every sibling's
    gradient is complete.
    """
    uses: dict[Value, int] = {}
    groups: dict[Any, list[Value]] = {}
    readers = set()
    for n in order:
        op = n._row
        if op is None:
            continue
        a = n._a
        if uses:
            if a.__class__ is tuple:
                for p in a:
                    if p in uses:
                        uses[p] += 1
                        readers.add(n)
            else:
                if a in uses:
                    uses[a] += 1
                    readers.add(n)
                b = n._b
                if b is not None and b in uses:
                    uses[b] += 1
                    readers.add(n)
        if n.data.__class__ is float:
            continue
        if op is DOT:
            k = len(a) // 2
            if k == 0:
                continue
            key: Any = a[k:2 * k]
        elif op.arity == 1:
            base = a.data.base if a.data.__class__ is _ndarray else None
            if base is None:
                continue
            key = (id(op), id(base))
        else:
            continue
        found = groups.get(key)
        if found is None:
            groups[key] = [n]
        else:
            found.append(n)
        uses[n] = 0
    group_of = {m: members for members in groups.values() if len(members) > 1 for m in members}
    return group_of, uses, readers


def _release(n: Value, uses: dict[Value, int]) -> None:
    """n has passed its gradient on: one use fewer for each of its inputs."""
    a = n._a
    if a.__class__ is tuple:
        for p in a:
            if p in uses:
                uses[p] -= 1
    else:
        if a in uses:
            uses[a] -= 1
        b = n._b
        if b is not None and b in uses:
            uses[b] -= 1


def _run_data(order: Sequence[Value], seed: Any, skip: set[Value] | None = None
              ) -> dict[Value, Any]:
    """:func:`run_general` on data: the table's rules, siblings evaluated together.

    No array is computed for the nodes in ``skip`` (backward passes the constants,
    whose gradients it drops).

    The nodes are visited in the one order.  When the first of a group of
    siblings (see :func:`_siblings`) is reached and every sibling's gradient is
    complete, the whole group is evaluated at once in matrix form (:func:`_dots`,
    :func:`_maps`), which computes what the rule computes node by node; otherwise
    each node is evaluated at its own turn.
    """
    grads: dict[Value, Any] = {order[-1]: seed}
    get = grads.get
    mine: set[Value] = set()
    if skip is None:
        skip = set()
    group_of, uses, readers = _siblings(order)
    if not group_of:
        readers = set()
    done: set[Value] = set()
    for n in reversed(order):
        op = n._row
        if op is None:
            continue
        if group_of:
            if n in done:
                continue
            members = group_of.get(n)
            if members is not None:
                if all(uses[m] == 0 for m in members):
                    if (_dots(members, grads, mine, skip) if op is DOT
                            else _maps(members, grads, mine)):
                        for m in members:
                            done.add(m)
                            if m in readers:
                                _release(m, uses)
                        continue
                    for m in members:  # not of a kind evaluated together: each at its turn
                        del group_of[m]
                else:  # a sibling is still waiting for a gradient: this one goes alone
                    members.remove(n)
                    del group_of[n]
        g = grads[n]
        a = n._a
        arity = op.arity
        if arity == 2:
            b = n._b
            x = a.data
            y = b.data
            shape = op.shape
            if g.__class__ is float and x.__class__ is float and y.__class__ is float:
                if shape == "product":
                    ca = g * y
                    cb = g * x
                elif shape == "sum":
                    ca = cb = g
                elif shape == "difference":
                    ca = g
                    cb = -g
                else:
                    da, db = op.local(x, y, n.data)
                    ca = g * da
                    cb = g * db
                    if op.masks:
                        ca = masked(ca, da)
                        cb = masked(cb, db)
                prev = get(a)
                grads[a] = ca if prev is None else prev + ca
                prev = get(b)
                grads[b] = cb if prev is None else prev + cb
            elif shape == "sum":
                _add(grads, mine, a, g, 1.0, skip)
                _add(grads, mine, b, g, 1.0, skip)
            elif shape == "difference":
                _add(grads, mine, a, g, 1.0, skip)
                _add(grads, mine, b, g, -1.0, skip)
            elif shape == "product":
                _add(grads, mine, a, g, y, skip)
                _add(grads, mine, b, g, x, skip)
            else:
                da, db = op.local(x, y, n.data)
                _add(grads, mine, a, g, da, skip, op.masks)
                _add(grads, mine, b, g, db, skip, op.masks)
        elif arity == 1:
            _add(grads, mine, a, g, op.local(a.data, n.data), skip, op.masks)
        elif not (op is DOT and n.data.__class__ is _ndarray and _dots((n,), grads, mine, skip)):
            for p, d in zip(a, op.local([p.data for p in a], n.data)):
                _add(grads, mine, p, g, d, skip, op.masks)
        if n in readers:
            _release(n, uses)
    return grads
