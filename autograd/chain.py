"""The chain rule written out: ∂output/∂wrt as a sum over paths of products.

Every path from ``wrt`` up to ``output`` contributes the product of the local
derivatives of its edges; the gradient is the sum over all paths.
:func:`explain` writes the total first, then, when the first few nodes above
``wrt`` have a single consumer (a weight feeding a neuron), the factored form
the textbooks write, with its numbers::

    ∂E/∂w1_11 = ∂E/∂o1_1 · ∂o1_1/∂a1_1 · ∂a1_1/∂w1_11 = 0.0775762 · 0.486917 · 0.5 = 0.0188866
      ∂o1_1/∂a1_1 = 1 - tanh(a1_1)**2 = 0.486917   [tanh]
      ∂a1_1/∂w1_11 = o0_1 = 0.5   [dot]

and then the paths above that chain (or from ``wrt``, when it has none).
Each local derivative is written once, with its rule in the graph's own
names (:meth:`autograd.graph.Graph.rule`) and its value.

A local derivative is told apart from a total one.  ∂node/∂input is always
the local partial (the node's op differentiated with its other inputs held
fixed); where that is not the total derivative, because the input also
reaches the node along another path, the factor says what is held fixed:
for ``f = (x*x)*x``, the total is ``∂f/∂x = 12`` and the local factor of the
last edge ``∂f/∂x [x*x held fixed] = x*x = 4``; the two uses of ``x`` in
``x*x`` are ``[use 1 of 2]`` and ``[use 2 of 2]``.  :meth:`Explanation.latex`
writes the same in LaTeX, a held-fixed partial as
:math:`(\\partial f/\\partial x)_{x x}`.

Paths are counted by dynamic programming over the graph, so a graph with
astronomically many paths gets a summary instead of an enumeration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import notation
from autograd.graph import Graph, pick
from autograd.notation import Latex
from autograd.text import factor, fmt
from autograd.value import Value
from autograd.verify import check_sample

__all__ = ["Explanation", "Factor", "Path", "count_paths", "explain"]


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


def count_paths(output: Value, wrt: Value) -> int:
    """The number of paths from ``wrt`` to ``output`` (an edge used twice, as in x*x, twice).

    Dynamic programming over a topological order: no path is enumerated.
    """
    return _counts(Graph(output), wrt).get(output, 0)


def _counts(graph: Graph, wrt: Value) -> dict[Value, int]:
    counts: dict[Value, int] = {}
    for node in graph.nodes:
        if node is wrt:
            counts[node] = 1
            continue
        c = sum(counts.get(p, 0) for p in node.parents)
        if c:
            counts[node] = c
    return counts


def explain(output: Value, wrt: Value, max_paths: int = 64, sample: int | None = None, *,
            graph: Graph | None = None) -> Explanation:
    """Break ∂output/∂wrt down into the chain rule's paths and factors.

    Each path from ``wrt`` to ``output`` is the product of the local
    derivatives (``∂node/∂parent``, named by the nodes' labels, with the op's
    rule and its value at the recorded data) along it; the paths sum to the
    engine's gradient.  Above ``max_paths`` paths (counted without enumerating
    them) only a summary is given: the factored chain and the split of the
    gradient over the edges out of ``wrt``.  For a batch output, ``sample``
    chooses the sample to explain (every factor is then that sample's number).
    ``graph``: the ``Graph(output)`` a tool already built (the explorer explains
    every node from one).
    """
    if not isinstance(output, Value) or not isinstance(wrt, Value):
        raise TypeError("explain: output and wrt must be Values")
    if output.is_batch and sample is None:
        raise ValueError("explain: the output is a batch; pass sample=i")
    check_sample(sample, [output, wrt], "explain")
    if graph is None or graph.root is not output:
        graph = Graph(output)
    counts = _counts(graph, wrt)
    n_paths = counts.get(output, 0)

    reach: dict[Value, set[Value]] = {}  # the nodes computed from a branching node

    def fixed(node: Value, parent: Value) -> tuple[str, ...]:
        """Inputs of ``node`` other than ``parent`` that are computed from ``parent``:
        held fixed by the local partial, so it is not the total derivative."""
        if graph.uses(parent) < 2:
            return ()
        if parent not in reach:
            reach[parent] = graph.downstream([parent])
        found = reach[parent]
        names = [graph.name(q) for q in dict.fromkeys(node.parents) if q is not parent and q in found]
        return tuple(names)

    def edge(node: Value, i: int) -> Factor:
        parent = node.parents[i]
        op = node._row
        name = graph.partial(node, parent)
        uses = [k for k, p in enumerate(node.parents) if p is parent]
        use = None
        if len(uses) > 1:  # x*x: one factor per use, told apart by the input's place
            use = (uses.index(i) + 1, len(uses))
            name += f" [use {use[0]} of {use[1]}]"
        held = fixed(node, parent)
        if held and use is None:
            shown = ", ".join(held[:3]) + (", …" if len(held) > 3 else "")
            name += f" [{shown} held fixed]"
        return Factor(name, op.name if op else "", graph.rule(node, i),
                      pick(graph.local(node)[i], sample), node, parent, i, held, use,
                      graph.name(node), graph.name(parent))

    def reduce(value: Any) -> Any:
        if isinstance(value, np.ndarray) and not wrt.is_batch:
            return float(np.sum(value))
        return value

    # ∂output/∂node for every node, in one sweep (one sample's, for a batch output)
    grads = graph.gradients(_seed(output, sample))
    zero = 0.0 if not wrt.is_batch or sample is not None else np.zeros_like(wrt.data)
    if wrt not in graph:
        gradient: Any = zero
    elif output.is_batch:
        gradient = pick(grads[wrt], sample if wrt.is_batch else None)
    elif sample is None:
        gradient = grads[wrt]
    else:
        gradient = None  # a float output has no per-sample gradient to compare with

    # consumers of each relevant node (edges lying on some path to the output)
    def relevant(node: Value) -> list[tuple[Value, int]]:
        return [(c, i) for c, i in graph.consumers(node) if c in counts]

    # the factored chain: single-consumer edges above wrt
    chain: list[Factor] = []
    top = wrt
    while top is not output and n_paths and len(above := relevant(top)) == 1:
        node, i = above[0]
        chain.append(edge(node, i))
        top = node
    chain.reverse()
    upstream_paths = _counts(graph, top).get(output, 0) if n_paths else 0
    upstream: Any = 1.0 if top is output else pick(grads.get(top, 0.0), sample)

    # split over the edges out of wrt
    by_edge = []
    consumer_names = []
    for node, i in (relevant(wrt) if wrt in graph else []):
        f = edge(node, i)
        up = pick(grads[node], sample)
        by_edge.append((f, up, reduce(up * f.value)))
        consumer_names.append(graph.name(node))

    paths: list[Path] = []
    if 0 < n_paths <= max_paths:
        for factors in _enumerate(output, wrt, counts, edge):
            value: Any = 1.0
            for f in factors:
                value = value * f.value
            paths.append(Path(factors, reduce(value)))
        total: Any = sum(p.value for p in paths) if paths else 0.0
    elif n_paths == 0:
        total = 0.0
    else:
        total = sum(prod for _, _, prod in by_edge) if wrt is not output else 1.0
    wrt_name = graph.name(wrt) if wrt in graph else (wrt.label or fmt(wrt.data))
    return Explanation(graph.name(output), wrt_name, gradient, total, n_paths, paths, chain,
                       upstream, graph.name(top) if top in graph else wrt_name, upstream_paths,
                       by_edge, sample, consumer_names, graph)


def _seed(output: Value, sample: int | None) -> Any:
    """One-hot at ``sample`` for a batch output (the gradient of that sample alone)."""
    if not output.is_batch:
        return None
    seed = np.zeros_like(output.data)
    seed[sample] = 1.0
    return seed


def _enumerate(output: Value, wrt: Value, counts: dict[Value, int], edge: Any
               ) -> Iterator[list[Factor]]:
    """Every path from ``output`` down to ``wrt`` as its list of factors (iterative DFS)."""
    if output is wrt:
        yield []
        return
    stack: list[tuple[Value, list[Factor]]] = [(output, [])]
    while stack:
        node, factors = stack.pop()
        if node is wrt:
            yield factors
            continue
        options = [(i, p) for i, p in enumerate(node.parents) if p in counts]
        for i, p in reversed(options):  # reversed: the first input's paths come out first
            stack.append((p, [*factors, edge(node, i)]))
