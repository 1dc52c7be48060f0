"""Shared helpers of the checking tools: naming nodes, formatting numbers, text tables.

Every report (gradcheck, check, locate, explain, the backward trace) names a
node the same way: its label when it has one, else its op and a counter
(``mul#2``), else, for an unlabelled constant, its number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.engine import Value, topological_order


def fmt(x: Any, digits: int = 6) -> str:
    """A number, a batch or a Value's data as short text."""
    if isinstance(x, Value):
        x = x.data
    if x is None:
        return "-"
    if isinstance(x, np.ndarray):
        if x.shape == ():
            return fmt(float(x), digits)
        if x.shape[0] <= 4:
            return "[" + ", ".join(fmt(float(v), digits) for v in x) + "]"
        return f"<batch of {x.shape[0]}: mean {x.mean():.{digits}g}>"
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, float, np.floating, np.integer)):
        v = float(x)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        text = f"{v:.{digits}g}"
        return "0" if text == "-0" else text
    return str(x)


def factor(x: Any, digits: int = 6) -> str:
    """A number as a factor of a product: negatives in parentheses."""
    text = fmt(x, digits)
    return f"({text})" if text.startswith("-") else text


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with aligned columns, a header and a rule under it."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


class Names:
    """Names for every node of a graph, stable for that graph."""

    def __init__(self, root: Value | None = None) -> None:
        self._names: dict[Value, str] = {}
        self._counts: dict[str, int] = {}
        if root is not None:
            for node in topological_order(root):
                self(node)

    def __call__(self, node: Value) -> str:
        """The node's name (assigned on first sight)."""
        name = self._names.get(node)
        if name is None:
            if node.label:
                name = node.label
            elif node.is_leaf and not node.is_batch:
                name = fmt(node.data)
            else:
                kind = node.op or "leaf"
                self._counts[kind] = self._counts.get(kind, 0) + 1
                name = f"{kind}#{self._counts[kind]}"
            self._names[node] = name
        return name

    def symbol(self, node: Value) -> str:
        """The name as it reads inside ∂: parenthesised unless it is one word."""
        name = self(node)
        return name if name.replace("_", "").isalnum() else f"({name})"


def partial(names: Names, num: Value, den: Value) -> str:
    """``∂num/∂den`` with the nodes' names."""
    return f"∂{names.symbol(num)}/∂{names.symbol(den)}"


def pick(x: Any, sample: int | None) -> Any:
    """Sample ``sample`` of a batch (a Value's data or an array); a float as is."""
    if isinstance(x, Value):
        x = x.data
    if sample is not None and isinstance(x, np.ndarray):
        return float(x[sample])
    if isinstance(x, (np.floating, np.integer)):
        return float(x)
    return x


def local_formula(node: Value, index: int, names: Names) -> str:
    """The rule of the edge ``node`` <- parent ``index`` as text (the op's ``formula``)."""
    from autograd.engine import op_of
    from autograd.ops import DOT, MUL

    op = op_of(node)
    if op is None:
        return ""
    if op is DOT:  # dz/dw_i = x_i, dz/dx_i = w_i, dz/db = 1: name the partner
        parents = node.parents
        n = len(parents) // 2
        if index == len(parents) - 1:
            return "1"
        partner = parents[index + n] if index < n else parents[index - n]
        return names(partner)
    if op is MUL:  # dz/dx = y, dz/dy = x: name the other factor
        parents = node.parents
        return names(parents[1 - index])
    if len(op.formula) == 1:
        return op.formula[0]
    if index < len(op.formula):
        return op.formula[index]
    return op.formula[-1]


def check_eps(eps: float, who: str) -> None:
    """Refuse a finite-difference step that is not a positive finite number."""
    if not (isinstance(eps, (int, float)) and math.isfinite(eps) and eps > 0):
        raise ValueError(f"{who}: eps must be a positive finite number, got {eps!r}")


def check_sample(sample: int | None, nodes: Sequence[Value], who: str) -> None:
    """Refuse a ``sample=`` that is not an index into the batches among ``nodes``."""
    if sample is None:
        return
    if isinstance(sample, bool) or not isinstance(sample, (int, np.integer)):
        raise TypeError(f"{who}: sample must be an int, got {sample!r}")
    sizes = {len(n.data) for n in nodes if n.is_batch}  # type: ignore[arg-type]
    if not sizes:
        raise ValueError(f"{who}: sample={sample} given, but nothing here is a batch")
    size = min(sizes)
    if not 0 <= sample < size:
        raise ValueError(f"{who}: sample {sample} is out of range for a batch of {size}")
