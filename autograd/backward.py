"""The backward pass: the chain rule applied over a recorded graph, output to inputs.

One definition of the order serves every pass: :func:`schedule` lists the
nodes inputs first, so that, read backwards, a node is reached only after all
its consumers have passed their gradient on.  It is an iterative depth-first
walk that marks nodes in ``_n`` with the pass's number: no recursion, no set
or dict, and nothing to reset afterwards.  Two loops run over that order:

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

Gradients accumulate like PyTorch's on leaves: k passes give exactly k times
one (:mod:`autograd.accumulate` rounds their sum once).  An intermediate node's
``grad`` is *set* to the latest pass's gradient, never fed into a later pass
(micrograd's second backward counts 3x).  Constants get no gradient.

Threads.  The consumer counts live on the nodes, so passes are serialized by a
process-wide lock: passes in separate threads give exactly the results they
give one after the other, also when their graphs share leaves (parameters).
A pass started from inside a running one in the same thread (an observer
calling ``backward``) is refused instead of deadlocking.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from autograd import modes
from autograd.accumulate import accumulate
from autograd.backward_data import _run_data, masked
from autograd.backward_general import _locals, holds_cuts, sweep
from autograd.nodes import UNRECORDED
from autograd.value import Value
from autograd.value_checks import describe
from autograd.value_data import to_data, zeros_like

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


def local_derivatives(node: Value) -> tuple[Any, ...]:
    """d(node)/d(parent) for each parent, evaluated at the graph's current data.

    These are the factors the chain rule multiplies along every edge; a leaf
    has none.
    """
    op = node._row
    if op is None:
        return ()
    return tuple(_locals(op, [p.data for p in node.parents], node.data))


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
        cuts = holds_cuts(order)  # a batch's gradient graph: per-sample missing edges
        if not create_graph and not observers and not cuts:
            return _run_data(order, seed)
        if create_graph and not isinstance(seed, Value):
            seed = Value(seed)
        return sweep(order, seed, create_graph, observers, cuts)


def _check_root(root: Value, who: str) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"{who}: the output must be a Value, not {type(root).__name__}")
    if root._row is None and root._b is UNRECORDED:
        raise RuntimeError(
            f"{who}: {describe(root)} was computed inside no_grad(), so no graph was recorded "
            "and there is nothing to differentiate; compute it outside the no_grad() block"
        )


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
                if holds_cuts(order):
                    grads = sweep(order, seed, False, (), True)
                else:
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
            if not (prev is None or (prev.__class__ in (float, int) and prev == 0)):
                node.grad = accumulate(node, prev, g)
                continue
        elif g.__class__ is Value:  # (only under create_graph)
            g = g.data  # an op node's grad is read, not differentiated: a Value made a cycle
            if g.__class__ is np.ndarray:
                g = g.copy()  # (its Value may be a leaf's grad, or the caller's seed)
        if g.__class__ is np.ndarray:
            if id(g) in handed:
                g = g.copy()
            handed.add(id(g))
        node.grad = g


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
