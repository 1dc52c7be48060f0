"""The explorer's model: the data the page shows, as a dict that serialises to JSON.

Every Value of the graph with its data, gradient and display name, the
neurons (a ``dot`` node and its activation, which the page can fold into one
box), the forward and backward steps with their text, and both layouts.
Every number is read from one :class:`autograd.graph.Graph`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from autograd import ops
from autograd.chain import explain
from autograd.explorer.layout import _DIGITS, _layout
from autograd.graph import Graph
from autograd.ops import NARY, Op
from autograd.text import factor, fmt
from autograd.value import Value

MAX_UNFOLDED = 200
"""A graph with more Values than this opens with every neuron folded into one box."""

MAX_LAID_OUT = 3000
"""Above this many Values only the folded layout is computed (Graphviz would take minutes)."""

MAX_EXPLAINED = 1500
"""Above this many Values the side panel gives no chain-rule breakdown (it costs O(n²))."""

_MAX_TERMS = 6  # terms of a long sum shown in a forward step ("a + b + … + z")


def _number(x: Any) -> Any:
    """A float for JSON: inf and nan become the strings "inf", "-inf", "nan"."""
    if isinstance(x, Value):
        x = x.data
    v = float(x)
    if math.isfinite(v):
        return v + 0.0  # -0.0 as 0.0
    return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")


def _model(graph: Graph, fold: bool | None, title: str | None,
           tolerance: tuple[float, float], timeout: float | None = None) -> dict[str, Any]:
    nodes = graph.nodes
    index = {n: i for i, n in enumerate(nodes)}
    grads = graph.gradients()
    root = graph.root
    explained = len(nodes) <= MAX_EXPLAINED

    out_nodes: list[dict[str, Any]] = []
    for node in nodes:
        op = node._row
        constant = graph.is_constant(node)
        entry: dict[str, Any] = {
            "name": graph.name(node),
            "labelled": bool(node.label),
            "op": op.name if op is not None else "",
            "symbol": op.symbol if op is not None else "",
            "kind": ("op" if op is not None else "constant" if constant else "leaf"),
            "data": _number(node.data),
            "grad": None if constant else _number(grads.get(node, 0.0)),
            "inputs": [index[p] for p in node.parents],
        }
        if op is not None:
            local = graph.local(node)
            entry["local"] = [_number(v) for v in local]
            entry["rules"] = [graph.rule(node, k) for k in range(len(node.parents))]
            entry["partials"] = [graph.partial(node, p) for p in node.parents]
            entry["forward"] = _forward_text(graph, node, short=True)
            entry["forward_full"] = _forward_text(graph, node, short=False)
        if explained and not constant:
            entry["explain"] = str(explain(root, node, graph=graph))
        out_nodes.append(entry)

    neurons = _neurons(graph, index)
    for k, neuron in enumerate(neurons):
        for member in (neuron["dot"], neuron["act"], *neuron["params"]):
            if member is not None:
                out_nodes[member]["neuron"] = k

    steps = _steps(graph, index, grads)
    fold_default = len(nodes) > MAX_UNFOLDED if fold is None else bool(fold)
    if not neurons:
        fold_default = False
    layouts: dict[str, Any] = {}
    if len(nodes) <= MAX_LAID_OUT or not neurons:
        layouts["full"] = _layout(graph, index, out_nodes, neurons, False, timeout, steps)
    if neurons:
        layouts["folded"] = _layout(graph, index, out_nodes, neurons, True, timeout, steps)
    note = ""
    if fold_default and fold is None:
        note = (f"This graph has {len(nodes):,} values, more than the {MAX_UNFOLDED} shown "
                f"unfolded: each of its {len(neurons)} neurons is folded into one box. "
                f"Click a neuron's ⊞ to unfold it, or Unfold to unfold them all.")
    if "full" not in layouts:
        note += (f" Above {MAX_LAID_OUT:,} values the neurons cannot be unfolded here; "
                 f"draw a part with autograd.draw(root, only=[w]).")
    if not explained:
        note += (f" Above {MAX_EXPLAINED:,} values the side panel gives no chain-rule "
                 f"breakdown; call autograd.explain(root, node) for one node.")
    return {
        "version": 1,
        "title": title if title is not None else graph.name(root),
        "root": index[root],
        "nodes": out_nodes,
        "neurons": neurons,
        "steps": steps,
        "layouts": layouts,
        "view": "folded" if fold_default else "full",
        "note": note.strip(),
        "tolerance": {"rel": tolerance[0], "abs": tolerance[1],
                      "text": f"within {fmt(tolerance[0] * 100)}% of the engine's value "
                              f"(or {fmt(tolerance[1])} near 0)"},
        "grad_name": f"∂{graph.symbol(root)}/∂",
    }


def _neurons(graph: Graph, index: dict[Value, int]) -> list[dict[str, Any]]:
    """Each ``dot`` node with its activation (its only consumer, a one-input op) and the
    leaves that feed only it (its weights and bias)."""
    found = []
    for node in graph.nodes:
        if node._row is not ops.DOT:
            continue
        act = None
        users = graph.consumers(node)
        if node is not graph.root and len(users) == 1:
            consumer, _ = users[0]
            if consumer._row is not None and consumer._row.arity == 1 and len(consumer.parents) == 1:
                act = consumer
        params = []
        for p in dict.fromkeys(node.parents):  # a parameter used twice is listed once
            if p.is_leaf and not graph.is_constant(p) and p is not graph.root and all(
                    c is node for c, _ in graph.consumers(p)):
                params.append(index[p])
        top = act if act is not None else node
        found.append({
            "name": graph.name(top),
            "dot": index[node],
            "act": index[act] if act is not None else None,
            "out": index[top],
            "activation": act._row.name if act is not None and act._row is not None else "linear",
            "params": params,
            "fan_in": len(node.parents) // 2,
        })
    return found


def _steps(graph: Graph, index: dict[Value, int], grads: dict[Value, Any]) -> list[dict[str, Any]]:
    """The forward steps (op nodes in topological order), the seed, then the backward steps.

    A backward step at a node lists, for each of its inputs that takes a
    gradient, the local derivative, the upstream gradient, their product and
    the input's gradient once the product is added; the last contribution to a
    node gives it the engine's gradient exactly.
    """
    ops_in_order = [n for n in graph.nodes if not n.is_leaf]
    steps: list[dict[str, Any]] = [{"kind": "start"}]
    steps += [{"kind": "forward", "node": index[n]} for n in ops_in_order]
    steps.append({"kind": "seed", "node": index[graph.root]})
    remaining = {n: sum(1 for c, _ in graph.consumers(n)) for n in graph.nodes}
    running: dict[Value, Any] = {}
    for node in reversed(ops_in_order):
        upstream = grads.get(node, 0.0)
        local = graph.local(node)
        edges = []
        for k, p in enumerate(node.parents):
            remaining[p] -= 1
            if graph.is_constant(p):
                continue
            contribution = local[k] * upstream
            before = running.get(p)
            after = contribution if before is None else before + contribution
            complete = remaining[p] == 0
            if complete:
                after = grads.get(p, after)  # the engine's number, to the last bit
            running[p] = after
            edges.append({"input": k, "node": index[p], "local": _number(local[k]),
                          "upstream": _number(upstream), "contribution": _number(contribution),
                          "before": None if before is None else _number(before),
                          "after": _number(after), "complete": complete})
        steps.append({"kind": "backward", "node": index[node], "edges": edges})
    steps.append({"kind": "end"})
    return steps


# ---------------------------------------------------------------- forward text
def _render(op: Op, args: Sequence[str], atoms: Sequence[str]) -> str:
    """``op`` applied to inputs written ``args`` (``atoms``: the same, parenthesised
    where an operator would bind into them)."""
    notation = op.notation
    if op.arity == NARY:
        if notation == "w*x+b":
            n = len(args) // 2
            terms = [f"{atoms[i]}*{atoms[n + i]}" for i in range(n)] + [atoms[-1]]
        elif notation == "+":
            terms = list(atoms)
        else:
            return f"{op.name}({', '.join(args)})"
        return " + ".join(terms)
    if not notation:
        return f"{op.name}({', '.join(args)})"
    if notation == "{0}":
        return args[0]
    return notation.format(*atoms)


def _shorten(op: Op, args: list[str], atoms: list[str]) -> tuple[list[str], list[str], bool]:
    """The inputs of a long sum cut to its first and last terms (the rest as "…")."""
    if op.arity != NARY or op.notation not in ("w*x+b", "+"):
        return args, atoms, False
    if op.notation == "+":
        if len(args) <= _MAX_TERMS:
            return args, atoms, False
        keep = [*range(_MAX_TERMS - 1), len(args) - 1]
        return ([args[i] for i in keep[:-1]] + ["…", args[-1]],
                [atoms[i] for i in keep[:-1]] + ["…", atoms[-1]], True)
    n = len(args) // 2
    if n <= _MAX_TERMS:
        return args, atoms, False
    pairs = [*range(_MAX_TERMS - 1), n - 1]
    return ([args[i] for i in pairs[:-1]] + ["…"] + [args[n - 1]]
            + [args[n + i] for i in pairs[:-1]] + ["…"] + [args[2 * n - 1], args[-1]],
            [atoms[i] for i in pairs[:-1]] + ["…"] + [atoms[n - 1]]
            + [atoms[n + i] for i in pairs[:-1]] + ["…"] + [atoms[2 * n - 1], atoms[-1]], True)


def _forward_text(graph: Graph, node: Value, short: bool) -> str:
    """How the node's value came from its inputs: ``o = tanh(a) = tanh(0.9) = 0.7163``."""
    op = node._row
    assert op is not None
    parents = node.parents
    names = [graph.name(p) for p in parents]
    symbols = [graph.symbol(p) for p in parents]
    numbers = [fmt(p.data, _DIGITS) for p in parents]
    factors = [factor(p.data, _DIGITS) for p in parents]
    if short:
        names, symbols, cut = _shorten(op, names, symbols)
        numbers, factors, _ = _shorten(op, numbers, factors)
        if cut:  # "…*…" reads as one left-out term
            symbols = [s.replace("…*…", "…") for s in symbols]
    symbolic = _render(op, names, symbols).replace("…*…", "…")
    numeric = _render(op, numbers, factors).replace("…*…", "…")
    parts = [graph.name(node)]
    if symbolic != parts[0]:
        parts.append(symbolic)
    if numeric != symbolic:
        parts.append(numeric)
    parts.append(fmt(node.data, _DIGITS))
    return " = ".join(parts)
