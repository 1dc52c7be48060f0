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
from typing import Any

import numpy as np

from autograd.explanation import Explanation, Factor, Path
from autograd.graph import Graph, pick
from autograd.text import fmt
from autograd.value import Value
from autograd.verify import check_sample

__all__ = ["Explanation", "Factor", "Path", "count_paths", "explain"]


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
