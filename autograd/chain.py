"""The chain rule written out: ∂output/∂wrt as a sum over paths of products.

Every path from ``wrt`` up to ``output`` contributes the product of the local
derivatives of its edges; the gradient is the sum over all paths.
:func:`explain` lists those paths with each factor named by its nodes' labels,
its op and the op's rule, and, when the first few nodes above ``wrt`` have a
single consumer (a weight feeding a neuron), also gives the factored form the
textbooks write::

    ∂E/∂w1_11 = ∂E/∂o1_1 · ∂o1_1/∂a1_1 · ∂a1_1/∂w1_11

Paths are counted by dynamic programming over the graph, so a graph with
astronomically many paths gets a summary instead of an enumeration.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.graph import Graph, is_word, pick
from autograd.text import factor, fmt
from autograd.value import Value
from autograd.verify import check_sample

__all__ = ["Explanation", "Factor", "Path", "count_paths", "explain"]


@dataclass
class Factor:
    """One local derivative ∂node/∂parent on an edge of the graph."""

    name: str  # "∂o1_1/∂a1_1"
    op: str  # the op that made ``node``
    formula: str  # the op's rule in words ("1 - tanh(x)**2")
    value: Any
    node: Value = field(repr=False)
    parent: Value = field(repr=False)
    index: int = 0  # which input of ``node`` the parent is

    def __str__(self) -> str:
        return f"{self.name} = {fmt(self.value)}   [{self.op}: {self.formula}]"


@dataclass
class Path:
    """A path from ``wrt`` to the output: its factors, output end first."""

    factors: list[Factor]
    value: Any

    def __str__(self) -> str:
        if not self.factors:
            return "1 (the output itself)"
        names = " · ".join(f.name for f in self.factors)
        if len(self.factors) == 1:
            return f"{names} = {fmt(self.value)}"
        numbers = " · ".join(factor(f.value) for f in self.factors)
        return f"{names} = {numbers} = {fmt(self.value)}"


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

    def __str__(self) -> str:
        where = "" if self.sample is None else f" (sample {self.sample})"
        lines = [f"{self.symbol}{where} = {fmt(self.total)}"
                 + ("" if self.gradient is None else f"   (engine: {fmt(self.gradient)})")]
        if self.chain and self.factored():
            lines.append(self.factored())
            if self.upstream_node != self.output:
                lines.append(f"  ∂{_sym(self.output)}/∂{_sym(self.upstream_node)} = "
                             f"{fmt(self.upstream)}   [upstream gradient: the sum over "
                             f"{self.upstream_paths} path(s) from {self.upstream_node} "
                             f"to {self.output}]")
            lines.extend(f"  {f}" for f in self.chain)
        if self.paths:
            lines.append(f"{self.n_paths} path(s) from {self.wrt} to {self.output}:")
            for k, p in enumerate(self.paths, start=1):
                lines.append(f"  {k}. {p}")
            if self.paths and any(f.formula for p in self.paths for f in p.factors):
                lines.append("factors:")
                seen: set[str] = set()
                for p in self.paths:
                    for f in p.factors:
                        if f.name not in seen:
                            seen.add(f.name)
                            lines.append(f"  {f}")
        else:
            lines.append(f"{self.n_paths:,} paths from {self.wrt} to {self.output}: too many to "
                         f"list; by the {len(self.by_edge):,} edge(s) out of {self.wrt}:")
            shown = sorted(range(len(self.by_edge)), key=lambda k: -_size(self.by_edge[k][2]))
            for k in sorted(shown[:_EDGES_SHOWN]):
                f, up, prod = self.by_edge[k]
                lines.append(f"  ∂{_sym(self.output)}/∂{_sym(self.consumer_names[k])} · {f.name} = "
                             f"{factor(up)} · {factor(f.value)} = {fmt(prod)}   "
                             f"[{f.op}: {f.formula}]")
            if len(self.by_edge) > _EDGES_SHOWN:
                rest = [self.by_edge[k][2] for k in shown[_EDGES_SHOWN:]]
                lines.append(f"  … and {len(rest):,} more edge(s) (the largest are shown), "
                             f"adding {fmt(sum(rest))}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


_EDGES_SHOWN = 12  # edges listed in a summary; the rest are added up in one line


def _size(x: Any) -> float:
    return float(np.max(np.abs(x))) if isinstance(x, np.ndarray) else abs(float(x))


def _sym(name: str) -> str:
    return name if is_word(name) else f"({name})"


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

    def edge(node: Value, i: int) -> Factor:
        parent = node.parents[i]
        op = node._row
        name = graph.partial(node, parent)
        uses = [k for k, p in enumerate(node.parents) if p is parent]
        if len(uses) > 1:  # x*x: one factor per use, told apart by the input's place
            name += f" [use {uses.index(i) + 1} of {len(uses)}]"
        return Factor(name, op.name if op else "", graph.rule(node, i),
                      pick(graph.local(node)[i], sample), node, parent, i)

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
                       by_edge, sample, consumer_names)


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
