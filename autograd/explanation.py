"""What :func:`autograd.chain.explain` returns: the chain rule's factors and paths, as text and LaTeX.

A :class:`Factor` is one local derivative ∂node/∂parent on an edge (its rule
in the graph's names and its value), a :class:`Path` the factors of one path
from ``wrt`` to the output, and an :class:`Explanation` the whole breakdown:
the total, the factored chain above ``wrt`` when there is one, the paths or,
when there are too many, the edges out of ``wrt``.  ``str()`` writes it as
text, :meth:`Explanation.latex` in the seeds' notation.  Building one is
:mod:`autograd.chain`'s job; this module only writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import notation
from autograd.graph import Graph
from autograd.notation import Latex
from autograd.text import factor, fmt
from autograd.value import Value

__all__ = ["Explanation", "Factor", "Path"]


@dataclass
class Factor:
    """One local derivative ∂node/∂parent on an edge of the graph."""

    name: str  # "∂o1_1/∂a1_1", with " [use 1 of 2]" or " [x*x held fixed]" when local ≠ total
    op: str  # the op that made ``node``
    formula: str  # the op's rule in the graph's names ("1 - tanh(a1_1)**2")
    value: Any
    node: Value = field(repr=False)
    parent: Value = field(repr=False)
    index: int = 0  # which input of ``node`` the parent is
    fixed: tuple[str, ...] = ()  # other inputs of ``node`` that depend on ``parent``
    use: tuple[int, int] | None = None  # (k, n): the k-th of n uses of ``parent`` by ``node``
    node_name: str = ""  # the display names of node and parent
    parent_name: str = ""

    def __str__(self) -> str:
        return f"{notation.equation(self.name, self.formula, fmt(self.value))}   [{self.op}]"


@dataclass
class Path:
    """A path from ``wrt`` to the output: its factors, output end first."""

    factors: list[Factor]
    value: Any

    def __str__(self) -> str:
        if not self.factors:
            return "1 (the output itself)"
        return _product(self.factors, self.value)


def _product(factors: list[Factor], value: Any) -> str:
    """``∂a/∂b · ∂b/∂c = 2 · 3 = 6`` (one factor: ``∂a/∂b = 2``)."""
    names = " · ".join(f.name for f in factors)
    if len(factors) == 1:
        return f"{names} = {fmt(value)}"
    numbers = " · ".join(factor(f.value) for f in factors)
    return f"{names} = {numbers} = {fmt(value)}"


def _times(factors: list[Factor]) -> Any:
    value: Any = 1.0
    for f in factors:
        value = value * f.value
    return value


@dataclass
class Explanation:
    """∂output/∂wrt broken down by the chain rule; prints as text."""

    output: str
    wrt: str
    gradient: Any  # the engine's gradient (None when it has no per-sample counterpart)
    total: Any  # the sum over the paths (or over the edges out of ``wrt``)
    n_paths: int
    paths: list[Path]  # empty when there are more than ``max_paths``
    chain: list[Factor]  # the single-consumer edges above ``wrt``, output end first
    upstream: Any  # ∂output/∂(top of the chain)
    upstream_node: str
    upstream_paths: int
    by_edge: list[tuple[Factor, Any, Any]]  # (edge out of wrt, ∂output/∂consumer, product)
    sample: int | None = None
    consumer_names: list[str] = field(default_factory=list)  # the consumer of each by_edge entry
    graph: Graph | None = field(default=None, repr=False, compare=False)  # for latex()

    @property
    def symbol(self) -> str:
        """``∂E/∂w``."""
        return f"∂{_sym(self.output)}/∂{_sym(self.wrt)}"

    def factored(self) -> str:
        """The chain-rule product above ``wrt`` (``∂E/∂o · ∂o/∂a · ∂a/∂w = ...``)."""
        if not self.chain:
            return ""
        up = f"∂{_sym(self.output)}/∂{_sym(self.upstream_node)}"
        terms = ([up] if self.upstream_node != self.output else []) + [f.name for f in self.chain]
        values = ([self.upstream] if self.upstream_node != self.output else []) + [
            f.value for f in self.chain
        ]
        if len(terms) == 1:  # a single factor: nothing to break down
            return ""
        return (f"{self.symbol} = {' · '.join(terms)} = "
                f"{' · '.join(factor(v) for v in values)} = {fmt(self.total)}")

    def _upper(self) -> list[list[Factor]]:
        """Each path's factors above the chain (all of them when there is no chain)."""
        cut = len(self.chain)
        return [p.factors[: len(p.factors) - cut] for p in self.paths]

    def __str__(self) -> str:
        where = "" if self.sample is None else f" (sample {self.sample})"
        out = _sym(self.output)
        lines = [f"{self.symbol}{where} = {fmt(self.total)}"
                 + ("" if self.gradient is None else f"   (engine: {fmt(self.gradient)})")]
        if self.n_paths == 0:
            lines.append(f"no path leads from {self.wrt} to {self.output}")
            return "\n".join(lines)
        if self.paths and not self.paths[0].factors:
            lines.append(f"{self.wrt} is the output itself")
            return "\n".join(lines)
        shown: set[str] = set()  # factors already written with their rule
        above = self.upstream_node != self.output
        listed = bool(self.paths) and any(self._upper())
        if self.chain:
            if self.factored():
                lines.append(self.factored())
            if above:
                how = (f"the sum over the {self.upstream_paths:,} paths from {self.upstream_node} "
                       f"to {self.output}" + (", below" if listed else ""))
                lines.append(f"  ∂{out}/∂{_sym(self.upstream_node)} = {fmt(self.upstream)}   "
                             f"[upstream: {how}]")
            for f in self.chain:
                lines.append(f"  {f}")
                shown.add(f.name)
        if listed:
            start = self.upstream_node if self.chain else self.wrt
            count = len(self.paths)
            lines.append(f"{count} path{'s' if count > 1 else ''} from {start} to {self.output}:")
            for k, factors in enumerate(self._upper(), start=1):
                lines.append(f"  {k}. {_product(factors, _times(factors))}")
            rest = _unique([f for fs in self._upper() for f in fs if f.name not in shown])
            if rest:
                lines.append("with the local derivatives")
                lines.extend(f"  {f}" for f in rest)
        elif not self.paths and not self.chain:
            lines.append(f"{self.n_paths:,} paths from {self.wrt} to {self.output}: too many to "
                         f"list; by the {len(self.by_edge):,} edge(s) out of {self.wrt}:")
            shown_edges = sorted(range(len(self.by_edge)), key=lambda k: -_size(self.by_edge[k][2]))
            kept = sorted(shown_edges[:_EDGES_SHOWN])
            for k in kept:
                f, up, prod = self.by_edge[k]
                lines.append(f"  ∂{out}/∂{_sym(self.consumer_names[k])} · {f.name} = "
                             f"{factor(up)} · {factor(f.value)} = {fmt(prod)}")
            if len(self.by_edge) > _EDGES_SHOWN:
                rest_values = [self.by_edge[k][2] for k in shown_edges[_EDGES_SHOWN:]]
                lines.append(f"  … and {len(rest_values):,} more edge(s) (the largest are shown), "
                             f"adding {fmt(sum(rest_values))}")
            lines.append("with the local derivatives")
            lines.extend(f"  {f}" for f in _unique([self.by_edge[k][0] for k in kept]))
        elif not self.paths:
            lines.append(f"  ({self.upstream_paths:,} paths lead from {self.upstream_node} to "
                         f"{self.output}: too many to list)")
        return "\n".join(lines)

    def latex(self) -> Latex:
        """The breakdown as LaTeX in the seeds' notation, shown typeset in Jupyter.

        The first line is the chain rule with its numbers,
        :math:`\\frac{\\partial E}{\\partial w} = \\frac{\\partial E}{\\partial o}
        \\cdot \\frac{\\partial o}{\\partial a} \\cdot \\frac{\\partial a}{\\partial w}
        = \\dots`; the next lines give each local derivative's rule and value.
        ``.lines`` holds the equations one by one.
        """
        g = self.graph
        total = _latex_value(self.total)
        head = notation.latex_partial(self.output, self.wrt)
        if self.n_paths == 0 or (self.paths and not self.paths[0].factors):
            return Latex(f"{head} = {total}")
        dot = r" \cdot "
        lines: list[str] = []
        defined: list[Factor] = []
        upstream = ""
        if self.chain:
            above = self.upstream_node != self.output
            up = notation.latex_partial(self.output, self.upstream_node)
            terms = ([up] if above else []) + [_latex_factor(f) for f in self.chain]
            values = ([self.upstream] if above else []) + [f.value for f in self.chain]
            if len(terms) > 1:
                lines.append(f"{head} = {dot.join(terms)} = "
                             f"{dot.join(_latex_factor_value(v) for v in values)} = {total}")
            defined = list(self.chain)
            if above:
                upstream = (f"{up} = {_latex_value(self.upstream)}"
                            rf" \quad \text{{(the sum over {self.upstream_paths:,} paths)}}")
        elif self.paths and len(self.paths) <= _LATEX_PATHS:
            uppers = self._upper()
            products = " + ".join(dot.join(_latex_factor(f) for f in fs) for fs in uppers)
            numbers = " + ".join(_latex_factor_value(_times(fs)) for fs in uppers)
            lines.append(f"{head} = {products} = {numbers} = {total}")
            defined = _unique([f for fs in uppers for f in fs])
        else:
            lines.append(rf"{head} = {total} \quad \text{{(the sum over {self.n_paths:,} paths)}}")
        for f in defined:
            rule = (g.rule_latex(f.node, f.index) if g is not None
                    else notation.latex_formula(f.formula))
            value = _latex_value(f.value)
            lines.append(f"{_latex_factor(f)} = {rule} = {value}" if rule != value
                         else f"{_latex_factor(f)} = {value}")
        if upstream:
            lines.append(upstream)
        return Latex(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


_EDGES_SHOWN = 12  # edges listed in a summary; the rest are added up in one line
_LATEX_PATHS = 6  # paths written out in LaTeX; more are given by their sum


def _unique(factors: list[Factor]) -> list[Factor]:
    """Each factor once (by its name), in order."""
    seen: set[str] = set()
    out = []
    for f in factors:
        if f.name not in seen:
            seen.add(f.name)
            out.append(f)
    return out


def _latex_value(x: Any) -> str:
    return notation.latex_number(fmt(x)) if not isinstance(x, np.ndarray) else (
        r"\mathrm{" + fmt(x).replace(" ", r"\ ") + "}")


def _latex_factor_value(x: Any) -> str:
    text = _latex_value(x)
    return f"\\left({text}\\right)" if text.startswith("-") else text


def _latex_factor(f: Factor) -> str:
    """∂node/∂parent in LaTeX, a local partial that is not the total marked as such."""
    partial = notation.latex_partial(f.node_name, f.parent_name)
    if f.use is not None:
        k, n = f.use
        return rf"\left.{partial}\right|_{{\text{{use {k} of {n}}}}}"
    if f.fixed:
        held = ", ".join(notation.latex_name(n) for n in f.fixed)
        return rf"\left({partial}\right)_{{{held}}}"
    return partial


def _size(x: Any) -> float:
    return float(np.max(np.abs(x))) if isinstance(x, np.ndarray) else abs(float(x))


def _sym(name: str) -> str:
    """A name inside ∂, as :meth:`Graph.symbol` writes it."""
    return name if notation.precedence_of(name) == notation.ATOM else f"({name})"
