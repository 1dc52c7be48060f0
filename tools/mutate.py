"""Mutation testing of the engine's numerics, its derivative table and its backward pass.

    python tools/mutate.py [--target math|table|backward|all] [--tests FILES] [--match TEXT]
                           [--timeout SECONDS] [--list] [--list-survivors] [--report FILE]

A mutant is the source with one small change, the kind a person makes when a
rule is copied wrong: an operator swapped (``+``/``-``, ``*``/``/``, ``<``/``<=``,
``and``/``or``), a constant changed, a sign or a factor dropped, a branch
swapped, the output ``z`` read where the input ``x`` is meant, two arguments
swapped, a statement dropped, ``+=`` written as ``=``.  Each mutant is run
against a fast subset of the tests (``-x``): it is *killed* when a test fails
(or the run hangs past the timeout), and it *survives* when every test passes,
which means that no test pins what the change breaks (or that the change is
equivalent: listed, with its reason, in ``tools/equivalent_mutants.txt``).

The mutator is this file's own (an AST walk; each change is spliced into the
source text, so every other line stays as it is).  mutmut reaches only
functions defined with ``def``: the table's rules are module-level lambdas and
lambdas inside cached factories, which it cannot mutate, and its trampolines
would replace the functions the rows captured at import.  One mutator for all
three targets keeps one kind of mutant id, one list of equivalents, and one
runner that fits two cores: the runner imports pytest, numpy, sympy and
PyTorch once, then forks a child per mutant and test stage, so a mutant costs
its tests and the import of ``autograd``, not a fresh interpreter.

Mutants are applied to a temporary copy of the project (never to the work
tree), one at a time, and one test process runs at a time.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tools" / "equivalent_mutants.txt"

# What each target mutates: files, and for the backward modules only the functions of the
# backward loops (the graph walk `schedule`, the seed and the lock are not targets).
TARGETS: dict[str, list[tuple[str, frozenset[str] | None]]] = {
    "math": [(f"autograd/{name}.py", None) for name in
             ("_math", "_math_masks", "_math_power", "_math_smooth", "_math_plane", "_math_pieces")],
    "table": [(f"autograd/{name}.py", None) for name in
              ("ops", "ops_elementary", "ops_piecewise", "ops_activations", "ops_reductions")],
    "backward": [("autograd/backward.py", frozenset({
        "backward", "_finish_fast", "_run_fast", "run_general", "gradients",
        "local_derivatives"})),
                 ("autograd/backward_general.py", frozenset({
                     "_locals", "_reduce_to", "holds_cuts", "_zero_at", "_absent", "_kept", "sweep"})),
                 ("autograd/backward_data.py", frozenset({
                     "masked", "_run_data", "_add", "_add_array", "_dots", "_maps", "_siblings",
                     "_release"})),
                 ("autograd/accumulate.py", frozenset({"accumulate", "_two_sum"}))],
}

# The tests each target runs, in stages: a mutant killed by the first stage never
# collects the later ones (the slow oracles).  The focused mutant tests come first.
STAGES: dict[str, list[list[str]]] = {
    "math": [["tests/test_mutants_rules.py", "tests/test_mutants_table.py", "tests/test_mutants_math.py",
              "tests/test_special.py", "tests/test_special_points.py", "tests/test_where.py",
              "tests/test_cuts.py", "tests/test_nan_slopes.py", "tests/test_edge_limits.py",
              "tests/test_atan2_hessian.py", "tests/test_hypot_hessian.py", "tests/test_pow_batch.py",
              "tests/test_infinity_and_subnormals.py", "tests/test_second_derivatives_near_zero.py",
              "tests/test_logsumexp_at_infinity.py", "tests/test_softmax_top.py"],
             ["tests/test_calculus.py", "tests/test_ops.py", "tests/test_accuracy.py"]],
    "table": [["tests/test_mutants_rules.py", "tests/test_mutants_table.py", "tests/test_special.py",
               "tests/test_special_points.py", "tests/test_where.py",
               "tests/test_infinity_and_subnormals.py"],
              ["tests/test_calculus.py", "tests/test_ops.py", "tests/test_accuracy.py"]],
    "backward": [["tests/test_mutants_backward.py", "tests/test_accumulate.py", "tests/test_where.py",
                  "tests/test_cuts.py"],
                 ["tests/test_engine.py", "tests/test_batch.py", "tests/test_batch_layers.py",
                  "tests/test_anomaly.py", "tests/test_threads.py"]],
}

PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "--no-header", "-W", "ignore::DeprecationWarning"]

# Call keywords whose values say how a row is shown or cached, not what it computes,
# and the kink/piece hints gradcheck reads: not mutated.
_SKIP_KEYWORDS = frozenset({"precedence", "notation", "method", "maxsize", "symbol", "kink",
                            "piece", "inputs", "bounds", "doc"})
_SKIP_ASSIGN = frozenset({"__all__", "ROWS", "UNARY_FUNCTIONS", "BINARY_FUNCTIONS"})

_BINOP_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult, ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr, ast.MatMult: ast.Mult,
}
_CMP_SWAP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In,
}
_NAME_SWAP = {"min": "max", "max": "min", "minimum": "maximum", "maximum": "minimum",
              "any": "all", "all": "any", "floor": "ceil", "ceil": "floor"}
# calls whose arguments swapped only raise a TypeError at once: no information
_NO_SWAP = frozenset({"isinstance", "hasattr", "getattr", "setattr", "zip", "enumerate", "range",
                      "type", "print", "_constant_like", "_mask_like", "Domain", "Value"})
# The optional kinds of mutation each target adds to the common ones (operators,
# comparisons, and/or, constants, signs, branches, z for x, swapped arguments):
# the table drops factors and terms; the backward loops also drop statements,
# assign None, and set where they should add.
KINDS: dict[str, frozenset[str]] = {
    "math": frozenset(),
    "table": frozenset({"drop-operand"}),
    "backward": frozenset({"drop-operand", "assign-none", "drop-statement", "set-not-add"}),
}
# the names a rule reads: its inputs and its output
_RULE_NAMES = ("x", "y", "z")


@dataclass
class Mutant:
    """One change to one file."""

    id: str  # stable across edits elsewhere in the file: file, scope, before -> after
    path: str
    line: int
    scope: str
    before: str
    after: str
    start: int  # byte offsets of the replaced span in the file
    end: int
    text: str  # the replacement

    def label(self) -> str:
        return f"{self.path}:{self.line} [{self.scope}] {self.before}  ->  {self.after}"


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


class _Finder:
    """Walks one module and lists every mutant of the nodes it may change."""

    def __init__(self, path: str, source: bytes, functions: frozenset[str] | None,
                 kinds: frozenset[str]) -> None:
        self.path = path
        self.kinds = kinds
        self.source = source
        self.functions = functions
        self.tree = ast.parse(source)
        self.lines = [0]
        for line in source.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.found: list[Mutant] = []
        self.seen: dict[str, int] = {}

    # -- positions
    def _span(self, node: ast.AST) -> tuple[int, int]:
        start = self.lines[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        end = self.lines[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]
        return start, end

    def _add(self, scope: str, node: ast.AST, new: ast.AST, expression: bool = True,
             kind: str = "") -> None:
        if kind and kind not in self.kinds:
            return
        start, end = self._span(node)
        before = self.source[start:end].decode()
        text = ast.unparse(new)
        if expression:
            text = f"({text})"
        after = text
        key = f"{self.path}::{scope}: {_short(before)} -> {_short(after)}"
        count = self.seen.get(key, 0) + 1
        self.seen[key] = count
        ident = key if count == 1 else f"{key} #{count}"
        self.found.append(Mutant(ident, self.path, node.lineno, scope,  # type: ignore[attr-defined]
                                 _short(before), _short(after), start, end, text))

    # -- the walk
    def run(self) -> list[Mutant]:
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                continue
            if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
                if self.functions is None or stmt.name in self.functions:
                    self._function(stmt, stmt.name)
                continue
            if self.functions is not None or _is_docstring(stmt):
                continue
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                if any(n in _SKIP_ASSIGN for n in names):
                    continue
                scope = names[0] if names else "<module>"
                if stmt.value is not None:
                    self._expr(stmt.value, scope, ())
            elif isinstance(stmt, ast.Expr):
                self._expr(stmt.value, "<module>", ())
        return self.found

    def _function(self, fn: ast.FunctionDef | ast.ClassDef, scope: str) -> None:
        if isinstance(fn, ast.ClassDef):
            return  # the table's classes (Domain, Op) are declarations, not rules
        for default in [*fn.args.defaults, *fn.args.kw_defaults]:
            if default is not None:
                self._expr(default, scope, ())
        params = _params(fn.args)
        self._body(fn.body, scope, params)

    def _body(self, body: Sequence[ast.stmt], scope: str, params: tuple[str, ...]) -> None:
        for stmt in body:
            if _is_docstring(stmt):
                continue
            self._stmt(stmt, scope, params)

    def _stmt(self, stmt: ast.stmt, scope: str, params: tuple[str, ...]) -> None:
        if isinstance(stmt, ast.FunctionDef):
            self._function(stmt, f"{scope}.{stmt.name}")
            return
        if isinstance(stmt, (ast.Raise, ast.Assert, ast.Import, ast.ImportFrom, ast.Global,
                             ast.Nonlocal, ast.Pass, ast.ClassDef)):
            return
        if isinstance(stmt, ast.Return):
            if stmt.value is not None:
                self._expr(stmt.value, scope, params)
                self._tuple_swap(stmt.value, scope)
            return
        if isinstance(stmt, ast.Assign):
            self._expr(stmt.value, scope, params)
            for target in stmt.targets:
                self._target(target, scope, params)
            if not isinstance(stmt.value, ast.Constant) or stmt.value.value is not None:
                self._add(scope, stmt.value, ast.Constant(None), kind="assign-none")
            return
        if isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self._expr(stmt.value, scope, params)
            return
        if isinstance(stmt, ast.AugAssign):
            self._expr(stmt.value, scope, params)
            self._target(stmt.target, scope, params)
            swap = _BINOP_SWAP.get(type(stmt.op))
            if swap is not None:
                self._add(scope, stmt, ast.AugAssign(stmt.target, swap(), stmt.value), False)
            self._add(scope, stmt, ast.Assign([stmt.target], stmt.value, lineno=0), False,
                      kind="set-not-add")
            return
        if isinstance(stmt, ast.Expr):
            self._expr(stmt.value, scope, params)
            self._add(scope, stmt, ast.Pass(), False, kind="drop-statement")
            return
        if isinstance(stmt, (ast.If, ast.While)):
            self._expr(stmt.test, scope, params)
            self._add(scope, stmt.test, ast.UnaryOp(ast.Not(), stmt.test))
            self._body(stmt.body, scope, params)
            self._body(stmt.orelse, scope, params)
            return
        if isinstance(stmt, ast.For):
            self._expr(stmt.iter, scope, params)
            self._body(stmt.body, scope, params)
            self._body(stmt.orelse, scope, params)
            return
        if isinstance(stmt, ast.With):
            for item in stmt.items:
                self._expr(item.context_expr, scope, params)
            self._body(stmt.body, scope, params)
            return
        if isinstance(stmt, ast.Try):
            self._body(stmt.body, scope, params)
            for handler in stmt.handlers:
                self._body(handler.body, scope, params)
            self._body(stmt.orelse, scope, params)
            self._body(stmt.finalbody, scope, params)
            return
        if isinstance(stmt, ast.Continue):
            self._add(scope, stmt, ast.Break(), False)
            return
        if isinstance(stmt, ast.Break):
            self._add(scope, stmt, ast.Continue(), False)
            return
        if isinstance(stmt, ast.Delete):
            self._add(scope, stmt, ast.Pass(), False, kind="drop-statement")

    def _target(self, target: ast.expr, scope: str, params: tuple[str, ...]) -> None:
        """The expressions inside an assignment target (subscripts), not the names."""
        if isinstance(target, ast.Subscript):
            self._expr(target.slice, scope, params)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._target(elt, scope, params)

    def _tuple_swap(self, node: ast.expr, scope: str) -> None:
        """A rule's pair of derivatives (dz/dx, dz/dy) given in the wrong order."""
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            a, b = node.elts
            if ast.dump(a) != ast.dump(b):
                self._add(scope, node, ast.Tuple([b, a], ast.Load()))

    def _expr(self, node: ast.expr, scope: str, params: tuple[str, ...]) -> None:
        if isinstance(node, ast.Constant):
            self._constant(node, scope)
            return
        if isinstance(node, ast.JoinedStr):
            return
        if isinstance(node, ast.Lambda):
            for default in node.args.defaults:
                self._expr(default, scope, params)
            inner = _params(node.args)
            self._expr(node.body, scope, inner)
            self._tuple_swap(node.body, scope)
            return
        if isinstance(node, ast.BinOp):
            if _is_str(node.left):
                return
            self._expr(node.left, scope, params)
            self._expr(node.right, scope, params)
            swap = _BINOP_SWAP.get(type(node.op))
            if swap is not None:
                self._add(scope, node, ast.BinOp(node.left, swap(), node.right))
            if isinstance(node.op, (ast.Mult, ast.Add)):
                self._add(scope, node, node.left, kind="drop-operand")
                self._add(scope, node, node.right, kind="drop-operand")
            elif isinstance(node.op, (ast.Div, ast.Sub)):
                self._add(scope, node, node.left, kind="drop-operand")
            return
        if isinstance(node, ast.UnaryOp):
            self._expr(node.operand, scope, params)
            if isinstance(node.op, (ast.USub, ast.Not)):
                self._add(scope, node, node.operand)
            return
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                self._expr(value, scope, params)
            other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            self._add(scope, node, ast.BoolOp(other, node.values))
            return
        if isinstance(node, ast.Compare):
            self._expr(node.left, scope, params)
            for comparator in node.comparators:
                self._expr(comparator, scope, params)
            for i, op in enumerate(node.ops):
                swap = _CMP_SWAP.get(type(op))
                if swap is not None:
                    ops = list(node.ops)
                    ops[i] = swap()
                    self._add(scope, node, ast.Compare(node.left, ops, node.comparators))
            return
        if isinstance(node, ast.IfExp):
            self._expr(node.test, scope, params)
            self._expr(node.body, scope, params)
            self._expr(node.orelse, scope, params)
            self._add(scope, node, ast.IfExp(node.test, node.orelse, node.body))
            return
        if isinstance(node, ast.Call):
            self._expr(node.func, scope, params)
            typed = isinstance(node.func, ast.Name) and node.func.id in ("isinstance", "hasattr")
            for k, arg in enumerate(node.args):
                if not isinstance(arg, ast.Starred):
                    # the type of x is the type of z: no swap in isinstance(x, ...)
                    self._expr(arg, scope, () if typed and k == 0 else params)
            for kw in node.keywords:
                if kw.arg not in _SKIP_KEYWORDS:
                    self._expr(kw.value, scope, params)
            self._call_swap(node, scope)
            return
        if isinstance(node, ast.Name):
            self._name(node, scope, params)
            return
        if isinstance(node, ast.Attribute):
            if node.attr == "__class__" and isinstance(node.value, ast.Name):
                return  # x.__class__ and z.__class__ are one class: reading z there changes nothing
            self._expr(node.value, scope, params)
            if node.attr in _NAME_SWAP:
                self._add(scope, node, ast.Attribute(node.value, _NAME_SWAP[node.attr], ast.Load()))
            return
        if isinstance(node, ast.Subscript):
            self._expr(node.value, scope, params)
            self._expr(node.slice, scope, params)
            return
        if isinstance(node, ast.Slice):
            for part in (node.lower, node.upper, node.step):
                if part is not None:
                    self._expr(part, scope, params)
            return
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            for elt in node.elts:
                if not isinstance(elt, ast.Starred):
                    self._expr(elt, scope, params)
                else:
                    self._expr(elt.value, scope, params)
            return
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            self._expr(node.elt, scope, params)
            for gen in node.generators:
                self._expr(gen.iter, scope, params)
                for cond in gen.ifs:
                    self._expr(cond, scope, params)
            return
        if isinstance(node, ast.DictComp):
            self._expr(node.value, scope, params)
            return
        if isinstance(node, ast.Dict):
            for value in node.values:
                self._expr(value, scope, params)
            return

    def _constant(self, node: ast.Constant, scope: str) -> None:
        value = node.value
        if isinstance(value, bool):
            self._add(scope, node, ast.Constant(not value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if value != value or value in (float("inf"), float("-inf")):
                return
            changed = value + 1 if value + 1 != value else value * 2  # 1e300 + 1 is 1e300
            self._add(scope, node, ast.Constant(changed))  # 0 -> 1, 1 -> 2, 0.5 -> 1.5

    def _name(self, node: ast.Name, scope: str, params: tuple[str, ...]) -> None:
        if node.id in _NAME_SWAP:
            self._add(scope, node, ast.Name(_NAME_SWAP[node.id], ast.Load()))
        # a rule that reads the output where it means an input, or one input for another
        names = [n for n in _RULE_NAMES if n in params]
        if node.id in names and "z" in names:
            for other in names:
                if other != node.id:
                    self._add(scope, node, ast.Name(other, ast.Load()))

    def _call_swap(self, node: ast.Call, scope: str) -> None:
        args = node.args
        if any(isinstance(a, ast.Starred) for a in args):
            return
        if len(args) == 2:
            i, j = 0, 1
        elif len(args) == 3:
            i, j = 1, 2  # np.where(c, a, b), select(x, positive, otherwise)
        else:
            return
        if ast.dump(args[i]) == ast.dump(args[j]) or _is_str(args[i]) or _is_str(args[j]):
            return
        if isinstance(node.func, ast.Name) and node.func.id in _NO_SWAP:
            return
        swapped = list(args)
        swapped[i], swapped[j] = args[j], args[i]
        self._add(scope, node, ast.Call(node.func, swapped, node.keywords))


def _params(args: ast.arguments) -> tuple[str, ...]:
    return tuple(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and _is_str(stmt.value)


def mutants(target: str) -> list[Mutant]:
    """Every mutant of a target, in file order; each one compiles."""
    found: list[Mutant] = []
    for path, functions in TARGETS[target]:
        source = (ROOT / path).read_bytes()
        for m in _Finder(path, source, functions, KINDS[target]).run():
            try:
                compile(apply(source, m), path, "exec")
            except SyntaxError:
                continue
            found.append(m)
    return found


def apply(source: bytes, m: Mutant) -> bytes:
    """The file's source with the mutant's change."""
    return source[:m.start] + m.text.encode() + source[m.end:]


def load_equivalents(path: Path = EQUIVALENTS) -> dict[str, str]:
    """Mutant id -> the reason it is equivalent, from ``id | reason`` lines (# comments)."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        ident, _, reason = line.rpartition(" | ")
        out[ident.strip()] = reason.strip()
    return out


# ------------------------------------------------------------------ the runner

@dataclass
class Result:
    """What one mutant did."""

    id: str
    label: str
    status: str  # killed, survived, timeout, equivalent
    seconds: float
    stage: int  # the stage that killed it (0 based), -1 if none


def _preload() -> None:
    """Import once, in the parent, what every test run imports (never autograd itself)."""
    import hypothesis  # noqa: F401
    import numpy  # noqa: F401
    import pytest  # noqa: F401

    for name in ("sympy", "mpmath", "torch"):
        try:
            __import__(name)
        except ImportError:
            pass


def _child(workdir: Path, files: Sequence[str], log: Path, write_bytecode: bool) -> None:
    """Run pytest on ``files`` in ``workdir``; never returns (the child's exit code is pytest's)."""
    code = 3
    try:
        os.setpgid(0, 0)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.chdir(workdir)
        sys.path.insert(0, str(workdir))
        sys.dont_write_bytecode = not write_bytecode
        from hypothesis import settings

        settings.register_profile("mutate", database=None, deadline=None, derandomize=True)
        settings.load_profile("mutate")
        import pytest

        code = int(pytest.main([*PYTEST_ARGS, *files]))
    except BaseException:  # anything the mutant raises kills it
        import traceback

        traceback.print_exc()
        code = 4
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run_stage(workdir: Path, files: Sequence[str], timeout: float, log: Path,
              write_bytecode: bool = False) -> tuple[str, float]:
    """One pytest run in a forked child: ("pass" | "fail" | "timeout", seconds)."""
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _child(workdir, files, log, write_bytecode)
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - start > timeout:
                _kill(pid)
                return "timeout", time.monotonic() - start
            time.sleep(0.02)
    except BaseException:  # interrupted: the child goes too
        _kill(pid)
        raise
    ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return ("pass" if ok else "fail"), time.monotonic() - start


def _kill(pid: int) -> None:
    """End the child and whatever it started (its own process group), and reap it."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _copy_project(dest: Path) -> None:
    ignore = shutil.ignore_patterns(".git", "__pycache__", ".hypothesis", ".mypy_cache",
                                    ".ruff_cache", "*.egg-info", "build", "dist", ".mutate")
    for name in ("autograd", "tests", "tools", "benchmarks", "notebooks"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("README.md", "pyproject.toml", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)


def run(target: str, stages: list[list[str]], selected: list[Mutant], equivalents: dict[str, str],
        timeout: float | None, progress: bool = True) -> list[Result]:
    """Run every selected mutant of ``target`` against ``stages``, one at a time."""
    _preload()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        work = Path(tmp) / "project"
        work.mkdir()
        _copy_project(work)
        log = Path(tmp) / "pytest.log"
        stages = [[f for f in stage if (work / f.split("::")[0]).exists()] for stage in stages]
        stages = [stage for stage in stages if stage]
        limits = []
        for k, stage in enumerate(stages):  # the unmutated code must pass (and warms the caches)
            outcome, seconds = run_stage(work, stage, 1800.0, log, write_bytecode=True)
            if outcome != "pass":
                sys.exit(f"mutate: the unmutated project fails stage {k + 1} ({' '.join(stage)}):\n"
                         + log.read_text()[-4000:])
            limits.append(timeout if timeout is not None else max(20.0, 3.0 * seconds + 10.0))
            if progress:
                print(f"stage {k + 1}: {len(stage)} files, {seconds:.1f}s unmutated, "
                      f"timeout {limits[-1]:.0f}s", flush=True)
        sources = {m.path: (work / m.path).read_bytes() for m in selected}
        stats = {p: os.stat(work / p) for p in sources}
        for i, m in enumerate(selected):
            if m.id in equivalents:
                results.append(Result(m.id, m.label(), "equivalent", 0.0, -1))
                continue
            path = work / m.path
            st = stats[m.path]
            path.write_bytes(apply(sources[m.path], m))
            # a different mtime than the cached bytecode's: the mutant is compiled afresh
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 7_000_000_000))
            status, stage_hit, total = "survived", -1, 0.0
            try:
                for k, stage in enumerate(stages):
                    outcome, seconds = run_stage(work, stage, limits[k], log)
                    total += seconds
                    if outcome != "pass":
                        status = "killed" if outcome == "fail" else "timeout"
                        stage_hit = k
                        break
            finally:
                path.write_bytes(sources[m.path])
                os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
            results.append(Result(m.id, m.label(), status, total, stage_hit))
            if progress:
                mark = {"killed": ".", "timeout": "T", "survived": "S"}[status]
                print(f"[{i + 1}/{len(selected)}] {mark} {total:5.1f}s {m.label()}", flush=True)
    return results


def summary(target: str, results: Sequence[Result], equivalents_total: int) -> str:
    """Counts and the survivors, as the tool prints them."""
    count = {s: sum(r.status == s for r in results) for s in ("killed", "survived", "timeout",
                                                              "equivalent")}
    total = len(results)
    real = total - count["equivalent"]
    caught = count["killed"] + count["timeout"]
    rate = 100.0 * caught / real if real else 100.0
    lines = [f"== {target}: {total} mutants: {count['killed']} killed, {count['timeout']} timeouts, "
             f"{count['survived']} survived, {count['equivalent']} equivalent "
             f"(listed: {equivalents_total}); kill rate {rate:.1f}% of {real} non-equivalent"]
    for r in results:
        if r.status == "survived":
            lines.append(f"  SURVIVED {r.label}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: run the targets' mutants and print what survived."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--tests", action="append", metavar="FILES",
                        help="a stage of test files (comma-separated), instead of the target's; "
                             "repeat for more stages")
    parser.add_argument("--match", action="append", default=[], metavar="TEXT",
                        help="only mutants whose id contains TEXT (repeatable: any of them)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per stage (default: 3x the unmutated run + 10, at least 20)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--list-survivors", action="store_true",
                        help="print the survivors of the last run (from --report), run nothing")
    parser.add_argument("--report", type=Path, default=Path(tempfile.gettempdir()) / "autograd-mutate.json",
                        help="where the results are kept as JSON (default: %(default)s)")
    parser.add_argument("--survivors", action="store_true",
                        help="run only the mutants that survived the last run (in --report)")
    parser.add_argument("--quiet", action="store_true", help="no line per mutant")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up like on Ctrl-C

    targets = list(TARGETS) if args.target == "all" else [args.target]
    if args.list_survivors:
        data = json.loads(args.report.read_text())
        for target in targets:
            if target in data:
                equivalents = load_equivalents()
                results = [Result(**r) for r in data[target]]
                for r in results:  # the list may have grown since the run
                    if r.status == "survived" and r.id in equivalents:
                        r.status = "equivalent"
                print(summary(target, results, len(equivalents)))
        return 0

    equivalents = load_equivalents()
    all_ids: set[str] = set()
    report: dict[str, list[dict[str, object]]] = {}
    if args.report.exists() and not args.list:
        try:
            report = json.loads(args.report.read_text())
        except ValueError:
            report = {}
    texts = []
    survived = 0
    for target in targets:
        found = mutants(target)
        all_ids.update(m.id for m in found)
        if args.match:
            found = [m for m in found if any(t in m.id for t in args.match)]
        if args.survivors:
            last = {r["id"] for r in report.get(target, []) if r["status"] == "survived"}
            found = [m for m in found if m.id in last]
        if args.list:
            for m in found:
                mark = "  (equivalent)" if m.id in equivalents else ""
                print(f"{m.label()}{mark}")
            print(f"== {target}: {len(found)} mutants")
            continue
        stages = ([s.split(",") for s in args.tests] if args.tests else STAGES[target])
        results = run(target, stages, found, equivalents, args.timeout, not args.quiet)
        report[target] = [asdict(r) for r in results]
        args.report.write_text(json.dumps(report, indent=1))
        text = summary(target, results, sum(1 for m in found if m.id in equivalents))
        texts.append(text)
        survived += sum(r.status == "survived" for r in results)
    if args.list:
        return 0
    stale = [ident for ident in equivalents if ident not in all_ids and args.target == "all"
             and not args.match]
    print()
    print("\n".join(texts))
    for ident in stale:
        print(f"  (stale entry in {EQUIVALENTS.name}: {ident})")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
