"""Your own op with your own derivative.

>>> import math
>>> from autograd import Value
>>> my_tanh = op(math.tanh, lambda z: 1 - z * z, uses="output", name="my_tanh")
>>> y = my_tanh(Value(0.5, label="x"))
>>> y.op
'my_tanh'

The derivative may be written from the op's input (``uses="input"``, the
default), from its output (``uses="output"``, like the sigmoid rule
σ'(x) = σ(1 − σ) written as ``z * (1 - z)``), or from both (``uses="both"``,
called as ``derivative(x, z)``).  A two-input op (``arity=2``) returns the pair
(dz/dx, dz/dy) and is called with ``(x, y)``, ``(z,)`` or ``(x, y, z)``.

The op becomes a row like those of :mod:`autograd.ops` and enters graphs through
:func:`autograd.nodes.apply`, so backward, ``gradcheck``, ``locate``,
``explain`` and anomaly mode treat it like a built-in.  Forward and derivative
receive floats, 1-D numpy arrays (batches; a function written with
:mod:`math` is applied sample by sample), or, for second derivatives
(``create_graph=True``), Values: a derivative written with plain arithmetic
differentiates again, one written with :mod:`math` gives first derivatives only
(``gradgradcheck`` will say so).
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd.nodes import apply
from autograd.ops import Op
from autograd.text import clean
from autograd.value import Value

__all__ = ["CustomOp", "op"]

_USES = ("input", "output", "both")


def _data(result: Any, like: Any, name: str = "custom op") -> Any:
    """A forward's or a derivative's result as the engine's data types.

    A pair (the two partials of a 2-input op) is converted element by element;
    anything that is not a real number (or an array of them) is refused here,
    naming the op, rather than failing later inside the backward pass.
    """
    if isinstance(result, Value):
        return result
    if isinstance(result, tuple):
        return tuple(_data(r, like, name) for r in result)
    if isinstance(like, np.ndarray):
        try:
            arr = np.asarray(result, dtype=np.float64)
            return np.broadcast_to(arr, like.shape).copy() if arr.shape != like.shape else arr
        except (TypeError, ValueError):
            raise TypeError(f"{name}: returned {result!r}, not a number per sample") from None
    if isinstance(result, np.ndarray) and result.shape == ():
        return float(result)
    if isinstance(result, (numbers.Real, np.bool_)):
        return float(result)
    raise TypeError(f"{name}: returned {type(result).__name__} {result!r}, not a real number")


def _elementwise(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``fn`` on floats as is; on batches as is when it handles arrays, else per sample."""

    def call(*args: Any) -> Any:
        if any(isinstance(a, Value) for a in args):  # create_graph: the rule on Values
            try:
                return _data(fn(*args), None, name)
            except TypeError:
                # A rule written with math.* cannot take Values: use its number as a
                # constant.  It is then right to first order only (gradgradcheck says so).
                plain = call(*[a.data if isinstance(a, Value) else a for a in args])
                if isinstance(plain, tuple):
                    return tuple(Value(p) for p in plain)
                return Value(plain)
        like = next((a for a in args if isinstance(a, np.ndarray)), None)
        if like is None:
            return _data(fn(*args), None, name)
        try:
            with np.errstate(all="ignore"):
                out = fn(*args)
        except (TypeError, ValueError):
            out = np.vectorize(fn, otypes=[np.float64])(*args)
        return _data(out, like, name)

    return call


def _n_params(fn: Callable[..., Any]) -> int | None:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind in (p.VAR_POSITIONAL,) for p in params):
        return None
    return sum(1 for p in params if p.default is p.empty and p.kind != p.KEYWORD_ONLY)


class CustomOp:
    """A user-defined op: call it on Values (or numbers) to build a node.

    ``.row`` is its :class:`autograd.ops.Op`, the same kind of row as the
    built-ins.
    """

    def __init__(
        self,
        forward: Callable[..., Any],
        derivative: Callable[..., Any],
        *,
        uses: str = "input",
        name: str | None = None,
        formula: str | tuple[str, ...] | None = None,
        arity: int | None = None,
        kink: Callable[[Any], Any] | None = None,
        symbol: str | None = None,
    ) -> None:
        if uses not in _USES:
            raise ValueError(f"op: uses must be one of {_USES}, not {uses!r}")
        n_forward = _n_params(forward)
        arity = arity if arity is not None else (n_forward or 1)
        if arity not in (1, 2):
            raise ValueError(f"op: only ops of 1 or 2 inputs can be defined, not {arity}")
        wanted = {"input": arity, "output": 1, "both": arity + 1}[uses]
        n_derivative = _n_params(derivative)
        if n_derivative is not None and n_derivative != wanted:
            raise TypeError(
                f"op: with uses={uses!r} the derivative of a {arity}-input op is called with "
                f"{wanted} argument(s), but it takes {n_derivative}"
            )
        op_name = str(name or getattr(forward, "__name__", "custom"))
        if op_name == "<lambda>":
            op_name = "custom"
        if not op_name.isprintable() or len(op_name) > 100:  # it is printed by every tool
            raise ValueError(f"op: the name must be printable text of at most 100 characters, "
                             f"got {clean(repr(op_name), limit=60)}")
        fed = {"input": "x" if arity == 1 else "x, y", "output": "z", "both": "x, z"}[uses]
        if formula is None:
            formula = (f"{op_name}'({fed})",) if arity == 1 else (f"d{op_name}/dx({fed})",
                                                               f"d{op_name}/dy({fed})")
        elif isinstance(formula, str):
            formula = (formula,)
        self.forward = forward
        self.derivative = derivative
        self.uses = uses
        self.name = op_name
        fwd = _elementwise(forward, f"op {op_name!r}: forward")
        d = _elementwise(derivative, f"op {op_name!r}: derivative")
        local: Callable[..., Any]
        if arity == 1:
            if uses == "input":
                def local(x: Any, z: Any) -> Any:
                    return d(x)
            elif uses == "output":
                def local(x: Any, z: Any) -> Any:
                    return d(z)
            else:
                def local(x: Any, z: Any) -> Any:
                    return d(x, z)
        else:
            if uses == "input":
                def local(x: Any, y: Any, z: Any) -> Any:
                    return _pair(d(x, y), op_name)
            elif uses == "output":
                def local(x: Any, y: Any, z: Any) -> Any:
                    return _pair(d(z), op_name)
            else:
                def local(x: Any, y: Any, z: Any) -> Any:
                    return _pair(d(x, y, z), op_name)
        at_kink: Callable[..., Any] | None = kink
        if kink is not None and arity == 2:  # the table calls kink(x, y); the user's takes x
            user_kink = kink
            at_kink = lambda x, y: user_kink(x)  # noqa: E731
        self.row = Op(op_name, symbol or op_name, arity, fwd, local, tuple(formula), (), None,
                      at_kink, source=self)
        self._args = (forward, derivative, uses, name, formula, arity, kink, symbol)

    def __reduce__(self) -> tuple[Any, ...]:
        forward, derivative = self._args[:2]
        for fn in (forward, derivative):
            qualname = getattr(fn, "__qualname__", "")
            if "<lambda>" in qualname or "<locals>" in qualname:
                raise TypeError(
                    f"op {self.name!r} cannot be pickled: its {'forward' if fn is forward else 'derivative'} "
                    f"is {'a lambda' if '<lambda>' in qualname else 'a local function'}; define both "
                    "functions at module level (def ...) so that pickle can find them"
                )
        return (_remake, self._args)

    def __call__(self, *args: Any) -> Value:
        return apply(self.row, *args)

    def __repr__(self) -> str:
        return f"<custom op {self.name!r}, derivative from the {self.uses}>"


def _remake(forward: Callable[..., Any], derivative: Callable[..., Any], uses: str, name: str | None,
            formula: Any, arity: int | None, kink: Any, symbol: str | None) -> CustomOp:
    return CustomOp(forward, derivative, uses=uses, name=name, formula=formula, arity=arity,
                    kink=kink, symbol=symbol)


def _pair(result: Any, name: str) -> tuple[Any, Any]:
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(f"{name}: the derivative of a 2-input op must return (dz/dx, dz/dy)")
    return result[0], result[1]


def op(
    forward: Callable[..., Any] | None = None,
    derivative: Callable[..., Any] | None = None,
    *,
    uses: str = "input",
    name: str | None = None,
    formula: str | tuple[str, ...] | None = None,
    arity: int | None = None,
    kink: Callable[[Any], Any] | None = None,
) -> Any:
    """Define an op from a forward function and a hand-written local derivative.

    ``op(forward, derivative, uses="input" | "output" | "both")`` returns a
    :class:`CustomOp`; without ``forward`` it is a decorator::

        @autograd.op(derivative=lambda z: z * (1 - z), uses="output")
        def my_sigmoid(x):
            return 1 / (1 + math.exp(-x))

    ``formula`` is the derivative in words for :func:`autograd.explain`;
    ``kink(x)`` says where the op has a kink (reported as such by gradcheck).
    """
    if derivative is None:
        raise TypeError("op: a derivative is required")

    def make(fn: Callable[..., Any]) -> CustomOp:
        return CustomOp(fn, derivative, uses=uses, name=name, formula=formula, arity=arity,
                        kink=kink)

    if forward is None:
        return make
    return make(forward)
