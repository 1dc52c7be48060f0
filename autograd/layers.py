"""A layer's nodes: one neuron's ``dot``, and a layer's neurons computed together.

``dot`` makes one node for a neuron's pre-activation.  ``dots`` and
``apply_each`` make the nodes a layer's neurons would make one by one; on batch
inputs they compute them together (one matrix product, one call of the
activation on the block) and the nodes' data are the rows of one block (see
:mod:`autograd.blocks`), which the backward pass then evaluates together too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import ops
from autograd.blocks import block_of, elementwise, matrix, split
from autograd.nodes import _block_nodes, apply1, apply_nary
from autograd.ops import Op
from autograd.value import Operand, Value

__all__ = ["apply_each", "dot", "dots"]


def dot(weights: Sequence[Operand], inputs: Sequence[Operand], bias: Operand = 0.0) -> Value:
    """One node for a neuron's pre-activation: sum_i weights[i] * inputs[i] + bias.

    Its local derivatives are the seeds' da/dw_i = o_i (the input) and
    da/do_i = w_i, so a chain-rule breakdown through a neuron has exactly the
    three factors dE/do * do/da * da/dw.
    """
    w = list(weights)
    x = list(inputs)
    if len(w) != len(x):
        raise ValueError(f"dot: {len(w)} weights but {len(x)} inputs")
    return apply_nary(ops.DOT, [*w, *x, bias])


def dots(weights: Sequence[Sequence[Operand]], inputs: Sequence[Operand],
         biases: Sequence[Operand]) -> list[Value]:
    """The pre-activations of a layer: ``[dot(w, inputs, b) for w, b in zip(weights, biases)]``.

    The nodes are the ones those calls make, one ``dot`` node per row of
    ``weights``, all reading the same ``inputs``.  When the inputs are batch
    Values and the weights and biases float Values, the rows are computed
    together, by one matrix product, and the nodes' data are the rows of one
    block (see :mod:`autograd.blocks`): the backward pass then evaluates them
    together too.
    """
    rows = [list(w) for w in weights]
    bs = list(biases)
    xs = list(inputs)
    if len(rows) != len(bs):
        raise ValueError(f"dots: {len(rows)} rows of weights but {len(bs)} biases")
    if not rows:
        return []
    W = _floats(rows, len(xs))
    B = _floats([bs], len(bs))
    if W is None or B is None or not xs or not _batches(xs):
        return [dot(w, xs, b) for w, b in zip(rows, bs)]
    block = W @ matrix([x.data for x in xs])  # type: ignore[union-attr]
    block += B.T
    return _block_nodes(split(block), ops.DOT, [((*row, *xs, b), None) for row, b in zip(rows, bs)])


def _floats(rows: list[list[Any]], width: int) -> np.ndarray | None:
    """The data of rows of float Values as a matrix, or None (a number, a batch, a short row)."""
    try:
        data = [[v.data for v in row] for row in rows]
    except AttributeError:  # a number: dot() lifts it
        return None
    for row in data:
        if len(row) != width:
            return None  # dot() says what is wrong
        for d in row:
            if d.__class__ is not float:
                return None
    return np.array(data)


def _batches(xs: list[Any]) -> bool:
    """True when every input is a batch Value, all of one size (else dot() handles them)."""
    shape = None
    for x in xs:
        if x.__class__ is not Value:
            return False
        d = x.data
        if d.__class__ is float:
            return False
        if shape is None:
            shape = d.shape  # type: ignore[union-attr]
        elif d.shape != shape:  # type: ignore[union-attr]
            return False  # dot() names the sizes
    return True


def apply_each(op: Op, values: Sequence[Value]) -> list[Value]:
    """``[apply1(op, v) for v in values]`` for a one-input row of the table.

    When the values' data are the rows of one block (a layer's pre-activations,
    made by :func:`dots`) and the op is a built-in elementwise one without a
    domain, its forward runs once on the block and the nodes' data are the rows
    of the result.
    """
    values = list(values)
    if values and not op.domain and elementwise(op):
        block = block_of([v.data for v in values])
        if block is not None:
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                out = op.forward(block)
            if out.__class__ is np.ndarray and out.shape == block.shape:
                return _block_nodes(split(out), op, [(v, None) for v in values])
    return [apply1(op, v) for v in values]
