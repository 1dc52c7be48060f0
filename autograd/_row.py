"""The shape of one row of the derivative table (:class:`Op`) and the helpers that make rows.

The rows themselves live in :mod:`autograd.ops` (which lists every one) and in
its family modules (``ops_elementary``, ``ops_piecewise``, ``ops_activations``,
``ops_reductions``); this module holds only what they share, so that the
families can be imported by :mod:`autograd.ops` without a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NARY = -1  # arity of ops that take any number of inputs


@dataclass(frozen=True)
class Domain:
    """A condition the inputs must meet, checked when the op is built.

    ``ok`` is written with comparisons and ``|``/``&`` so that it works on a
    float (giving a bool) and on a batch (giving a bool array) alike.
    """

    ok: Callable[..., Any]
    error: type[Exception]
    needs: str
    # The condition in the expression language, over the inputs x (and y), when it
    # bounds one input by a number ("x >= 1"): the symbolic tools read it (a proof
    # may take acosh's input as positive).  "" when it is not written so.
    condition: str = ""


@dataclass(frozen=True)
class Op:
    """One row of the table."""

    name: str
    symbol: str  # what a drawing shows in the op's node
    arity: int  # 1, 2 or NARY
    forward: Callable[..., Any]
    local: Callable[..., Any]
    formula: tuple[str, ...]  # the local derivative(s) in words, for explain()
    domain: tuple[Domain, ...] = ()
    param: float | None = None  # the constant of leaky_relu, elu, x**n, c**x
    # Where the op sits exactly on a kink, from its inputs' data (called like
    # ``forward``: kink(x), kink(x, y), kink([x1, ..., xn])); gradcheck reports
    # a finite difference there as a kink, not a failure.
    kink: Callable[..., Any] | None = field(default=None, compare=False)
    # The local derivatives when they do not depend on the point (add, sub):
    # the same numbers ``local`` returns, kept so the float loop can skip the call.
    constant: tuple[float, ...] | None = None
    # How a node of this op is written from its inputs' names ("{0} + {1}"), and
    # how tightly it binds (1: + -, 2: * /, 3: unary -, 4: **, 9: a call); "" is
    # the call notation name(x, y).  Read by autograd.graph's display names.
    notation: str = ""
    precedence: int = 9
    # The rule's shape, for the float loop of autograd.backward to apply without a
    # call: "sum" (1, 1), "difference" (1, -1), "product" (y, x); "" for any other.
    # tests/test_ops.py checks that each shape says what the rule computes.
    shape: str = ""
    # The Value method that builds this op (``v.tan()``, ``v.atan2(x)``), attached
    # by autograd.value (from autograd.nodes) from the table; "" when the method is written by hand.
    method: str = ""
    # Which smooth piece of a piecewise op the inputs lie on (called like
    # ``kink``; any number or array of numbers).  A finite difference whose two
    # evaluations lie on different pieces straddles a kink.  None: the sign of
    # the first input (the kinks of relu, abs, leaky_relu and elu are at 0).
    piece: Callable[..., Any] | None = field(default=None, compare=False)
    # The autograd.op that made a custom row (None for the table's own rows).
    source: Any = field(default=None, compare=False, repr=False)
    # True for a piecewise op with flat pieces (relu, clamp, floor, max...): where
    # its local derivative is 0 the contribution is exactly 0, even when the
    # upstream gradient is inf or nan (PyTorch computes these with where()).
    masks: bool = False
    # The words the formulas call the inputs by, when they are not x and y (clamp's
    # "x", "lo", "hi"); an n-ary row's formula names the input it is for "x_i".
    inputs: tuple[str, ...] = ()
    # (lo, hi) of a row clipped to bounds that its factory was given (hardtanh's),
    # for the symbolic tools; None for the others.
    bounds: tuple[float, float] | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        from autograd.persist import reduce_row  # pickling is not the table's business

        return reduce_row(self)

    def __copy__(self) -> Op:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Op:
        return self  # a row is immutable: copies of a graph share it


def unary(name: str, symbol: str, forward: Callable[..., Any], local: Callable[..., Any],
          formula: str, *domain: Domain, param: float | None = None,
          kink: Callable[..., Any] | None = None, notation: str = "",
          precedence: int = 9, method: str = "", piece: Callable[..., Any] | None = None,
          masks: bool = False, bounds: tuple[float, float] | None = None) -> Op:
    """A one-input row: ``local(x, z)`` is dz/dx."""
    return Op(name, symbol, 1, forward, local, (formula,), tuple(domain), param, kink,
              notation=notation, precedence=precedence, method=method, piece=piece, masks=masks,
              bounds=bounds)


def binary(name: str, symbol: str, forward: Callable[..., Any], local: Callable[..., Any],
           formula: tuple[str, str], *domain: Domain, constant: bool = False,
           notation: str = "", precedence: int = 9, shape: str = "", method: str = "",
           kink: Callable[..., Any] | None = None, piece: Callable[..., Any] | None = None,
           masks: bool = False) -> Op:
    """A two-input row: ``local(x, y, z)`` is (dz/dx, dz/dy).

    ``constant``: the rule does not depend on the point, so evaluate it once.
    """
    fixed = tuple(local(None, None, None)) if constant else None
    return Op(name, symbol, 2, forward, local, formula, tuple(domain), constant=fixed,
              notation=notation, precedence=precedence, shape=shape, method=method,
              kink=kink, piece=piece, masks=masks)


FINITE = Domain(lambda x: (x - x == 0.0) | (x != x), ValueError, "a finite input")
"""sin, cos and tan of +-inf have no value (they oscillate): outside their domain
in every mode.  nan passes, as it passes every domain."""


def at_zero(x: Any, *_: Any) -> Any:
    """Where a kinked op (relu, abs, ...) is evaluated exactly at its kink."""
    return x == 0.0
