"""Blocks: the data (or gradients) of sibling batch nodes as the rows of one 2-D array.

The neurons of a layer read the same inputs, and their pre-activations (then
their activations) are computed together: one matrix product for all the
``dot`` nodes, one call of the activation's forward for all their outputs.
Each node is still a scalar Value of its own, with its own 1-D ``data``; the
``data`` of the siblings are the rows of one C-contiguous block, as views of it
(so the siblings share one allocation and hold nothing else).  When the inputs
of the next layer, or the gradients an op receives, are the rows of one block
in order, that block is used as the matrix as it is, without a copy.

:func:`split` makes the row views and remembers, weakly, which row of which
block each one is, so that :func:`rows` can tell in a few dictionary look-ups
(reading an array's address from numpy costs a microsecond).  An array not
made by :func:`split` is never taken for a row, so the worst a lookup can do is
miss a block and fall back to a copy (:func:`matrix`) or to evaluating the
nodes one by one.

This module only makes and finds blocks; :mod:`autograd.functions` builds nodes
on them and :mod:`autograd.backward` evaluates the table's rules on them.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import ops
from autograd.ops import Op

__all__ = ["block_of", "elementwise", "matrix", "rows", "split"]

ndarray = np.ndarray


class _Row(weakref.ref):
    """A weak reference to a row view made by :func:`split`, with its row index."""

    __slots__ = ("index", "key")
    index: int
    key: int


_where: dict[int, _Row] = {}  # id(row view) -> its _Row, while the view lives


def _forget(ref: _Row, where: dict[int, _Row] = _where) -> None:
    # Called as the view dies, before its id can be taken by another object.
    if where.get(ref.key) is ref:
        del where[ref.key]


def split(block: np.ndarray) -> list[np.ndarray]:
    """The rows of the fresh C-contiguous 2-D array ``block`` as views, each remembered
    as that row of that block."""
    views = list(block)
    where = _where
    for j, v in enumerate(views):
        r = _Row(v, _forget)
        r.index = j
        r.key = id(v)
        where[id(v)] = r
    return views


def rows(arrays: Sequence[Any]) -> tuple[np.ndarray, list[int]] | None:
    """``(block, [row index of each array])`` when every array is a row view of one
    block made by :func:`split` (a row may come twice, or not at all); else None."""
    first = arrays[0]
    if first.__class__ is not ndarray:
        return None
    base = first.base
    if base is None:
        return None
    where = _where
    index = []
    for a in arrays:
        r = where.get(id(a))
        if r is None or a.base is not base or r() is not a:
            return None
        index.append(r.index)
    return base, index


def block_of(arrays: Sequence[Any]) -> np.ndarray | None:
    """The block whose rows, each once and in order, are ``arrays``; else None."""
    found = rows(arrays)
    if found is None:
        return None
    base, index = found
    if len(index) != base.shape[0]:
        return None
    for k, j in enumerate(index):
        if j != k:
            return None
    return base


def matrix(arrays: Sequence[Any]) -> np.ndarray:
    """``arrays`` (1-D, of one length) as the rows of a matrix: their block, else a stacked
    copy.  The result is only read."""
    if len(arrays) == 1:
        return arrays[0][None]  # a view
    found = block_of(arrays)
    return found if found is not None else np.array(arrays)


def _builtin_unary() -> dict[int, Op]:
    table = [*ops.UNARY_FUNCTIONS.values(), ops.NEG, ops.IDENTITY]
    return {id(op): op for op in table}


_BUILTIN_UNARY = _builtin_unary()
_FACTORIES = {"leaky_relu": ops.leaky_relu_op, "elu": ops.elu_op}


def elementwise(op: Op) -> bool:
    """True for a built-in one-input row: its forward and its rule work entry by entry on
    an array of any shape, so a block of rows is evaluated in one call.  (A user's op is
    only promised to work on 1-D batches.)"""
    if id(op) in _BUILTIN_UNARY:
        return True
    factory = _FACTORIES.get(op.name)
    return factory is not None and op.param is not None and factory(op.param) is op
