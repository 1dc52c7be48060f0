"""Random expression graphs for oracle tests.

A *recipe* is a list of steps over a growing pool of nodes: the first
``n_leaves`` entries are leaves, and each step applies one op to earlier
entries (any earlier entry, so subexpressions are shared and diamonds occur).
The same recipe is interpreted by the engine, by sympy (the exact oracle) and
by PyTorch, through a table of functions per backend, so the three graphs are
the same expression built independently.

Ops whose domain is restricted get a positive argument by construction:
``pos(u) = u*u + 0.5``.  That keeps every recipe valid without rejecting
examples, while still exercising the op itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

# name -> arity (-1: n-ary).  Covers every op of the derivative table.
OPS: dict[str, int] = {
    "add": 2, "sub": 2, "mul": 2, "div": 2, "pow": 2,
    "radd": 1, "rsub": 1, "rmul": 1, "rdiv": 1, "rpow": 1,
    "neg": 1, "abs": 1, "exp": 1, "log": 1, "sqrt": 1, "tanh": 1, "sigmoid": 1,
    "relu": 1, "leaky_relu": 1, "elu": 1, "softplus": 1, "silu": 1, "gelu": 1,
    "sin": 1, "cos": 1, "erf": 1, "square": 1, "cube": 1, "inv": 1, "root": 1,
    "sum": -1, "dot": -1,
    # trigonometric, hyperbolic, exponential and logarithmic
    "tan": 1, "asin": 1, "acos": 1, "atan": 1, "sinh": 1, "cosh": 1, "asinh": 1, "acosh": 1,
    "atanh": 1, "atan2": 2, "hypot": 2, "log1p": 1, "expm1": 1, "log2": 1, "log10": 1,
    "exp2": 1, "cbrt": 1, "erfc": 1, "logaddexp": 2,
    # piecewise
    "sign": 1, "floor": 1, "ceil": 1, "round": 1, "trunc": 1, "clamp": 3, "maximum": 2,
    "minimum": 2, "mod": 2, "floordiv": 2,
    # activations
    "mish": 1, "selu": 1, "celu": 1, "hardtanh": 1, "relu6": 1, "softsign": 1,
    "logsigmoid": 1, "hardsigmoid": 1, "hardswish": 1,
    # over many values
    "max": -1, "min": -1, "logsumexp": -1,
}
# ops whose PyTorch derivative is not float64-exact: hardsigmoid' is a float32 1/6 there
# (3e-8 off; tests/test_ops.py checks the engine's against sympy instead)
TORCH_IMPRECISE = ("hardsigmoid",)
# ops whose derivative jumps (or whose value jumps) somewhere: no central differences
PIECEWISE = ("sign", "floor", "ceil", "round", "trunc", "clamp", "maximum", "minimum", "mod",
             "floordiv", "hardtanh", "relu6", "hardsigmoid", "hardswish", "selu", "max", "min")
C = 1.5  # the constant used by the reflected ops


@dataclass(frozen=True)
class Recipe:
    leaves: tuple[float, ...]
    steps: tuple[tuple[str, tuple[int, ...]], ...]

    def __str__(self) -> str:
        lines = [f"x{i} = {v!r}" for i, v in enumerate(self.leaves)]
        n = len(self.leaves)
        for k, (op, args) in enumerate(self.steps):
            lines.append(f"n{n + k} = {op}({', '.join(_name(a, n) for a in args)})")
        return "; ".join(lines)


def _name(i: int, n_leaves: int) -> str:
    return f"x{i}" if i < n_leaves else f"n{i}"


@st.composite
def recipes(draw: Any, max_leaves: int = 3, max_steps: int = 10,
            ops: tuple[str, ...] = tuple(OPS)) -> Recipe:
    """A random expression graph with shared subexpressions."""
    n_leaves = draw(st.integers(1, max_leaves))
    leaves = tuple(
        draw(st.floats(-2.0, 2.0, allow_nan=False).filter(lambda v: abs(v) > 1e-3))
        for _ in range(n_leaves)
    )
    steps = []
    for k in range(draw(st.integers(1, max_steps))):
        pool = n_leaves + k
        op = draw(st.sampled_from(ops))
        arity = OPS[op]
        if arity == -1:
            count = draw(st.integers(1, 3)) * (2 if op == "dot" else 1) + (1 if op == "dot" else 0)
        else:
            count = arity
        # favour recent nodes so graphs get deep, but allow any earlier one
        args = tuple(draw(st.one_of(st.integers(max(0, pool - 3), pool - 1),
                                    st.integers(0, pool - 1))) for _ in range(count))
        steps.append((op, args))
    return Recipe(leaves, tuple(steps))


def build(recipe: Recipe, leaf: Callable[[int, float], Any],
          table: dict[str, Callable[..., Any]]) -> tuple[list[Any], Any]:
    """Interpret ``recipe`` with one backend: returns (leaves, root)."""
    pool = [leaf(i, v) for i, v in enumerate(recipe.leaves)]
    leaves = list(pool)
    for op, args in recipe.steps:
        pool.append(table[op](*[pool[a] for a in args]))
    return leaves, pool[-1]


def _pos(u: Any) -> Any:
    return u * u + 0.5


def _unit(u: Any) -> Any:
    """u / (1 + u*u), in [-1/2, 1/2]: inside the domain of asin, acos and atanh."""
    return u / (1 + u * u)


def _dot_generic(args: tuple[Any, ...]) -> Any:
    n = len(args) // 2
    total = args[-1]
    for i in range(n):
        total = total + args[i] * args[n + i]
    return total


def engine_table() -> dict[str, Callable[..., Any]]:
    import autograd

    return {
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
        "div": lambda a, b: a / _pos(b), "pow": lambda a, b: _pos(a) ** b,
        "radd": lambda a: C + a, "rsub": lambda a: C - a, "rmul": lambda a: C * a,
        "rdiv": lambda a: C / _pos(a), "rpow": lambda a: C ** a,
        "neg": lambda a: -a, "abs": abs, "exp": lambda a: a.exp(),
        "log": lambda a: _pos(a).log(), "sqrt": lambda a: _pos(a).sqrt(),
        "tanh": lambda a: a.tanh(), "sigmoid": lambda a: a.sigmoid(), "relu": lambda a: a.relu(),
        "leaky_relu": lambda a: a.leaky_relu(0.1), "elu": lambda a: a.elu(0.7),
        "softplus": lambda a: a.softplus(), "silu": lambda a: a.silu(), "gelu": lambda a: a.gelu(),
        "sin": lambda a: a.sin(), "cos": lambda a: a.cos(), "erf": lambda a: a.erf(),
        "square": lambda a: a**2, "cube": lambda a: a**3, "inv": lambda a: _pos(a) ** -1,
        "root": lambda a: _pos(a) ** 0.5,
        "sum": lambda *a: autograd.sum(a),
        "dot": lambda *a: autograd.dot(a[: len(a) // 2], a[len(a) // 2: -1], a[-1]),
        "tan": lambda a: a.tan(), "asin": lambda a: _unit(a).asin(), "acos": lambda a: _unit(a).acos(),
        "atan": lambda a: a.atan(), "sinh": lambda a: a.sinh(), "cosh": lambda a: a.cosh(),
        "asinh": lambda a: a.asinh(), "acosh": lambda a: (_pos(a) + 1.0).acosh(),
        "atanh": lambda a: _unit(a).atanh(), "atan2": lambda a, b: a.atan2(b),
        "hypot": lambda a, b: a.hypot(b), "log1p": lambda a: (_pos(a) - 1.0).log1p(),
        "expm1": lambda a: a.expm1(), "log2": lambda a: _pos(a).log2(),
        "log10": lambda a: _pos(a).log10(), "exp2": lambda a: a.exp2(), "cbrt": lambda a: (-_pos(a)).cbrt(),
        "erfc": lambda a: a.erfc(), "logaddexp": lambda a, b: a.logaddexp(b),
        "sign": lambda a: a.sign() * a, "floor": lambda a: (3.0 * a).floor() + a,
        "ceil": lambda a: (3.0 * a).ceil() * a, "round": lambda a: (3.0 * a).round() + a * a,
        "trunc": lambda a: (3.0 * a).trunc() * a, "clamp": lambda a, b, c: a.clamp(b, c),
        "maximum": lambda a, b: a.maximum(b), "minimum": lambda a, b: a.minimum(b),
        "mod": lambda a, b: a % _pos(b), "floordiv": lambda a, b: (3.0 * a) // _pos(b) + a,
        "mish": lambda a: a.mish(), "selu": lambda a: a.selu(), "celu": lambda a: a.celu(0.5),
        "hardtanh": lambda a: a.hardtanh(), "relu6": lambda a: (4.0 * a).relu6(),
        "softsign": lambda a: a.softsign(), "logsigmoid": lambda a: a.logsigmoid(),
        "hardsigmoid": lambda a: (2.0 * a).hardsigmoid(), "hardswish": lambda a: (2.0 * a).hardswish(),
        "max": lambda *a: autograd.max(a), "min": lambda *a: autograd.min(a),
        "logsumexp": lambda *a: autograd.logsumexp(a),
    }


def _flat_functions() -> tuple[Any, Any, Any]:
    """floor, ceiling and sign for sympy with derivative 0 (away from their jumps, where the
    oracles are evaluated): sympy's own leave an unevaluated Derivative that its
    second derivative cannot simplify.  exact() turns them back into floor/ceiling."""
    import sympy as sp

    class Floor0(sp.Function):
        is_extended_real = True

        def fdiff(self, argindex: int = 1) -> Any:
            return sp.S.Zero

    class Ceil0(sp.Function):
        is_extended_real = True

        def fdiff(self, argindex: int = 1) -> Any:
            return sp.S.Zero

    class Sign0(sp.Function):
        is_extended_real = True

        def fdiff(self, argindex: int = 1) -> Any:
            return sp.S.Zero

    return Floor0, Ceil0, Sign0


FLOOR0, CEIL0, SIGN0 = _flat_functions()


def _abs0(u: Any) -> Any:
    """|u| as u * sign(u) with the flat sign: its derivatives are sympy's away from 0."""
    return u * SIGN0(u)


def sympy_table() -> dict[str, Callable[..., Any]]:
    import sympy as sp

    floor, ceiling = FLOOR0, CEIL0

    def piecewise(pos: Any, neg: Any, u: Any) -> Any:
        return sp.Piecewise((pos, u > 0), (neg, True))

    return {
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
        "div": lambda a, b: a / _pos(b), "pow": lambda a, b: _pos(a) ** b,
        "radd": lambda a: C + a, "rsub": lambda a: C - a, "rmul": lambda a: C * a,
        "rdiv": lambda a: C / _pos(a), "rpow": lambda a: sp.Float(C) ** a,
        "neg": lambda a: -a, "abs": lambda a: a * SIGN0(a), "exp": sp.exp, "log": lambda a: sp.log(_pos(a)),
        "sqrt": lambda a: sp.sqrt(_pos(a)), "tanh": sp.tanh,
        "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
        "relu": lambda a: piecewise(a, 0, a),
        "leaky_relu": lambda a: piecewise(a, sp.Rational(1, 10) * a, a),
        "elu": lambda a: piecewise(a, sp.Rational(7, 10) * (sp.exp(a) - 1), a),
        "softplus": lambda a: sp.log(1 + sp.exp(a)), "silu": lambda a: a / (1 + sp.exp(-a)),
        "gelu": lambda a: a * (1 + sp.erf(a / sp.sqrt(2))) / 2,
        "sin": sp.sin, "cos": sp.cos, "erf": sp.erf,
        "square": lambda a: a**2, "cube": lambda a: a**3, "inv": lambda a: 1 / _pos(a),
        "root": lambda a: sp.sqrt(_pos(a)),
        "sum": lambda *a: sp.Add(*a, evaluate=True),
        "dot": lambda *a: _dot_generic(a),
        "tan": sp.tan, "asin": lambda a: sp.asin(_unit(a)), "acos": lambda a: sp.acos(_unit(a)),
        "atan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh, "asinh": sp.asinh,
        "acosh": lambda a: sp.acosh(_pos(a) + 1), "atanh": lambda a: sp.atanh(_unit(a)),
        "atan2": sp.atan2, "hypot": lambda a, b: sp.sqrt(a * a + b * b),
        "log1p": lambda a: sp.log(_pos(a)), "expm1": lambda a: sp.exp(a) - 1,
        "log2": lambda a: sp.log(_pos(a)) / sp.log(2), "log10": lambda a: sp.log(_pos(a)) / sp.log(10),
        "exp2": lambda a: 2**a, "cbrt": lambda a: -(_pos(a) ** sp.Rational(1, 3)),
        "erfc": sp.erfc, "logaddexp": lambda a, b: sp.log(sp.exp(a) + sp.exp(b)),
        "sign": lambda a: SIGN0(a) * a, "floor": lambda a: floor(3 * a) + a,
        "ceil": lambda a: ceiling(3 * a) * a, "round": lambda a: floor(3 * a + sp.S.Half) + a * a,
        "trunc": lambda a: SIGN0(a) * floor(_abs0(3 * a)) * a,
        "clamp": lambda a, b, c: sp.Piecewise((c, b > c), (b, a < b), (c, a > c), (a, True)),
        "maximum": lambda a, b: piecewise(a, b, a - b), "minimum": lambda a, b: piecewise(b, a, a - b),
        "mod": lambda a, b: a - _pos(b) * floor(a / _pos(b)),
        "floordiv": lambda a, b: floor(3 * a / _pos(b)) + a,
        "mish": lambda a: a * sp.tanh(sp.log(1 + sp.exp(a))),
        "selu": lambda a: SELU_SCALE * piecewise(a, SELU_ALPHA * (sp.exp(a) - 1), a),
        "celu": lambda a: piecewise(a, sp.S.Half * (sp.exp(2 * a) - 1), a),
        "hardtanh": lambda a: sp.Piecewise((-1, a < -1), (1, a > 1), (a, True)),
        "relu6": lambda a: sp.Piecewise((0, 4 * a < 0), (6, 4 * a > 6), (4 * a, True)),
        "softsign": lambda a: a / (1 + _abs0(a)), "logsigmoid": lambda a: -sp.log(1 + sp.exp(-a)),
        "hardsigmoid": lambda a: sp.Piecewise((0, 2 * a < -3), (1, 2 * a > 3), (2 * a / 6 + sp.S.Half, True)),
        "hardswish": lambda a: sp.Piecewise((0, 2 * a < -3), (2 * a, 2 * a > 3),
                                            (2 * a * (2 * a + 3) / 6, True)),
        "max": lambda *a: sp.Max(*a), "min": lambda *a: sp.Min(*a),
        "logsumexp": lambda *a: sp.log(sp.Add(*[sp.exp(v) for v in a])),
    }


# SELU's constants to 32 digits (the engine's are these rounded to float64)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def torch_table(torch: Any) -> dict[str, Callable[..., Any]]:
    f = torch.nn.functional
    return {
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
        "div": lambda a, b: a / _pos(b), "pow": lambda a, b: _pos(a) ** b,
        "radd": lambda a: C + a, "rsub": lambda a: C - a, "rmul": lambda a: C * a,
        "rdiv": lambda a: C / _pos(a), "rpow": lambda a: C ** a,
        "neg": lambda a: -a, "abs": torch.abs, "exp": torch.exp,
        "log": lambda a: torch.log(_pos(a)), "sqrt": lambda a: torch.sqrt(_pos(a)),
        "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
        "leaky_relu": lambda a: f.leaky_relu(a, 0.1), "elu": lambda a: f.elu(a, 0.7),
        "softplus": f.softplus, "silu": f.silu, "gelu": f.gelu,
        "sin": torch.sin, "cos": torch.cos, "erf": torch.erf,
        "square": lambda a: a**2, "cube": lambda a: a**3, "inv": lambda a: _pos(a) ** -1,
        "root": lambda a: _pos(a) ** 0.5,
        "sum": lambda *a: sum(a[1:], a[0]),
        "dot": lambda *a: _dot_generic(a),
        "tan": torch.tan, "asin": lambda a: torch.asin(_unit(a)), "acos": lambda a: torch.acos(_unit(a)),
        "atan": torch.atan, "sinh": torch.sinh, "cosh": torch.cosh, "asinh": torch.asinh,
        "acosh": lambda a: torch.acosh(_pos(a) + 1.0), "atanh": lambda a: torch.atanh(_unit(a)),
        "atan2": torch.atan2, "hypot": torch.hypot, "log1p": lambda a: torch.log1p(_pos(a) - 1.0),
        "expm1": torch.expm1, "log2": lambda a: torch.log2(_pos(a)),
        "log10": lambda a: torch.log10(_pos(a)), "exp2": torch.exp2,
        "cbrt": lambda a: -(_pos(a) ** (1.0 / 3.0)),  # torch has no cbrt; -pos: away from its pole
        "erfc": torch.erfc, "logaddexp": torch.logaddexp,
        "sign": lambda a: torch.sign(a) * a, "floor": lambda a: torch.floor(3.0 * a) + a,
        "ceil": lambda a: torch.ceil(3.0 * a) * a, "round": lambda a: torch.round(3.0 * a) + a * a,
        "trunc": lambda a: torch.trunc(3.0 * a) * a, "clamp": torch.clamp,
        "maximum": torch.maximum, "minimum": torch.minimum,
        "mod": lambda a, b: torch.remainder(a, _pos(b)),
        "floordiv": lambda a, b: torch.div(3.0 * a, _pos(b), rounding_mode="floor") + a,
        # alpha 0.5: torch computes celu' with alpha in float32, 2e-8 off for alpha = 0.7
        "mish": f.mish, "selu": f.selu, "celu": lambda a: f.celu(a, 0.5), "hardtanh": f.hardtanh,
        "relu6": lambda a: f.relu6(4.0 * a), "softsign": f.softsign, "logsigmoid": f.logsigmoid,
        "hardsigmoid": lambda a: f.hardsigmoid(2.0 * a), "hardswish": lambda a: f.hardswish(2.0 * a),
        "max": lambda *a: torch.max(torch.stack(a)), "min": lambda *a: torch.min(torch.stack(a)),
        "logsumexp": lambda *a: torch.logsumexp(torch.stack(a), 0),
    }


def finite(x: float, limit: float = 1e6) -> bool:
    """Small enough that float64 arithmetic on the graph stays well conditioned."""
    return math.isfinite(x) and abs(x) < limit


# ------------------------------------------------------- special points on purpose
# The points where rules have branches: kinks (0 and -0), exact exponents, bases 0, -0
# and negative, the edges of float64 (tiny, huge: overflow), +-inf and nan.
SPECIAL_EXPONENTS = (0.0, 1.0, 2.0, 0.5, -1.0, -2.0)
SPECIAL_VALUES = (0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 1e-150, -1e-150, 1e200, -1e200,
                  math.inf, -math.inf, math.nan)
# name -> arity; "pow<i>" is x ** SPECIAL_EXPONENTS[i], "powv" a Value exponent
SPECIAL_OPS: dict[str, int] = {
    "relu": 1, "leaky_relu": 1, "elu": 1, "selu": 1, "abs": 1, "sqrt": 1, "log": 1,
    **{f"pow{i}": 1 for i in range(len(SPECIAL_EXPONENTS))},
    "powv": 2, "add": 2, "mul": 2, "div": 2, "neg": 1,
}
# the ops whose conventions PyTorch shares at every one of these points (a Value
# exponent differs at 0**0: its d/dy is -inf here, 0 there)
TORCH_SPECIAL = tuple(op for op in SPECIAL_OPS if op != "powv")


def special_table() -> dict[str, Callable[..., Any]]:
    """The special ops for the engine and for PyTorch alike (both spell them so)."""
    table: dict[str, Callable[..., Any]] = {
        "relu": lambda a: a.relu(), "abs": abs, "sqrt": lambda a: a.sqrt(), "log": lambda a: a.log(),
        "powv": lambda a, b: a**b, "add": lambda a, b: a + b, "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b, "neg": lambda a: -a,
    }
    for i, n in enumerate(SPECIAL_EXPONENTS):
        table[f"pow{i}"] = lambda a, n=n: a**n
    return table


def engine_special_table() -> dict[str, Callable[..., Any]]:
    table = special_table()
    table.update({"leaky_relu": lambda a: a.leaky_relu(0.2), "elu": lambda a: a.elu(0.5),
                  "selu": lambda a: a.selu()})
    return table


def torch_special_table(torch: Any) -> dict[str, Callable[..., Any]]:
    f = torch.nn.functional
    table = special_table()
    table.update({"leaky_relu": lambda a: f.leaky_relu(a, 0.2), "elu": lambda a: f.elu(a, 0.5),
                  "selu": f.selu, "sqrt": torch.sqrt, "log": torch.log})
    return table


@st.composite
def special_recipes(draw: Any, max_leaves: int = 2, max_steps: int = 5,
                    ops: tuple[str, ...] = tuple(SPECIAL_OPS),
                    values: tuple[float, ...] = SPECIAL_VALUES) -> Recipe:
    """A small random graph whose leaves are mostly special points and whose ops are
    the rules with branches at them (interpreted with :func:`engine_special_table`)."""
    n_leaves = draw(st.integers(1, max_leaves))
    leaves = tuple(draw(st.one_of(st.sampled_from(values), st.sampled_from(values),
                                  st.floats(-3.0, 3.0))) for _ in range(n_leaves))
    steps = []
    for k in range(draw(st.integers(1, max_steps))):
        pool = n_leaves + k
        op = draw(st.sampled_from(ops))
        args = tuple(draw(st.integers(max(0, pool - 2), pool - 1) | st.integers(0, pool - 1))
                     for _ in range(SPECIAL_OPS[op]))
        steps.append((op, args))
    return Recipe(leaves, tuple(steps))
