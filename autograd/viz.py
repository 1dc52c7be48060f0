"""Seeing the graph: drawings of data, grad and the chain rule, and a text tree.

``draw(root)`` returns a :class:`Drawing`, a ``graphviz.Digraph`` with one box
per Value (label, data, grad) and one small node per op between its inputs and
its output.  With ``chain=True`` every edge into an op carries the three
numbers the chain rule multiplies there: the local derivative d(output)/d(input),
the upstream gradient d(root)/d(output), and their product, the share of
d(root)/d(input) that flows along that edge.

Rendering (a system ``dot``, else the bundled ``graphviz-pure``) lives in
:mod:`autograd.render`; its names are re-exported here.

``tree(root)`` (in :mod:`autograd.treeview`, re-exported here) is the same
information as indented text, for terminals and doctests.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.graph import Graph
from autograd.notation import equation
from autograd.render import (
    Drawing,
    Renderer,
    RendererNotFoundError,
    RenderTimeoutError,
    check_timeout,
    find_renderer,
    render_source,
)
from autograd.text import clean, number
from autograd.treeview import DEFAULT_TREE_DEPTH, DEFAULT_TREE_LINES, Tree, tree
from autograd.value import Value

__all__ = [
    "DEFAULT_MAX_NODES",
    "DEFAULT_TREE_DEPTH",
    "DEFAULT_TREE_LINES",
    "Drawing",
    "GraphTooLargeError",
    "RenderTimeoutError",
    "Renderer",
    "RendererNotFoundError",
    "Tree",
    "draw",
    "draw_dot",
    "find_renderer",
    "render_source",
    "tree",
]

DEFAULT_MAX_NODES = 500
"""Drawings of more Values than this are refused (dot would take minutes on them)."""


_FONT = "Helvetica"
_HIGHLIGHT = "#c0392b"  # edges, borders and text on a highlighted path
_HIGHLIGHT_FILL = "#fbe3e0"
_LEAF_FILL = "#e8f0fb"  # the label cell of a leaf (an input, a weight, a constant)
_NODE_FILL = "#f4f4f4"  # the label cell of a node an op made
_OP_FILL = "#eeeeee"
_MUTED = "#7f7f7f"


class GraphTooLargeError(ValueError):
    """A graph with more Values than ``max_nodes``: draw a part of it instead."""


def _text(s: str) -> str:
    """Escape text for an HTML-like Graphviz label; control characters become visible."""
    cleaned = "".join(
        c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in s
    )
    # "]" as a character reference: Graphviz 2.43's HTML lexer fails on a text that
    # starts with "]" ("syntax error ... ]</B>")
    return html.escape(cleaned, quote=True).replace("]", "&#93;").replace("\n", "<BR/>")


# An edge label's lines wrap at this width: a 60-character label, named three times in a
# rule, made a drawing 6,000 pixels wide.
_LABEL_WIDTH = 72


def _wrapped(line: str) -> list[str]:
    """One line of an edge label, its whitespace (a label's own newlines) made single
    spaces, wrapped at :data:`_LABEL_WIDTH` characters (a long name is split too)."""
    flat = " ".join(line.split())
    if len(flat) <= _LABEL_WIDTH:
        return [flat]
    return textwrap.wrap(flat, _LABEL_WIDTH, break_on_hyphens=False) or [flat]


def _short(x: Any, fmt: str) -> str:
    """A number for an edge label: a batch is shown by its mean over the samples."""
    if isinstance(x, np.ndarray):
        return f"mean {format(float(x.mean()) + 0.0, fmt)}"
    return format(float(x) + 0.0, fmt)


def _as_set(values: Value | Iterable[Value] | None, what: str) -> list[Value]:
    if values is None:
        return []
    chosen = [values] if isinstance(values, Value) else list(values)
    for v in chosen:
        if not isinstance(v, Value):
            raise TypeError(f"draw: {what} must be Values, not {type(v).__name__}")
    return chosen


@dataclass
class _Selection:
    order: list[Value]  # the Values to draw, inputs first
    expanded: set[Value]  # drawn non-leaves whose op and inputs are drawn too


def _check_options(max_nodes: Any, depth: Any, timeout: Any) -> None:
    """draw's bounds: whole numbers (max_nodes >= 1, depth >= 0) and a finite positive
    timeout, or None; refused here, not deep inside the layout."""
    for name, value, least in (("max_nodes", max_nodes, 1), ("depth", depth, 0)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < least):
            raise ValueError(f"draw: {name} must be a whole number >= {least} or None, "
                             f"got {clean(repr(value), limit=60)}")
    check_timeout(timeout, "draw")


def _select(graph: Graph, depth: int | None, only: Value | Iterable[Value] | None) -> _Selection:
    """Which Values to draw: all of them, those within ``depth``, or the paths from ``only``."""
    drawn: set[Value] = set(graph.nodes)
    chosen = _as_set(only, "only=")
    if only is not None and not chosen:
        raise ValueError("draw: only= is empty; give the Values whose paths to draw")
    if chosen:
        missing = [v for v in chosen if v not in graph]
        if missing:
            raise ValueError(f"draw: only= holds Values not in the graph of the root: {missing}")
        on_path = graph.downstream(chosen)
        drawn = set(on_path)
        starts = set(chosen)
        for node in graph.nodes:
            if node in on_path and node not in starts:
                drawn.update(node.parents)
    if depth is not None:
        if depth < 0:
            raise ValueError(f"draw: depth must be >= 0, got {depth}")
        drawn &= set(graph.within(depth))
    order = [n for n in graph.nodes if n in drawn]
    expanded = {n for n in order if n.parents and all(p in drawn for p in n.parents)}
    return _Selection(order, expanded)


def _too_large(graph: Graph, sel: _Selection, max_nodes: int, depth: int | None,
               only: bool) -> str:
    part = " selected" if depth is not None or only else ""
    slow = "; Graphviz would take minutes on it" if max_nodes >= DEFAULT_MAX_NODES else " (the limit given)"
    return (
        f"draw: the graph has {len(graph)} Values ({len(sel.order)}{part} to draw), more than "
        f"max_nodes={max_nodes}{slow}. Draw a part of it: "
        f"draw(root, depth=3) draws the Values up to 3 steps from the root, "
        f"draw(root, only=[w]) draws only the paths from the chosen Values w to the root, "
        f"or tree(root, depth=3) prints them as text; pass max_nodes=None to draw it all anyway."
    )


def _value_label(graph: Graph, node: Value, fmt: str, show_grad: bool, fill: str, border: str,
                 dashed: bool) -> str:
    """A Value's box: its name (italic when it is an automatic one), data and grad.

    A constant is its number alone: it has no gradient to show.
    """
    style = ' STYLE="dashed"' if dashed else ""
    table = (f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
             f'COLOR="{border}"{style}><TR>')
    if graph.is_constant(node) and not node.label and not node.is_batch:
        return f"{table}<TD>{_text(number(node.data, fmt))}</TD></TR></TABLE>>"
    cells = []
    name = graph.name(node)
    if node.label:
        cells.append(f'<TD BGCOLOR="{fill}"><B>{_text(name)}</B></TD>')
    elif not node.is_leaf or node.is_batch:
        cells.append(f'<TD BGCOLOR="{fill}"><I>{_text(name)}</I></TD>')
    cells.append(f"<TD>{_cell('data', node.data, fmt)}</TD>")
    if show_grad:
        cells.append(f"<TD>{_cell('grad', node.grad, fmt)}</TD>")
    return f"{table}{''.join(cells)}</TR></TABLE>>"


def _cell(name: str, x: Any, fmt: str) -> str:
    """``data 0.5``; a batch on three lines (size, mean, range) to keep boxes narrow."""
    if isinstance(x, Value):
        x = x.data
    if isinstance(x, np.ndarray):
        lines = [
            f"{name}, {x.shape[0]} samples",
            f"mean {format(float(x.mean()) + 0.0, fmt)}",
            f"min {format(float(x.min()) + 0.0, fmt)}, max {format(float(x.max()) + 0.0, fmt)}",
        ]
        return "<BR/>".join(_text(line) for line in lines)
    return _text(f"{name} {number(x, fmt)}")


def _chain_label(graph: Graph, node: Value, index: int, local: Any, upstream: Any,
                 fmt: str) -> str:
    """The chain rule on one edge: d(node)/d(parent), d(root)/d(node) and their product.

    Nodes are named as every tool names them, the local derivative is written
    with its rule in those names as ``explain`` writes it
    (``local ∂o/∂a = sigmoid(a)*(1 - sigmoid(a)) = 0.25``), and the first two
    lines say "local" and "upstream" so that a local partial is not mistaken
    for the node's total gradient shown in its box.
    """
    product = upstream * local
    parent = node.parents[index]
    lines = [
        f"local {equation(graph.partial(node, parent), graph.rule(node, index), _short(local, fmt))}",
        f"upstream {graph.partial(graph.root, node)} = {_short(upstream, fmt)}",
    ]
    product_line = f"<B>{_text(f'product = {_short(product, fmt)}')}</B>"
    text = "<BR/>".join([*(_text(part) for line in lines for part in _wrapped(line)), product_line])
    # on an opaque cell, so that an edge drawn across the label does not strike its text
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" '
            f'BGCOLOR="white"><TR><TD>{text}</TD></TR></TABLE>>')


def draw(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    fmt: str = ".4g",
    highlight: Value | Iterable[Value] | None = None,
    chain: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    depth: int | None = None,
    only: Value | Iterable[Value] | None = None,
    timeout: float | None = None,
) -> Drawing:
    """The graph that computed ``root``, as a Graphviz drawing.

    One box per Value shows its label, data and (with ``show_grad``) the grad
    stored in it; one small node per op sits between its inputs and its output.
    ``rankdir`` is Graphviz's direction ("LR" or "TB"); ``fmt`` formats numbers.

    ``highlight``: a Value or Values whose every path to the root is coloured.
    ``chain=True``: each edge into an op is labelled with the local derivative,
    the upstream gradient d(root)/d(op's output) and their product.  These are
    computed afresh from the graph, so they are right even before ``backward()``
    and never change any ``.grad``.

    ``max_nodes`` (None for no limit) refuses graphs with more Values; draw a
    part with ``depth`` (Values at most that many edges from the root) or
    ``only`` (the paths from the given Values to the root, with the other inputs
    of their ops).  Inputs left out are shown as a dashed box and an "…".
    ``timeout`` (seconds) bounds each render of the drawing (see
    :func:`autograd.render.render_source`).
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, not {type(root).__name__}")
    _check_options(max_nodes, depth, timeout)
    graph = Graph(root)
    sel = _select(graph, depth, only)
    if max_nodes is not None and len(sel.order) > max_nodes:
        raise GraphTooLargeError(_too_large(graph, sel, max_nodes, depth, only is not None))

    marked = _as_set(highlight, "highlight=")
    lit: set[Value] = set()
    if marked:
        missing = [v for v in marked if v not in graph]
        if missing:
            raise ValueError(
                f"draw: highlight= holds Values not in the graph of the root: {missing}"
            )
        lit = graph.downstream(marked)
    upstream = graph.gradients() if chain else {}

    g = Drawing(name="autograd", graph_attr={"rankdir": rankdir, "fontname": _FONT})
    g.timeout = timeout
    g.attr("node", fontname=_FONT, fontsize="12")
    g.attr("edge", fontname=_FONT, fontsize="10", arrowsize="0.7")
    ids = {n: f"v{i}" for i, n in enumerate(sel.order)}

    for node in sel.order:
        on = node in lit
        fill = _HIGHLIGHT_FILL if on else (_LEAF_FILL if node.is_leaf else _NODE_FILL)
        border = _HIGHLIGHT if on else "black"
        cut = bool(node.parents) and node not in sel.expanded
        g.node(
            ids[node],
            label=_value_label(graph, node, fmt, show_grad, fill, border, cut),
            shape="plain",
            color=border,
            fontcolor=_HIGHLIGHT if on else "black",
        )
        op = node._row
        if op is None:
            continue
        op_id = f"{ids[node]}_op"
        g.node(
            op_id,
            label=f"<{_text(op.symbol)}>",
            shape="circle" if len(op.symbol) <= 2 else "ellipse",
            style="filled",
            fillcolor=_HIGHLIGHT_FILL if on else _OP_FILL,
            color=_HIGHLIGHT if on else "black",
            fontsize="11",
            width="0.3",
            height="0.3",
            margin="0.03",
        )
        g.edge(op_id, ids[node], **_edge_style(on))
        if cut:
            hidden = f"{ids[node]}_more"
            g.node(hidden, label="…", shape="plaintext", fontcolor=_MUTED)
            g.edge(hidden, op_id, style="dashed", color=_MUTED)
            continue
        locals_ = graph.local(node) if chain else ()
        # One edge per use: x * x draws two edges from x, each with its own factor.
        for i, parent in enumerate(node.parents):
            style = _edge_style(on and parent in lit)
            if chain:
                style["label"] = _chain_label(graph, node, i, locals_[i], upstream[node], fmt)
            g.edge(ids[parent], op_id, **style)
    return g


def _edge_style(on: bool) -> dict[str, str]:
    if on:
        return {"color": _HIGHLIGHT, "fontcolor": _HIGHLIGHT, "penwidth": "2"}
    return {}


draw_dot = draw
"""The name micrograd's notebooks use for :func:`draw`."""
