"""SymPy, imported when first needed, and the functions the derivative table needs that SymPy lacks.

:func:`_functions` makes them once: ``sigmoid`` and ``softplus`` (SymPy
functions whose derivatives are σ(1 − σ) and σ, so results read like the
seeds' formulas), the step functions (floor, round, ...: derivative 0, as
PyTorch's), ``max``/``min`` (a tie shares the slope evenly among the tied
inputs, by position) and ``Label`` (a node's symbol, printed in LaTeX in the
seeds' notation).  :func:`_number` writes a float as SymPy reads it, exactly.
Nothing here imports SymPy when the module loads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from autograd.notation import latex_name

INSTALL = 'pip install "autograd-scalar[symbolic]"'


class SymPyMissingError(ImportError):
    """SymPy is not installed; the message says how to install it."""


def _sympy() -> Any:
    try:
        import sympy
    except ImportError as err:
        raise SymPyMissingError(
            f"this needs SymPy, which is not installed: {INSTALL}") from err
    return sympy


# ------------------------------------------------------------------ SymPy's side
@lru_cache(maxsize=1)
def _functions() -> SimpleNamespace:
    """SymPy, with the functions the table needs that SymPy lacks (made once, lazily)."""
    sp = _sympy()
    function: Any = sp.Function  # (Any: the classes below are made at run time)
    symbol: Any = sp.Symbol

    class sigmoid(function):  # noqa: N801 - printed as the expression language writes it
        """σ(x) = 1/(1 + e^-x), whose derivative is σ(x)(1 − σ(x))."""

        @classmethod
        def eval(cls, x: Any) -> Any:
            if x.is_zero:
                return sp.S.Half
            if x.is_Float:
                return 1 / (1 + sp.exp(-x))
            if x is sp.oo:
                return sp.S.One
            if x is sp.S.NegativeInfinity:
                return sp.S.Zero
            return None

        def fdiff(self, argindex: int = 1) -> Any:
            s = self.func(self.args[0])
            return s * (1 - s)

        def _eval_rewrite_as_exp(self, x: Any, **kwargs: Any) -> Any:
            return 1 / (1 + sp.exp(-x))

        def _eval_is_real(self) -> Any:
            return self.args[0].is_real

        def _eval_is_positive(self) -> Any:
            return self.args[0].is_real

        def _eval_evalf(self, prec: int) -> Any:
            return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

        def _latex(self, printer: Any, exp: Any = None) -> str:
            text = rf"\sigma\left({printer._print(self.args[0])}\right)"
            return text if exp is None else rf"{text}^{{{exp}}}"

    class softplus(function):  # noqa: N801
        """log(1 + e^x), whose derivative is σ(x)."""

        @classmethod
        def eval(cls, x: Any) -> Any:
            if x.is_Float:
                return sp.log(1 + sp.exp(x))
            return None

        def fdiff(self, argindex: int = 1) -> Any:
            return sigmoid(self.args[0])

        def _eval_rewrite_as_exp(self, x: Any, **kwargs: Any) -> Any:
            return sp.log(1 + sp.exp(x))

        def _eval_rewrite_as_log(self, x: Any, **kwargs: Any) -> Any:
            return sp.log(1 + sp.exp(x))

        def _eval_is_real(self) -> Any:
            return self.args[0].is_real

        def _eval_evalf(self, prec: int) -> Any:
            return sp.log(1 + sp.exp(self.args[0]))._eval_evalf(prec)

        def _latex(self, printer: Any, exp: Any = None) -> str:
            text = rf"\operatorname{{softplus}}\left({printer._print(self.args[0])}\right)"
            return text if exp is None else rf"{text}^{{{exp}}}"

    def flat(name: str, value: Callable[[Any], Any]) -> Any:
        """A step function (floor, round, ...): its value, and a derivative 0, as PyTorch's."""

        def eval_(cls: Any, x: Any) -> Any:
            return value(x) if x.is_Number else None

        def evalf_(self: Any, prec: int) -> Any:
            # a number that is not a Number yet (round(erf(1))): its input evaluated first
            digits = max(15, int(prec * 0.30103) + 2)
            x = self.args[0].evalf(digits)
            return sp.Float(value(x), digits) if x.is_Number else None

        return type(name, (sp.Function,), {
            "eval": classmethod(eval_),
            "fdiff": lambda self, argindex=1: sp.S.Zero,
            "_eval_is_real": lambda self: self.args[0].is_real,
            "_eval_evalf": evalf_,
        })

    def extreme(name: str, pick: Any) -> Any:
        """max or min of any number of inputs, whose derivative along input i is
        ``max_slope(i, inputs...)``: 1 for the extreme input, 1/k to each of k inputs tied
        for it, counted by position (the table's rule, PyTorch's max): max(x, x, y) at
        x = y gives x 2/3.  (SymPy's Max merges equal inputs and gives 1/2 at a tie.)"""

        def share(cls: Any, i: Any, *args: Any) -> Any:
            # any constant inputs, numbers or not (atan2(-1, -1) is -3*pi/4)
            if not (i.is_Integer and all(a.is_number for a in args)):
                return None
            best = pick(*args)
            hits = [(a - best).equals(0) for a in args]
            if any(h is None for h in hits):  # SymPy cannot tell: leave it unevaluated
                return None
            return sp.Rational(1, sum(map(bool, hits))) if hits[int(i)] else sp.S.Zero

        slope = type(f"{name}_slope", (sp.Function,), {
            "eval": classmethod(share),
            "fdiff": lambda self, argindex=1: sp.S.Zero,
            "_eval_is_real": lambda self: True,
        })

        def eval_(cls: Any, *args: Any) -> Any:
            if len(set(args)) == 1:
                return args[0]
            return pick(*args) if all(a.is_Number for a in args) else None

        def fdiff(self: Any, argindex: int = 1) -> Any:
            return slope(argindex - 1, *self.args)

        return type(name, (sp.Function,), {
            "eval": classmethod(eval_),
            "fdiff": fdiff,
            "_eval_is_real": lambda self: all(a.is_real for a in self.args) or None,
            "_eval_evalf": lambda self, prec: pick(*self.args)._eval_evalf(prec),
        })

    class Label(symbol):
        """A node's symbol: named by its display name, printed in LaTeX as explanations print it."""

        def _latex(self, printer: Any, **kwargs: Any) -> str:
            return latex_name(self.name)

    return SimpleNamespace(
        sp=sp, sigmoid=sigmoid, softplus=softplus, Label=Label,
        floor=flat("floor", sp.floor), ceil=flat("ceil", sp.ceiling),
        round=flat("round", lambda x: sp.Integer(round(float(x)))),
        trunc=flat("trunc", lambda x: sp.Integer(int(float(x)))),
        # its input's value, with derivative 0 (PyTorch's detach): where clamp's bounds
        # meet above x, z = lo = hi takes no gradient
        detach=flat("detach", lambda x: x),
        max=extreme("max", sp.Max), min=extreme("min", sp.Min),
    )


def _number(f: SimpleNamespace, x: Any) -> Any:
    """A float as SymPy reads it: exact, as the decimal Python prints (0.1 is 1/10)."""
    sp = f.sp
    x = float(x)
    if x == math.pi:
        return sp.pi
    if x == math.e:
        return sp.E
    if math.isnan(x):
        return sp.nan
    if math.isinf(x):
        return sp.oo if x > 0 else -sp.oo
    if x == int(x) and abs(x) < 2.0**53:
        return sp.Integer(int(x))
    return sp.Rational(repr(x))
