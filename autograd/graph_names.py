"""Display names: what every tool calls a node of a graph.

A labelled node is called by its label; a constant by its number; an
unlabelled op node by the expression it computes from its inputs' names
(``w1*x1``, ``tanh(w1*x1 + b)``), with the parentheses precedence needs,
shortened with "…" beyond :data:`MAX_NAME` characters.  An automatic name that
equals a user label, or another node's automatic name, gets ``#2``, ``#3``,
...: names never collide.  :class:`autograd.graph.Graph` names its nodes with
:func:`_names`, once, when a name is first asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from autograd.ops import NARY, Op
from autograd.text import clean, fmt
from autograd.value import Value

MAX_NAME = 32
"""Automatic names longer than this are shortened with "…"."""

_WORD = 9  # precedence of a name that never needs parentheses


def is_word(name: str) -> bool:
    """True for a name that reads as one symbol (``w1``, ``a2_1``, ``x'``)."""
    return bool(name) and name.replace("_", "").replace("'", "").isalnum()


def _is_number(name: str) -> bool:
    try:
        float(name)
    except ValueError:
        return False
    return True


def _leaf_name(node: Value) -> str:
    x = node.data
    if x.__class__ is not float:
        return "batch"
    if x - x != 0.0:  # inf or nan
        return fmt(x)
    text = f"{x:.6g}"
    return "0" if text == "-0" else text


def _wrap(name: str, prec: int, need: int) -> str:
    return f"({name})" if prec < need else name


def _render(op: Op, args: Sequence[tuple[str, int]]) -> tuple[str, int]:
    """The text of ``op`` applied to inputs written ``args`` [(text, precedence)],
    and its precedence (how tightly it binds, as in :class:`autograd.ops.Op`)."""
    notation = op.notation
    p = op.precedence
    if op.arity == NARY:
        if notation == "w*x+b":
            n = len(args) // 2
            terms = [f"{_wrap(*args[i], 2)}*{_wrap(*args[n + i], 3)}" for i in range(n)]
            if args[-1][0] != "0":
                terms.append(_wrap(*args[-1], 2))
        elif notation == "+":
            terms = [_wrap(t, q, 1 if k == 0 else 2) for k, (t, q) in enumerate(args)]
        else:
            return f"{op.name}({', '.join(t for t, _ in args)})", _WORD
        return _join_terms(terms or ["0"]), p
    if not notation:
        return f"{op.name}({', '.join(t for t, _ in args)})", _WORD
    if op.arity == 1:
        ((t, q),) = args
        if notation == "{0}":
            return t, q
        # a postfix form binds its operand tightly: x**2 like the left side of **,
        # x.sum() like a call
        need = p + 1 if p == 4 and notation.startswith("{0}") else p
        return notation.format(_wrap(t, q, need)), p
    (left, lq), (right, rq) = args
    if p == 4:  # ** groups to the right: (a**b)**c, a**b**c
        return notation.format(_wrap(left, lq, p + 1), _wrap(right, rq, p)), p
    return notation.format(_wrap(left, lq, p), _wrap(right, rq, p + 1)), p


def _join_terms(terms: list[str]) -> str:
    """``a + b + c``, the middle terms left out ("a + b + … + z") beyond MAX_NAME."""
    text = " + ".join(terms)
    if len(text) <= MAX_NAME or len(terms) <= 2:
        return text
    last = terms[-1]
    kept: list[str] = []
    for t in terms[:-1]:
        if len(" + ".join([*kept, t, "…", last])) > MAX_NAME:
            break
        kept.append(t)
    return " + ".join([*(kept or terms[:1]), "…", last])


def _names(nodes: Sequence[Value], index: Mapping[Value, int]) -> tuple[list[str], list[int]]:
    """The display name of every node (see the module's text), in one forward sweep,
    and how tightly each binds (the precedence of its outermost op).

    Each unlabelled op node is written out one level deeper at a time
    (``tanh(…)``, ``tanh(w*… + b)``, ``tanh(w*x + b)``), keeping the deepest
    form that fits in MAX_NAME characters (and, for a sum, that leaves out no
    more terms than the form before), so the work per node is bounded by the
    length limit, not by the size of the graph below it.
    """
    labels = {n.label for n in nodes if n.label}
    names: list[str] = []
    prec: list[int] = []
    forms: list[list[str]] = []  # forms[i][d - 1]: node i written d levels deep
    taken: dict[str, int] = {}
    ellipsis = ("…", _WORD)

    for node in nodes:
        op = node._row
        if node.label:
            # shown, never raw: a newline or an escape code in a label could forge lines
            visible = node.label if node.label.isprintable() else clean(node.label, len(node.label) * 4)
            names.append(visible)
            prec.append(_WORD if is_word(visible) or _is_number(visible) else 0)
            forms.append([])
            continue
        if op is None:
            base = _leaf_name(node)
            forms.append([])
            prec.append(3 if base.startswith("-") else _WORD)
            if node.data.__class__ is float and node._b is not None and base not in labels:
                names.append(base)  # a constant is its number: equal numbers may share it
            else:
                names.append(_unique(base, labels, taken))
            continue
        ins = [index[p] for p in node.parents]
        complete = 1 + max(len(forms[j]) for j in ins)
        mine: list[str] = []
        shown = 0
        q = op.precedence
        for depth in range(1, complete + 1):
            # each input written depth - 1 levels deep ("…" at 0; its name once complete)
            args = [
                (names[j], prec[j]) if not forms[j] or depth > len(forms[j])
                else ellipsis if depth == 1 else (forms[j][depth - 2], prec[j])
                for j in ins
            ]
            text, q = _render(op, args)
            dropped = text.count(" + … + ")
            if mine and (len(text) > MAX_NAME or dropped > shown):
                break
            mine.append(text)
            shown = dropped
        forms.append(mine)
        prec.append(q)
        names.append(_unique(mine[-1], labels, taken))
    return names, prec


def _unique(base: str, labels: set[str], taken: dict[str, int]) -> str:
    """``base``, or ``base#k`` when a label or an earlier automatic name is ``base``."""
    count = taken.get(base, 1 if base in labels else 0) + 1
    taken[base] = count
    return base if count == 1 else f"{base}#{count}"
