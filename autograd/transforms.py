"""Forward mode, Jacobians and Hessians, from the same derivative table.

    >>> from autograd import jvp, jacobian, hessian
    >>> jvp(lambda x, y: x * y.sin(), (2.0, 0.0), (1.0, 1.0))      # (value, directional derivative)
    (0.0, 2.0)
    >>> jacobian(lambda x, y: [x * y, x + y], argnums=(0, 1))(2.0, 3.0)
    [(3.0, 2.0), (1.0, 1.0)]
    >>> hessian(lambda x: x ** 3)(2.0)                              # 6x
    12.0

Forward mode needs no second table.  :func:`jvp` records the graph once (``f``
on fresh leaves) and sweeps it once in topological order, inputs first: each
node's tangent is the sum over its inputs of the table's local derivative times
the input's tangent, ṫ(z) = Σ ∂z/∂xᵢ · ṫ(xᵢ), the chain rule read forwards.  The
local derivatives are those the backward pass uses (``Graph.local``), so the
two modes cannot disagree about an op.

Names and arguments follow JAX: ``jvp(f, primals, tangents)``,
``jacobian(f, argnums)`` (reverse mode, one backward pass per output; also
``jacrev``), ``jacfwd`` (forward mode, one sweep per input), ``hessian`` (forward
over reverse) and ``hvp(f, primals, v)`` (the Hessian times v, forward over
reverse, without forming the Hessian).  An argument may be a number, a batch
(a 1-D array: then every entry is a per-sample derivative) or a list of numbers
(a vector); results are nested like JAX's, the output's structure outside, the
arguments' inside.  Inside ``grad`` (or another transform) the results are
Values, so the transforms compose: ``hessian`` is ``jacfwd(jacrev(f))``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd import ops
from autograd.backward import _locals, gradients, masked
from autograd.functional import _argnums
from autograd.graph import Graph
from autograd.modes import enable_grad, grad_depth, inside_grad
from autograd.nodes import apply
from autograd.value import Value
from autograd.value_data import to_data, zeros_like

__all__ = ["hessian", "hvp", "jacfwd", "jacobian", "jacrev", "jvp"]


# ------------------------------------------------------------ structures
def _leaf(x: Any) -> Value:
    """A fresh node for one argument (an identity op on a Value of an enclosing transform)."""
    return apply(ops.IDENTITY, x) if isinstance(x, Value) else Value(x)


def _is_vector(x: Any) -> bool:
    return isinstance(x, (list, tuple))


def _arg_leaves(x: Any) -> tuple[Any, list[Value]]:
    """The argument as f receives it (a leaf, or a list of leaves) and its flat leaves."""
    if _is_vector(x):
        leaves = [_leaf(v) for v in x]
        return (type(x)(leaves), leaves)
    leaf = _leaf(x)
    return leaf, [leaf]


def _flatten(out: Any, who: str) -> tuple[list[Value], Any]:
    """f's result as a flat list of Values and its shape: None for one Value, else the
    nested lists/tuples with each Value's index in the flat list."""
    flat: list[Value] = []

    def walk(o: Any) -> Any:
        if _is_vector(o):
            return type(o)(walk(v) for v in o)
        if not isinstance(o, Value):
            try:
                o = Value(o)  # a number: f ignores its arguments there
            except TypeError:
                raise TypeError(f"{who}: f must return a Value, a number or a list of them, "
                                f"not {type(o).__name__}") from None
        flat.append(o)
        return len(flat) - 1

    shape = walk(out)
    return flat, (None if isinstance(shape, int) else shape)


def _unflatten(shape: Any, items: Sequence[Any]) -> Any:
    if shape is None:
        return items[0]
    if isinstance(shape, int):
        return items[shape]
    return type(shape)(_unflatten(s, items) for s in shape)


def _result(x: Any, nested: bool) -> Any:
    """A Value's data outside transforms; the Value itself inside one (it is differentiated)."""
    if isinstance(x, Value) and not nested:
        return x.data
    return x


# ------------------------------------------------------------ forward mode
def _sweep(outputs: Sequence[Value], seeds: dict[Value, Any], nested: bool) -> list[Any]:
    """The tangents of ``outputs`` given those of some leaves: one forward sweep.

    tangent(z) = sum_i dz/dx_i * tangent(x_i), with the table's local
    derivatives, over every node in topological order; a node no seed reaches
    has tangent 0 and is skipped.  ``nested``: the local derivatives are Values
    (the tangents are then graphs too, for an enclosing transform).
    """
    tangents: dict[Value, Any] = dict(seeds)
    done: set[Value] = set()
    for out in outputs:
        graph = Graph(out)
        for node in graph.nodes:
            if node in done:
                continue
            done.add(node)
            op = node._row
            if op is None or node in tangents:
                continue
            parents = node.parents
            if not any(p in tangents for p in parents):
                continue
            local = _locals(op, parents, node) if nested else graph.local(node)
            total: Any = None
            for p, d in zip(parents, local):
                t = tangents.get(p)
                if t is None:
                    continue
                term = t if (d.__class__ is float and d == 1.0) else t * d
                if op.masks:  # a flat piece passes exactly 0 (Op.masks)
                    term = masked(term, d)
                total = term if total is None else total + term
            if node.data.__class__ is float:  # a batch reduced to one number (v.sum(), v.mean())
                if isinstance(total, np.ndarray):
                    total = float(np.sum(total))
                elif isinstance(total, Value) and total.data.__class__ is not float:
                    total = total.sum()
            tangents[node] = total
    result = []
    for out in outputs:
        t = tangents.get(out)
        if t is None:
            t = zeros_like(out.data)
            if nested:
                t = Value(t)
        elif not nested and isinstance(t, Value):
            t = t.data
        elif not nested and out.data.__class__ is not float and t.__class__ is float:
            t = np.full_like(out.data, t)
        result.append(t)
    return result


def _tangent(t: Any, primal: Value, k: int) -> Any:
    """A tangent in the shape of its primal (a number is spread over a batch)."""
    if isinstance(t, Value):
        return t
    data = to_data(t, f"jvp tangent {k}")
    if primal.data.__class__ is float:
        if data.__class__ is not float:
            raise ValueError(f"jvp: tangent {k} is a batch but its primal is one number")
        return data
    if data.__class__ is float:
        return np.full_like(primal.data, data)
    if data.shape != primal.data.shape:  # type: ignore[union-attr]
        raise ValueError(f"jvp: tangent {k} has {np.shape(data)[0]} samples, its primal "
                         f"{np.shape(primal.data)[0]}")
    return data


def _as_tuple(x: Any, what: str) -> tuple[Any, ...]:
    if isinstance(x, (list, tuple)):
        return tuple(x)
    if isinstance(x, (Value, np.ndarray)) or np.isscalar(x):
        return (x,)
    raise TypeError(f"jvp: {what} must be a tuple of numbers (one per argument of f)")


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """``(f(*primals), J·tangents)``: f's value and its derivative in the direction ``tangents``.

    One forward sweep over the graph f records, with the table's local
    derivatives (forward mode: no backward pass).  ``primals`` and
    ``tangents`` hold one number (or batch) per argument of f; f returns a
    Value, a number, or a list of them (then both results are lists).  For
    batches the tangents are arrays, one direction per sample.
    """
    if not callable(f):
        raise TypeError(f"jvp: f must be a function, not {type(f).__name__}")
    ps, ts = _as_tuple(primals, "primals"), _as_tuple(tangents, "tangents")
    if len(ps) != len(ts):
        raise ValueError(f"jvp: {len(ps)} primals but {len(ts)} tangents")
    nested = grad_depth() > 0
    with enable_grad():
        leaves = [_leaf(p) for p in ps]
        seeds = {leaf: _tangent(t, leaf, k) for k, (leaf, t) in enumerate(zip(leaves, ts))}
        with inside_grad():
            out = f(*leaves)
        flat, shape = _flatten(out, "jvp")
        dots = _sweep(flat, seeds, nested)
    values = [_result(o, nested) for o in flat]
    return _unflatten(shape, values), _unflatten(shape, dots)


# ------------------------------------------------------------ Jacobians
def _record(f: Callable[..., Any], args: tuple[Any, ...], argnums: int | Sequence[int], who: str
            ) -> tuple[list[Value], Any, list[Value], list[tuple[int, bool, int]], bool]:
    """f on fresh leaves for ``args[argnums]``: (flat outputs, their shape, flat leaves,
    per argnum (first leaf, is a vector, count), nested)."""
    nums = _argnums(argnums, len(args), who)
    nested = grad_depth() > 0
    call_args = list(args)
    leaves: list[Value] = []
    spans = []
    for i in nums:
        given, flat = _arg_leaves(args[i])
        call_args[i] = given
        spans.append((len(leaves), _is_vector(args[i]), len(flat)))
        leaves.extend(flat)
    with inside_grad():
        out = f(*call_args)
    flat_out, shape = _flatten(out, who)
    return flat_out, shape, leaves, spans, nested


def _assemble(row: Sequence[Any], spans: list[tuple[int, bool, int]], argnums: Any,
              vector_type: list[type]) -> Any:
    """One output's derivatives, nested like the arguments: a tuple over argnums (when
    argnums is a sequence), a list over a vector argument's entries."""
    parts = []
    for (start, vector, count), kind in zip(spans, vector_type):
        chunk = list(row[start:start + count])
        parts.append(kind(chunk) if vector else chunk[0])
    return parts[0] if isinstance(argnums, int) else tuple(parts)


def jacrev(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """``f`` transformed to return its Jacobian, by reverse mode (one backward pass per output).

    For f returning one Value, the Jacobian is the gradient; for a list of
    Values, a list with one gradient per output.  With a sequence ``argnums``
    each gradient is a tuple, one entry per argument; a list argument gives a
    list of partial derivatives.
    """
    return _jacobian(f, argnums, forward=False)


jacobian = jacrev


def jacfwd(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """``f`` transformed to return its Jacobian by forward mode (one sweep per input),
    nested exactly like :func:`jacrev`'s."""
    return _jacobian(f, argnums, forward=True)


def _jacobian(f: Callable[..., Any], argnums: int | Sequence[int], forward: bool) -> Callable[..., Any]:
    who = "jacfwd" if forward else "jacobian"
    if not callable(f):
        raise TypeError(f"{who}: f must be a function, not {type(f).__name__}")

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g = functools.partial(f, **kwargs) if kwargs else f
        with enable_grad():
            outs, shape, leaves, spans, nested = _record(g, args, argnums, who)
            if forward:
                columns = []
                for leaf in leaves:
                    one = np.ones_like(leaf.data) if leaf.data.__class__ is not float else 1.0
                    columns.append(_sweep(outs, {leaf: one}, nested))
                rows = [[col[k] for col in columns] for k in range(len(outs))]
            else:
                rows = [gradients(o, leaves, create_graph=nested, allow_unused=True)
                        if o.requires_grad else [zeros_like(leaf.data) for leaf in leaves]
                        for o in outs]
        nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
        kinds = [type(args[i % len(args)]) if _is_vector(args[i % len(args)]) else list for i in nums]
        entries = [_assemble(row, spans, argnums, kinds) for row in rows]
        return _unflatten(shape, entries)

    return wrapped


def hessian(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """``f`` transformed to return its matrix of second derivatives, ``jacfwd(jacrev(f))``.

    For one number argument a number; for a list argument a list of lists;
    with a sequence ``argnums`` a tuple of tuples, ``H[i][j] = d2f / dx_i dx_j``
    (symmetric to rounding).
    """
    return jacfwd(jacrev(f, argnums), argnums)


def hvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> Any:
    """The Hessian of ``f`` at ``primals`` times the vector ``tangents``, by forward over
    reverse (the jvp of the gradient), without forming the Hessian.

    One entry per primal (a single one when f has one argument), like f's gradient.
    """
    ps = _as_tuple(primals, "primals")
    nums = tuple(range(len(ps)))
    gradient = jacrev(f, argnums=nums[0] if len(ps) == 1 else nums)
    return jvp(gradient, ps, tangents)[1]
