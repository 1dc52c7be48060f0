"""How the derivative table's ops build nodes: numbers lifted to constants, the forward
pass checked, the node recorded (or not, under ``no_grad()``), and the fast ``+ - * /``.

Every op of every tool enters the graph through :func:`apply1`, :func:`apply2`,
:func:`apply_nary` or :func:`apply` (a user's own op).  The checks and their
messages are in :mod:`autograd.value_checks`, off the fast path.

This module does not import :mod:`autograd.value` at load (that would be a cycle:
Value's methods are built here).  The class is bound in by :func:`bind` when
:mod:`autograd.value` defines it, before any node can be built; a builder reads it
as a module global, as fast as a name imported at load.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import modes
from autograd.ops import Op
from autograd.value_checks import _check_domain, _forward_failed, _overflowed, _refuse_new_nan
from autograd.value_data import Data, _is_scalar, _unset_grad

if TYPE_CHECKING:
    from autograd.value import Value
else:
    Value = None  # the class, bound by autograd.value (see bind)

CONSTANT = "constant"  # in a leaf's _b: a constant (backward skips it)
UNRECORDED = "unrecorded"  # in a leaf's _b: made by an op under no_grad()

_plain = True  # no thread is in any mode (see autograd.modes): ops take the fast path


def _set_plain(plain: bool) -> None:
    global _plain
    _plain = plain


modes.watch(_set_plain)


def bind(cls: type[Value]) -> None:
    """Make ``cls`` (autograd.value.Value) the class every builder here makes nodes of."""
    global Value
    Value = cls  # type: ignore[misc]  # the one assignment: a class bound after load


_new = object.__new__


def lift(x: Any) -> Value | None:
    """A Value as is; a number or array as a constant leaf; None for anything else."""
    if x.__class__ is Value:
        return x
    if _is_scalar(x) or isinstance(x, np.ndarray):
        return Value(x, requires_grad=False)
    return None


def _node(data: Data, op: Op, a: Any, b: Value | None) -> Value:
    v = _new(Value)
    v.data = data
    v.grad = 0.0 if data.__class__ is float else _unset_grad(data.shape)  # type: ignore[union-attr]
    v.label = ""
    v._n = 0
    if _plain:
        v._row = op
        v._a = a
        v._b = b
        return v
    mode = modes.current()
    if mode.grad_enabled:
        v._row = op
        v._a = a
        v._b = b
    else:
        v._row = None
        v._a = None
        v._b = UNRECORDED
    for observe in mode.node_observers:
        observe(v if mode.grad_enabled else _node_for_report(data, op, a, b))
    return v


def _block_nodes(data: Sequence[np.ndarray], op: Op, inputs: Sequence[tuple[Any, Value | None]]
                 ) -> list[Value]:
    """One node of ``op`` per array of ``data`` (1-D, of one size), node j made from
    ``inputs[j]`` (the ``a, b`` of :func:`_node`): the nodes of ops evaluated together,
    whose data are the rows of one block (see :mod:`autograd.blocks`).  In a mode, each
    node is built by :func:`_node`."""
    if not _plain:
        return [_node(d, op, a, b) for d, (a, b) in zip(data, inputs)]
    grads = _unset_grad((len(data), data[0].shape[0]))
    nodes = []
    for d, g, (a, b) in zip(data, grads, inputs):
        v = _new(Value)
        v.data = d
        v.grad = g
        v.label = ""
        v._n = 0
        v._row = op
        v._a = a
        v._b = b
        nodes.append(v)
    return nodes


def _node_for_report(data: Data, op: Op, a: Any, b: Value | None) -> Value:
    """A node with its op and parents, built only to describe an op under no_grad."""
    v = _new(Value)
    v.data, v.grad, v.label, v._n, v._row, v._a, v._b = data, 0.0, "", 0, op, a, b
    return v


def apply1(op: Op, a: Value) -> Value:
    """Build a node of the one-input row ``op`` on the Value ``a``."""
    outside = bool(op.domain) and _check_domain(op, (a,))
    x = a.data
    try:
        if x.__class__ is float:
            data = op.forward(x) if not outside else _overflowed(op, (x,))
        else:
            with np.errstate(all="ignore"):
                data = op.forward(x)
    except OverflowError:
        data = _overflowed(op, (x,))
    except (ArithmeticError, ValueError) as err:  # e.g. a math domain error
        raise _forward_failed(op, (a,), err) from None
    else:
        if not outside and x.__class__ is not float:
            _refuse_new_nan(op, (a,), data)  # its own message: not wrapped again
    return _node(data, op, a, None)


def apply2(op: Op, a: Any, b: Any) -> Value:
    """Build a node of the two-input row ``op``; numbers become constants.

    Returns NotImplemented when an operand is neither a Value nor a number.
    """
    if a.__class__ is not Value:
        a = lift(a)
    if b.__class__ is not Value:
        b = lift(b)
    if a is None or b is None:
        return NotImplemented
    x = a.data
    y = b.data
    if x.__class__ is not float and y.__class__ is not float and x.shape != y.shape:
        labels = f" (labels {a.label!r} and {b.label!r})" if a.label or b.label else ""
        raise ValueError(f"{op.name}: batches of different sizes, {x.shape[0]} and {y.shape[0]}{labels}")
    outside = bool(op.domain) and _check_domain(op, (a, b))
    try:
        if x.__class__ is float and y.__class__ is float:
            data = op.forward(x, y) if not outside else _overflowed(op, (x, y))
        else:
            with np.errstate(all="ignore"):
                data = op.forward(x, y)
    except OverflowError:
        data = _overflowed(op, (x, y))
    except (ArithmeticError, ValueError) as err:
        # a nan passed the domain: it propagates, as in a batch (nan / 0 is nan there)
        if (x.__class__ is float and x != x) or (y.__class__ is float and y != y):
            data = _overflowed(op, (x, y))
        else:
            raise _forward_failed(op, (a, b), err) from None
    else:
        if not outside and (x.__class__ is not float or y.__class__ is not float):
            _refuse_new_nan(op, (a, b), data)  # its own message: not wrapped again
    return _node(data, op, a, b)


def binary_methods(op: Op) -> tuple[Callable[..., Value], Callable[..., Value]]:
    """``__op__`` and ``__rop__`` for a binary row of the table.

    The common case (two float Values, no mode anywhere) is handled inline: it
    is the hot path of every network, and one Python call per op is what keeps
    the engine fast.
    """
    forward = op.forward
    domain = op.domain

    def method(self: Value, other: Any) -> Value:
        if _plain and other.__class__ is Value:
            x = self.data
            y = other.data
            if x.__class__ is float and y.__class__ is float and not domain:
                v = _new(Value)
                v.data = forward(x, y)
                v.grad = 0.0
                v.label = ""
                v._n = 0
                v._row = op
                v._a = self
                v._b = other
                return v
        return apply2(op, self, other)

    def reflected(self: Value, other: Any) -> Value:
        return apply2(op, other, self)

    dunder = {"add": "add", "sub": "sub", "mul": "mul", "div": "truediv", "mod": "mod",
              "floordiv": "floordiv"}[op.name]
    method.__name__, reflected.__name__ = f"__{dunder}__", f"__r{dunder}__"
    method.__qualname__, reflected.__qualname__ = f"Value.__{dunder}__", f"Value.__r{dunder}__"
    article = "an" if op.name == "add" else "a"
    method.__doc__ = f"self {op.symbol} other, recorded as {article} {op.name!r} node."
    reflected.__doc__ = f"other {op.symbol} self, for a number (or array) on the left."
    return method, reflected


def table_method(op: Op) -> Callable[..., Value]:
    """The Value method of a row that names one: ``v.tan()``, ``v.atan2(x)``."""
    if op.arity == 1:
        def method(self: Value) -> Value:
            return apply1(op, self)
    else:
        def method(self: Value, other: Any) -> Value:  # type: ignore[misc]
            result = apply2(op, self, other)
            if result is NotImplemented:
                raise TypeError(f"{op.name}: the other input must be a Value or a number, "
                                f"not {type(other).__name__}")
            return result
    method.__name__ = op.method
    method.__qualname__ = f"Value.{op.method}"
    method.__doc__ = f"{op.name}, a row of the derivative table (d/dx = {op.formula[0]})."
    return method


def apply_nary(op: Op, args: Sequence[Any]) -> Value:
    """Build an op of many inputs (``sum``, ``dot``); numbers become constants."""
    nodes = []
    datas = []
    batch = False
    for x in args:
        v = x if x.__class__ is Value else lift(x)  # a neuron's inputs: no call per Value
        if v is None:
            raise TypeError(f"{op.name}: inputs must be Values or numbers, not {type(x).__name__}")
        nodes.append(v)
        d = v.data
        datas.append(d)
        if d.__class__ is not float:
            batch = True
    if not nodes:
        raise ValueError(f"{op.name}: needs at least one input")
    if batch:
        sizes = {d.shape[0] for d in datas if d.__class__ is not float}  # type: ignore[union-attr]
        if len(sizes) > 1:
            raise ValueError(f"{op.name}: batches of different sizes {sorted(sizes)}")
    if op.domain:
        _check_domain(op, nodes)
    if batch:
        with np.errstate(all="ignore"):
            data = op.forward(datas)
        _refuse_new_nan(op, nodes, data)
    else:  # floats: Python's arithmetic warns about nothing, and a nan is refused by math
        data = op.forward(datas)
    return _node(data, op, tuple(nodes), None)


def apply(op: Op, *args: Any) -> Value:
    """Build a node of ``op`` (a row like those of :mod:`autograd.ops`) on ``args``.

    This is how user-defined ops (``autograd.op``) enter graphs: they are
    checked, recorded and differentiated exactly like the built-in ones.
    """
    if op.arity == 1:
        if len(args) != 1:
            raise TypeError(f"{op.name}: takes 1 input, got {len(args)}")
        a = lift(args[0])
        if a is None:
            raise TypeError(
                f"{op.name}: input must be a Value or a number, not {type(args[0]).__name__}"
            )
        return apply1(op, a)
    if op.arity == 2:
        if len(args) != 2:
            raise TypeError(f"{op.name}: takes 2 inputs, got {len(args)}")
        result = apply2(op, args[0], args[1])
        if result is NotImplemented:
            raise TypeError(f"{op.name}: inputs must be Values or numbers")
        return result
    return apply_nary(op, args)


def op_of(node: Value) -> Op | None:
    """The table row that made ``node`` (None for a leaf)."""
    return node._row
