"""The words of a formula: how tightly a display name binds, and names and numbers in LaTeX.

The lower half of :mod:`autograd.notation`, which parses whole formulas: here
is what needs no parser.  ``precedence_of`` says whether a name is one symbol
(``w1``, ``log(1 - p)``, ``3``) or must be parenthesised as an operand
(``y - target``); ``latex_number`` and the word helpers typeset numbers, Greek
letters' names and upright text; :class:`Latex` is LaTeX source that Jupyter
shows typeset; :func:`equation` writes ``name = formula = number``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

# How tightly a piece of text binds, as in autograd.ops.Op.precedence:
# 1: + -, 2: * /, 3: unary -, 4: **, 9: a name or a call.  Conditionals bind
# loosest; OPAQUE is a label that is not one symbol ("y - target", "log p"):
# parenthesised wherever it is an operand.
OPAQUE = -9
IFEXP = -2
COMPARE = 0
ADD = 1
MUL = 2
UNARY = 3
POW = 4
ATOM = 9

Names = Mapping[str, tuple[str, int]]  # word -> (text, precedence)

SCRIPTED = re.compile(r"[\^_](\{[^{}]*\}|\w)'*\Z")  # ends in a sub- or superscript
_CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\(")
NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\Z|-?inf\Z|nan\Z")


class Latex(str):
    """LaTeX source (without ``$`` delimiters) that Jupyter shows typeset.

    ``lines`` holds the separate equations when there are several (the
    string then stacks them in an ``array``).
    """

    lines: tuple[str, ...]

    def __new__(cls, lines: str | list[str] | tuple[str, ...]) -> Latex:
        parts = (lines,) if isinstance(lines, str) else tuple(lines)
        text = parts[0] if len(parts) == 1 else (
            "\\begin{array}{l}\n" + " \\\\\n".join(parts) + "\n\\end{array}")
        self = super().__new__(cls, text)
        self.lines = parts
        return self

    def __repr__(self) -> str:
        return str(self)  # the source as it is, not a quoted Python string

    def _repr_latex_(self) -> str:
        return f"$$\n{self}\n$$"


# ------------------------------------------------------------------ names
def is_word(name: str) -> bool:
    """One symbol (``w1``, ``a2_1``, ``x'``, ``ŷ``), as autograd.graph.is_word."""
    return bool(name) and name.replace("_", "").replace("'", "").isalnum()


def balanced_call(name: str) -> bool:
    """``f(...)`` whose first "(" closes at the very end: one symbol, like a word."""
    m = _CALL.match(name)
    if not m or not name.endswith(")"):
        return False
    depth = 0
    for k in range(m.end() - 1, len(name)):
        c = name[k]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return k == len(name) - 1
    return False


@lru_cache(maxsize=8192)
def precedence_of(name: str, automatic: int | None = None) -> int:
    """How tightly a display name binds as an operand.

    ``automatic`` is the precedence the graph computed for a name it wrote
    from the op (``w*x`` binds like ``*``); a label binds like a word when it
    is one symbol (``a1_1``, a number, ``log(1 - p)``), else it is opaque.
    """
    if NUMBER.match(name):
        return UNARY if name.startswith("-") else ATOM
    if _one_symbol(re.sub(r"#\d+\Z", "", name)):  # x*y#2 binds as x*y
        return ATOM
    if automatic is not None:
        return automatic
    return OPAQUE


def _one_symbol(name: str) -> bool:
    """A word, a call ``f(...)``, a group ``(...)``, or one of these with ``.sum()``, ``.mean()``."""
    if is_word(name) or balanced_call(name) or _balanced_group(name):
        return True
    if name.endswith("()") and "." in name:
        base = name[: name.rindex(".")]
        return is_word(base) or balanced_call(base) or _balanced_group(base)
    return False


def _balanced_group(name: str) -> bool:
    """``(...)`` whose first "(" closes at the very end."""
    return name.startswith("(") and balanced_call("f" + name)


_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
    "Omega",
}


# ------------------------------------------------------------------ LaTeX names
# math-mode escapes, so that the same source works in LaTeX, MathJax and mathtext
_ESCAPES = {"\\": r"\backslash ", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
            "^": r"\hat{}", "_": r"\_", "%": r"\%", "~": r"\sim ", " ": r"\ "}


def latex_text(text: str) -> str:
    """Free text in LaTeX: upright, special characters escaped."""
    return r"\mathrm{" + "".join(_ESCAPES.get(c, c) for c in text) + "}"


def latex_escape_word(word: str) -> str:
    return word.replace("_", r"\_")


def latex_number(text: str) -> str:
    """A number as LaTeX: ``1e-05`` is :math:`1 \\cdot 10^{-5}`, inf is ∞."""
    if text in ("inf", "-inf"):
        return text.replace("inf", r"\infty")
    if text == "nan":
        return r"\text{nan}"
    mantissa, sep, exponent = text.lower().partition("e")
    if sep:
        return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return text


def latex_word(word: str) -> str:
    """One word: a Greek letter's name as the letter, a single letter as is, else upright."""
    if word in _GREEK:
        return "\\" + word
    if len(word) == 1:
        return word
    return r"\mathrm{" + word + "}"


# ------------------------------------------------------------------ equations
def equation(name: str, formula: str, number: str) -> str:
    """``∂σ(a)/∂a = σ(a)*(1 - σ(a)) = 0.25``; the formula is left out when it is the number."""
    if not formula or formula == number:
        return f"{name} = {number}"
    return f"{name} = {formula} = {number}"
