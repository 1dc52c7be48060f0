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
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Union

import numpy as np

from autograd import modes, ops
from autograd._math import ieee_arithmetic
from autograd.ops import Op

Data = Union[float, np.ndarray]
Operand = Union["Value", int, float, np.ndarray]

CONSTANT = "constant"  # in a leaf's _b: a constant (backward skips it)
UNRECORDED = "unrecorded"  # in a leaf's _b: made by an op under no_grad()

_plain = True  # no thread is in any mode (see autograd.modes): ops take the fast path


def _set_plain(plain: bool) -> None:
    global _plain
    _plain = plain


modes.watch(_set_plain)

_MICROGRAD_NODE = (
    "Value(data, children, op) with a `_backward` closure is micrograd's way of adding an op; "
    "here an op is one row with its derivative, defined once: "
    "`tanh = autograd.op(math.tanh, lambda z: 1 - z * z, uses='output', name='tanh')`, "
    "then `tanh(x)` (or use the built-in x.tanh())"
)


def to_data(data: Any, what: str = "Value") -> Data:
    """Turn user data into a float or a 1-D float64 array, or raise TypeError."""
    if data.__class__ is float:
        return data
    if isinstance(data, np.ndarray):
        if data.ndim == 0 and data.dtype.kind in "biuf":
            return float(data)
        if data.ndim != 1:
            raise TypeError(
                f"{what}: a batch must be a 1-D array (one entry per sample), "
                f"got an array of shape {data.shape}"
            )
        if data.dtype.kind not in "biuf":
            raise TypeError(f"{what}: a batch must hold real numbers, got dtype {data.dtype}")
        if data.shape[0] == 0:
            raise ValueError(f"{what}: a batch must hold at least one sample")
        return np.array(data, dtype=np.float64)  # a copy: the graph owns its data
    if isinstance(data, (numbers.Real, np.bool_)):
        try:
            return float(data)
        except OverflowError:
            raise OverflowError(f"{what}: {data!r} is too large for a float64") from None
    hint = " (use numpy.asarray(...) for a batch)" if isinstance(data, (list, tuple)) else ""
    raise TypeError(
        f"{what} data must be a real number (int, float, bool, numpy scalar) or a 1-D "
        f"numpy array, not {type(data).__name__}{hint}"
    )


def zeros_like(data: Data) -> Data:
    """0.0 for a float, zeros for a batch."""
    return 0.0 if data.__class__ is float else np.zeros(data.shape)  # type: ignore[union-attr]


_ZERO = bytes(8)  # the one 0.0 that every unset batch grad reads


def _unset_grad(shape: tuple[int, ...]) -> np.ndarray:
    """The grad of an op's batch node before a backward pass sets it: zeros in the
    shape of its data, read-only and without memory of their own (a pass replaces an
    op node's grad, it never adds to it, so filling an array of zeros would be
    wasted; a leaf's grad, which passes add to, is a real array)."""
    return np.ndarray(shape, np.float64, _ZERO, 0, (0,) * len(shape))


class Value:
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

    # micrograd's names, so that code written for micrograd's Value reads this one
    @property
    def _op(self) -> str:
        return self.op

    @property
    def _prev(self) -> set[Value]:
        return set(self.parents)

    @property
    def _backward(self) -> Any:
        raise AttributeError(f"a Value has no _backward closure: its op's derivative is a row of "
                             f"the derivative table. {_MICROGRAD_NODE}")

    @_backward.setter
    def _backward(self, _: Any) -> None:
        raise AttributeError(_MICROGRAD_NODE)

    # pickle and copy keep the graph, without recursion (autograd.persist)
    def __reduce__(self) -> tuple[Any, ...]:
        from autograd.persist import reduce_value

        return reduce_value(self)

    def __copy__(self) -> Value:
        v = _new(Value)
        v.data, v.grad, v.label, v._row, v._a, v._b, v._n = (
            self.data, self.grad, self.label, self._row, self._a, self._b, 0)
        return v

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        from autograd.persist import copy_graph

        return copy_graph(self, memo)

    def detach(self) -> Value:
        """A constant leaf holding the same data (out of the graph, no gradient)."""
        return Value(self.data, self.label, requires_grad=False)

    def __repr__(self) -> str:
        parts = [fmt_data(self.data), f"grad={fmt_data(self.grad)}"]
        if self.label:
            parts.append(f"label={self.label!r}")
        if self._row is not None:
            parts.append(f"op={self._row.name!r}")
        if self._b is not None and self._row is None:
            parts.append("requires_grad=False")
        return f"Value({', '.join(parts)})"

    def __float__(self) -> float:
        # Deliberately refused: float(v) is what math.sin(v) and friends call, and
        # a float silently cuts the graph (the gradient through it would be 0).
        raise TypeError(
            f"a Value {('(label ' + repr(self.label) + ') ') if self.label else ''}is not "
            "converted to float implicitly, because a plain float cuts the graph: use "
            "v.sin(), autograd.sin(v), ... to stay in the graph, or v.item() / v.data "
            "for the number itself"
        )

    def __bool__(self) -> bool:
        if self.data.__class__ is not float:
            raise ValueError(
                "the truth value of a batch Value is ambiguous (it holds one number per "
                "sample); use (v.data > 0).any() or .all()"
            )
        return self.data != 0.0

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        if self.data.__class__ is not float:
            raise TypeError(f"format: a batch Value has no format {spec!r}; format v.data's "
                            "entries (numpy.array2string) or v.mean()")
        return format(self.data, spec)

    def item(self) -> float:
        """The data as a Python float (like ``tensor.item()``); a batch raises TypeError."""
        if self.data.__class__ is not float:
            raise TypeError(f"item(): Value {self.label!r} holds a batch, not one number")
        return self.data

    # ------------------------------------------------------------ backward
    def backward(self, grad: Any = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Compute d(self)/d(node) for every node of the graph into ``node.grad``.

        ``grad`` seeds the output (1.0 by default; ones for a batch).  Leaves
        accumulate; intermediate nodes get this pass's gradient; constants get
        none.  With ``create_graph=True`` the gradients are Values that can be
        differentiated again.  ``retain_graph`` is accepted for PyTorch code:
        a graph here is never freed by a backward pass.  If the pass fails,
        every ``.grad`` keeps what it held.
        """
        from autograd.backward import backward  # the pass builds on Value, not in it

        backward(self, grad, create_graph)

    def zero_grad(self) -> None:
        """Set ``grad`` to zero on this node and on every node it was computed from."""
        from autograd.graph import topological_order

        for node in topological_order(self):
            node.grad = zeros_like(node.data)

    def draw(self, **options: Any) -> Any:
        """The drawing of this node's graph (see :func:`autograd.viz.draw`)."""
        from autograd.viz import draw  # the drawing tools build on the engine, not in it

        return draw(self, **options)

    def explore(self, **options: Any) -> Any:
        """The interactive explorer of this node's graph (see :func:`autograd.explorer.explore`)."""
        from autograd.explorer import explore  # a tool built on the engine, not in it

        return explore(self, **options)

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

    # ------------------------------------------------ comparisons (of the data)
    # <, <=, >, >= compare .data and give a bool (a bool array for a batch), so
    # sorted(values), max(a, b) and `if v > 0:` work as for floats.  == is left
    # as identity, so Values stay usable as dict keys and in sets.
    def __lt__(self, other: Any) -> Any:
        return _compare(operator.lt, self, other)

    def __le__(self, other: Any) -> Any:
        return _compare(operator.le, self, other)

    def __gt__(self, other: Any) -> Any:
        return _compare(operator.gt, self, other)

    def __ge__(self, other: Any) -> Any:
        return _compare(operator.ge, self, other)

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

    # Methods made from the table's rows that name one (``Op.method``), below the
    # class; declared here so that type checkers see them.
    tan: ClassVar[Callable[[Value], Value]]
    asin: ClassVar[Callable[[Value], Value]]
    acos: ClassVar[Callable[[Value], Value]]
    atan: ClassVar[Callable[[Value], Value]]
    sinh: ClassVar[Callable[[Value], Value]]
    cosh: ClassVar[Callable[[Value], Value]]
    asinh: ClassVar[Callable[[Value], Value]]
    acosh: ClassVar[Callable[[Value], Value]]
    atanh: ClassVar[Callable[[Value], Value]]
    log1p: ClassVar[Callable[[Value], Value]]
    expm1: ClassVar[Callable[[Value], Value]]
    log2: ClassVar[Callable[[Value], Value]]
    log10: ClassVar[Callable[[Value], Value]]
    exp2: ClassVar[Callable[[Value], Value]]
    cbrt: ClassVar[Callable[[Value], Value]]
    erfc: ClassVar[Callable[[Value], Value]]
    sign: ClassVar[Callable[[Value], Value]]
    floor: ClassVar[Callable[[Value], Value]]
    ceil: ClassVar[Callable[[Value], Value]]
    round: ClassVar[Callable[[Value], Value]]
    trunc: ClassVar[Callable[[Value], Value]]
    mish: ClassVar[Callable[[Value], Value]]
    selu: ClassVar[Callable[[Value], Value]]
    softsign: ClassVar[Callable[[Value], Value]]
    logsigmoid: ClassVar[Callable[[Value], Value]]
    hardsigmoid: ClassVar[Callable[[Value], Value]]
    hardswish: ClassVar[Callable[[Value], Value]]
    relu6: ClassVar[Callable[[Value], Value]]
    atan2: ClassVar[Callable[[Value, Operand], Value]]
    hypot: ClassVar[Callable[[Value, Operand], Value]]
    logaddexp: ClassVar[Callable[[Value, Operand], Value]]
    maximum: ClassVar[Callable[[Value, Operand], Value]]
    minimum: ClassVar[Callable[[Value, Operand], Value]]

    # binary dunders are made from the table below the class
    __add__: Callable[[Value, Operand], Value]
    __radd__: Callable[[Value, Operand], Value]
    __sub__: Callable[[Value, Operand], Value]
    __rsub__: Callable[[Value, Operand], Value]
    __mul__: Callable[[Value, Operand], Value]
    __rmul__: Callable[[Value, Operand], Value]
    __truediv__: Callable[[Value, Operand], Value]
    __rtruediv__: Callable[[Value, Operand], Value]
    __mod__: Callable[[Value, Operand], Value]
    __rmod__: Callable[[Value, Operand], Value]
    __floordiv__: Callable[[Value, Operand], Value]
    __rfloordiv__: Callable[[Value, Operand], Value]


_new = object.__new__


def fmt_data(x: Any) -> str:
    """A Value's data (or grad) as its repr shows it: a float, or a batch's summary."""
    if x.__class__ is float:
        return repr(x)
    if isinstance(x, np.ndarray):
        return f"<batch of {x.shape[0]}: mean {x.mean():.4g}, min {x.min():.4g}, max {x.max():.4g}>"
    return repr(x)


def _is_scalar(x: Any) -> bool:
    return x.__class__ in (int, float, bool) or isinstance(x, (numbers.Real, np.bool_))


def _param(x: Any, op: str, name: str) -> float:
    if not _is_scalar(x) or not np.isfinite(float(x)):
        raise TypeError(f"{op}: {name} must be a finite real number, got {x!r}")
    return float(x)


def _compare(test: Callable[[Any, Any], Any], a: Value, b: Any) -> Any:
    """``test`` on the data of a Value and a Value, number or array (NotImplemented otherwise)."""
    if b.__class__ is Value:
        return test(a.data, b.data)
    if _is_scalar(b) or isinstance(b, np.ndarray):
        return test(a.data, b)
    return NotImplemented


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


# ---------------------------------------------------------------- forward
def describe(node: Value, sample: int | None = None) -> str:
    """``-2.0 (x)``: a node's value and, when it has one, its name, for error messages."""
    from autograd.graph import display_name  # only on the error path

    data = node.data
    if sample is not None and data.__class__ is not float:
        text = f"{float(data[sample])!r} at sample {sample}"  # type: ignore[index]
    else:
        text = fmt_data(data)
    if node.label:
        return f"{text} (label {node.label!r})"
    if node._row is not None:
        return f"{text} ({display_name(node)})"
    return text


def _check_domain(op: Op, args: Sequence[Value]) -> bool:
    """Refuse inputs outside the op's domain; a nan input passes (nan propagates).

    Inside a rule rebuilt with IEEE results (``_math._ieee``) they pass too, and
    the answer is True: the forward is then numpy's (inf at a pole, nan outside).
    """
    for dom in op.domain:
        xs = [a.data for a in args]
        with np.errstate(invalid="ignore"):
            ok = dom.ok(*xs)
        if ok is True or ok is np.True_:
            continue
        if isinstance(ok, np.ndarray):
            ok = ok | _any_nan(xs)
            if ok.all():
                continue
            if ieee_arithmetic():
                return True
            raise dom.error(f"{op.name}: needs {dom.needs}, got "
                            f"{_inputs(args, int(np.argmin(ok)))}")
        if any(x != x for x in xs):
            continue
        if ieee_arithmetic():
            return True
        raise dom.error(f"{op.name}: needs {dom.needs}, got {_inputs(args)}")
    return False


def _any_nan(xs: Sequence[Any]) -> Any:
    """Per sample: does any of the inputs hold nan there."""
    found: Any = False
    for x in xs:
        found = found | np.isnan(x)
    return found


# Rows whose forward is float arithmetic: inf - inf or 0 * inf give nan quietly, in
# float mode as in numpy.  Every other row refuses a nan it makes from numbers.
_ARITHMETIC = frozenset({"add", "sub", "mul", "div", "neg", "identity", "sum", "dot"})


def _overflowed(op: Op, xs: Sequence[Any]) -> Any:
    """The row's value where float arithmetic raised OverflowError (or where an IEEE
    result is asked for outside the domain): its forward on a one-sample batch, so
    that an overflow is +-inf in float mode as in batch mode."""
    with np.errstate(all="ignore"):
        out = op.forward(*[np.array([x], dtype=np.float64) for x in xs])
    return float(np.asarray(out)[0])


def _refuse_new_nan(op: Op, args: Sequence[Value], data: Any) -> None:
    """A batch result nan where no input is nan: the op is undefined there.

    Float mode raises there (Python's math refuses, e.g. sin(inf)); so does a
    batch, naming the first such sample.
    """
    if op.name in _ARITHMETIC or not isinstance(data, np.ndarray):
        return
    bad = np.isnan(data)
    if not bad.any():
        return
    bad = bad & ~_any_nan([a.data for a in args])
    if bad.any():
        raise ValueError(f"{op.name}: undefined (not a number) for {_inputs(args, int(np.argmax(bad)))}")


def _inputs(args: Sequence[Value], sample: int | None = None) -> str:
    # "1.0 and 0.0 (label 'd')": the inputs in order, without names that could be
    # mistaken for the user's own variables
    return " and ".join(describe(a, sample) for a in args)


def _forward_failed(op: Op, args: Sequence[Value], err: Exception) -> Exception:
    reason = "the result does not fit in a float64" if isinstance(err, OverflowError) else str(err)
    return type(err)(f"{op.name}: {reason}, for {_inputs(args)}")


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
