"""Watching the engine work: anomaly mode and the backward trace.

* ``with detect_anomaly():`` raises :class:`AnomalyError` at the first op whose
  forward value, or whose backward contribution, is nan or ±inf, naming the op,
  its inputs' values and labels, and the path from the output.
* ``with trace_backward() as t: loss.backward()`` records every step of the
  backward pass (node, upstream gradient, local derivative, contribution);
  ``print(t)`` shows them as a table to follow against a derivation by hand.

Both are built on :func:`autograd.modes.observe`: the hooks exist only inside
the ``with`` block and only in the thread that entered it, so outside it (and
in every other thread) the engine runs its fast loops untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.graph import Graph
from autograd.modes import observe
from autograd.text import fmt, table
from autograd.value import Value

__all__ = ["AnomalyError", "BackwardTrace", "TraceStep", "detect_anomaly", "trace_backward"]


class AnomalyError(FloatingPointError):
    """A nan or an infinity appeared in a forward value or a backward contribution.

    ``node`` is the op's output node, ``phase`` is ``"forward"`` or ``"backward"``.
    """

    def __init__(self, message: str, node: Value, phase: str) -> None:
        super().__init__(message)
        self.node = node
        self.phase = phase


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Value) else x


def _finite(x: Any) -> bool:
    x = _data(x)
    if x.__class__ is float:
        return x - x == 0.0  # false for nan and ±inf
    return bool(np.all(np.isfinite(np.asarray(x, dtype=np.float64))))


def _inputs(node: Value, graph: Graph) -> str:
    parts = []
    for p in node.parents:
        made = f", made by {p.op}" if p.op else ""
        parts.append(f"{graph.name(p)} = {fmt(p.data)}{made}")
    return "; ".join(parts)


def _history(node: Value, graph: Graph, depth: int = 4) -> str:
    """How ``node`` was computed, a few ops deep: ``log(x - y) = log(x - y); x - y = sub(x, y)``."""
    lines = []
    frontier = [node]
    seen: set[Value] = set()
    for _ in range(depth):
        nxt: list[Value] = []
        for n in frontier:
            if n in seen or n.is_leaf:
                continue
            seen.add(n)
            call = f"{n.op}({', '.join(graph.name(p) for p in n.parents)})"
            name = graph.name(n)
            lines.append(call if name == call else f"{name} = {call}")  # (not exp(q) = exp(q))
            nxt.extend(n.parents)
        frontier = nxt
    return "; ".join(lines)


@contextmanager
def detect_anomaly(forward: bool = True, backward: bool = True) -> Iterator[None]:
    """Raise :class:`AnomalyError` at the first nan/±inf inside the block.

    Forward: an op whose output is not finite (its inputs are reported with
    their values and labels).  Backward: an edge whose contribution
    (upstream gradient × local derivative) is not finite, with the op's rule,
    the numbers and the path from the output down to the op; and a node's
    gradient that finite contributions sum to an infinity (the sum so far, the
    contribution that overflowed it, and the op that passed it).  Off by
    default; nothing is checked outside the block.
    """
    consumer: dict[Value, Value] = {}  # parent -> the node it was reached from, this pass
    expanded: set[Value] = set()  # nodes whose edges this pass has crossed
    totals: dict[Value, Any] = {}  # parent -> the sum of its contributions so far, this pass

    def on_node(v: Value) -> None:
        if _finite(v.data):
            return
        graph = Graph(v)
        op = v._row
        rule = op.name if op else "?"
        raise AnomalyError(
            f"anomaly in forward: op {rule!r} gave {fmt(v.data)}; inputs: {_inputs(v, graph)}; "
            f"computed as: {_history(v, graph)}",
            v, "forward")

    def on_edge(node: Value, i: int, parent: Value, upstream: Any, local: Any,
                contribution: Any) -> None:
        if i == 0:
            # A pass reaches a node only through its consumers and expands it once,
            # so a node never reached, or expanded before, starts a new pass.
            if node not in consumer or node in expanded:
                consumer.clear()
                expanded.clear()
                totals.clear()
            expanded.add(node)
        consumer[parent] = node
        c = _data(contribution)
        if _finite(c):
            # the pass adds the contributions in this order: finite ones can still sum to
            # an infinity (1.1e308 + 1.1e308), which no single edge shows
            prev = totals.get(parent)
            if prev is None:
                totals[parent] = c
                return
            with np.errstate(over="ignore", invalid="ignore"):
                total = prev + c
            totals[parent] = total
            if not _finite(prev) or _finite(total):
                return
            raise _overflow(node, i, parent, prev, c, total, consumer)
        path = _path(node, consumer)
        graph = Graph(path[-1])
        op = node._row
        rule = graph.rule(node, i)
        chain = " <- ".join(graph.name(n) for n in [*reversed(path), parent])
        raise AnomalyError(
            f"anomaly in backward: op {node.op!r} making {graph.name(node)} = {fmt(node.data)} "
            f"passed {fmt(_data(contribution))} to its input {graph.name(parent)} "
            f"(= {fmt(parent.data)}): upstream gradient {fmt(_data(upstream))} × local "
            f"derivative {fmt(_data(local))} [{op.name if op else ''}: {rule}]; "
            f"inputs: {_inputs(node, graph)}; path from the output: {chain}",
            node, "backward")

    with observe(nodes=on_node if forward else None, edges=on_edge if backward else None):
        yield


def _overflow(node: Value, i: int, parent: Value, prev: Any, c: Any, total: Any,
              consumer: dict[Value, Value]) -> AnomalyError:
    """The error for a gradient whose finite contributions summed to an infinity."""
    path = _path(parent, consumer)
    graph = Graph(path[-1])
    chain = " <- ".join(graph.name(n) for n in reversed(path))
    return AnomalyError(
        f"anomaly in backward: the gradient of {graph.name(parent)} (= {fmt(parent.data)}) "
        f"overflowed: its contributions so far sum to {fmt(prev)}, and op {node.op!r} making "
        f"{graph.name(node)} passed {fmt(c)} [{graph.rule(node, i)}]; their sum is {fmt(total)} "
        f"(each term is finite: the exact sum may be too, but not in float64); path from the "
        f"output: {chain}",
        node, "backward")


def _path(node: Value, consumer: dict[Value, Value]) -> list[Value]:
    """``node`` and the nodes this pass reached it from, up to the output."""
    path = [node]
    while path[-1] in consumer and len(path) < 10_000:
        path.append(consumer[path[-1]])
    return path


@dataclass
class TraceStep:
    """One edge crossed by a backward pass."""

    node: Value
    index: int  # which input of ``node``
    parent: Value
    upstream: Any  # ∂output/∂node
    local: Any  # ∂node/∂parent
    contribution: Any  # upstream × local, added to ∂output/∂parent


@dataclass
class BackwardTrace:
    """The steps of the backward passes run inside :func:`trace_backward`."""

    steps: list[TraceStep] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[TraceStep]:
        return iter(self.steps)

    def rows(self) -> list[dict[str, str]]:
        """The table's rows as dicts of text (step, node, op, input, upstream, local,
        rule, contribution, input's gradient so far)."""
        if not self.steps:
            return []
        graph = Graph(self.steps[0].node)
        totals: dict[Value, Any] = {}
        out = []
        for k, s in enumerate(self.steps, start=1):
            if s.node not in graph:  # a later pass, over another graph
                graph = Graph(s.node)
            c = _data(s.contribution)
            totals[s.parent] = c if s.parent not in totals else totals[s.parent] + c
            out.append({
                "step": str(k),
                "node": graph.name(s.node),
                "op": s.node.op,
                "input": graph.name(s.parent),
                "upstream": fmt(_data(s.upstream)),
                "local": fmt(_data(s.local)),
                "rule": graph.rule(s.node, s.index),
                "contribution": fmt(c),
                "grad so far": fmt(totals[s.parent]),
            })
        return out

    def __str__(self) -> str:
        rows = self.rows()
        if not rows:
            return "backward trace: no steps recorded"
        head = ["step", "node", "op", "input", "upstream ∂out/∂node", "local ∂node/∂input",
                "rule", "contribution", "input's grad so far"]
        keys = ["step", "node", "op", "input", "upstream", "local", "rule", "contribution",
                "grad so far"]
        return table(head, [[r[k] for k in keys] for r in rows])

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


@contextmanager
def trace_backward() -> Iterator[BackwardTrace]:
    """Record every step of the backward passes run inside the block.

    >>> from autograd import Value
    >>> x = Value(3.0, label="x")
    >>> y = x * x
    >>> with trace_backward() as t:
    ...     y.backward()
    >>> [s.contribution for s in t]
    [3.0, 3.0]
    """
    trace = BackwardTrace()

    def on_edge(node: Value, i: int, parent: Value, upstream: Any, local: Any,
                contribution: Any) -> None:
        trace.steps.append(TraceStep(node, i, parent, upstream, local, contribution))

    with observe(edges=on_edge):
        yield trace
