"""Which op's rule is wrong: every local derivative against its own finite difference.

:func:`locate` checks every op's local derivative where the graph used it and
names the first op (in forward order) whose rule disagrees with the finite
difference of the op's own ``forward``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.graph import Graph, forward_data
from autograd.ops import NARY, Op
from autograd.text import fmt, table
from autograd.value import Value
from autograd.verify import call_like_forward, check_eps, close, rough, shifted, smooth_piece

__all__ = ["LocateResult", "LocateRow", "locate", "locate_in"]


@dataclass
class LocateRow:
    """One edge: an op's rule for d(node)/d(input) against its finite difference."""

    node: str
    op: str
    input: str
    index: int
    input_value: Any
    rule: Any
    numeric: Any
    status: str  # "ok", "WRONG", "kink", "undefined" (at a domain boundary)


@dataclass
class LocateResult:
    """Every edge checked by :func:`locate`, in forward order."""

    rows: list[LocateRow] = field(default_factory=list)

    @property
    def first(self) -> LocateRow | None:
        """The first edge (in forward order) whose rule disagrees, or None."""
        for r in self.rows:
            if r.status == "WRONG":
                return r
        return None

    @property
    def ok(self) -> bool:
        """True when no rule disagreed with its finite difference."""
        return self.first is None

    def __bool__(self) -> bool:
        return self.ok

    def summary(self) -> str:
        """One line: the first wrong rule, or that every rule agreed."""
        r = self.first
        if r is None:
            unchecked = [u for u in self.rows if u.status == "undefined"]
            if not unchecked:
                return f"locate: all {len(self.rows)} local derivatives agree with finite differences"
            u = unchecked[0]
            return (f"locate: no rule disagrees with its finite difference, but {len(unchecked)} of "
                    f"{len(self.rows)} could not be checked (no finite difference measures them "
                    f"there), the first op {u.op!r} at node {u.node}, ∂{u.node}/∂{u.input} at "
                    f"{u.input} = {fmt(u.input_value)}")
        return (f"locate: first wrong rule: op {r.op!r} at node {r.node}, "
                f"∂{r.node}/∂{r.input} at {r.input} = {fmt(r.input_value)}: "
                f"the rule gives {fmt(r.rule)}, the finite difference {fmt(r.numeric)}")

    def __str__(self) -> str:
        shown = [r for r in self.rows if r.status != "ok"]
        lines = [self.summary()]
        if shown:
            head = ["node", "op", "input", "input value", "rule", "finite diff", "status"]
            lines.append(table(head, [[r.node, r.op, r.input, fmt(r.input_value), fmt(r.rule),
                                       fmt(r.numeric), r.status] for r in shown]))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def _op_difference(op: Op, xs: list[Any], i: int, eps: float) -> tuple[Any, bool]:
    """d forward / d xs[i] by finite differences; (value, two_sided)."""
    x = xs[i]
    h = eps * np.maximum(1.0, np.abs(x)) if isinstance(x, np.ndarray) else eps * max(1.0, abs(x))

    def at(shift: Any) -> Any:
        args = list(xs)
        args[i] = x + shift
        return np.asarray(forward_data(op, args), dtype=np.float64)

    with np.errstate(all="ignore"):  # (no warning reaches the user: an overflow is an inf)
        f0 = np.asarray(forward_data(op, xs), dtype=np.float64)
        scalar = f0.ndim == 0 and not isinstance(x, np.ndarray)
        if scalar and rough(lambda t: at(t - x), float(x), float(f0)):
            return math.nan, True  # no step a float can take measures the slope here
        fp, fm = at(h), at(-h)
        if scalar and not smooth_piece(float(fp), float(f0), float(fm), float(h), float(h), 0.0):
            return _inside(at, x, float(h), float(f0))
        central = (fp - fm) / (2.0 * h)
        forward_d = (fp - f0) / h
        backward_d = (f0 - fm) / h
        d = np.where(np.isfinite(central), central,
                     np.where(np.isfinite(forward_d), forward_d, backward_d))
    two_sided = bool(np.all(np.isfinite(central)))
    return (float(d) if d.shape == () else d), two_sided


def _inside(at: Any, x: float, h: float, f0: float) -> tuple[Any, bool]:
    """The op's difference where its step reaches past a pole or its domain's edge
    (log at 1e-7): over a step 100 times smaller than the first, from min(h, |x|) / 10
    down, that sees one smooth piece (as gradcheck does); (nan, True) where none does
    (sqrt at the smallest float, 1/x where 1/x overflows): no difference checks it."""
    s = min(h, abs(x)) / 10.0 if x else h / 10.0
    for _ in range(60):
        if s < 5e-324:
            break
        if smooth_piece(float(at(s)), f0, float(at(-s)), s, s, 0.0):
            for small in (s / 100.0, s / 10.0, s):
                if x + small != x and x - small != x:
                    return float((at(small) - at(-small)) / (2.0 * small)), True
        s /= 10.0
    return math.nan, True


def locate(output: Value, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3) -> LocateResult:
    """Check every op's local derivative where the graph used it; name the first wrong one.

    Each edge's rule (``local`` of the op, at the recorded data) is compared
    with the central finite difference of the op's own ``forward`` in that
    input, the others held fixed (one-sided next to a domain boundary).  The
    step is ``eps * max(1, |x|)``.  Ops at their kink are reported as kinks.
    Ops are visited in forward order (inputs before the nodes made from them),
    so :attr:`LocateResult.first` is the first wrong rule the data went through.
    """
    if not isinstance(output, Value):
        raise TypeError(f"locate: output must be a Value, not {type(output).__name__}")
    check_eps(eps, "locate", atol, rtol)
    return locate_in(Graph(output), eps, atol, rtol)


def locate_in(graph: Graph, eps: float, atol: float, rtol: float) -> LocateResult:
    """:func:`locate` on a graph view already built (gradcheck reuses its own)."""
    result = LocateResult()
    for node in graph.nodes:
        op = node._row
        if op is None:
            continue
        parents = node.parents
        xs = [p.data for p in parents]
        rules = graph.local(node)
        reduces = node.data.__class__ is float
        for i, (p, rule) in enumerate(zip(parents, rules)):
            if reduces and isinstance(xs[i], np.ndarray):
                num, two_sided = _per_sample_difference(op, xs, i, eps)
            else:
                num, two_sided = _op_difference(op, xs, i, eps)
            rule = rule.data if isinstance(rule, Value) else rule
            if op.kink is not None and np.any(np.asarray(call_like_forward(op.kink, op, xs),
                                                         dtype=bool)):
                status = "kink"
            elif not np.all(np.isfinite(np.asarray(num, dtype=np.float64))) or (
                    not two_sided and not np.all(np.isfinite(np.asarray(rule, dtype=np.float64)))):
                status = "undefined"  # no finite difference, or an infinite slope at a boundary
            else:
                tol_scale = 1.0 if two_sided else 100.0
                ok = close(rule, num, atol * tol_scale, rtol * tol_scale)
                status = "ok" if ok else "WRONG"
            arity = "" if op.arity != NARY else f"[{i}]"
            result.rows.append(LocateRow(graph.name(node), op.name, graph.name(p) + arity, i,
                                         p.data, rule, num, status))
    return result


def _per_sample_difference(op: Op, xs: list[Any], i: int, eps: float) -> tuple[Any, bool]:
    """For a batch reduction (sum, mean): d output / d sample k, one sample at a time."""
    x = xs[i]
    out = np.empty_like(x)
    for k in range(len(x)):
        h = eps * max(1.0, abs(float(x[k])))
        plus, minus = list(xs), list(xs)
        plus[i] = shifted(x, h, k)
        minus[i] = shifted(x, -h, k)
        out[k] = (float(forward_data(op, plus)) - float(forward_data(op, minus))) / (2.0 * h)
    return out, True
