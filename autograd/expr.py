"""The safe expression language of the command line.

``"tanh(w1*x1 + w2*x2 + b)"`` is *parsed* into a syntax tree with Python's
``ast.parse`` and then walked here, node by node, against a short allow-list:
numbers, variable names, ``+ - * / ** % //`` (``%`` and ``//`` with Python's
semantics), unary ``-``/``+``, parentheses and calls of the engine's functions
by name: those of one expression (``tanh(x)``, with numeric parameters for
``leaky_relu(x, 0.2)``, ``elu``, ``celu`` and ``hardtanh(x, -2, 2)``), of two
(``atan2(y, x)``, ``hypot``, ``logaddexp``, ``maximum``, ``minimum``), of three
(``clamp(x, lo, hi)``, bounds numbers or expressions; ``where(c, a, b)``, which
is ``a`` where ``c`` is nonzero, else ``b``) and of any number
(``max(a, b, c)``, ``min``, ``logsumexp``).  Nothing is ever evaluated by Python:
attribute access, subscripts, other calls, keywords, lambdas,
comprehensions, strings and anything else are refused with an
:class:`ExpressionError` that points at the offending part.

:func:`parse_formula` reads a *derivative formula* for
:func:`autograd.check_formula`: the same language plus the notation the
derivative table writes kinks with, ``a if x > 0 else b`` and comparisons.
A formula is only read (by autograd.symbolic), never built into a graph.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from autograd.functions import logsumexp as _logsumexp
from autograd.functions import max as _max
from autograd.functions import min as _min
from autograd.functions import where as _where
from autograd.ops import BINARY_FUNCTIONS, UNARY_FUNCTIONS
from autograd.value import Value

MAX_LENGTH = 2_000  # characters; longer input is refused before parsing
MAX_DEPTH = 100  # nesting of the syntax tree
MAX_NODES = 2_000  # syntax-tree nodes
MAX_LABEL = 40  # longer sub-expressions leave their node unlabelled
CONSTANTS = {"pi": math.pi, "e": math.e}

# name -> the numeric parameters after its one expression argument, with their defaults
_PARAMETRIC: dict[str, tuple[tuple[str, float], ...]] = {
    "leaky_relu": (("slope", 0.01),), "elu": (("alpha", 1.0),), "celu": (("alpha", 1.0),),
    "hardtanh": (("min_val", -1.0), ("max_val", 1.0)),
}
# name -> how many expression arguments it takes (None: one or more)
_ARITY: dict[str, int | None] = {
    **{name: 1 for name in (*UNARY_FUNCTIONS, *_PARAMETRIC)},
    **{name: 2 for name in BINARY_FUNCTIONS}, "clamp": 3, "where": 3,
    "max": None, "min": None, "logsumexp": None,
}
_MANY: dict[str, Callable[[list[Value | float]], Value]] = {
    "max": _max, "min": _min, "logsumexp": _logsumexp,
    "where": lambda args: _where(*args)}
FUNCTIONS: tuple[str, ...] = tuple(sorted(_ARITY))

_BINARY: dict[type[ast.operator], Callable[[Value, Value], Value]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
    ast.Mod: lambda a, b: a % b,
    ast.FloorDiv: lambda a, b: a // b,
}
_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
_DESCRIBE: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "lambda",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension", ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension", ast.Compare: "comparison", ast.BoolOp: "and/or",
    ast.IfExp: "if/else", ast.List: "list", ast.Tuple: "tuple", ast.Dict: "dict", ast.Set: "set",
    ast.JoinedStr: "f-string", ast.NamedExpr: "assignment", ast.Starred: "star expression",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slice",
}


def rounds_to_zero(text: str, value: float) -> bool:
    """Does the numeral ``text`` name a nonzero number that float64 rounds to 0 (1e-400)?
    A subnormal (1e-310) is kept: it is a float, if a less precise one."""
    if value != 0.0:
        return False
    mantissa = text.strip().lower().lstrip("+-").split("e")[0]
    return not mantissa.startswith("0x") and any(c in "123456789" for c in mantissa)


class ExpressionError(ValueError):
    """An expression the command line refuses, with where it goes wrong.

    ``str(err)`` is one line: the reason, the column and the offending text.
    """

    def __init__(self, reason: str, text: str = "", column: int | None = None,
                 length: int = 1) -> None:
        self.reason = reason
        self.column = column
        where = ""
        if column is not None and text and column >= len(text):
            where = " at the end of the expression"
        elif column is not None and text:
            snippet = text[column: column + max(length, 1)]
            if len(snippet) > 40:
                snippet = snippet[:37] + "..."
            where = f" at column {column + 1}: {snippet!r}"
        super().__init__(f"{reason}{where}")


@dataclass
class Expression:
    """A parsed expression: its text, its variables in order of appearance."""

    text: str
    tree: ast.Expression
    variables: list[str] = field(default_factory=list)
    formula: bool = False  # parsed by parse_formula: may hold if/else and comparisons

    def build(self, values: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
        """The expression's graph at ``values``: (output, {name: leaf Value}).

        Every use of a name is the same leaf, so its gradient sums all uses.
        Raises ExpressionError for a variable without a value, and the engine's
        ValueError / ZeroDivisionError / OverflowError for math that fails.
        """
        if self.formula:
            raise ExpressionError("a formula (parsed with parse_formula) is checked, not built "
                                  "into a graph")
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise ExpressionError(
                f"no value for variable{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"(give {' '.join(m + '=...' for m in missing)})"
            )
        leaves = {name: Value(float(values[name]), label=name) for name in self.variables}
        out = _Builder(self.text, leaves).visit(self.tree.body)
        if not isinstance(out, Value):
            out = Value(out, requires_grad=False)
        return out, leaves


def parse_formula(text: str) -> Expression:
    """Parse a derivative formula: :func:`parse`'s language plus ``a if test else b``
    and the comparisons ``< <= > >= == !=`` (the table's ``1 if x > 0 else 0``).

    Nothing is evaluated; the result is read by :func:`autograd.check_formula`.
    """
    return parse(text, formula=True)


def parse(text: str, *, formula: bool = False, condition: bool = False) -> Expression:
    """Parse ``text`` without evaluating anything; raise ExpressionError if refused.

    ``condition``: the text is itself a comparison (a domain's ``y != 0``), read as a
    formula; in a formula a comparison is otherwise only the test of ``a if test else b``.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is too long ({len(text)} characters, at most {MAX_LENGTH})")
    if not text.strip():
        raise ExpressionError("empty expression")
    if "\x00" in text:
        raise ExpressionError("the expression contains a NUL character", text, text.index("\x00"))
    if "\n" in text.strip() or "\r" in text:
        raise ExpressionError("an expression must be one line")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:  # bytes that were not UTF-8 on the command line
        raise ExpressionError("the expression is not valid UTF-8 text", text, err.start) from None
    text = text.replace("\t", " ")  # (the same columns)
    odd = next((k for k, c in enumerate(text) if not c.isprintable()), None)
    if odd is not None:  # e.g. a form feed, which Python reads as a space: never echoed
        raise ExpressionError(f"the expression contains a control or invisible character "
                              f"({text[odd].encode('unicode_escape').decode()})", text, odd)
    try:
        with warnings.catch_warnings():  # e.g. "invalid decimal literal" for 1if: ours is the error
            warnings.simplefilter("ignore")
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        # (no offset: the input ended too soon, 'x+' or '2*')
        column = (err.offset - 1) if err.offset else len(text.strip())
        word = re.match(r"[^\W\d]\w*", text.strip()[column:])
        if word and keyword.iskeyword(word.group()):  # "if + 1": say why, not just where
            raise ExpressionError(f"syntax error: {word.group()!r} is a Python keyword, not a "
                                  "variable name", text.strip(), column) from None
        raise ExpressionError(f"syntax error: {err.msg}", text.strip(), column) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("expression is nested too deeply") from None
    except ValueError as err:
        raise ExpressionError(f"expression refused: {err}") from None
    text = text.strip()
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression is nested too deeply (more than {MAX_DEPTH} levels)")
        if count > MAX_NODES:
            raise ExpressionError(f"expression is too large (more than {MAX_NODES} parts)")
        for child in ast.iter_child_nodes(node):
            # a + b + c is one level, not three: the left side of a chain of the
            # same operator does not nest
            chained = (isinstance(node, ast.BinOp) and child is node.left
                       and isinstance(child, ast.BinOp) and type(child.op) is type(node.op))
            stack.append((child, depth if chained else depth + 1))
    expression = Expression(text, tree, formula=formula or condition)
    _Checker(text, expression.variables, formula or condition).visit(tree.body, condition)
    return expression


def _span(node: ast.AST) -> tuple[int | None, int]:
    start = getattr(node, "col_offset", None)
    end = getattr(node, "end_col_offset", None)
    length = (end - start) if (start is not None and end is not None) else 1
    return start, length


def _refuse(reason: str, text: str, node: ast.AST) -> ExpressionError:
    column, length = _span(node)
    return ExpressionError(reason, text, column, length)


class _Checker:
    """Walks the tree once and refuses anything outside the allow-list."""

    def __init__(self, text: str, variables: list[str], formula: bool = False) -> None:
        self.text = text
        self.variables = variables
        self.formula = formula  # if/else and comparisons allowed

    def visit(self, node: ast.AST, condition: bool = False) -> None:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                kind = "string" if isinstance(node.value, (str, bytes)) else type(node.value).__name__
                raise _refuse(f"{kind} literals are not allowed, only numbers", self.text, node)
            try:
                finite = math.isfinite(float(node.value))  # int or float, checked above
            except OverflowError:
                finite = False
            if not finite:
                raise _refuse("number is too large for a float", self.text, node)
            if rounds_to_zero(ast.get_source_segment(self.text, node) or "", node.value):
                raise _refuse("number is too small for a float (it rounds to 0)", self.text, node)
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise _refuse(f"{node.id} is a function: call it, e.g. {node.id}(x)", self.text, node)
            if node.id not in CONSTANTS and node.id not in self.variables:
                if node.id.startswith("__"):
                    raise _refuse(f"name {node.id} is not allowed", self.text, node)
                self.variables.append(node.id)
        elif isinstance(node, ast.BinOp):
            # a chain a + b + c + ... is walked along its left side, not recursively
            spine = []
            while isinstance(node, ast.BinOp):
                if type(node.op) not in _BINARY:
                    raise _refuse(f"operator {_op_text(node.op)} is not allowed (use + - * / ** % //)",
                                  self.text, node)
                spine.append(node)
                node = node.left
            self.visit(node)
            for link in reversed(spine):
                self.visit(link.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise _refuse(f"operator {_op_text(node.op)} is not allowed", self.text, node)
            self.visit(node.operand)
        elif isinstance(node, ast.Call):
            self._check_call(node)
        elif self.formula and isinstance(node, ast.IfExp):
            self.visit(node.test, condition=True)
            self.visit(node.body)
            self.visit(node.orelse)
        elif self.formula and isinstance(node, ast.Compare):
            if not condition:  # True is not a number here: SymPy's relations have no
                # arithmetic, and where(x > 0, ...) read a relation as a nonzero number
                raise _refuse("a comparison is a condition, not a number: use it as "
                              "A if ... else B", self.text, node)
            for op in node.ops:
                if not isinstance(op, _COMPARISONS):
                    raise _refuse(f"comparison {_op_text(op)} is not allowed (use < <= > >= == !=)",
                                  self.text, node)
            for part in (node.left, *node.comparators):
                self.visit(part)
        else:
            what = _DESCRIBE.get(type(node), type(node).__name__)
            raise _refuse(f"{what} is not allowed in an expression", self.text, node)

    def _check_call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            raise _refuse("only the engine's functions can be called, by name", self.text, node.func)
        name = node.func.id
        if name not in FUNCTIONS:
            raise _refuse(f"unknown function {name} (known: {', '.join(FUNCTIONS)})", self.text, node.func)
        if node.keywords:
            raise _refuse("keyword arguments are not allowed", self.text, node.keywords[0])
        if name in _PARAMETRIC:
            params = _PARAMETRIC[name]
            if not 1 <= len(node.args) <= 1 + len(params):
                usage = f"{name}(x, {', '.join(p for p, _ in params)})"
                counts = "1 or 2 arguments" if len(params) == 1 else f"1 to {1 + len(params)} arguments"
                raise _refuse(f"{name} takes {counts}: {usage}", self.text, node)
            self.visit(node.args[0])
            for (param, _), arg in zip(params, node.args[1:]):
                if not _is_number(arg):
                    raise _refuse(f"the {param} of {name} must be a number", self.text, arg)
                self.visit(arg)  # a number: refused if it does not fit a float
            return
        arity = _ARITY[name]
        if arity is None:
            if not node.args:
                raise _refuse(f"{name} takes one or more arguments: {name}(a, b, ...)", self.text, node)
        elif len(node.args) != arity:
            usage = {1: f"{name}(x)", 2: f"{name}(x, y)", 3: f"{name}(x, lo, hi)"}[arity]
            usage = "where(c, a, b), a where c is nonzero, else b" if name == "where" else usage
            words = {1: "1 argument", 2: "2 arguments", 3: "3 arguments"}[arity]
            raise _refuse(f"{name} takes {words}: {usage}", self.text, node)
        for arg in node.args:
            self.visit(arg)


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return (isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
            and not isinstance(node.value, bool))


def _number(node: ast.AST) -> float:
    sign = -1.0 if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) else 1.0
    inner = node.operand if isinstance(node, ast.UnaryOp) else node
    assert isinstance(inner, ast.Constant)
    return sign * float(inner.value)  # type: ignore[arg-type]


def _op_text(op: ast.AST) -> str:
    return {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
            ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.Invert: "~", ast.Not: "not"}.get(
                type(op), type(op).__name__)


class _Builder:
    """Builds the graph from a tree the checker accepted."""

    def __init__(self, text: str, leaves: dict[str, Value]) -> None:
        self.text = text
        self.leaves = leaves

    def visit(self, node: ast.AST) -> Value | float:
        return self._labelled(self._build(node), node)

    def _labelled(self, result: Value | float, node: ast.AST) -> Value | float:
        if isinstance(result, Value) and not result.label:
            # An op's node is labelled with the text it came from ("w1*x1"), so
            # explain() and drawings speak the user's expression.
            text = ast.get_source_segment(self.text, node)
            if text and len(text) <= MAX_LABEL:
                result.label = text
        return result

    def _build(self, node: ast.AST) -> Value | float:
        if isinstance(node, ast.Constant):
            return float(node.value)  # type: ignore[arg-type]
        if isinstance(node, ast.Name):
            return self.leaves[node.id] if node.id in self.leaves else CONSTANTS[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            # a chain a + b + c + ... is built along its left side, not recursively
            spine = []
            while isinstance(node, ast.BinOp):
                spine.append(node)
                node = node.left
            left = self.visit(node)
            for link in reversed(spine):
                right = self.visit(link.right)
                if not isinstance(left, Value) and not isinstance(right, Value):
                    # constant folding stays in the graph, visible, as a constant: no
                    # gradient, and check_formula does not take it for a variable
                    left = Value(left, requires_grad=False)
                left = self._labelled(_BINARY[type(link.op)](left, right), link)  # type: ignore[arg-type]
            return left
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        name = node.func.id
        if name in _MANY:
            return _MANY[name]([self.visit(a) for a in node.args])
        arg = self.visit(node.args[0])
        x = arg if isinstance(arg, Value) else Value(arg, requires_grad=False)
        if name == "abs":
            return abs(x)
        if name in _PARAMETRIC:
            given = [_number(a) for a in node.args[1:]]
            defaults = [d for _, d in _PARAMETRIC[name]]
            return getattr(x, name)(*given, *defaults[len(given):])
        others = [self.visit(a) for a in node.args[1:]]
        return getattr(x, name)(*others)
