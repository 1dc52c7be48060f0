"""The graph as indented text: ``tree(root)``, for terminals, doctests and notebooks.

Each line is one node, the root first and each node's inputs below it, named
as every tool names them; the output is bounded (a depth and a line count)
and built in time and memory linear in what it shows.
"""

from __future__ import annotations

import numpy as np

from autograd.graph import Graph
from autograd.text import number
from autograd.value import Value

__all__ = ["DEFAULT_TREE_DEPTH", "DEFAULT_TREE_LINES", "Tree", "tree"]

DEFAULT_TREE_DEPTH = 40
"""``tree()`` stops this many levels below the root unless told otherwise."""

DEFAULT_TREE_LINES = 400
"""``tree()`` writes at most this many lines unless told otherwise."""


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
        parts.append(f"data [{number(node.data, fmt)}]")
    else:
        parts.append(f"data {number(node.data, fmt)}")
    if show_grad:
        grad = node.grad
        parts.append(f"grad [{number(grad, fmt)}]" if isinstance(grad, np.ndarray)
                     else f"grad {number(grad, fmt)}")
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
