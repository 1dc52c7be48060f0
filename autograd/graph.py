"""The graph view every tool reads: one walk of a recorded graph, built once per call.

``Graph(root)`` walks the graph that computed ``root`` once, in O(nodes + edges),
and then answers every question a tool asks without walking it again:

* ``nodes``: every node, inputs before the nodes computed from them;
* ``consumers(node)``: the (node, input index) pairs that use it, once per use;
* ``local(node)``: the local derivatives ∂node/∂input at the recorded data;
* ``gradients(seed)``: ∂root/∂node for every node, in one reverse sweep (no
  ``.grad`` is touched);
* ``reevaluate(overrides)``: the forward values again, with some nodes' data
  replaced (what finite differences need);
* ``name(node)``: the node's display name, the same in drawings, trees,
  explanations, checks and error messages;
* ``rule(node, i)``: the local derivative ∂node/∂input as a formula in those
  names (``sigmoid(w*x)*(1 - sigmoid(w*x))``, not the table's
  ``sigmoid(x)*(1 - sigmoid(x))``), and ``rule_latex`` the same typeset.

Display names.  A labelled node is called by its label; a constant by its
number; an unlabelled op node by the expression it computes from its inputs'
names (``w1*x1``, ``tanh(w1*x1 + b)``), shortened with "…" beyond
:data:`MAX_NAME` characters.  An automatic name that equals a user label, or
another node's automatic name, gets ``#2``, ``#3``, ...: names never collide.

The view is immutable: its answers describe the graph as it was recorded.
Drawing, checking, explaining, the backward trace and anomaly reports all read
it; none walks the graph on its own.

The display names are made by :mod:`autograd.graph_names`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from autograd import notation, ops
from autograd.backward import _locals, _seed, local_derivatives, run_general
from autograd.graph_names import MAX_NAME, _names, is_word  # noqa: F401 - is_word: its old home
from autograd.ops import NARY, Op
from autograd.text import clean
from autograd.value import Value

__all__ = ["MAX_NAME", "Graph", "display_name", "forward_data", "pick", "topological_order"]


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, inputs before the nodes made from them.

    The same depth-first walk as the engine's :func:`autograd.backward.schedule`,
    but keeping its marks in a dict instead of on the nodes, so it is safe in any
    thread and inside a running backward pass.
    """
    order: list[Value] = []
    state: dict[Value, bool] = {}  # False: inputs pushed; True: listed
    stack = [root]
    push = stack.append
    pop = stack.pop
    while stack:
        n = stack[-1]
        listed = state.get(n)
        if listed is None:
            a = n._a
            if a is not None:
                state[n] = False
                # pushed last to first, so that the first input is listed first
                if a.__class__ is tuple:
                    for p in reversed(a):
                        if p not in state:
                            push(p)
                else:
                    b = n._b
                    if b is not None and b not in state:
                        push(b)
                    if a not in state:
                        push(a)
                continue
        elif listed:
            pop()  # a second entry of a node already listed
            continue
        pop()
        state[n] = True
        order.append(n)
    return order


def forward_data(op: Op, xs: Sequence[Any]) -> Any:
    """``op``'s forward on data; nan (of the right shape) where it is undefined, and
    +-inf where float arithmetic overflows, as the graph's own nodes hold (10.0 ** 400)."""
    try:
        with np.errstate(all="ignore"):
            if op.arity == 1:
                result = op.forward(xs[0])
            elif op.arity == 2:
                result = op.forward(xs[0], xs[1])
            else:
                result = op.forward(list(xs))
    except OverflowError:
        from autograd.value_checks import _overflowed  # (it reads this module: at call time)

        result = _overflowed(op, xs) if op.arity != NARY else None
    except (ArithmeticError, ValueError, TypeError):
        result = None
    if result is None or isinstance(result, complex):  # e.g. (-1e-7) ** 0.5 off the domain
        shapes = [x.shape for x in xs if isinstance(x, np.ndarray)]
        return np.full(shapes[0], np.nan) if shapes else math.nan
    return result


def pick(x: Any, sample: int | None) -> Any:
    """Sample ``sample`` of a batch (a Value's data or an array); a float as is."""
    if isinstance(x, Value):
        x = x.data
    if sample is not None and isinstance(x, np.ndarray):
        return float(x[sample])
    if isinstance(x, (np.floating, np.integer)):
        return float(x)
    return x


class Graph:
    """An immutable view of the graph that computed ``root`` (see the module's text)."""

    def __init__(self, root: Value) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"the output must be a Value, not {type(root).__name__}")
        self.root = root
        nodes = topological_order(root)  # the one walk
        for n in nodes:  # every tool names nodes by their labels
            if not isinstance(n.label, str):
                raise TypeError(f"a Value's label must be text (a str), got {type(n.label).__name__} "
                                f"{clean(repr(n.label), limit=60)} on the Value holding "
                                f"{clean(str(n.data), limit=60)}")
        self.nodes: tuple[Value, ...] = tuple(nodes)
        self._index: dict[Value, int] = {n: i for i, n in enumerate(nodes)}
        # Consumers in compressed rows: the uses of node k are entries
        # _start[k] .. _start[k + 1] of _users / _slots (no list or tuple per
        # node, so a large view costs the garbage collector three lists).
        index = self._index
        inputs = [n.parents for n in nodes]
        start = [0] * (len(nodes) + 1)
        for ps in inputs:
            for p in ps:
                start[index[p] + 1] += 1
        for k in range(len(nodes)):
            start[k + 1] += start[k]
        fill = start[:-1]
        users: list[Any] = [None] * start[-1]
        slots = [0] * start[-1]
        for n, ps in zip(nodes, inputs):
            for i, p in enumerate(ps):
                k = index[p]
                users[fill[k]] = n
                slots[fill[k]] = i
                fill[k] += 1
        self._start, self._users, self._slots = start, users, slots
        self._locals: dict[Value, tuple[Any, ...]] = {}
        self._names: list[str] | None = None
        self._precs: list[int] = []
        self._rules: dict[tuple[Value, int], str] = {}  # rule(node, i), written once
        self._grads: dict[Value, Any] | None = None

    # ------------------------------------------------------------ structure
    def __len__(self) -> int:
        return len(self.nodes)

    def __iter__(self) -> Iterator[Value]:
        return iter(self.nodes)

    def __contains__(self, node: object) -> bool:
        return node in self._index

    def index(self, node: Value) -> int:
        """The node's place in ``nodes`` (KeyError for a node not in the graph)."""
        return self._index[node]

    def consumers(self, node: Value) -> tuple[tuple[Value, int], ...]:
        """The (consumer, input index) pairs that use ``node``, one per use."""
        k = self._index[node]
        a, b = self._start[k], self._start[k + 1]
        return tuple(zip(self._users[a:b], self._slots[a:b]))

    def uses(self, node: Value) -> int:
        """How many times ``node`` is an input (``x * x`` uses x twice)."""
        k = self._index[node]
        return self._start[k + 1] - self._start[k]

    @property
    def leaves(self) -> list[Value]:
        """The nodes no op made, in order."""
        return [n for n in self.nodes if n.is_leaf]

    def find(self, label: str) -> list[Value]:
        """The nodes labelled ``label``."""
        return [n for n in self.nodes if n.label == label]

    def downstream(self, sources: Iterable[Value]) -> set[Value]:
        """The nodes computed from any of ``sources`` (the sources included)."""
        found = set(sources)
        for node in self.nodes:
            if node not in found and any(p in found for p in node.parents):
                found.add(node)
        return found

    def within(self, depth: int) -> dict[Value, int]:
        """The nodes at most ``depth`` edges above the root, with their distance."""
        dist = {self.root: 0}
        frontier = [self.root]
        d = 0
        while frontier and d < depth:  # (stops when nothing is left: depth may be huge)
            d += 1
            nxt = []
            for node in frontier:
                for p in node.parents:
                    if p not in dist:
                        dist[p] = d
                        nxt.append(p)
            frontier = nxt
        return dist

    # ------------------------------------------------------------ numbers
    def local(self, node: Value) -> tuple[Any, ...]:
        """∂node/∂input for each input of ``node``, at the recorded data."""
        found = self._locals.get(node)
        if found is None:
            found = self._locals[node] = local_derivatives(node)
        return found

    def gradients(self, seed: Any = None) -> dict[Value, Any]:
        """∂root/∂node for every node (one reverse sweep; no ``.grad`` is touched).

        ``seed`` is the root's gradient (default 1, or ones for a batch; a
        one-hot array picks one sample of a batch output).
        """
        if seed is None and self._grads is not None:
            return self._grads
        grads = run_general(self.nodes, _seed(self.root, seed, False))
        if seed is None:
            self._grads = grads
        return grads

    def gradients_at(self, values: Mapping[Value, Any], seed: Any = None) -> dict[Value, Any]:
        """∂root/∂node for every node at other data, such as :meth:`reevaluate`'s.

        ``values`` gives every node's data (a consistent point of the graph);
        the rules of the table are evaluated there, in one reverse sweep.
        Nothing is modified: no ``.data`` and no ``.grad``.
        """
        root = self.root
        grads: dict[Value, Any] = {root: _seed(root, seed, False)}
        for n in reversed(self.nodes):
            op = n._row
            if op is None or n not in grads:
                continue
            g = grads[n]
            parents = n.parents
            with np.errstate(all="ignore"):
                local = _locals(op, [values[p] for p in parents], values[n])
                for p, d in zip(parents, local):
                    c = g * d
                    if isinstance(values[p], float) and isinstance(c, np.ndarray):
                        c = float(np.sum(c))
                    grads[p] = c if p not in grads else grads[p] + c
        return grads

    def reevaluate(self, overrides: Mapping[Value, Any] | None = None) -> dict[Value, Any]:
        """The data of every node with some nodes' data replaced; nothing is modified.

        Every node downstream of ``overrides`` is recomputed with its op's
        forward, in topological order; where a forward is undefined (log of a
        negative number...) the value is nan.
        """
        overrides = overrides or {}
        values: dict[Value, Any] = {}
        for node in self.nodes:
            if node in overrides:
                values[node] = overrides[node]
                continue
            op = node._row
            if op is None:
                values[node] = node.data
                continue
            parents = node.parents
            if all(values[p] is p.data for p in parents):
                values[node] = node.data  # untouched by the overrides: the recorded data
            else:
                values[node] = forward_data(op, [values[p] for p in parents])
        return values

    # ------------------------------------------------------------ names
    def name(self, node: Value) -> str:
        """The node's display name (its label, its number, or the expression it computes)."""
        if self._names is None:
            self._names, self._precs = _names(self.nodes, self._index)
        return self._names[self._index[node]]

    def precedence(self, node: Value) -> int:
        """How tightly the node's name binds as an operand (see :mod:`autograd.notation`)."""
        name = self.name(node)
        automatic = None if node.label else self._precs[self._index[node]]
        return notation.precedence_of(name, automatic)

    def symbol(self, node: Value) -> str:
        """The name as it reads inside ∂: parenthesised unless it is one symbol
        (a word, a number, or a call such as ``sigmoid(w*x)``)."""
        name = self.name(node)
        return name if self.precedence(node) == notation.ATOM else f"({name})"

    def partial(self, num: Value, den: Value) -> str:
        """``∂num/∂den`` with the nodes' names."""
        return f"∂{self.symbol(num)}/∂{self.symbol(den)}"

    def is_constant(self, node: Value) -> bool:
        """True for a leaf that takes no gradient (a number in an expression, ...)."""
        return not node.requires_grad

    def rule(self, node: Value, index: int) -> str:
        """The local derivative ∂node/∂(input ``index``) as a formula in the graph's names.

        The op's formula from the table, its whole words ``x``, ``y`` (the
        inputs) and ``z`` (the output) replaced by the nodes' display names,
        parenthesised where precedence needs it: for ``o = sigmoid(a)`` the
        rule is ``sigmoid(a)*(1 - sigmoid(a))``; for ``w*x`` and the input
        ``w`` it is ``x``, the other factor.  It uses the expression language's
        notation, so it can be typed back into :func:`autograd.check_formula`.
        """
        found = self._rules.get((node, index))
        if found is None:
            found = self._rules[(node, index)] = self._rule(node, index)
        return found

    def _rule(self, node: Value, index: int) -> str:
        op = node._row
        if op is None:
            return ""
        parents = node.parents
        if op is ops.DOT:  # dz/dw_i = x_i, dz/dx_i = w_i, dz/db = 1: name the partner
            n = len(parents) // 2
            if index == len(parents) - 1:
                return "1"
            return self.name(parents[index + n] if index < n else parents[index - n])
        return notation.substitute(self._formula(op, index), self._words(node, index))

    def rule_latex(self, node: Value, index: int) -> str:
        """:meth:`rule` typeset as LaTeX (σ, ·, fractions; names as :func:`notation.latex_name`)."""
        op = node._row
        if op is None:
            return ""
        parents = node.parents
        if op is ops.DOT:
            n = len(parents) // 2
            if index == len(parents) - 1:
                return "1"
            return notation.latex_name(
                self.name(parents[index + n] if index < n else parents[index - n]))
        words = {w: self.name(v) for w, v in self._word_nodes(node, index).items()}
        return notation.latex_formula(self._formula(op, index), notation.latex_names(words))

    @staticmethod
    def _formula(op: Op, index: int) -> str:
        return op.formula[min(index, len(op.formula) - 1)]

    def _word_nodes(self, node: Value, index: int) -> dict[str, Value]:
        """The nodes the words of the formula for input ``index`` stand for: z the
        output; x and y the inputs (or the row's own words for them, clamp's
        x, lo, hi); for an n-ary row, x_i the input the formula is for."""
        parents = node.parents
        op = node._row
        words = {"z": node}
        if op is not None and op.inputs:
            words.update(zip(op.inputs, parents))
        elif op is not None and op.arity == NARY:
            words["x_i"] = parents[index]
        else:
            if len(parents) in (1, 2):
                words["x"] = parents[0]
            if len(parents) == 2:
                words["y"] = parents[1]
        return words

    def _words(self, node: Value, index: int) -> dict[str, tuple[str, int]]:
        """The words of a formula (x, y: the inputs; z: the output) as (name, precedence)."""
        return {w: (self.name(v), self.precedence(v))
                for w, v in self._word_nodes(node, index).items()}


def display_name(node: Value) -> str:
    """``node``'s display name in the graph it heads (for error messages)."""
    return Graph(node).name(node)
