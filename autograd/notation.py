"""Formulas in the graph's own names, as text and as LaTeX.

The derivative table (:mod:`autograd.ops`) writes each local derivative with
the whole words ``x``, ``y`` (the op's inputs) and ``z`` (its output).  To
explain a graph, those words are replaced by the nodes' display names:
sigmoid's ``sigmoid(x)*(1 - sigmoid(x))`` on the node ``sigmoid(w*x)`` reads
``sigmoid(w*x)*(1 - sigmoid(w*x))``, and mul's ``y`` on ``w*x`` reads ``x``
(the user's x, the other factor).

A formula is parsed with :mod:`ast` (never evaluated) and written back with
the parentheses that precedence needs: ``2*x`` on the input ``y - target``
is ``2*(y - target)``, ``tanh(x)`` on it is ``tanh(y - target)``.  A formula
that is not Python syntax (a custom op's free text such as ``t'(z)``) gets its
words replaced as they stand, a name that is not one symbol in parentheses.

The text keeps the expression language's notation (``*``, ``-``, ``**``,
``sigmoid``), so that what ``explain`` prints as a local derivative can be
typed back into :func:`autograd.check_formula` or ``--expect``.  The LaTeX form
(:func:`latex_formula`, :func:`latex_name`) typesets the same tree: σ, ·,
fractions, and labels in the seeds' notation (``w1_11`` is
:math:`w^{1}_{11}`, the seeds' :math:`w^k_{i,j}`; ``x1`` is :math:`x_{1}`).

Nothing here imports SymPy; :mod:`autograd.symbolic` uses :func:`latex_name`
so that its expressions print their symbols the same way.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from functools import lru_cache

from autograd.notation_words import (
    ADD,
    ATOM,
    COMPARE,
    IFEXP,
    MUL,
    NUMBER,
    OPAQUE,
    POW,
    SCRIPTED,
    UNARY,
    Latex,
    Names,
    balanced_call,
    equation,
    is_word,
    latex_escape_word,
    latex_number,
    latex_text,
    latex_word,
    precedence_of,
)

__all__ = [
    "ATOM",
    "OPAQUE",
    "Latex",
    "equation",
    "latex_formula",
    "latex_name",
    "latex_number",
    "latex_partial",
    "precedence_of",
    "substitute",
]

MAX_TEXT = 400  # longer formulas and names are not parsed (shown as they are)

# ------------------------------------------------------------------ parsing
@lru_cache(maxsize=1024)
def _parse(text: str) -> ast.expr | None:
    """The syntax tree of ``text`` when it is a formula this module can write back."""
    if len(text) > MAX_TEXT or "\n" in text:
        return None
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if not isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant,
                                 ast.IfExp, ast.Compare, ast.Load, ast.operator,
                                 ast.unaryop, ast.cmpop)):
            return None
        if isinstance(node, ast.BinOp) and not isinstance(
                node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.FloorDiv, ast.Mod)):
            return None
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, (ast.USub, ast.UAdd)):
            return None
        if isinstance(node, ast.Call) and (not isinstance(node.func, ast.Name) or node.keywords):
            return None
        if isinstance(node, ast.Constant) and (
                isinstance(node.value, bool) or not isinstance(node.value, (int, float))):
            return None
    return tree


class _UnwritableError(Exception):
    pass


_COMPARE_TEXT = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<=", ast.Eq: "==",
                 ast.NotEq: "!="}
_COMPARE_LATEX = {ast.Gt: ">", ast.Lt: "<", ast.GtE: r"\geq", ast.LtE: r"\leq", ast.Eq: "=",
                  ast.NotEq: r"\neq"}
_FUNCTION_LATEX = {
    "sigmoid": r"\sigma", "tanh": r"\tanh", "sin": r"\sin", "cos": r"\cos", "tan": r"\tan",
    "log": r"\log", "sinh": r"\sinh", "cosh": r"\cosh", "Phi": r"\Phi", "phi": r"\varphi",
    "asin": r"\arcsin", "acos": r"\arccos", "atan": r"\arctan",
}
class _Writer:
    """Writes a parsed formula back, as text or as LaTeX, with names substituted."""

    def __init__(self, source: str, names: Names, latex: bool) -> None:
        self.source = source
        self.names = names
        self.latex = latex

    def wrap(self, part: tuple[str, int], need: int) -> str:
        text, prec = part
        if prec >= need:
            return text
        return f"\\left({text}\\right)" if self.latex else f"({text})"

    def write(self, node: ast.expr) -> tuple[str, int]:
        latex = self.latex
        if isinstance(node, ast.Constant):
            text = ast.get_source_segment(self.source, node) or repr(node.value)
            return (latex_number(text) if latex else text), ATOM
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            return (latex_name(node.id) if latex else node.id), ATOM
        if isinstance(node, ast.UnaryOp):
            operand = self.write(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            return f"-{self.wrap(operand, UNARY)}", UNARY
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            return self.call(node.func.id, [self.write(a) for a in node.args])
        if isinstance(node, ast.IfExp):
            body = self.wrap(self.write(node.body), IFEXP + 1)
            test = self.wrap(self.write(node.test), IFEXP + 1)
            orelse = self.wrap(self.write(node.orelse), IFEXP)
            if latex:
                return rf"{body} \text{{ if }} {test} \text{{ else }} {orelse}", IFEXP
            return f"{body} if {test} else {orelse}", IFEXP
        if isinstance(node, ast.Compare):
            table = _COMPARE_LATEX if latex else _COMPARE_TEXT
            parts = [self.wrap(self.write(node.left), ADD)]
            for op, right in zip(node.ops, node.comparators):
                parts += [table[type(op)], self.wrap(self.write(right), ADD)]
            return " ".join(parts), COMPARE
        raise _UnwritableError(type(node).__name__)

    def binary(self, node: ast.BinOp) -> tuple[str, int]:
        left, right = self.write(node.left), self.write(node.right)
        op = node.op
        if isinstance(op, ast.Pow):
            if self.latex:
                base = self.wrap(left, ATOM)
                if SCRIPTED.search(base):
                    base = f"{{{base}}}"  # w^{1}_{11} squared: {w^{1}_{11}}^{2}
                return f"{base}^{{{right[0]}}}", POW
            base = self.wrap(left, POW + 1)
            exponent = self.wrap(right, POW) if right[1] != UNARY else f"({right[0]})"
            return f"{base}**{exponent}", POW
        if isinstance(op, ast.Div) and self.latex:
            return rf"\frac{{{left[0]}}}{{{right[0]}}}", ATOM
        if isinstance(op, ast.FloorDiv) and self.latex:
            return rf"\left\lfloor \frac{{{left[0]}}}{{{right[0]}}} \right\rfloor", ATOM
        prec = ADD if isinstance(op, (ast.Add, ast.Sub)) else MUL
        # a negative right operand is parenthesised: 2*(-0.3), a + (-0.3)
        need_right = prec + 1 if right[1] != UNARY else UNARY + 1
        symbol = {ast.Add: " + ", ast.Sub: " - ", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: " // ",
                  ast.Mod: " % "}[type(op)]
        if self.latex and symbol == " % ":
            symbol = r" \bmod "
        if self.latex and symbol == "*":
            symbol = r" \cdot "
        return f"{self.wrap(left, prec)}{symbol}{self.wrap(right, need_right)}", prec

    def call(self, name: str, args: list[tuple[str, int]]) -> tuple[str, int]:
        inner = ", ".join(a for a, _ in args)
        if not self.latex:
            return f"{name}({inner})", ATOM
        if name == "exp" and len(args) == 1:
            return f"e^{{{inner}}}", POW
        if name == "sqrt" and len(args) == 1:
            return rf"\sqrt{{{inner}}}", ATOM
        if name == "abs" and len(args) == 1:
            return rf"\left|{inner}\right|", ATOM
        head = _FUNCTION_LATEX.get(name, rf"\operatorname{{{latex_escape_word(name)}}}")
        return rf"{head}\left({inner}\right)", ATOM


def _words_replaced(formula: str, names: Names) -> str:
    """Replace the whole words of ``formula`` that ``names`` maps, as they stand."""

    def replace(m: re.Match[str]) -> str:
        text, prec = names[m.group(0)]
        before = formula[m.start() - 1] if m.start() > 0 else ""
        after = formula[m.end()] if m.end() < len(formula) else ""
        alone = (before in "(," and after in "),") or (before in " " and after in " ")
        return text if prec >= ATOM or alone or not (before or after) else f"({text})"

    if not names:
        return formula
    pattern = r"(?<![\w'])(" + "|".join(re.escape(w) for w in names) + r")(?![\w'])"
    return re.sub(pattern, replace, formula)


def substitute(formula: str, names: Names) -> str:
    """``formula`` with the words of ``names`` replaced by (text, precedence) pairs.

    >>> substitute("2*x", {"x": ("y - target", OPAQUE)})
    '2*(y - target)'
    >>> substitute("sigmoid(x)*(1 - sigmoid(x))", {"x": ("w*x", 2)})
    'sigmoid(w*x)*(1 - sigmoid(w*x))'
    """
    tree = _parse(formula)
    if tree is not None:
        try:
            return _Writer(formula.strip(), names, latex=False).write(tree)[0]
        except _UnwritableError:
            pass
    return _words_replaced(formula, names)


def latex_formula(formula: str, names: Names | None = None) -> str:
    """``formula`` typeset, the words of ``names`` replaced by (LaTeX, precedence) pairs.

    >>> latex_formula("sigmoid(x)*(1 - sigmoid(x))", {"x": ("a", ATOM)})
    '\\\\sigma\\\\left(a\\\\right) \\\\cdot \\\\left(1 - \\\\sigma\\\\left(a\\\\right)\\\\right)'
    """
    names = names or {}
    tree = _parse(formula)
    if tree is not None:
        try:
            return _Writer(formula.strip(), names, latex=True).write(tree)[0]
        except _UnwritableError:
            pass
    if not names:
        return latex_text(formula)
    # free text (max's "1 if x_i is the largest ..."): upright, its words' names typeset
    pattern = r"(?<![\w'])(" + "|".join(re.escape(w) for w in names) + r")(?![\w'])"
    parts = re.split(pattern, formula)
    return "".join(names[p][0] if k % 2 else latex_text(p) for k, p in enumerate(parts) if p)


@lru_cache(maxsize=4096)
def _latex_identifier(name: str) -> str:
    primes = len(name) - len(name.rstrip("'"))
    core = name.rstrip("'")
    base, _, sub = core.partition("_")
    m = re.fullmatch(r"([A-Za-z]+)(\d*)", base)
    if not m:
        return name if name.isidentifier() else latex_text(name)  # ŷ, σ: as they are
    letters, digits = m.groups()
    text = latex_word(letters)
    subs = [s for s in sub.split("_") if s] if sub else []
    sub_text = ",".join(s if s.isdigit() or len(s) == 1 else latex_word(s) for s in subs)
    if digits and sub_text:
        text += f"^{{{digits}}}_{{{sub_text}}}"  # the seeds' w^k_{ij}: layer up, indices down
    elif digits:
        text += f"_{{{digits}}}"
    elif sub_text:
        text += f"_{{{sub_text}}}"
    return text + "'" * primes


@lru_cache(maxsize=4096)
def _latex_display(name: str) -> tuple[str, int]:
    if NUMBER.match(name):
        return latex_number(name), precedence_of(name)
    if is_word(name):
        return _latex_identifier(name), ATOM
    # a label written with ^ for a power, like the seeds' "(y - target)^2", reads as one
    tree = _parse(name.replace("^", "**")) if "…" not in name and "#" not in name else None
    if tree is not None:
        try:
            return _Writer(name.replace("^", "**"), {}, latex=True).write(tree)
        except _UnwritableError:
            pass
    return latex_text(name), ATOM if balanced_call(name) else OPAQUE


def latex_name(name: str) -> str:
    """A display name as LaTeX (``w1_11`` → ``w^{1}_{11}``, ``w*x`` → ``w \\cdot x``)."""
    return _latex_display(name)[0]


def latex_names(words: Mapping[str, str]) -> dict[str, tuple[str, int]]:
    """{word: display name} as the (LaTeX, precedence) pairs :func:`latex_formula` takes."""
    return {w: _latex_display(n) for w, n in words.items()}


def latex_partial(num: str, den: str) -> str:
    """∂num/∂den as a LaTeX fraction, the nodes written with :func:`latex_name`."""
    n, np_ = _latex_display(num)
    d, dp = _latex_display(den)
    if np_ < ATOM:
        n = f"\\left({n}\\right)"
    if dp < ATOM:
        d = f"\\left({d}\\right)"
    return rf"\frac{{\partial {n}}}{{\partial {d}}}"


