"""The methods of Value that are not on the engine's fast path.

:class:`ValueExtras` is Value's base class: printing and conversion
(``repr``, ``format``, ``float()`` refused, ``bool()``, ``item()``), the
comparisons of the data (``<``, ``<=``, ``>``, ``>=``), pickling
and deep copies (through :mod:`autograd.persist`), micrograd's names (``_op``,
``_prev``, and the ``_backward`` closure refused with the way to add an op),
and the methods that call the tools built on the engine (``backward()``,
``zero_grad()``, ``draw()``, ``explore()``, imported when called).  It also
declares, for type checkers, the methods :mod:`autograd.value` makes from the
table's rows.  It holds no data: Value's ``__slots__`` do.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

import numpy as np

from autograd.value_data import Data, _is_scalar, fmt_data, zeros_like

if TYPE_CHECKING:
    from autograd.ops import Op
    from autograd.value import Operand, Value

_MICROGRAD_NODE = (
    "Value(data, children, op) with a `_backward` closure is micrograd's way of adding an op; "
    "here an op is one row with its derivative, defined once: "
    "`tanh = autograd.op(math.tanh, lambda z: 1 - z * z, uses='output', name='tanh')`, "
    "then `tanh(x)` (or use the built-in x.tanh())"
)


class ValueExtras:
    """Value's methods off the fast path (see the module's docstring)."""

    __slots__ = ()

    # Value's slots and the properties these methods read, declared for type checkers
    data: Data
    grad: Any
    label: str
    _row: Op | None
    _a: Any
    _b: Any
    _n: int

    # micrograd's names, so that code written for micrograd's Value reads this one
    @property
    def _op(self) -> str:
        return cast("Value", self).op

    @property
    def _prev(self) -> set[Value]:
        return set(cast("Value", self).parents)

    @property
    def _backward(self) -> Any:
        raise AttributeError(f"a Value has no _backward closure: its op's derivative is a row of "
                             f"the derivative table. {_MICROGRAD_NODE}")

    @_backward.setter
    def _backward(self, _: Any) -> None:
        raise AttributeError(_MICROGRAD_NODE)

    # pickle and deepcopy keep the graph, without recursion (autograd.persist)
    def __reduce__(self) -> tuple[Any, ...]:
        from autograd.persist import reduce_value

        return reduce_value(cast("Value", self))

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        from autograd.persist import copy_graph

        return copy_graph(cast("Value", self), memo)

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
        none.  With ``create_graph=True`` the leaves' gradients are Values that
        can be differentiated again (op nodes get their numbers).
        ``retain_graph`` is accepted for PyTorch code: a graph here is never
        freed by a backward pass.  If the pass fails,
        every ``.grad`` keeps what it held.
        """
        from autograd.backward import backward  # the pass builds on Value, not in it

        backward(cast("Value", self), grad, create_graph)

    def zero_grad(self) -> None:
        """Set ``grad`` to zero on this node and on every node it was computed from."""
        from autograd.graph import topological_order

        for node in topological_order(cast("Value", self)):
            node.grad = zeros_like(node.data)

    def draw(self, **options: Any) -> Any:
        """The drawing of this node's graph (see :func:`autograd.viz.draw`)."""
        from autograd.viz import draw  # the drawing tools build on the engine, not in it

        return draw(cast("Value", self), **options)

    def explore(self, **options: Any) -> Any:
        """The interactive explorer of this node's graph (see :func:`autograd.explorer.explore`)."""
        from autograd.explorer import explore  # a tool built on the engine, not in it

        return explore(cast("Value", self), **options)


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


def _compare(test: Callable[[Any, Any], Any], a: ValueExtras, b: Any) -> Any:
    """``test`` on the data of a Value and a Value, number or array (NotImplemented otherwise)."""
    if isinstance(b, ValueExtras):  # a Value (the only class built on this one)
        return test(a.data, b.data)
    if _is_scalar(b) or isinstance(b, np.ndarray):
        return test(a.data, b)
    return NotImplemented
