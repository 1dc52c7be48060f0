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
}
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
    }


def sympy_table() -> dict[str, Callable[..., Any]]:
    import sympy as sp

    def piecewise(pos: Any, neg: Any, u: Any) -> Any:
        return sp.Piecewise((pos, u > 0), (neg, True))

    return {
        "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
        "div": lambda a, b: a / _pos(b), "pow": lambda a, b: _pos(a) ** b,
        "radd": lambda a: C + a, "rsub": lambda a: C - a, "rmul": lambda a: C * a,
        "rdiv": lambda a: C / _pos(a), "rpow": lambda a: sp.Float(C) ** a,
        "neg": lambda a: -a, "abs": sp.Abs, "exp": sp.exp, "log": lambda a: sp.log(_pos(a)),
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
    }


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
    }


def finite(x: float, limit: float = 1e6) -> bool:
    """Small enough that float64 arithmetic on the graph stays well conditioned."""
    return math.isfinite(x) and abs(x) < limit
