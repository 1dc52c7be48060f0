"""``Value``, the graph node: its layout, its structure and the methods the table's ops give it.

Node layout.  A Value is one object with ``__slots__``: its data, its grad, its
label, the row of :mod:`autograd.ops` that made it (``_row``) and its parents in
``_a``/``_b`` (two slots rather than a tuple, so a node is a single container
object: the cyclic garbage collector's work grows with the number of container
objects, and a graph holds no reference cycles, so it is freed by reference
counting the moment it is dropped).  An op with many inputs keeps them as a
tuple in ``_a``.  ``_n`` is scratch space for the backward pass
(:mod:`autograd.backward`): the number of the last pass that visited the node.

A leaf (no ``_row``) keeps in ``_b`` whether it takes part in differentiation:
``None`` for an input or a parameter, :data:`CONSTANT` for a number that
entered the graph as an operand or a ``requires_grad=False`` Value, and
:data:`UNRECORDED` for a result computed under ``no_grad()``.

The methods off the fast path (printing, pickling, micrograd's names, the
tools) are in :mod:`autograd.value_extras`, Value's base class; the checks of
the forward pass and their messages in :mod:`autograd.value_checks`; data
conversion in :mod:`autograd.value_data`; how an op builds a node (and the fast
``+ - * /``) in :mod:`autograd.nodes`.
"""

from __future__ import annotations

from typing import Any, Union

import numpy as np

from autograd import nodes, ops
from autograd.nodes import (  # noqa: F401 - CONSTANT, UNRECORDED, lift, apply*: imported from here too
    CONSTANT,
    UNRECORDED,
    _new,
    apply,
    apply1,
    apply2,
    apply_nary,
    binary_methods,
    lift,
    op_of,
    table_method,
)
from autograd.ops import Op
from autograd.value_checks import describe
from autograd.value_data import (
    Data,
    _is_scalar,
    _param,
    _short_number,
    _unset_grad,
    fmt_data,  # noqa: F401 - part of this module's namespace, as before the split
    to_data,
    zeros_like,
)
from autograd.value_extras import _MICROGRAD_NODE, ValueExtras

Operand = Union["Value", int, float, np.ndarray]


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
            return apply1(ops.pow_const_op(_power_number(other, self, "exponent")), self)
        return apply2(ops.POW, self, other)

    def __rpow__(self, other: Operand) -> Value:
        if _is_scalar(other) and (base := _power_number(other, self, "base")) > 0.0:
            return apply1(ops.exp_base_op(base), self)
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

    def where(self, condition: Any, other: Operand) -> Value:
        """``self`` where ``condition`` is nonzero (True), else ``other``: PyTorch's
        ``x.where(condition, y)``, which is ``autograd.where(condition, x, y)``."""
        return apply_nary(ops.WHERE, [_condition(condition), self, other])

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




def _condition(c: Any) -> Any:
    """where's condition as a number or a float array (True is 1.0); a Value stays one."""
    if isinstance(c, Value):
        return c
    if isinstance(c, (bool, np.bool_)):
        return 1.0 if c else 0.0
    if isinstance(c, (list, tuple, np.ndarray)):
        return np.asarray(c, dtype=np.float64)
    return c


nodes.bind(Value)

Value.__add__, Value.__radd__ = binary_methods(ops.ADD)
Value.__sub__, Value.__rsub__ = binary_methods(ops.SUB)
Value.__mul__, Value.__rmul__ = binary_methods(ops.MUL)
Value.__truediv__, Value.__rtruediv__ = binary_methods(ops.DIV)
Value.__mod__, Value.__rmod__ = binary_methods(ops.MOD)
Value.__floordiv__, Value.__rfloordiv__ = binary_methods(ops.FLOORDIV)

for _row in ops.ROWS:
    if _row.method:
        setattr(Value, _row.method, table_method(_row))


def _power_number(n: Any, v: Value, role: str) -> float:
    """A number's float for ``v ** n`` or ``n ** v``; an int beyond float64 is refused
    by its size, naming the op and the Value (as a number lifted elsewhere is)."""
    try:
        return float(n)
    except OverflowError:
        raise OverflowError(f"pow: the {role}, {_short_number(n)}, is too large for a float64 "
                            f"(whose largest is 1.8e308), for {describe(v)}") from None
