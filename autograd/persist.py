"""Pickling and copying Values with their graphs, without recursion.

A leaf pickles as its data, grad, label and whether it takes a gradient.  An
op node pickles as one flat list of the op nodes of its graph, inputs first,
each naming its row of the derivative table and its inputs by position (a
leaf as the leaf itself, so pickle keeps one copy of a parameter shared by
several pickled Values).  Rebuilding walks that list once, so a chain 10⁵
deep pickles, unpickles and deep-copies at Python's default recursion limit.

Rows of the table pickle by reference: a built-in row by its name in
:mod:`autograd.ops` (or its factory and parameter, for ``leaky_relu(0.2)``,
``x**3`` and the like), a custom row by the :class:`autograd.custom.CustomOp`
that made it, whose functions pickle if they are module-level functions.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from autograd.graph import topological_order
from autograd.ops import Op
from autograd.value import Value

__all__ = ["copy_graph", "reduce_row", "reduce_value"]


def _leaf(data: Any, grad: Any, label: str, marker: Any) -> Value:
    v = Value.__new__(Value)
    v.data, v.grad, v.label = data, grad, label
    v._row, v._a, v._b, v._n = None, None, marker, 0
    return v


def _rebuild(steps: list[tuple[Any, ...]]) -> Value:
    """The graph back from the flat list of :func:`reduce_value`; returns its last node."""
    built: list[Value] = []
    for data, grad, label, row, inputs in steps:
        parents = [built[i] if isinstance(i, int) else i for i in inputs]
        v = Value.__new__(Value)
        v.data, v.grad, v.label, v._row, v._n = data, grad, label, row, 0
        if row.arity in (1, 2):
            v._a = parents[0]
            v._b = parents[1] if row.arity == 2 else None
        else:
            v._a, v._b = tuple(parents), None
        built.append(v)
    return built[-1]


def reduce_value(v: Value) -> tuple[Any, ...]:
    """``v.__reduce__()``: a leaf by its fields, an op node by its graph as a flat list."""
    if v._row is None:
        if isinstance(v.grad, Value):  # (create_graph's): its graph holds v itself, so the
            # grad goes in the state, pickled once v exists and is in pickle's memo
            return (_leaf, (v.data, 0.0, v.label, v._b), (None, {"grad": v.grad}))
        return (_leaf, (v.data, v.grad, v.label, v._b))
    order = [n for n in topological_order(v) if n._row is not None]
    place = {id(n): k for k, n in enumerate(order)}
    steps = [
        (n.data, n.grad, n.label, n._row,
         tuple(place[id(p)] if p._row is not None else p for p in n.parents))
        for n in order
    ]
    return (_rebuild, (steps,))


def copy_graph(v: Value, memo: dict[int, Any]) -> Value:
    """``copy.deepcopy(v)``: every node of its graph copied once (shared nodes stay
    shared, also with other objects copied in the same call), without recursion."""
    import copy

    found = memo.get(id(v))
    if found is not None:
        return found
    made = []
    for n in topological_order(v):
        if id(n) in memo:
            continue
        c = Value.__new__(Value)
        c.data = n.data if n.data.__class__ is float else copy.deepcopy(n.data, memo)
        c.grad = 0.0
        c.label, c._row, c._n = n.label, n._row, 0
        if n._row is None:
            c._a, c._b = None, n._b
        else:
            parents = [memo[id(p)] for p in n.parents]
            if n._a.__class__ is tuple:
                c._a, c._b = tuple(parents), None
            else:
                c._a = parents[0]
                c._b = parents[1] if len(parents) == 2 else None
        memo[id(n)] = c
        made.append((n, c))
    # grads after every node is in the memo: a leaf's create_graph grad is a graph that
    # holds the leaf itself
    for n, c in made:
        c.grad = n.grad if n.grad.__class__ is float else copy.deepcopy(n.grad, memo)
    return memo[id(v)]


# ---------------------------------------------------------------- rows
def _table_modules() -> list[Any]:
    """The modules the derivative table's rows live in (ops and its families)."""
    return [m for name, m in sorted(sys.modules.items())
            if name == "autograd.ops" or name.startswith("autograd.ops_")]


def _builtin_row(module: str, name: str) -> Op:
    row = getattr(sys.modules.get(module) or importlib.import_module(module), name, None)
    if not isinstance(row, Op):
        raise ValueError(f"unpickling: this autograd has no op row {module}.{name}")
    return row


def _made_row(module: str, factory: str, param: Any) -> Op:
    made = getattr(importlib.import_module(module), factory)(param)
    if not isinstance(made, Op):
        raise ValueError(f"unpickling: {module}.{factory} does not make an op row")
    return made


def _custom_row(custom: Any) -> Op:
    row = custom.row
    if not isinstance(row, Op):
        raise ValueError("unpickling: a custom op without its row")
    return row


def reduce_row(row: Op) -> tuple[Any, ...]:
    """``row.__reduce__()``: a reference to a row, never its functions' code."""
    if row.source is not None:
        return (_custom_row, (row.source,))
    modules = _table_modules()
    for module in modules:
        for name, value in vars(module).items():
            if value is row:
                return (_builtin_row, (module.__name__, name))
    for module in modules:
        for name, factory in vars(module).items():
            if callable(factory) and hasattr(factory, "cache_info") and row.param is not None:
                try:
                    made = factory(row.param)
                except (TypeError, ValueError):
                    continue
                if isinstance(made, Op) and (made.name, made.param, made.arity) == (
                        row.name, row.param, row.arity):
                    return (_made_row, (module.__name__, name, row.param))
    raise TypeError(f"op {row.name!r} cannot be pickled: it is not a row of the derivative "
                    "table nor made by autograd.op")
