"""Seeing the graph: drawings of data, grad and the chain rule, and a text tree.

``draw(root)`` returns a :class:`Drawing`, a ``graphviz.Digraph`` with one box
per Value (label, data, grad) and one small node per op between its inputs and
its output.  With ``chain=True`` every edge into an op carries the three
numbers the chain rule multiplies there: the local derivative d(output)/d(input),
the upstream gradient d(root)/d(output), and their product, the share of
d(root)/d(input) that flows along that edge.

Rendering needs a Graphviz layout program.  A system ``dot`` on PATH is used
when there is one; otherwise the ``graphviz-pure`` wheel (a Rust port of
Graphviz installed with this package, whose program is named ``graphviz-pure``)
renders SVG and PNG.  The DOT source (``drawing.source``) never needs either.

``tree(root)`` is the same information as indented text, for terminals and
doctests.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from autograd.graph import Graph
from autograd.value import Value

__all__ = [
    "DEFAULT_MAX_NODES",
    "DEFAULT_TREE_DEPTH",
    "DEFAULT_TREE_LINES",
    "Drawing",
    "GraphTooLargeError",
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

DEFAULT_TREE_DEPTH = 40
"""``tree()`` stops this many levels below the root unless told otherwise."""

DEFAULT_TREE_LINES = 400
"""``tree()`` writes at most this many lines unless told otherwise."""

GRAPHVIZ_PURE = "graphviz-pure==0.2.2"  # the pinned wheel whose command line this module drives

_FONT = "Helvetica"
_HIGHLIGHT = "#c0392b"  # edges, borders and text on a highlighted path
_HIGHLIGHT_FILL = "#fbe3e0"
_LEAF_FILL = "#e8f0fb"  # the label cell of a leaf (an input, a weight, a constant)
_NODE_FILL = "#f4f4f4"  # the label cell of a node an op made
_OP_FILL = "#eeeeee"
_MUTED = "#7f7f7f"


# ----------------------------------------------------------------- renderers
@dataclass(frozen=True)
class Renderer:
    """A Graphviz layout program found on this machine."""

    path: str  # the executable
    name: str  # "dot" (system Graphviz) or "graphviz-pure" (the bundled wheel)
    formats: frozenset[str]  # output formats this module asks it for


_DOT_FORMATS = frozenset({"svg", "png", "pdf", "json"})
_PURE_FORMATS = frozenset({"svg", "png", "json"})  # graphviz-pure renders no PDF


class RendererNotFoundError(graphviz.ExecutableNotFound):
    """No Graphviz program to turn DOT into SVG or PNG (a ``graphviz.ExecutableNotFound``)."""

    def __init__(self, what: str = "render the drawing") -> None:
        RuntimeError.__init__(
            self,
            f"cannot {what}: no Graphviz renderer found. Either install Graphviz so that "
            f"its `dot` program is on PATH (https://graphviz.org/download/), or "
            f"`pip install {GRAPHVIZ_PURE}` (a Graphviz port shipped as a wheel, no "
            f"system package needed). The DOT source needs neither: use "
            f"drawing.source or drawing.save('graph.dot').",
        )


def _system_dot() -> str | None:
    """Graphviz's own ``dot`` when it is on PATH."""
    return shutil.which("dot")


def _bundled_renderer() -> str | None:
    """The ``graphviz-pure`` program: next to this Python (a venv's bin/, Scripts/) or on PATH."""
    names = ("graphviz-pure.exe", "graphviz-pure") if os.name == "nt" else ("graphviz-pure",)
    here = Path(sys.executable).parent
    folders = [here, here / "Scripts", here / "bin", Path(sysconfig.get_path("scripts"))]
    try:  # where pip puts the scripts of a --user install
        folders.append(Path(sysconfig.get_path("scripts", f"{os.name}_user")))
    except KeyError:
        pass
    for folder in folders:
        for name in names:
            candidate = folder / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return shutil.which("graphviz-pure")


def find_renderer() -> Renderer | None:
    """The program that will render drawings: a system ``dot`` first, else ``graphviz-pure``.

    Returns None when neither is installed; rendering then raises
    :class:`RendererNotFoundError`, while the DOT source stays available.
    """
    dot = _system_dot()
    if dot is not None:
        return Renderer(dot, "dot", _DOT_FORMATS)
    pure = _bundled_renderer()
    if pure is not None:
        return Renderer(pure, "graphviz-pure", _PURE_FORMATS)
    return None


def render_source(source: str, fmt: str = "svg", renderer: Renderer | None = None) -> bytes:
    """Lay out DOT ``source`` and return the output in format ``fmt`` (svg, png, ...).

    Uses ``renderer`` or, by default, :func:`find_renderer`.
    """
    if renderer is None:
        renderer = find_renderer()
    if renderer is None:
        raise RendererNotFoundError(f"render {fmt.upper()}")
    if fmt not in renderer.formats:
        raise ValueError(
            f"{renderer.name} cannot render {fmt!r} "
            f"(it renders {', '.join(sorted(renderer.formats))})"
            + ("; install Graphviz's dot for PDF" if fmt == "pdf" else "")
        )
    try:
        done = subprocess.run(
            [renderer.path, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            check=False,
        )
    except OSError as err:
        raise RendererNotFoundError(f"run {renderer.path} ({err})") from err
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{renderer.name} failed (exit {done.returncode}): {message}")
    return done.stdout


# ------------------------------------------------------------------ drawing
_IMAGE_SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
_SOURCE_SUFFIXES = {"", ".dot", ".gv"}


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that renders with the renderer :func:`find_renderer` finds.

    ``save(path)`` picks the format from the suffix; in Jupyter a drawing shows
    inline as SVG; ``.source`` is the DOT text.
    """

    def __repr__(self) -> str:
        # stable text (no memory address) so that notebooks saved with outputs do not
        # change on every run; Jupyter shows the SVG, not this
        return "<autograd Drawing: .save('graph.svg') or .png()/.svg(); .source is the DOT text>"

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """The rendered drawing as bytes (as text when ``encoding`` is given)."""
        data = render_source(self.source, format or self.format or "svg")
        return data.decode(encoding) if encoding is not None else data

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        *args: Any,
        outfile: str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> str:
        """Save the DOT source, render it next to it (or to ``outfile``); return the output path."""
        fmt = format or self.format or "svg"
        if outfile is not None:
            fmt = format or Path(outfile).suffix.lstrip(".") or fmt
        source_path = super().save(filename, directory=directory)
        target = str(outfile) if outfile is not None else f"{source_path}.{fmt}"
        Path(target).write_bytes(render_source(self.source, fmt))
        if cleanup:
            os.remove(source_path)
        if view:
            graphviz.view(target)
        return target

    def save(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        *,
        skip_existing: bool | None = False,
    ) -> str:
        """Write the drawing to ``filename``, in the format its suffix names.

        ``.svg`` and ``.png`` are rendered (``.pdf`` too with a system ``dot``);
        ``.dot``/``.gv`` (or no suffix) hold the DOT source, which needs no
        renderer.  Returns the path written.
        """
        if filename is None:
            return str(super().save(None, directory=directory, skip_existing=skip_existing))
        path = Path(directory, filename) if directory is not None else Path(filename)
        suffix = path.suffix.lower()
        if suffix in _SOURCE_SUFFIXES:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.source, encoding="utf-8")
            return str(path)
        fmt = _IMAGE_SUFFIXES.get(suffix)
        if fmt is None:
            raise ValueError(
                f"save: cannot tell the format from the suffix {suffix!r}; use .svg or .png "
                f"(rendered), .dot or .gv (DOT source), or .pdf with a system Graphviz dot"
            )
        data = render_source(self.source, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return str(path)

    def svg(self) -> str:
        """The drawing rendered as SVG text."""
        return render_source(self.source, "svg").decode("utf-8")

    def png(self) -> bytes:
        """The drawing rendered as PNG bytes."""
        return render_source(self.source, "png")

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        wanted = set(include) if include is not None else {"image/svg+xml"}
        wanted -= set(exclude or ())
        bundle: dict[str, Any] = {}
        try:
            if "image/svg+xml" in wanted:
                bundle["image/svg+xml"] = self.svg()
            if "image/png" in wanted:
                bundle["image/png"] = self.png()
        except RendererNotFoundError as err:
            # A notebook shows this text instead of a traceback; the source stays one call away.
            bundle = {"text/plain": f"{err}\n\n{self.source}"}
        return bundle


class GraphTooLargeError(ValueError):
    """A graph with more Values than ``max_nodes``: draw a part of it instead."""


def _text(s: str) -> str:
    """Escape text for an HTML-like Graphviz label; control characters become visible."""
    cleaned = "".join(
        c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in s
    )
    return html.escape(cleaned, quote=True).replace("\n", "<BR/>")


def _summary(x: np.ndarray, fmt: str) -> str:
    """A batch in one line: its size, mean and range."""
    return (
        f"{x.shape[0]} samples: mean {format(float(x.mean()), fmt)}, "
        f"min {format(float(x.min()), fmt)}, max {format(float(x.max()), fmt)}"
    )


def _number(x: Any, fmt: str) -> str:
    if isinstance(x, np.ndarray):
        return _summary(x, fmt)
    if isinstance(x, Value):  # a gradient built with create_graph
        return _number(x.data, fmt)
    return format(float(x) + 0.0, fmt)  # + 0.0 turns -0.0 into 0.0


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
    return (
        f"draw: the graph has {len(graph)} Values ({len(sel.order)}{part} to draw), more than "
        f"max_nodes={max_nodes}; Graphviz would take minutes on it. Draw a part of it: "
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
        return f"{table}<TD>{_text(_number(node.data, fmt))}</TD></TR></TABLE>>"
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
    return _text(f"{name} {_number(x, fmt)}")


def _chain_label(graph: Graph, node: Value, parent: Value, local: Any, upstream: Any,
                 fmt: str) -> str:
    """The chain rule on one edge: d(node)/d(parent), d(root)/d(node) and their product.

    Nodes are named as every tool names them, and the first two lines say
    "local" and "upstream" so that a local partial is not mistaken for the
    node's total gradient shown in its box.
    """
    product = upstream * local
    lines = [
        f"local {graph.partial(node, parent)} = {_short(local, fmt)}",
        f"upstream {graph.partial(graph.root, node)} = {_short(upstream, fmt)}",
    ]
    product_line = f"<B>{_text(f'product = {_short(product, fmt)}')}</B>"
    return "<" + "<BR/>".join([*(_text(line) for line in lines), product_line]) + ">"


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
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw: root must be a Value, not {type(root).__name__}")
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
                style["label"] = _chain_label(graph, node, parent, locals_[i], upstream[node], fmt)
            g.edge(ids[parent], op_id, **style)
    return g


def _edge_style(on: bool) -> dict[str, str]:
    if on:
        return {"color": _HIGHLIGHT, "fontcolor": _HIGHLIGHT, "penwidth": "2"}
    return {}


draw_dot = draw
"""The name micrograd's notebooks use for :func:`draw`."""


# ------------------------------------------------------------------ text view
class Tree(str):
    """Text of :func:`tree`; shows as itself (not as a quoted string) in a REPL or doctest."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _line(graph: Graph, node: Value, fmt: str, show_grad: bool) -> str:
    name = graph.name(node)
    if graph.is_constant(node) and not node.label and not node.is_batch:
        return name  # a constant is its number, with no gradient
    parts = [name]
    if node.is_batch:
        parts.append(f"data [{_number(node.data, fmt)}]")
    else:
        parts.append(f"data {_number(node.data, fmt)}")
    if show_grad:
        grad = node.grad
        parts.append(f"grad [{_number(grad, fmt)}]" if isinstance(grad, np.ndarray)
                     else f"grad {_number(grad, fmt)}")
    op = node._row
    if op is not None:
        parts.append(f"({op.symbol if op.symbol == op.name else f'{op.name} {op.symbol}'})")
    return "  ".join(parts)


def tree(
    root: Value,
    fmt: str = ".4g",
    show_grad: bool = True,
    depth: int | None = DEFAULT_TREE_DEPTH,
    max_lines: int | None = DEFAULT_TREE_LINES,
) -> Tree:
    """The graph as an indented text tree, the root first and each node's inputs below it.

    Each line shows the node's name (its label, its number, or the expression
    it computes), data, grad and the op that made it; a constant is its number
    alone.  A node used more than once is written out the first time with a
    ``[#k]`` mark and referred to as ``(see #k)`` afterwards.  The tree stops
    ``depth`` levels below the root (``…`` marks the cut) and after
    ``max_lines`` lines, and then says how much it left out and how to see it
    (None for no limit).  A batch shows its size, mean, min and max.  The text
    is built in time and memory linear in what it shows.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = x * x
    >>> y.label = "y"
    >>> tree(y, show_grad=False)
    y  data 4  (mul *)
    ├── x  data 2  [#1]
    └── x  (see #1)
    """
    if not isinstance(root, Value):
        raise TypeError(f"tree: root must be a Value, not {type(root).__name__}")
    for value, what in ((depth, "depth"), (max_lines, "max_lines")):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError(f"tree: {what} must be a whole number >= 0 or None, got {value!r}")
    graph = Graph(root)
    refs: dict[Value, int] = {}
    shown: set[Value] = set()
    lines: list[str] = []
    cut = False
    # A stack of (inputs, next index, indent, level): no recursion, and no prefix
    # string is built for a line that is not written.
    lines.append(_line(graph, root, fmt, show_grad) + _mark(graph, root, refs))
    shown.add(root)
    stack: list[tuple[tuple[Value, ...], int, str, int]] = []
    if root.parents:
        if depth is not None and depth == 0:
            lines.append("└── …")
            cut = True
        else:
            stack.append((root.parents, 0, "", 1))
    while stack:
        if max_lines is not None and len(lines) >= max_lines:
            break
        parents, i, indent, level = stack.pop()
        if i + 1 < len(parents):
            stack.append((parents, i + 1, indent, level))
        node = parents[i]
        last = i == len(parents) - 1
        head = indent + ("└── " if last else "├── ")
        if node in refs and node in shown:
            lines.append(f"{head}{graph.name(node)}  (see #{refs[node]})")
            continue
        lines.append(head + _line(graph, node, fmt, show_grad) + _mark(graph, node, refs))
        shown.add(node)
        if not node.parents:
            continue
        below = indent + ("    " if last else "│   ")
        if depth is not None and level >= depth:
            lines.append(f"{below}└── …")
            cut = True
            continue
        stack.append((node.parents, 0, below, level + 1))
    left = len(graph) - len(shown)
    if left:
        why = []
        if max_lines is not None and len(lines) >= max_lines:
            why.append(f"max_lines={max_lines}")
        if cut:
            why.append(f"depth={depth}")
        lines.append(f"… {left:,} of the graph's {len(graph):,} nodes are not shown "
                     f"({' and '.join(why) or 'a limit'}); tree(root, depth=None, "
                     "max_lines=None) shows them all, draw(root, only=[node]) a part")
    return Tree("\n".join(lines))


def _mark(graph: Graph, node: Value, refs: dict[Value, int]) -> str:
    """`` [#k]`` for a node used more than once (the first time it is written)."""
    if graph.uses(node) > 1 and node not in refs:
        refs[node] = len(refs) + 1
        return f"  [#{refs[node]}]"
    return ""
