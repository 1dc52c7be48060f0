"""The explorer's layout: the size of every box, and Graphviz's positions for them.

Graphviz is given fixed box sizes and no text (``-Tjson``, positions only), so
the layout does not depend on its fonts and no user text reaches it; the
positions come back in points, the page's SVG units.
"""

from __future__ import annotations

import json
from typing import Any

from autograd.graph import Graph
from autograd.text import fmt
from autograd.value import Value
from autograd.viz import render_source

_DIGITS = 4  # significant digits of the numbers on the page (the side panel shows all)

# Box sizes for the layout, in points (= SVG units on the page).  Graphviz gets
# fixed sizes, never text, so the layout does not depend on its fonts.
_CHAR = 8.6  # width of a character at the page's 14px font
_BOLD = 9.4
_ROW = 20.0
_PAD = 14.0


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
