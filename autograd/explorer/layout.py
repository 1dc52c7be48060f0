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

# Advance widths (in em) of DejaVu Sans, the page's first font and the widest of
# its list, for the characters of a box's data and grad rows; others count as _WIDE.
_EM = {**dict.fromkeys("0123456789", 0.636), ".": 0.318, ",": 0.318, " ": 0.318, "-": 0.361,
       "+": 0.838, "(": 0.390, ")": 0.390, "/": 0.337, "?": 0.531, "e": 0.615, "a": 0.613,
       "d": 0.635, "g": 0.635, "r": 0.411, "t": 0.392, "s": 0.521, "h": 0.634, "o": 0.612,
       "w": 0.818, "n": 0.634, "i": 0.278, "f": 0.352, "y": 0.592, "u": 0.634, "c": 0.550,
       "p": 0.635, "l": 0.278, "m": 0.974, "k": 0.579, "✓": 0.838, "✗": 0.838}
_WIDE = 0.7


_BOLDER = 1.1  # DejaVu Sans Bold over DejaVu Sans: a row is bold while its node is stepped


def _text_width(text: str, size: float = 14.0) -> float:
    """The width of a row of text at ``size`` px in DejaVu Sans (a little over, never under)."""
    return sum(_EM.get(c, _WIDE) for c in text) * size * 1.02


def _rows_width(texts: list[str]) -> float:
    return max((_text_width(t) for t in texts), default=0.0) * _BOLDER + _PAD


def _row_texts(entries: list[dict[str, Any]], steps: list[dict[str, Any]]) -> list[list[str]]:
    """Every text a Value's data and grad rows can show on the page, step by step and in
    practice mode (the page's gradText): a sum still filling in shows "(k/n)", its uses so far."""
    uses = [0] * len(entries)
    for entry in entries:
        for j in entry["inputs"]:
            uses[j] += 1
    rows: list[list[str]] = []
    for entry in entries:
        row = ["data ?", "data " + fmt(entry["data"], _DIGITS)]
        if entry["grad"] is not None:
            final = fmt(entry["grad"], _DIGITS)
            row += ["grad ?", "grad ✗ try again", f"grad ✓ {final}", f"grad {final} (shown)", f"grad {final}"]
        rows.append(row)
    got = [0] * len(entries)
    for step in steps:
        for e in step.get("edges", ()):
            i = e["node"]
            got[i] += 1
            tail = f" ({got[i]}/{uses[i]})" if got[i] < uses[i] else ""
            rows[i].append(f"grad {fmt(e['after'], _DIGITS)}{tail}")
    return rows


def _box_size(entry: dict[str, Any], texts: list[str] | None = None) -> tuple[float, float]:
    """Width and height of a Value's box: name, data and grad rows (a constant: its number),
    wide enough for the longest text its rows will show (``texts``)."""
    if entry["kind"] == "constant" and not entry["labelled"]:
        return max(44.0, len(fmt(entry["data"], _DIGITS)) * _CHAR + _PAD), _ROW + 8
    name = min(len(entry["name"]), 34)
    return max(112.0, name * _BOLD + _PAD, _rows_width(texts or [])), 3 * _ROW + 8


def _op_size(symbol: str) -> tuple[float, float]:
    if len(symbol) <= 2:
        return 30.0, 30.0
    return max(30.0, len(symbol) * _CHAR + 14), 30.0


def _neuron_size(neuron: dict[str, Any], texts: list[str] | None = None) -> tuple[float, float]:
    """A folded neuron's box: its name (beside the unfold button), what it is, and its
    output's data and grad rows (``texts``)."""
    name = min(len(neuron["name"]), 34)
    kind = f"{neuron['activation']} neuron, {neuron['fan_in']} inputs"
    return max(140.0, name * _BOLD + _PAD + 24, _text_width(kind, 12.0) + _PAD,
               _rows_width(texts or []) + 2), 4 * _ROW + 8


def _inches(points: float) -> str:
    return f"{points / 72.0:.3f}"


def _layout(graph: Graph, index: dict[Value, int], entries: list[dict[str, Any]],
            neurons: list[dict[str, Any]], folded: bool, timeout: float | None = None,
            steps: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Positions from Graphviz for the Values' boxes, the op nodes, the neurons and the
    edges (one per use of an input); DOT ids only, no user text.  ``steps`` (the model's)
    give the texts the boxes will show, which size them."""
    nodes = graph.nodes
    texts = _row_texts(entries, steps or [])
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
        w, h = _box_size(entries[i], texts[i])
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
            w, h = _neuron_size(neuron, texts[neuron["out"]])
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
