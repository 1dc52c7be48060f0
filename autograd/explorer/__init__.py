"""The graph explorer: step through the forward and backward pass of your own graph.

``explore(root)`` (or ``root.explore()``) returns an :class:`Explorer`.
``save("graph.html")`` writes one self-contained page (script, style, layout
and data inlined; it loads nothing from the network and works from
``file://``); in Jupyter the explorer shows inline in a sandboxed iframe.

On the page the learner steps forward through the topological order (each
step shows how a node's value came from its inputs), then backward through the
reverse order (each step shows, on every edge into the current node, local
derivative × upstream gradient = contribution, and the inputs' gradients
filling in), clicks a node for its rule and its chain-rule breakdown
(:func:`autograd.explain`), and practises: gradients hidden, the learner types
∂root/∂node and the page says whether it is right.

Every number comes from one :class:`autograd.graph.Graph` built per call: data
as recorded, gradients from ``graph.gradients()``, local derivatives from
``graph.local(node)``.  No ``.grad`` is read or written, so the page is right
before ``backward()`` was ever called.

Layout is by Graphviz (the renderer :func:`autograd.viz.draw` uses), asked for
positions only (``-Tjson``): no user text goes into Graphviz, and the page's
script writes every label with ``textContent``.  The graph is embedded as JSON
with ``<``, ``>`` and ``&`` escaped, and a Content-Security-Policy lets only the
page's own script (by its hash) run and nothing be fetched.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from autograd import ops
from autograd.chain import explain
from autograd.graph import Graph
from autograd.ops import NARY, Op
from autograd.text import factor, fmt
from autograd.value import Value
from autograd.viz import render_source

__all__ = ["MAX_EXPLAINED", "MAX_LAID_OUT", "MAX_UNFOLDED", "TOLERANCE", "Explorer", "explore"]

MAX_UNFOLDED = 200
"""A graph with more Values than this opens with every neuron folded into one box."""

MAX_LAID_OUT = 3000
"""Above this many Values only the folded layout is computed (Graphviz would take minutes)."""

MAX_EXPLAINED = 1500
"""Above this many Values the side panel gives no chain-rule breakdown (it costs O(n²))."""

TOLERANCE = (1e-3, 1e-6)
"""Practice mode accepts an answer within 0.1% of the engine's value, or 1e-6 of it near 0."""

_DIGITS = 4  # significant digits of the numbers on the page (the side panel shows all)
_MAX_TERMS = 6  # terms of a long sum shown in a forward step ("a + b + … + z")

# Box sizes for the layout, in points (= SVG units on the page).  Graphviz gets
# fixed sizes, never text, so the layout does not depend on its fonts.
_CHAR = 8.6  # width of a character at the page's 14px font
_BOLD = 9.4
_ROW = 20.0
_PAD = 14.0


def explore(root: Value, *, fold: bool | None = None, title: str | None = None,
            tolerance: tuple[float, float] = TOLERANCE, timeout: float | None = None) -> Explorer:
    """The explorer of the graph that computed ``root`` (see :class:`Explorer`).

    ``fold``: open with every neuron (a ``dot`` node and its activation) folded
    into one box; by default a graph of more than :data:`MAX_UNFOLDED` Values
    opens folded.  ``title`` names the page (default: the root's name).
    ``tolerance`` is practice mode's (relative, absolute) tolerance.
    ``timeout`` (seconds) bounds Graphviz's layout of the page.
    """
    return Explorer(root, fold=fold, title=title, tolerance=tolerance, timeout=timeout)


class Explorer:
    """An interactive page of one graph: ``save(path)`` or show it in Jupyter.

    Built once from one :class:`~autograd.graph.Graph`; the page it writes is
    fixed, later changes to the graph's data are not seen.  ``model`` is the
    data the page shows (a dict that serialises to JSON).
    """

    def __init__(self, root: Value, *, fold: bool | None = None, title: str | None = None,
                 tolerance: tuple[float, float] = TOLERANCE, timeout: float | None = None) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"explore: root must be a Value, not {type(root).__name__}")
        rel, tol_abs = tolerance
        if not (rel >= 0 and tol_abs >= 0 and math.isfinite(rel) and math.isfinite(tol_abs)):
            raise ValueError(f"explore: tolerance must be two finite numbers >= 0, got {tolerance!r}")
        graph = Graph(root)  # the one walk; every number below is read from it
        batch = [(n, n.data) for n in graph.nodes if isinstance(n.data, np.ndarray)]
        if batch:
            raise ValueError(
                f"explore: the graph holds batches ({graph.name(batch[0][0])!r} has "
                f"{batch[0][1].shape[0]} samples); the explorer shows one sample: build "
                f"the graph from float Values, e.g. model([Value(v) for v in X[i]])")
        self.root = root
        self.model = _model(graph, fold, title, (float(rel), float(tol_abs)), timeout)

    # ------------------------------------------------------------ output
    def html(self) -> str:
        """The whole page as text (one self-contained HTML document)."""
        return _page(self.model)

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the page to ``path`` (an ``.html`` file); returns the path written."""
        target = Path(path)
        target.write_text(self.html(), encoding="utf-8")
        return str(target)

    def _repr_html_(self) -> str:
        # Sandboxed: the page's script runs, but in an opaque origin that cannot
        # reach the notebook's page, cookies or kernel.
        doc = html.escape(self.html(), quote=True)
        return (f'<iframe sandbox="allow-scripts" srcdoc="{doc}" title="autograd explorer" '
                f'style="width: 100%; height: 680px; border: 1px solid #c8ccd2; '
                f'border-radius: 4px;"></iframe>')

    def __repr__(self) -> str:
        m = self.model
        return (f"<autograd Explorer of {m['title']!r}: {len(m['nodes'])} values, "
                f"{len(m['neurons'])} neurons; .save('graph.html') writes the page>")


# ---------------------------------------------------------------- the model
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
        layouts["full"] = _layout(graph, index, out_nodes, neurons, False, timeout)
    if neurons:
        layouts["folded"] = _layout(graph, index, out_nodes, neurons, True, timeout)
    note = ""
    if fold_default and fold is None:
        note = (f"This graph has {len(nodes):,} values, more than the {MAX_UNFOLDED} shown "
                f"unfolded: each of its {len(neurons)} neurons is folded into one box. "
                f"Click a neuron's ⊞ to unfold it, or Unfold all.")
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


# ---------------------------------------------------------------- layout
def _box_size(entry: dict[str, Any]) -> tuple[float, float]:
    """Width and height of a Value's box: name, data and grad rows (a constant: its number)."""
    if entry["kind"] == "constant" and not entry["labelled"]:
        return max(44.0, len(fmt(entry["data"], _DIGITS)) * _CHAR + _PAD), _ROW + 8
    name = min(len(entry["name"]), 34)
    return max(112.0, name * _BOLD + _PAD, 15 * _CHAR + _PAD), 3 * _ROW + 8


def _op_size(symbol: str) -> tuple[float, float]:
    if len(symbol) <= 2:
        return 30.0, 30.0
    return max(30.0, len(symbol) * _CHAR + 14), 30.0


def _neuron_size(neuron: dict[str, Any]) -> tuple[float, float]:
    name = min(len(neuron["name"]), 34)
    return max(140.0, name * _BOLD + _PAD + 24, 17 * _CHAR + _PAD), 4 * _ROW + 8


def _inches(points: float) -> str:
    return f"{points / 72.0:.3f}"


def _layout(graph: Graph, index: dict[Value, int], entries: list[dict[str, Any]],
            neurons: list[dict[str, Any]], folded: bool, timeout: float | None = None
            ) -> dict[str, Any]:
    """Positions from Graphviz for the Values' boxes, the op nodes, the neurons and the
    edges (one per use of an input); DOT ids only, no user text."""
    nodes = graph.nodes
    member_of: dict[int, int] = {}
    hidden: set[int] = set()  # drawn inside a folded neuron's box
    for k, neuron in enumerate(neurons):
        for m in (neuron["dot"], neuron["act"]):
            if m is not None:
                member_of[m] = k
        if folded:
            hidden.update(m for m in (neuron["dot"], neuron["act"], *neuron["params"]) if m is not None)

    lines = ["digraph explorer {",
             '  graph [rankdir=LR, nodesep=0.18, ranksep=0.32, splines=true, outputorder=edgesfirst];',
             '  node [shape=box, fixedsize=true, label=""];',
             '  edge [arrowsize=0.7];']

    def unit(i: int) -> str:
        if folded and i in hidden:
            return f"n{entries[i]['neuron']}"
        return f"v{i}"

    def head(i: int) -> str:
        """Where the edges into node i end: its op node (or its folded neuron)."""
        if folded and i in hidden:
            return f"n{member_of[i]}"
        return f"v{i}_op"

    clusters: dict[int, list[str]] = {}
    for i, node in enumerate(nodes):
        if folded and i in hidden:
            continue
        w, h = _box_size(entries[i])
        decl = [f'  v{i} [width={_inches(w)}, height={_inches(h)}];']
        if node._row is not None:
            ow, oh = _op_size(node._row.symbol)
            shape = "circle" if ow == oh else "ellipse"
            decl.insert(0, f'  v{i}_op [shape={shape}, width={_inches(ow)}, height={_inches(oh)}];')
        if i in member_of:
            clusters.setdefault(member_of[i], []).extend(decl)
        else:
            lines.extend(decl)
    for k, decl in clusters.items():
        # a blank label of one line reserves room for the page's "neuron o1_1" caption
        lines.append(f'  subgraph cluster_n{k} {{ margin=10; label=" "; fontsize=18; labeljust=l;')
        lines.extend("  " + d for d in decl)
        lines.append("  }")
    if folded:
        for k, neuron in enumerate(neurons):
            w, h = _neuron_size(neuron)
            lines.append(f'  n{k} [width={_inches(w)}, height={_inches(h)}];')

    for i, node in enumerate(nodes):
        if node._row is None:
            continue
        inside = folded and i in hidden
        if inside and neurons[member_of[i]]["act"] == i:
            continue  # a folded neuron's activation: its only input is inside the box
        if not inside:
            lines.append(f'  v{i}_op -> v{i} [id="o{i}"];')
        for k, p in enumerate(node.parents):
            j = index[p]
            if inside and j in hidden and entries[j].get("neuron") == member_of[i]:
                continue  # a weight or bias inside the same folded neuron
            lines.append(f'  {unit(j)} -> {head(i)} [id="e{i}_{k}"];')
    lines.append("}")
    data = json.loads(render_source("\n".join(lines), "json", timeout=timeout))
    return _positions(data)


def _floats(text: str) -> list[float]:
    return [float(v) for v in text.split(",")]


def _positions(data: dict[str, Any]) -> dict[str, Any]:
    """Graphviz's JSON cut to what the page draws, in SVG coordinates (y down)."""
    x0, y0, x1, y1 = _floats(data["bb"])
    height = y1 - y0

    def pt(x: float, y: float) -> list[float]:
        return [round(x - x0, 1), round(height - (y - y0), 1)]

    units: dict[str, Any] = {}
    clusters: dict[str, Any] = {}
    for obj in data.get("objects", []):
        name = obj.get("name", "")
        if name.startswith("cluster_"):
            bx0, by0, bx1, by1 = _floats(obj["bb"])
            a, b = pt(bx0, by1), pt(bx1, by0)
            clusters[name[len("cluster_"):]] = [a[0], a[1], round(b[0] - a[0], 1), round(b[1] - a[1], 1)]
        elif "pos" in obj:
            x, y = _floats(obj["pos"])
            c = pt(x, y)
            units[name] = [c[0], c[1], round(float(obj["width"]) * 72, 1),
                           round(float(obj["height"]) * 72, 1)]
    edges: dict[str, Any] = {}
    for edge in data.get("edges", []):
        key = edge.get("id")
        if not key or "pos" not in edge:
            continue
        spline: list[list[float]] = []
        end = None
        for part in edge["pos"].split():
            if part.startswith("e,"):
                end = pt(*_floats(part[2:]))
            elif part.startswith("s,"):
                continue
            else:
                spline.append(pt(*_floats(part)))
        edges[key] = {"p": spline, "e": end}
    return {"width": round(x1 - x0, 1), "height": round(height, 1), "units": units,
            "clusters": clusters, "edges": edges}


# ---------------------------------------------------------------- the page
def _asset(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def _json_for_html(model: dict[str, Any]) -> str:
    """JSON that cannot end its <script> element or open markup: < > & as \\u escapes."""
    text = json.dumps(model, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _page(model: dict[str, Any]) -> str:
    script = _asset("explorer.js")
    style = _asset("explorer.css")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    # Nothing may be fetched; only this script (by its hash) may run.
    csp = (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
           f"img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'")
    title = html.escape(f"{model['title']} · autograd explorer", quote=True)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n"
        f"<style>\n{style}</style>\n</head>\n<body>\n"
        '<noscript>The explorer needs JavaScript.</noscript>\n'
        f'<script type="application/json" id="model">{_json_for_html(model)}</script>\n'
        f"<script>{script}</script>\n"
        "</body>\n</html>\n"
    )
