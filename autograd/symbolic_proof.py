"""Showing a SymPy expression to be 0, and simplifying one, in predictable time.

:func:`_zero` splits the kinks of a difference (the conditions of its
Piecewise, sign, abs and Heaviside) into cases, leaves out the cases that
cannot happen (Fourier-Motzkin on the linear kinks) and shows each case to
cancel as a rational function of its function applications, or once σ,
tanh, ... are written with exponentials.  :func:`_tidy` is the simplifier of
:func:`autograd.symbolic.symbolic_grad`.  ``sympy.simplify`` is never used:
it can take minutes on a network's derivative.  Everything here takes the
namespace :func:`autograd.symbolic_functions._functions` makes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any


def _zero(f: SimpleNamespace, difference: Any) -> tuple[bool, str]:
    """Whether SymPy shows ``difference`` to be 0; if not, why.

    Kinks first: the conditions of the Piecewise (``a > 0``, ``-1 < x < 1``,
    also those of sign, abs and Heaviside) are split into the cases where
    they hold or not (:func:`_cases`: each kink negative, zero or positive),
    every Piecewise replaced by its branch, and each case shown to be 0 on its
    own.  A case is 0 when,
    with every function application (σ(a), tanh(…), x**y, …) taken as an
    independent symbol, it cancels as a rational function (powers of one base
    combined), or does so once σ, tanh, ... are written with exponentials.
    ``sympy.simplify`` is not used: it can take minutes on a network's
    derivative, and a check should answer at once.
    """
    if difference == 0:
        return True, ""
    cases = _cases(f, difference)
    if cases is None:
        return False, f"the difference has more than {MAX_KINKS} kink conditions to split on"
    for case in cases:
        if not _smooth_zero(f, case):
            return False, ("SymPy could not reduce the formula minus the engine's derivative "
                           "to 0")
    return True, ""


MAX_KINKS = 6  # distinct kinks a proof splits on (each negative, zero, positive: 3**6 cases)
PROOF_NODES = 2_000  # larger graphs are checked at random points only
RADICAL_OPS = 60  # the largest difference whose radicals are cancelled as they are


def _cases(f: SimpleNamespace, expr: Any) -> list[Any] | None:
    """``expr`` without Piecewise, once for each way its kink conditions can hold.

    ``sign``, ``Abs`` and ``Heaviside`` are written as the Piecewise they are.  Each
    condition compares two expressions; their difference is, up to a constant
    factor, one of a few *kinks* (``x - 1`` for ``x > 1``, ``-1 < x`` and ``x <= 1``
    alike), and each kink is taken negative, zero and positive in turn.  Cases that
    cannot happen are left out when the kinks are linear in the symbols (``x < -1``
    with ``x > 1``, ``x < lo`` with ``lo < hi`` and ``x > hi``); the others are
    checked too, which can only make a proof fail, never pass wrongly.
    """
    sp = f.sp
    kinked = (sp.sign, sp.Abs, sp.Heaviside)
    if expr.has(*kinked):
        expr = expr.replace(lambda e: isinstance(e, kinked), lambda e: e.rewrite(sp.Piecewise))
    pieces = expr.atoms(sp.Piecewise)
    if not pieces:
        return [expr]
    relations: list[Any] = []
    for pw in pieces:
        for _, cond in pw.args:
            for r in cond.atoms(sp.core.relational.Relational):
                if r not in relations:
                    relations.append(r)
    kinks: list[Any] = []
    sides: dict[Any, tuple[int, int]] = {}  # relation -> (its kink, the sign of lhs - rhs over it)
    for r in relations:
        factor, kink = (r.lhs - r.rhs).as_content_primitive()
        if kink.could_extract_minus_sign():
            factor, kink = -factor, -kink
        if not factor.is_nonzero or not factor.is_extended_real:
            return None
        if kink not in kinks:
            kinks.append(kink)
        sides[r] = (kinks.index(kink), 1 if factor > 0 else -1)
    if len(kinks) > MAX_KINKS:
        return None
    linear = [_linear(f, k) for k in kinks]
    holds = {sp.Lt: lambda s: s < 0, sp.Le: lambda s: s <= 0, sp.Gt: lambda s: s > 0,
             sp.Ge: lambda s: s >= 0, sp.Eq: lambda s: s == 0, sp.Ne: lambda s: s != 0}
    cases = []
    for signs in itertools.product((-1, 0, 1), repeat=len(kinks)):
        at = _feasible(f, linear, signs)
        if at is None:
            continue
        truth = {}
        for r, (k, side) in sides.items():
            test = holds.get(type(r))
            if test is None:
                return None
            truth[r] = sp.true if test(side * signs[k]) else sp.false

        def branch(*args: Any, truth: Mapping[Any, Any] = truth) -> Any:
            for value, cond in args:
                known = cond.xreplace(truth)
                if known is sp.true:
                    return value
                if known is not sp.false:
                    raise _Undecided
            return sp.nan

        try:
            case = expr.replace(sp.Piecewise, branch)
        except _Undecided:
            return None
        cases.append(case.xreplace(at) if at else case)  # on a kink: x = 0 there
    return cases


def _linear(f: SimpleNamespace, expr: Any) -> dict[Any, Any] | None:
    """``expr`` as {symbol: coefficient, 1: constant} when it is linear in its symbols with
    rational coefficients; None otherwise."""
    sp = f.sp
    out: dict[Any, Any] = {}
    for term, coeff in expr.as_coefficients_dict().items():
        if not coeff.is_Rational or not (term is sp.S.One or term.is_Symbol):
            return None
        out[term] = out.get(term, 0) + coeff
    return out


def _feasible(f: SimpleNamespace, linear: Sequence[dict[Any, Any] | None],
              signs: Sequence[int]) -> dict[Any, Any] | None:
    """Whether the linear kinks can have ``signs`` (-1, 0, 1) at once: the equalities
    solved and substituted, then Fourier-Motzkin elimination of the strict
    inequalities.  Kinks that are not linear are free (they never make a case
    impossible).  None when the case cannot happen, else what the equalities give
    ({symbol: its value}, empty when no kink is 0)."""
    one = f.sp.S.One
    solved: dict[Any, dict[Any, Any]] = {}
    equal: list[dict[Any, Any]] = []
    strict: list[dict[Any, Any]] = []  # each: sum coefficient*symbol + constant > 0
    for form, s in zip(linear, signs):
        if form is None:
            continue
        if s == 0:
            equal.append(dict(form))
        else:
            strict.append({k: s * v for k, v in form.items()})

    def put(row: dict[Any, Any], var: Any, value: dict[Any, Any]) -> dict[Any, Any]:
        c = row.pop(var, 0)
        for k, v in value.items():
            row[k] = row.get(k, 0) + c * v
        return {k: v for k, v in row.items() if v != 0}

    while equal:
        row = {k: v for k, v in equal.pop().items() if v != 0}
        variables = [k for k in row if k is not one]
        if not variables:
            if row.get(one, 0) != 0:
                return None
            continue
        var = variables[0]
        c = row.pop(var)
        value = {k: -v / c for k, v in row.items()}  # var = value
        equal = [put(e, var, value) for e in equal]
        strict = [put(e, var, value) for e in strict]
        solved = {k: put(e, var, value) for k, e in solved.items()}
        solved[var] = value
    at = {var: f.sp.Add(*[v * k for k, v in value.items()]) for var, value in solved.items()}
    while True:
        for row in strict:
            if all(k is one for k in row) and row.get(one, 0) <= 0:
                return None
        free = {k for row in strict for k in row if k is not one}
        if not free:
            return at
        var = min(free, key=str)
        above = [r for r in strict if r.get(var, 0) > 0]
        below = [r for r in strict if r.get(var, 0) < 0]
        rest = [r for r in strict if r.get(var, 0) == 0]
        for a in above:
            for b in below:
                ca, cb = a[var], -b[var]
                combined: dict[Any, Any] = {}
                for k in set(a) | set(b):
                    if k is not var:
                        combined[k] = cb * a.get(k, 0) + ca * b.get(k, 0)
                rest.append({k: v for k, v in combined.items() if v != 0})
        strict = rest


class _Undecided(Exception):  # noqa: N818 - internal signal, never raised to the user
    pass


def _smooth_zero(f: SimpleNamespace, expr: Any) -> bool:
    """True when ``expr`` (no Piecewise) is shown to be 0: as a rational function of its
    function applications, or, with σ, tanh, ... written with exponentials, of those."""
    sp = f.sp
    if expr == 0:
        return True
    for form in (expr, sp.powsimp(expr)):  # powsimp: x**y/x is x**(y - 1)
        atomized, _ = _atomized(f, form)
        if sp.cancel(atomized) == 0:
            return True
    # rational powers kept as they are: sympy's cancel takes r**(3/2) as r * sqrt(r)
    # (x/hypot's derivative 1/sqrt(r) - x**2/r**(3/2) is y**2/r**(3/2), r = x**2 + y**2)
    # (small expressions only: cancel over radicals can take minutes on a large one)
    if sp.count_ops(expr) <= RADICAL_OPS and any(
            p.exp.is_Rational and not p.exp.is_Integer and not p.base.is_Atom
            for p in expr.atoms(sp.Pow)):
        atomized, _ = _atomized(f, expr, radicals=False)
        if sp.cancel(atomized) == 0:
            return True
    exponential = _exponential(f, expr)
    if exponential is None:
        return False
    if exponential == 0:
        return True
    atomized, _ = _atomized(f, exponential)
    return bool(sp.cancel(atomized) == 0)


def _exponential(f: SimpleNamespace, expr: Any) -> Any:
    """``expr`` with σ, softplus and the hyperbolic functions written with exponentials,
    each exp(c*v) as a whole power of one exp(v/q): exp(x)*exp(-x) is then 1."""
    sp = f.sp
    heads = (f.sigmoid, f.softplus, sp.tanh, sp.sinh, sp.cosh, sp.exp)
    if not expr.has(*heads):
        return None
    rewritten = sp.expand_power_exp(expr.rewrite(sp.exp))
    exps = rewritten.atoms(sp.exp)
    if not exps:
        return rewritten
    # exp(c*v): one base exp(v/q) per v, q the common denominator of its coefficients
    # (the number e is exp(1): a case on a kink, y = -1, has exp(-1) and e side by side)
    powers = [(e, *e.args[0].as_coeff_Mul()) for e in exps]
    if rewritten.has(sp.E):
        powers.append((sp.E, sp.S.One, sp.S.One))
    coeffs: dict[Any, list[Any]] = {}
    for _, c, v in powers:
        coeffs.setdefault(v, []).append(sp.Rational(c))
    bases = {v: math.lcm(*[int(c.q) for c in cs]) for v, cs in coeffs.items()}
    symbols = {v: sp.Dummy() for v in bases}
    swap = {e: symbols[v] ** int(sp.Rational(c) * bases[v]) for e, c, v in powers}
    return rewritten.xreplace(swap)


def _atomized(f: SimpleNamespace, expr: Any, piecewise: bool = False,
              radicals: bool = True) -> tuple[Any, dict[Any, Any]]:
    """``expr`` with every function application and non-integer power (and, with
    ``piecewise``, every Piecewise) a new symbol, equal ones the same symbol: a rational
    function of those symbols.  Also returns {symbol: what it stands for}.  Without
    ``radicals``, powers with a rational exponent are kept, their bases atomized."""
    sp = f.sp
    memo: dict[Any, Any] = {}
    atoms: dict[Any, Any] = {}  # an application, its inputs atomized -> its symbol
    back: dict[Any, Any] = {}  # symbol -> the expression it stands for

    def atom(key: Any, original: Any) -> Any:
        found = atoms.get(key)
        if found is None:
            found = atoms[key] = sp.Dummy()
            back[found] = original
        return found

    def walk(e: Any) -> Any:
        if e.is_Atom:
            return e
        found = memo.get(e)
        if found is not None:
            return found
        if isinstance(e, sp.Piecewise):
            if piecewise:
                out = atom(e, e)
            else:
                out = e.func(*[(walk(v), c) for v, c in e.args])
        else:
            rebuilt = e.func(*[walk(a) for a in e.args])
            if isinstance(rebuilt, sp.core.function.Application) or (
                    rebuilt.is_Pow and not rebuilt.exp.is_Integer
                    and (radicals or not rebuilt.exp.is_Rational)):
                out = atom(rebuilt, e)
            else:
                out = rebuilt
        memo[e] = out
        return out

    return walk(expr), back


def _tidy(f: SimpleNamespace, expr: Any) -> Any:
    """A shorter form of ``expr``, found in predictable time: taken as a rational
    function of its function applications (each branch of a Piecewise on its own),
    the shortest of it as it is, with common factors pulled out, and cancelled."""
    sp = f.sp
    if isinstance(expr, sp.Piecewise):
        return sp.Piecewise(*[(_tidy(f, v), c) for v, c in expr.args])
    if expr.has(sp.Piecewise):
        expr = expr.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: _tidy(f, e))
    atomized, back = _atomized(f, expr, piecewise=True)
    forms = [atomized, sp.factor_terms(atomized)]
    if sp.count_ops(atomized) <= CANCEL_OPS:
        cancelled = sp.cancel(atomized)
        forms += [cancelled, sp.factor_terms(cancelled)]
    best = min(forms, key=sp.count_ops)  # the first of the shortest: as it was, if no shorter
    return best.xreplace(back)


CANCEL_OPS = 300  # larger derivatives are not expanded over a common denominator
