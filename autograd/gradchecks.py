"""Gradients against central finite differences, like ``torch.autograd.gradcheck``.

:func:`gradcheck` compares the engine's gradient of a scalar function with
central finite differences for every input (in float64); :func:`gradgradcheck`
does the same for the second derivatives the ``create_graph=True`` path
computes.  On failure, :func:`autograd.locating.locate` names the op whose rule
is wrong.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from autograd.backward import gradients
from autograd.graph import Graph, pick
from autograd.locating import LocateResult, locate_in
from autograd.text import clean, fmt, table
from autograd.value import Value
from autograd.verify import (
    check_eps,
    check_sample,
    close,
    errors,
    kinks_crossed,
    rough_output,
    rounding_error,
    shifted,
    smooth_piece,
    step_taken,
)

__all__ = ["GradcheckError", "GradcheckResult", "GradcheckRow", "gradcheck", "gradgradcheck"]


def _callshifted(f: Callable[..., Value], xs: Sequence[Value], k: int, delta: float,
                  pos: int | None) -> Any:
    """f's output data on fresh copies of the inputs, input k moved by delta."""
    args = [Value(shifted(x.data, delta, pos) if i == k else x.data, label=x.label)
            for i, x in enumerate(xs)]
    try:
        result = f(*args)
    except (ArithmeticError, ValueError):  # the step left the function's domain
        return math.nan
    return result.data if isinstance(result, Value) else result


@dataclass
class GradcheckRow:
    """One compared derivative: analytic (the engine) against numeric (finite difference)."""

    input: str
    analytic: float
    numeric: float
    abs_err: float
    rel_err: float
    ok: bool
    kink: str = ""  # the kinked op(s) the finite difference straddled (then never a failure)
    step: float = 0.0  # the step the difference took, where it is not eps (see gradcheck)
    noise: float = 0.0  # the estimated rounding noise of the difference at that step
    rough: bool = False  # f is rough between the floats next to x: no difference checks it

    @property
    def status(self) -> str:
        """``ok``, ``kink`` or ``FAIL``."""
        if self.kink:
            return "kink"
        return "ok" if self.ok else "FAIL"


@dataclass
class GradcheckResult:
    """The rows of a gradient check; true when every row passed (kinks pass)."""

    rows: list[GradcheckRow]
    title: str = "gradcheck"
    located: LocateResult | None = None
    eps: float = 1e-6  # the step asked for (a row's own step, where it differs, is in the row)

    @property
    def ok(self) -> bool:
        """True when no row failed."""
        return all(r.ok or r.kink for r in self.rows)

    @property
    def failures(self) -> list[GradcheckRow]:
        """The rows that failed (not counting kinks)."""
        return [r for r in self.rows if not (r.ok or r.kink)]

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = ["input", "analytic", "numeric", "abs err", "rel err", "ok"]
        body = [
            [r.input, fmt(r.analytic), fmt(r.numeric), fmt(r.abs_err, 3), fmt(r.rel_err, 3),
             r.status]
            for r in self.rows
        ]
        lines = [f"{self.title}: {'passed' if self.ok else 'FAILED'}", table(head, body)]
        for r in self.rows:
            if r.kink:
                lines.append(f"kink: {r.input}: the finite difference straddles {r.kink}; "
                             "the engine uses the convention there (not a failure)")
            if r.step > self.eps:
                lines.append(f"step: {r.input}: checked with the step {fmt(r.step)}, not eps: "
                             "the output's rounding would swamp a difference over eps here")
            elif r.step:
                lines.append(f"step: {r.input}: checked with the step {fmt(r.step)}, not eps: "
                             "a pole or the edge of the domain lies within eps of this point")
        unresolved = [r for r in self.failures if r.noise > abs(r.abs_err) / 2.0]
        unchecked = [] if self.located is None else [
            r for r in self.located.rows if r.status == "undefined"]
        if any(r.rough for r in self.failures):
            name = next(r.input for r in self.failures if r.rough)
            lines.append(f"{name}: the function is rough between the floats next to this point "
                         "(it changes by more than its rounding from one float to the next, not "
                         "along a line): no finite difference can check it here, and no rule is "
                         "accused")
        elif unresolved:
            lines.append("the output's rounding error is about as large as the difference "
                         f"(±{fmt(unresolved[0].noise, 3)} on {unresolved[0].input} at the largest "
                         "step tried): a finite difference cannot check this point; try "
                         "smaller inputs")
        elif self.located is not None and self.located.first is not None:
            lines.append(self.located.summary())
        elif self.located is not None and any(not math.isfinite(r.analytic) for r in self.failures):
            lines.append("the derivative is not finite here (a pole, or the edge of the "
                         "domain): a finite difference cannot check it at this point")
        elif self.located is not None and any(not math.isfinite(r.numeric) for r in self.failures):
            lines.append("the function is not finite a step away from this point (it "
                         "overflows, or leaves its domain): a finite difference cannot check it")
        elif unchecked:
            u = unchecked[0]
            lines.append(f"no rule is shown wrong, but no finite difference checks op {u.op!r} at "
                         f"node {u.node} here ({u.input} = {fmt(u.input_value)}: a pole, an "
                         "overflow, or a function rough between neighbouring floats), so none "
                         "checks this point either")
        elif self.located is not None:
            lines.append("every op's rule agrees with its finite difference, so the function "
                         "itself differs from its recorded graph: it takes a number out of the "
                         "graph (x.data, .item()) or branches on one")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


class GradcheckError(AssertionError):
    """A gradient check failed; ``result`` holds the full table."""

    def __init__(self, result: GradcheckResult) -> None:
        first = result.failures[0]
        super().__init__(
            f"{result.title} failed for input {first.input}: analytic {fmt(first.analytic, 10)}, "
            f"numeric {fmt(first.numeric, 10)}\n{result}"
        )
        self.result = result


def _build(f: Callable[..., Value] | Value, inputs: Value | Sequence[Value]) -> tuple[Value, list[Value]]:
    xs = [inputs] if isinstance(inputs, Value) else list(inputs)
    if not xs:
        raise ValueError("gradcheck: no inputs to check")
    for x in xs:
        if not isinstance(x, Value):
            raise TypeError(f"gradcheck: inputs must be Values, not {type(x).__name__}")
    out = f if isinstance(f, Value) else f(*xs)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, not {type(out).__name__}")
    return out, xs


def _output_seed(out: Value, sample: int | None, what: str) -> Any:
    if not out.is_batch:
        return None
    if sample is None:
        raise ValueError(f"{what}: the output is a batch; pass sample=i to check sample i "
                         "(or reduce it with .sum() / .mean())")
    seed = np.zeros_like(out.data)
    seed[sample] = 1.0
    return seed


def _positions(x: Value, sample: int | None) -> list[int | None]:
    if not x.is_batch:
        return [None]
    if sample is not None:
        return [sample]
    return list(range(len(x.data)))  # type: ignore[arg-type]


def _input_names(xs: Sequence[Value]) -> list[str]:
    return [clean(x.label, limit=80) if x.label else f"input {k}" for k, x in enumerate(xs)]


def _entry(name: str, pos: int | None) -> str:
    return name if pos is None else f"{name}[{pos}]"


def gradcheck(
    f: Callable[..., Value] | Value,
    inputs: Value | Sequence[Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    sample: int | None = None,
    locate_on_failure: bool = True,
) -> GradcheckResult:
    """Compare the engine's gradient of ``f`` with central finite differences.

    ``f`` is called once as ``f(*inputs)`` to record the graph (or is the
    output Value itself); for every input (every sample of a batch input, or
    only sample ``sample``) the derivative from the backward pass is compared
    with ``(f(x + eps) - f(x - eps)) / (2 eps)`` in float64, evaluated on the
    recorded graph.  A row passes when ``|analytic - numeric| <= atol + rtol *
    |numeric|``.  Where the perturbation moves a relu/abs-like op onto or
    across its kink, the row is reported as a kink, not a failure.

    Returns a :class:`GradcheckResult` that prints as a table; raises
    :class:`GradcheckError` carrying it when a row fails and
    ``raise_exception`` is true.  On failure, :func:`locate` is run on the
    graph and its finding is part of the report (``locate_on_failure``).
    """
    check_eps(eps, "gradcheck", atol, rtol)
    out, xs = _build(f, inputs)
    check_sample(sample, [out, *xs], "gradcheck")
    seed = _output_seed(out, sample, "gradcheck")
    graph = Graph(out)
    grads = graph.gradients(seed)
    rounding = rounding_error(graph.nodes, grads)
    rows = []
    for k, (x, name) in enumerate(zip(xs, _input_names(xs))):
        g = grads.get(x, 0.0 if not x.is_batch else np.zeros_like(x.data))
        for pos in _positions(x, sample):
            a = pick(g, pos)
            tolerance = atol + rtol * abs(a)
            difference = partial(_difference, graph, f, out, xs, k, pos, sample)
            step = _step(x.data, pos, eps, rounding, tolerance)[0]
            num, fp, fm, kinks = difference(step)
            if not (close(a, num, atol, rtol) or kinks):
                step, num, kinks = _inside(difference, x.data, pos, step, (num, fp, fm, kinks),
                                           pick(out.data, sample), rounding, tolerance, atol)
            h = _step(x.data, pos, step, 0.0, math.inf)[1]
            abs_err, rel_err = errors(a, num)
            ok = close(a, num, atol, rtol)
            rough = not (ok or kinks) and rough_output(graph, out, x, pos, sample, rounding)
            rows.append(GradcheckRow(_entry(name, pos), a, num, abs_err, rel_err, ok, kinks,
                                     0.0 if step == eps else step, 2.0 * rounding / h, rough))
    result = GradcheckResult(rows, eps=eps)
    return _finish(result, graph, eps, atol, rtol, raise_exception, locate_on_failure)


def _step(data: Any, pos: int | None, eps: float, rounding: float, tolerance: float
          ) -> tuple[float, float]:
    """The step of a central difference at ``data`` and the distance it spans.

    eps, unless the output's rounding error (``rounding``, see
    :func:`autograd.verify.rounding_error`) over the step would exceed a quarter of
    the ``tolerance``: then eps times 10, 100, ... until it does not, up to
    max(10**6 eps, 10**-4 |x|) (x**2 at x = 1e10: f = 1e20 rounds to 16384, so a step
    of 1e-6 measures noise).  The step is chosen from the rounding alone, never from
    the derivative being checked.  The distance is the one taken, x + step and
    x - step being rounded to floats."""
    x = float(np.ravel(data)[pos or 0])
    cap = max(1e6 * eps, 1e-4 * abs(x)) if math.isfinite(x) else eps
    step = eps
    while True:
        h = step_taken(data, shifted(data, step, pos), pos) + step_taken(data, shifted(data, -step, pos), pos)
        if (h > 0.0 and 2.0 * rounding / h <= tolerance / 4.0) or step * 10.0 > cap:
            return step, (h if h > 0.0 else 2.0 * step)
        step *= 10.0


def _difference(graph: Graph, f: Callable[..., Value] | Value, out: Value, xs: Sequence[Value],
                k: int, pos: int | None, sample: int | None, step: float
                ) -> tuple[float, float, float, str]:
    """(central difference, f(x + step), f(x - step), kinks crossed) for input k."""
    x = xs[k]
    plus = graph.reevaluate({x: shifted(x.data, step, pos)})
    minus = graph.reevaluate({x: shifted(x.data, -step, pos)})
    if callable(f):
        # f is called again, as torch's gradcheck does: a number taken out of the graph
        # (x.data used as a constant) then shows up as a failure
        up, down = (_callshifted(f, xs, k, d, pos) for d in (step, -step))
    else:
        up, down = plus.get(out, out.data), minus.get(out, out.data)
    fp, fm = pick(up, sample), pick(down, sample)
    h = _step(x.data, pos, step, 0.0, math.inf)[1]  # the distance taken
    return (fp - fm) / h, fp, fm, "; ".join(kinks_crossed(graph, plus, minus))


def _inside(difference: Callable[[float], tuple[float, float, float, str]], data: Any,
            pos: int | None, step: float, first: tuple[float, float, float, str], f0: float,
            rounding: float, tolerance: float, negligible: float) -> tuple[float, float, str]:
    """(step, difference, kinks) where the step reaches past a pole or the edge of the
    domain (log(x) at x = 1e-7: x - 1e-6 < 0).  Then steps 10, 100, ... times smaller
    (from |x| / 10 when x is smaller than the step) until both points lie on x's smooth
    piece, and the difference over a step 100 times smaller again, whose truncation error
    is then about 1e-4 of the derivative (log's: (h/x)**2 / 3), or 10 times smaller
    where the output's rounding would swamp that (its noise is in the row).  Unchanged
    where no step finds such a piece."""
    x = float(np.ravel(data)[pos or 0])
    num, fp, fm, kinks = first
    taken = [step_taken(data, shifted(data, d, pos), pos) for d in (step, -step)]
    if smooth_piece(fp, f0, fm, taken[0], taken[1], negligible):
        return step, num, kinks  # (a wrong rule, or rounding: not the step's fault)
    s = min(step, abs(x)) / 10.0 if x else step / 10.0
    for _ in range(60):
        if s < 5e-324:  # (below the smallest float no step is taken)
            break
        _, up, down, _ = difference(s)
        taken = [step_taken(data, shifted(data, d, pos), pos) for d in (s, -s)]
        if smooth_piece(up, f0, down, taken[0], taken[1], negligible):
            for small in (s / 100.0, s / 10.0, s):  # the smallest the rounding allows
                h = _step(data, pos, small, 0.0, math.inf)[1]
                if 2.0 * rounding / h <= tolerance / 4.0 or small == s:
                    central, _, _, crossed = difference(small)
                    return small, central, crossed
        s /= 10.0
    return step, num, kinks


def _finish(result: GradcheckResult, graph: Graph, eps: float, atol: float, rtol: float,
            raise_exception: bool, locate_on_failure: bool) -> GradcheckResult:
    if not result.ok and locate_on_failure:
        result.located = locate_in(graph, eps, atol, rtol)
    if not result.ok and raise_exception:
        raise GradcheckError(result)
    return result


@contextmanager
def _substituted(values: Mapping[Value, Any]) -> Iterator[None]:
    """Temporarily give nodes other data (restored on exit)."""
    saved = {node: node.data for node in values}
    try:
        for node, data in values.items():
            node.data = data
        yield
    finally:
        for node, data in saved.items():
            node.data = data


def gradgradcheck(
    f: Callable[..., Value] | Value,
    inputs: Value | Sequence[Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    sample: int | None = None,
) -> GradcheckResult:
    """Check the second derivatives that ``create_graph=True`` computes.

    For every pair of inputs (x_i, x_j), ∂/∂x_j of the differentiable gradient
    ∂f/∂x_i (backward with ``create_graph=True``, then backward again) is
    compared with the central finite difference of the engine's first-order
    gradient ∂f/∂x_i when x_j moves by ±eps.  Batch inputs need ``sample=``.
    Same result, tolerances and errors as :func:`gradcheck`.
    """
    check_eps(eps, "gradgradcheck", atol, rtol)
    out, xs = _build(f, inputs)
    if sample is None and any(x.is_batch for x in xs):
        raise ValueError("gradgradcheck: batch inputs need sample=i")
    seed = _output_seed(out, sample, "gradgradcheck")
    first = gradients(out, xs, grad=seed, create_graph=True, allow_unused=True)
    names_in = _input_names(xs)
    graph = Graph(out)
    second = []
    for g in first:
        g_seed = _output_seed(g, sample, "gradgradcheck") if g.is_batch else None
        second.append(gradients(g, xs, grad=g_seed, allow_unused=True))
    rows = []
    for j, xj in enumerate(xs):
        plus = graph.reevaluate({xj: shifted(xj.data, eps, sample)})
        minus = graph.reevaluate({xj: shifted(xj.data, -eps, sample)})
        with _substituted(plus):
            g_plus = gradients(out, xs, grad=seed, allow_unused=True)
        with _substituted(minus):
            g_minus = gradients(out, xs, grad=seed, allow_unused=True)
        kinks = "; ".join(kinks_crossed(graph, plus, minus))
        _, span = _step(xj.data, sample, eps, 0.0, math.inf)  # eps, over the distance taken
        for i in range(len(xs)):
            a = pick(second[i][j], sample)
            num = (pick(g_plus[i], sample) - pick(g_minus[i], sample)) / span
            abs_err, rel_err = errors(a, num)
            ok = close(a, num, atol, rtol)
            a_, b_ = (n if n.isidentifier() else f"({n})" for n in (names_in[j], names_in[i]))
            label = f"∂²f/∂{a_}∂{b_}"
            rows.append(GradcheckRow(label, a, num, abs_err, rel_err, ok, kinks))
    result = GradcheckResult(rows, title="gradgradcheck")
    return _finish(result, graph, eps, atol, rtol, raise_exception, False)
