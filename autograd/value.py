"""``Value``, the graph node, and how the derivative table's ops build nodes.

Node layout.  A Value is one object with ``__slots__``: its data, its grad, its
label, the row of :mod:`autograd.ops` that made it (``_row``) and its parents in
``_a``/``_b`` (two slots rather than a tuple, so a node is a single container
object: the cyclic garbage collector's work grows with the number of container
objects, and a graph holds no reference cycles, so it is freed by reference
counting the moment it is dropped).  An op with many inputs keeps them as a
tuple in ``_a``.  ``_n`` is scratch space for the backward pass
(:mod:`autograd.backward`); it is zero whenever no backward pass is running.

A leaf (no ``_row``) keeps in ``_b`` whether it takes part in differentiation:
``None`` for an input or a parameter, :data:`CONSTANT` for a number that
entered the graph as an operand or a ``requires_grad=False`` Value, and
:data:`UNRECORDED` for a result computed under ``no_grad()``.

The methods off the fast path (printing, pickling, micrograd's names, the
tools) are in :mod:`autograd.value_extras`, Value's base class; the checks of
the forward pass and their messages in :mod:`autograd.value_checks`; data
conversion in :mod:`autograd.value_data`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Union

import numpy as np

from autograd import modes, ops
from autograd.ops import Op
from autograd.value_checks import (
    _check_domain,
    _forward_failed,
    _overflowed,
    _refuse_new_nan,
    describe,  # noqa: F401 - imported from here by backward and verify
)
from autograd.value_data import (
    Data,
    _is_scalar,
    _param,
    _unset_grad,
    fmt_data,  # noqa: F401 - part of this module's namespace, as before the split
    to_data,
    zeros_like,
)
from autograd.value_extras import _MICROGRAD_NODE, ValueExtras

Operand = Union["Value", int, float, np.ndarray]

CONSTANT = "constant"  # in a leaf's _b: a constant (backward skips it)
UNRECORDED = "unrecorded"  # in a leaf's _b: made by an op under no_grad()

_plain = True  # no thread is in any mode (see autograd.modes): ops take the fast path


def _set_plain(plain: bool) -> None:
    global _plain
    _plain = plain


modes.watch(_set_plain)


class Value(ValueExtras):
    """A scalar (or a batch of scalars) in a computation graph.

    >>> x = Value(2.0, label="x")
    >>> y = (x * x + 1.0).tanh()
    >>> y.backward()
    >>> round(x.grad, 6)
    0.000363
    """

    __slots__ = ("data", "grad", "label", "_row", "_a", "_b", "_n", "__weakref__")
    # numpy arrays and scalars defer to Value's reflected operators, so that
    # ``labels * v`` is a batch Value, not an object array of Values.
    __array_ufunc__ = None

    data: Data
    grad: Any
    label: str
    _row: Op | None
    _a: Any
    _b: Any
    _n: int

    def __init__(self, data: Any, label: Any = "", _op: str = "", *,
                 requires_grad: bool = True) -> None:
        """A leaf: ``data`` is a real number (stored as float) or a 1-D array (a batch).

        ``requires_grad=False`` makes a constant: backward leaves its ``grad`` at 0.
        """
        if not isinstance(label, str):
            if isinstance(label, (tuple, list, set, frozenset)) and (label or _op):
                raise TypeError(_MICROGRAD_NODE)
            if not isinstance(label, (tuple, list, set, frozenset)):
                raise TypeError(f"Value label must be a str, not {type(label).__name__}")
            label = ""
        if not isinstance(requires_grad, bool):
            raise TypeError(f"Value: requires_grad must be True or False, not {requires_grad!r}")
        self.data = to_data(data)
        if requires_grad or self.data.__class__ is float:
            self.grad = zeros_like(self.data)
        else:  # a constant's grad stays zero: no array of zeros is needed
            self.grad = _unset_grad(self.data.shape)  # type: ignore[union-attr]
        self.label = label
        self._row = None
        self._a = None
        self._b = None if requires_grad else CONSTANT
        self._n = 0

    # ------------------------------------------------------------ structure
    @property
    def op(self) -> str:
        """Name of the op that made this node, ``""`` for a leaf."""
        return "" if self._row is None else self._row.name

    @property
    def parents(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in argument order."""
        a = self._a
        if a is None:
            return ()
        if a.__class__ is tuple:
            return a
        return (a,) if self._b is None else (a, self._b)

    @property
    def is_leaf(self) -> bool:
        """True for a Value no op made (an input, a parameter, a constant)."""
        return self._row is None

    @property
    def requires_grad(self) -> bool:
        """False for a constant (a number in an expression, ``requires_grad=False``, or a
        result computed under ``no_grad()``): backward gives it no gradient."""
        return self._row is not None or self._b is None

    @property
    def is_batch(self) -> bool:
        """True when ``data`` is a batch (a 1-D array, one entry per sample)."""
        return self.data.__class__ is not float

    def __copy__(self) -> Value:
        v = _new(Value)
        v.data, v.grad, v.label, v._row, v._a, v._b, v._n = (
            self.data, self.grad, self.label, self._row, self._a, self._b, 0)
        return v

    def detach(self) -> Value:
        """A constant leaf holding the same data (out of the graph, no gradient)."""
        return Value(self.data, self.label, requires_grad=False)

    # --------------------------------------------------------- unary ops
    def exp(self) -> Value:
        """e**self."""
        return apply1(ops.EXP, self)

    def log(self) -> Value:
        """Natural logarithm (the input must be positive)."""
        return apply1(ops.LOG, self)

    def sqrt(self) -> Value:
        """Square root (the input must be non-negative)."""
        return apply1(ops.SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return apply1(ops.TANH, self)

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e**-x)."""
        return apply1(ops.SIGMOID, self)

    def relu(self) -> Value:
        """max(x, 0); its derivative at 0 is taken as 0."""
        return apply1(ops.RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, slope * x otherwise."""
        return apply1(ops.leaky_relu_op(_param(slope, "leaky_relu", "slope")), self)

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, alpha * (e**x - 1) otherwise."""
        return apply1(ops.elu_op(_param(alpha, "elu", "alpha")), self)

    def softplus(self) -> Value:
        """log(1 + e**x), computed without overflow."""
        return apply1(ops.SOFTPLUS, self)

    def silu(self) -> Value:
        """x * sigmoid(x) (also called swish)."""
        return apply1(ops.SILU, self)

    def gelu(self) -> Value:
        """Exact GELU, x * Phi(x) with Phi the standard normal CDF (not the tanh form)."""
        return apply1(ops.GELU, self)

    def sin(self) -> Value:
        """Sine."""
        return apply1(ops.SIN, self)

    def cos(self) -> Value:
        """Cosine."""
        return apply1(ops.COS, self)

    def erf(self) -> Value:
        """Error function."""
        return apply1(ops.ERF, self)

    def sum(self) -> Value:
        """Sum over the samples of a batch (a float Value is returned as is)."""
        return self if self.data.__class__ is float else apply1(ops.BATCH_SUM, self)

    def mean(self) -> Value:
        """Mean over the samples of a batch (a float Value is returned as is)."""
        return self if self.data.__class__ is float else apply1(ops.BATCH_MEAN, self)

    def __neg__(self) -> Value:
        return apply1(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return apply1(ops.ABS, self)

    def __pow__(self, other: Operand) -> Value:
        if other.__class__ is Value:
            return apply2(ops.POW, self, other)
        if _is_scalar(other):
            return apply1(ops.pow_const_op(float(other)), self)
        return apply2(ops.POW, self, other)

    def __rpow__(self, other: Operand) -> Value:
        if _is_scalar(other) and float(other) > 0.0:
            return apply1(ops.exp_base_op(float(other)), self)
        return apply2(ops.POW, other, self)

    def celu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, alpha * (e**(x/alpha) - 1) otherwise (alpha > 0)."""
        a = _param(alpha, "celu", "alpha")
        if a <= 0.0:
            raise ValueError(f"celu: alpha must be positive, got {alpha!r}")
        return apply1(ops.celu_op(a), self)

    def hardtanh(self, min_val: float = -1.0, max_val: float = 1.0) -> Value:
        """x clipped to [min_val, max_val]; slope 1 strictly inside, 0 at the bounds (PyTorch's)."""
        lo, hi = _param(min_val, "hardtanh", "min_val"), _param(max_val, "hardtanh", "max_val")
        if lo > hi:
            raise ValueError(f"hardtanh: min_val {lo!r} is above max_val {hi!r}")
        return apply1(ops.hardtanh_op(lo, hi), self)

    def clamp(self, min: Operand | None = None, max: Operand | None = None) -> Value:
        """min(max(x, min), max), one node; the bounds may be numbers or Values.

        As PyTorch's clamp: the gradient goes to x inside [min, max] (bounds
        included), to the bound that clips it outside, and to ``max`` when
        min > max (and, as PyTorch's, to no input when x < min == max).
        Either bound may be None (no bound on that side).
        """
        if min is None and max is None:
            raise TypeError("clamp: give min, max or both")
        lo = -np.inf if min is None else min
        hi = np.inf if max is None else max
        return apply_nary(ops.CLAMP, [self, lo, hi])

    def __round__(self, ndigits: int | None = None) -> Value:
        if ndigits is not None:
            raise TypeError("round(v, ndigits) is not an op of the table; round(v) rounds to an integer")
        return apply1(ops.ROUND, self)

    def __floor__(self) -> Value:
        return apply1(ops.FLOOR, self)

    def __ceil__(self) -> Value:
        return apply1(ops.CEIL, self)

    def __trunc__(self) -> Value:
        return apply1(ops.TRUNC, self)


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
            if not outside:
                _refuse_new_nan(op, (a,), data)
    except OverflowError:
        data = _overflowed(op, (x,))
    except (ArithmeticError, ValueError) as err:  # e.g. a math domain error
        raise _forward_failed(op, (a,), err) from None
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
            if not outside:
                _refuse_new_nan(op, (a, b), data)
    except OverflowError:
        data = _overflowed(op, (x, y))
    except (ArithmeticError, ValueError) as err:
        raise _forward_failed(op, (a, b), err) from None
    return _node(data, op, a, b)


def _binary_methods(op: Op) -> tuple[Callable[..., Value], Callable[..., Value]]:
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


Value.__add__, Value.__radd__ = _binary_methods(ops.ADD)
Value.__sub__, Value.__rsub__ = _binary_methods(ops.SUB)
Value.__mul__, Value.__rmul__ = _binary_methods(ops.MUL)
Value.__truediv__, Value.__rtruediv__ = _binary_methods(ops.DIV)
Value.__mod__, Value.__rmod__ = _binary_methods(ops.MOD)
Value.__floordiv__, Value.__rfloordiv__ = _binary_methods(ops.FLOORDIV)


def _table_method(op: Op) -> Callable[..., Value]:
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


for _row in ops.ROWS:
    if _row.method:
        setattr(Value, _row.method, _table_method(_row))


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
