"""The backward pass: the chain rule applied over a recorded graph, output to inputs.

One definition of the order serves every pass: :func:`schedule` lists the
nodes so that each comes after every node computed from it (so when a node is
reached, all its consumers have passed their gradient on).  It counts each
node's consumers into ``_n`` in a first walk, then releases a node when its
count drops back to zero (Kahn's algorithm): no recursion, no set or dict, and
every ``_n`` is zero again at the end.  Two loops run over that order:

* :func:`_run_fast`, for float graphs without observers: gradients accumulate
  in the nodes' ``grad`` slots (the loop every training step runs);
* :func:`run_general`, for batches, ``create_graph`` and observed passes, and
  for :func:`gradients`: gradients accumulate in a dict, so nothing stored is
  touched until the pass has finished.  On data (no ``create_graph``, no
  observer) it is :func:`_run_data`, which walks the same order but evaluates
  siblings together: the ``dot`` nodes of a layer's neurons as matrix products,
  their activations as one call of the table's rule on a block (see
  :mod:`autograd.blocks`), and adds into the arrays it made in place.  The
  observed loop applies the rule edge by edge; the tests hold the two equal.

Gradients accumulate like PyTorch's on leaves: a second ``backward()`` adds the
same amount again, exactly (each pass collects from zero and adds once).  An
intermediate node's ``grad`` is *set* to the latest pass's gradient, so it never
feeds an earlier pass's gradient into a later one (micrograd's second backward
counts 3x).  Constants get no gradient.

Threads.  The consumer counts live on the nodes, so passes are serialized by a
process-wide lock: passes in separate threads give exactly the results they
give one after the other, also when their graphs share leaves (parameters).
A pass started from inside a running one in the same thread (an observer
calling ``backward``) is refused instead of deadlocking.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from autograd import modes
from autograd.blocks import block_of, elementwise, matrix, rows, split
from autograd.ops import DOT, Op
from autograd.value import UNRECORDED, Value, describe, to_data, zeros_like

__all__ = ["backward", "gradients", "local_derivatives", "masked", "run_general", "schedule"]

_lock = threading.Lock()
_running = threading.local()


def _seed(root: Value, grad: Any, create_graph: bool) -> Any:
    """The gradient the pass starts from, in the shape of the output's data.

    A number seeds every sample of a batch output; a Value seed is kept as a
    Value only when the gradients are to be differentiated (create_graph).
    """
    if grad is None:
        return 1.0 if root.data.__class__ is float else np.ones_like(root.data)
    if isinstance(grad, Value):
        if create_graph:
            _seed(root, grad.data, False)  # the same shape check
            return grad
        grad = grad.data
    seed = to_data(grad, "backward grad")
    if seed.__class__ is not float:
        if root.data.__class__ is float or seed.shape != root.data.shape:  # type: ignore[union-attr]
            raise ValueError(
                f"backward: grad of shape {np.shape(seed)} does not match the output's "
                f"data of shape {np.shape(root.data)}"
            )
    elif root.data.__class__ is not float:
        seed = np.full_like(root.data, seed)
    return seed


@contextmanager
def _one_pass() -> Iterator[None]:
    """Hold the pass lock for one pass (refused inside a pass of the same thread)."""
    if getattr(_running, "active", False):
        raise RuntimeError(
            "backward: a backward pass cannot start while another one is running in the "
            "same thread (e.g. from an observer); run it after the first pass has finished"
        )
    _running.active = True
    try:
        with _lock:
            yield
    finally:
        _running.active = False


_mark = 0  # the last pass's mark (see schedule); passes are serialized by _lock


def schedule(root: Value, hold: bool = False
             ) -> tuple[list[Value], list[Value], list[Any], list[Any], bool]:
    """Every node of ``root``'s graph, inputs before the nodes computed from them.

    Read backwards, the list has each node after every node computed from it.
    An iterative depth-first walk lists a node once all its inputs are listed;
    it marks nodes in ``_n`` with this pass's number (expanded, then listed),
    so no set, dict or recursion is needed and nothing has to be reset.

    Returns the order, the leaves, and whether a leaf holds a batch (batches
    enter graphs only through leaves).  With ``hold``, every node's grad is
    set to zero for the float loop, and what the nodes and the leaves held is
    returned too (in the order of ``order`` and of ``leaves``).  Call inside
    :func:`_one_pass`.
    """
    global _mark
    _mark += 2
    expanded = _mark - 1
    listed = _mark
    order: list[Value] = []
    leaves: list[Value] = []
    held: list[Any] = []
    leaves_held: list[Any] = []
    batched = False
    stack = [root]
    push = stack.append
    pop = stack.pop
    add = order.append
    keep = held.append
    while stack:
        n = stack[-1]
        state = n._n
        if state < expanded:
            a = n._a
            if a is not None:
                n._n = expanded
                # pushed last to first, so that the first input is listed first
                # (the order of autograd.graph.topological_order, sum for sum)
                if a.__class__ is tuple:
                    for p in reversed(a):
                        if p._n < expanded:
                            push(p)
                else:
                    b = n._b
                    if b is not None and b._n < expanded:
                        push(b)
                    if a._n < expanded:
                        push(a)
                continue
            # a leaf is listed at once
            leaves.append(n)
            if hold:
                leaves_held.append(n.grad)
            if n.data.__class__ is not float:
                batched = True
        elif state != expanded:
            pop()  # a second entry of a node already listed
            continue
        pop()
        n._n = listed
        add(n)
        if hold:
            keep(n.grad)
            n.grad = 0.0
    return order, leaves, held, leaves_held, batched


def _run_fast(order: list[Value], seed: Any) -> None:
    """Backward over float data into ``.grad`` (every grad in ``order`` starts at 0)."""
    order[-1].grad = seed
    for n in reversed(order):
        op = n._row
        if op is None:
            continue
        g = n.grad
        a = n._a
        arity = op.arity
        if arity == 2:
            b = n._b
            shape = op.shape
            if shape == "product":
                a.grad += g * b.data
                b.grad += g * a.data
            elif shape == "sum":
                a.grad += g
                b.grad += g
            elif shape == "difference":
                a.grad += g
                b.grad -= g
            else:
                da, db = op.local(a.data, b.data, n.data)
                # a flat piece passes exactly 0, even an inf or nan (Op.masks)
                if da or not op.masks:
                    a.grad += g * da
                if db or not op.masks:
                    b.grad += g * db
        elif arity == 1:
            d = op.local(a.data, n.data)
            if d or not op.masks:
                a.grad += g * d
        else:
            masks = op.masks
            for p, d in zip(a, op.local([p.data for p in a], n.data)):
                if d or not masks:
                    p.grad += g * d


def _locals(op: Op, inputs: Sequence[Any], out: Any) -> Sequence[Any]:
    """The op's local derivatives, one per input, from the table's rule."""
    if op.arity == 2:
        return op.local(inputs[0], inputs[1], out)
    if op.arity == 1:
        return (op.local(inputs[0], out),)
    return op.local(inputs, out)


def local_derivatives(node: Value) -> tuple[Any, ...]:
    """d(node)/d(parent) for each parent, evaluated at the graph's current data.

    These are the factors the chain rule multiplies along every edge; a leaf
    has none.
    """
    op = node._row
    if op is None:
        return ()
    return tuple(_locals(op, [p.data for p in node.parents], node.data))


def masked(contribution: Any, local: Any) -> Any:
    """The contribution through a flat piece (local derivative 0) is exactly 0.

    PyTorch computes the gradients of relu, clamp, floor, max... with where(),
    so an inf or nan from upstream does not leak through a piece where the op
    is constant.  A Value's local derivative is masked where it is a constant
    (the flat pieces' derivatives are constants in create_graph mode).
    """
    if local.__class__ is float:
        if local != 0.0:
            return contribution
        data = contribution.data if isinstance(contribution, Value) else contribution
        zero = zeros_like(data)
        return Value(zero, requires_grad=False) if isinstance(contribution, Value) else zero
    if isinstance(local, np.ndarray):
        if isinstance(contribution, Value):
            return contribution  # a batch gradient graph: not masked (see the README)
        with np.errstate(invalid="ignore"):
            return np.where(local == 0.0, 0.0, contribution)
    if isinstance(local, Value) and local.is_leaf and not local.requires_grad:
        return masked(contribution, local.data)
    return contribution


def _reduce_to(node: Value, contribution: Any) -> Any:
    """A float node that fed a batch gets the sum of its per-sample gradients."""
    if node.data.__class__ is float:
        if isinstance(contribution, np.ndarray):
            return float(np.sum(contribution))
        if isinstance(contribution, Value) and contribution.data.__class__ is not float:
            return contribution.sum()
    return contribution


def run_general(order: Sequence[Value], seed: Any, create_graph: bool = False,
                observers: Sequence[modes.EdgeObserver] = ()) -> dict[Value, Any]:
    """∂root/∂node for every node of ``order`` (inputs first, the root last), into a
    dict; no ``.grad`` is touched.

    With ``create_graph`` the rules are evaluated on the Values themselves, so
    the gradients are graphs.  Each observer sees every edge crossed.  Without
    either, the pass is :func:`_run_data`: the same rules on the data, siblings
    evaluated together.
    """
    with np.errstate(all="ignore"):  # infinities and nans are results here, not warnings
        if not create_graph and not observers:
            return _run_data(order, seed)
        if create_graph and not isinstance(seed, Value):
            seed = Value(seed)
        return _sweep(order, seed, create_graph, observers)


def _sweep(order: Sequence[Value], seed: Any, create_graph: bool,
           observers: Sequence[modes.EdgeObserver]) -> dict[Value, Any]:
    grads: dict[Value, Any] = {order[-1]: seed}
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
        for i, (p, d) in enumerate(zip(parents, local)):
            c = g if (d.__class__ is float and d == 1.0) else g * d
            if op.masks:
                c = masked(c, d)
            c = _reduce_to(p, c)
            for observe in observers:
                observe(n, i, p, g, d, c)
            prev = grads.get(p)
            grads[p] = c if prev is None else prev + c
    return grads


# ------------------------------------------------------------ the data loop
# Gradients of batches are arrays.  The loop below owns the arrays it makes: an
# array it made for one node alone (listed in ``mine``) is added into in place,
# any other one (a node's gradient passed on unchanged, the seed) is never
# written.  So no gradient the pass hands out aliases another or any data.

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
    if op is None or not elementwise(op):
        return False
    ordered = _in_row_order(members)
    if ordered is None:
        return False
    parents = [m._a for m in ordered]
    Z = block_of([p.data for p in parents])
    if Z is None:
        return False
    A = ordered[0].data.base  # type: ignore[union-attr]
    gs = [grads[m] for m in ordered]
    for g in gs:
        if g.__class__ is not _ndarray:
            return False
    G = matrix(gs)
    L = op.local(Z, A)
    if L.__class__ is float and L == 1.0:
        for p, g in zip(parents, gs):  # passed on unchanged
            _add_array(grads, mine, p, g, False)
        return True
    if (L.__class__ is _ndarray and L is not Z and L is not A and L.base is None
            and L.shape == G.shape and L.flags.writeable):
        C = np.multiply(L, G, out=L)  # the rule made L for this call: reuse it
    else:
        C = G * L
    if op.masks:  # a flat piece passes exactly 0 (see masked)
        C = masked(C, L)
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


def _check_root(root: Value, who: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{who}: the output must be a Value, not {type(root).__name__}")
    if root._row is None and root._b is UNRECORDED:
        raise RuntimeError(
            f"{who}: {describe(root)} was computed inside no_grad(), so no graph was recorded "
            "and there is nothing to differentiate; compute it outside the no_grad() block"
        )


def _is_zero(x: Any) -> bool:
    return x is None or (x.__class__ in (float, int) and x == 0)


def backward(root: Value, grad: Any = None, create_graph: bool = False) -> None:
    """``root.backward(grad, create_graph=...)``: every node's d(root)/d(node) into its grad."""
    _check_root(root, "backward")
    seed = _seed(root, grad, create_graph)
    observers = modes.current().edge_observers
    with _one_pass():
        if not create_graph and not observers:
            if root.data.__class__ is float and not _reads_a_batch(root):
                order, leaves, held, leaves_held, batched = schedule(root, hold=True)
                if not batched:
                    _finish_fast(order, held, leaves, leaves_held, seed)
                    return
                for n, before in zip(order, held):  # a batch leaf: the data loop instead
                    n.grad = before
            else:
                order, leaves, _, _, _ = schedule(root)
            # constants get no gradient: the data loop need not compute theirs
            with np.errstate(all="ignore"):  # infinities and nans are results, not warnings
                grads = _run_data(order, seed, {n for n in leaves if n._b is not None})
        else:
            order, _, _, _, _ = schedule(root)
            grads = run_general(order, seed, create_graph, observers)
    handed: set[int] = set()  # the arrays handed out: no two nodes get the same one
    for node, g in grads.items():
        if node._row is None:
            if node._b is not None:  # constants get no gradient
                continue
            prev = node.grad
            if not (prev is None or (prev.__class__ is float and prev == 0.0) or _is_zero(prev)):
                node.grad = accumulate(node, prev, g)
                continue
        if g.__class__ is np.ndarray:
            if id(g) in handed:
                g = g.copy()
            handed.add(id(g))
        node.grad = g


# The rounding error of each leaf's running sum of passes, kept beside the
# gradient it belongs to: {leaf: (grad, residue)}.  Weak keys: a leaf's entry
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
    give g+g+...+g, an ulp or more away from 10*g.  Instead the leaf keeps the
    rounding error of its sum beside it (``_residues``, valid while the
    gradient is still what the last pass left: any assignment to ``.grad``,
    ``zero_grad()`` included, starts afresh), and each pass adds g
    to the pair exactly (TwoSum) before rounding once: k passes of g give
    fl(k*g), exactly ``k * g``.  Floats and arrays; an inf or nan sum keeps no
    error.  A ``create_graph`` gradient (a Value) is added as a graph node.
    """
    if g.__class__ is float and prev.__class__ is float:
        held = _residues.get(leaf)
        r = held[1] if held is not None and held[0] is prev else 0.0
        s1, e1 = _two_sum(prev, g)
        if not math.isfinite(s1):  # an inf or nan sum has no error to keep
            if held is not None:
                del _residues[leaf]
            return s1
        t = r + e1
        s = s1 + t
        residue = t - (s - s1)
        if residue != 0.0:
            _residues[leaf] = (s, residue)
        elif held is not None:
            del _residues[leaf]
        return s
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


def _reads_a_batch(root: Value) -> bool:
    """True when an input of the root, or an input of one, holds a batch (a look two
    ops deep, so a batch loss reduced by mean() skips the float loop's preparations)."""
    for p in root.parents:
        if p.data.__class__ is not float:
            return True
        for q in p.parents:
            if q.data.__class__ is not float:
                return True
    return False


def _finish_fast(order: list[Value], held: list[Any], leaves: list[Value],
                 leaves_held: list[Any], seed: Any) -> None:
    """Run the float loop; leaves add this pass to what they held (constants keep it).

    Each leaf collects this pass's gradient from zero and adds it to what it
    held once at the end (:func:`accumulate`), so k passes give exactly k
    times one pass (bit for bit), however many uses a leaf has.  If the pass
    fails, every node gets back what it held.
    """
    try:
        _run_fast(order, seed)
    except BaseException:
        for n, before in zip(order, held):
            n.grad = before
        raise
    for n, before in zip(leaves, leaves_held):
        if n._b is not None:
            n.grad = before
        elif before is not None and not (before.__class__ is float and before == 0.0):
            n.grad = accumulate(n, before, n.grad)


def gradients(
    output: Value,
    inputs: Value | Sequence[Value],
    grad: Any = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> Any:
    """d(output)/d(input) for each input, without touching any ``.grad``.

    Returns one gradient per input (a single one when ``inputs`` is a Value):
    floats (or arrays for batches), or Values when ``create_graph=True`` so the
    gradients can be differentiated again.  An input the output was not
    computed from is refused, as PyTorch does, unless ``allow_unused=True``
    (its gradient is then 0).
    """
    single = isinstance(inputs, Value)
    wanted: Sequence[Any] = (inputs,) if single else tuple(inputs)  # type: ignore[arg-type]
    for w in wanted:
        if not isinstance(w, Value):
            raise TypeError(f"gradients: inputs must be Values, not {type(w).__name__}")
    _check_root(output, "gradients")
    seed = _seed(output, grad, create_graph)
    with _one_pass():
        order, _, _, _, _ = schedule(output)
        grads = run_general(order, seed, create_graph, modes.current().edge_observers)
    result = []
    handed: set[int] = set()  # no two results are the same array
    for k, w in enumerate(wanted):
        g = grads.get(w)
        if g.__class__ is np.ndarray:
            if id(g) in handed:
                g = g.copy()
            handed.add(id(g))
        if g is None:
            if not allow_unused:
                raise ValueError(
                    f"gradients: input {k} ({describe(w)}) is not in the graph of the output, "
                    "so it has no gradient; pass allow_unused=True to get 0 for it"
                )
            g = zeros_like(w.data)
            if create_graph:
                g = Value(g)
        result.append(g)
    return result[0] if single else result
