"""``autograd grad``: an expression's value and partial derivatives.

With ``--check`` (finite differences), ``--explain`` (the chain rule),
``--expect`` (a hand-derived formula, proved or refuted), ``--latex``, and the
graph written as SVG, PNG, DOT or an explorer page.
"""

from __future__ import annotations

import argparse
import json
import math
import unicodedata
from collections.abc import Sequence
from typing import Any

from autograd.cli_common import UsageError, _fmt, _json_number, _output_path, _save_drawing, _save_explorer


def _assignments(items: Sequence[str]) -> dict[str, float]:
    from autograd.expr import rounds_to_zero

    values: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = unicodedata.normalize("NFKC", name.strip())  # as Python reads the expression's names
        if not sep or not name or not text.strip():
            raise UsageError(f"--at takes NAME=VALUE pairs, got {item!r}")
        if not name.isidentifier():
            raise UsageError(f"--at: {name!r} is not a variable name")
        try:
            value = float(text)  # float() parses a number; it evaluates nothing
        except ValueError:
            raise UsageError(f"--at {name}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise UsageError(f"--at {name}: the value must be finite, got {text!r}")
        if rounds_to_zero(text, value):
            raise UsageError(f"--at {name}: {text.strip()!r} is too small for a float64 (it rounds to 0)")
        if name in values:
            raise UsageError(f"--at: {name} is given twice")
        values[name] = value
    return values


def cmd_grad(args: argparse.Namespace) -> int:
    from autograd.expr import CONSTANTS, parse

    if args.expression is None:
        if args.at:  # --at took every word after it, the expression too
            raise UsageError("EXPR is missing: --at reads every word after it, so put EXPR first "
                             "(autograd grad EXPR --at NAME=VALUE ...) or end the --at list with -- "
                             "(autograd grad --at NAME=VALUE ... -- EXPR)")
        raise UsageError("grad: EXPR is missing (see autograd grad --help)")
    outputs = {fmt: _output_path(f"--{fmt}", getattr(args, fmt), (f".{fmt}",))
               for fmt in ("svg", "png", "dot")}
    html_path = _output_path("--html", args.html, (".html",))
    expression = parse(args.expression)
    at = _assignments(args.at or [])
    for name in at:
        if name in CONSTANTS:
            raise UsageError(f"--at: {name} is a constant ({CONSTANTS[name]!r}) and cannot be set")
        if name not in expression.variables:
            raise UsageError(f"--at: the expression has no variable {name} "
                             f"(its variables: {', '.join(expression.variables) or 'none'})")
    out, leaves = expression.build(at)
    if not out.is_leaf:  # the output node is named f, like the printout
        out.label = "f"
    out.backward()
    report: dict[str, Any] = {
        "expression": expression.text,
        "at": at,
        "value": out.data,
        "gradients": {name: leaf.grad for name, leaf in leaves.items()},
    }
    text = [f"f = {expression.text}", f"f = {_fmt(out.data)}"]  # type: ignore[arg-type]
    text += [f"∂f/∂{name} = {_fmt(leaf.grad)}" for name, leaf in leaves.items()]
    status = 0
    if args.check:
        from autograd.gradchecks import gradcheck

        if not leaves:
            raise UsageError("--check: the expression has no variables to check")
        result = gradcheck(out, list(leaves.values()), raise_exception=False)
        report["check"] = {
            "ok": result.ok,
            "rows": [{"input": r.input, "analytic": r.analytic, "numeric": r.numeric,
                      "abs_err": r.abs_err, "rel_err": r.rel_err, "status": r.status}
                     for r in result.rows],
        }
        text += ["", str(result)]
        status = 0 if result.ok else 1
    if args.explain:
        from autograd.chain import explain

        if args.explain not in leaves:
            raise UsageError(f"--explain: the expression has no variable {args.explain} "
                             f"(its variables: {', '.join(leaves) or 'none'})")
        explanation = explain(out, leaves[args.explain])
        report["explain"] = {
            "text": str(explanation),
            "total": explanation.total,
            "paths": [[{"factor": f.name, "op": f.op, "value": f.value} for f in p.factors]
                      for p in explanation.paths],
        }
        text += ["", str(explanation)]
    if args.expect is not None or args.latex:
        status = max(status, _formula_options(args, out, leaves, report, text))
    elif args.wrt is not None:  # (every ∂f/∂NAME is printed anyway)
        raise UsageError(f"--wrt {args.wrt}: says which derivative --expect or --latex is "
                         "about, and neither is given")
    for fmt, path in outputs.items():
        if path is not None:
            _save_drawing(out, path, f"--{fmt}")
            text.append(f"wrote {path}")
    if html_path is not None:
        _save_explorer(out, html_path)
        text.append(f"wrote {html_path}")
    if args.json:
        print(json.dumps(_json_number(report), indent=2, allow_nan=False))
    else:
        print("\n".join(text))
    return status


def _formula_options(args: argparse.Namespace, out: Any, leaves: dict[str, Any],
                     report: dict[str, Any], text: list[str]) -> int:
    """--expect FORMULA (for --wrt NAME) checked as a formula; --latex: the chain rule in LaTeX."""
    from autograd.chain import explain
    from autograd.expr import ExpressionError
    from autograd.symbolic import check_formula

    for name in (args.wrt, args.explain if args.latex else None):
        if name is not None and name not in leaves:
            raise UsageError(f"--wrt: the expression has no variable {name} "
                             f"(its variables: {', '.join(leaves) or 'none'})")
    wrt = args.wrt
    if wrt is None and args.expect is not None:
        if len(leaves) != 1:
            raise UsageError("--expect: say which derivative the formula is with --wrt NAME "
                             f"(the variables: {', '.join(leaves) or 'none'})")
        wrt = next(iter(leaves))
    status = 0
    if args.expect is not None:
        try:
            result = check_formula(out, leaves[wrt], args.expect)
        except ExpressionError as err:
            raise UsageError(f"--expect: {err}") from None
        result.output = "f"  # as the lines above call it (an output that is a leaf keeps its label)
        c = result.counterexample
        report["expect"] = {
            "wrt": wrt, "formula": result.formula, "verdict": result.verdict, "ok": result.ok,
            "points": result.points, "reason": result.reason,
            "counterexample": None if c is None else {
                "where": c.where, "point": c.point, "formula": c.formula, "engine": c.engine,
                "finite_difference": c.numeric},
        }
        text += ["", str(result)]
        status = 0 if result.ok else 1
    if args.latex:
        names = [n for n in (wrt, args.explain) if n is not None] or list(leaves)
        report["latex"] = {}
        for name in dict.fromkeys(names):
            source = str(explain(out, leaves[name]).latex())
            report["latex"][name] = source
            text += ["", source]
    return status
