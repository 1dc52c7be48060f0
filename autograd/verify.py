"""Checking gradients against finite differences and against a derivation by hand.

* :func:`gradcheck` compares the engine's gradient of a scalar function with
  central finite differences for every input (in float64, like
  ``torch.autograd.gradcheck``); :func:`gradgradcheck` does the same for the
  second derivatives the ``create_graph=True`` path computes.
* :func:`check` compares a user's hand-derived ∂output/∂node (for leaves *and*
  intermediate nodes) with the engine and with a finite difference.
* :func:`locate` checks every op's local derivative where the graph used it
  and names the first op whose rule disagrees with its finite difference.

The finite differences never rebuild the graph: :func:`reevaluate` recomputes
the recorded graph's forward values from the derivative table's ``forward``
functions, with some nodes' data replaced.  So they differentiate exactly the
function the backward pass differentiates.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.backward import gradients
from autograd.graph import Graph, forward_data, pick
from autograd.ops import NARY, Op
from autograd.text import clean, fmt, table
from autograd.value import Value, describe

__all__ = [
    "CheckResult",
    "GradcheckError",
    "GradcheckResult",
    "LocateResult",
    "check",
    "check_sample",
    "gradcheck",
    "gradgradcheck",
    "locate",
    "reevaluate",
]

Expected = Any  # a number, or a callable returning one


# ------------------------------------------------------------------ arguments
def check_eps(eps: float, who: str) -> None:
    """Refuse a finite-difference step that is not a positive finite number."""
    if not (isinstance(eps, (int, float)) and math.isfinite(eps) and eps > 0):
        raise ValueError(f"{who}: eps must be a positive finite number, got {eps!r}")


def check_sample(sample: int | None, nodes: Sequence[Value], who: str) -> None:
    """Refuse a ``sample=`` that is not an index into the batches among ``nodes``."""
    if sample is None:
        return
    if isinstance(sample, bool) or not isinstance(sample, (int, np.integer)):
        raise TypeError(f"{who}: sample must be an int, got {sample!r}")
    sizes = {len(n.data) for n in nodes if n.is_batch}  # type: ignore[arg-type]
    if not sizes:
        raise ValueError(f"{who}: sample={sample} given, but nothing here is a batch")
    size = min(sizes)
    if not 0 <= sample < size:
        raise ValueError(f"{who}: sample {sample} is out of range for a batch of {size}")


def reevaluate(root: Value, overrides: Mapping[Value, Any] | None = None) -> dict[Value, Any]:
    """Recompute the data of every node ``root`` depends on, with some nodes' data replaced.

    ``overrides`` maps nodes (leaves or intermediate nodes) to new data; every
    node downstream of them is recomputed with its op's ``forward``, in
    topological order.  Nothing in the graph is modified.  Where a forward is
    undefined (log of a negative number...) the value is nan.  Returns the data
    of every node, keyed by node.
    """
    return Graph(root).reevaluate(overrides)


def _shifted(data: Any, delta: float, sample: int | None) -> Any:
    """``data`` + ``delta`` (only at ``sample`` for a batch, when given)."""
    if isinstance(data, np.ndarray):
        out = np.array(data, dtype=np.float64)
        if sample is None:
            out += delta
        else:
            out[sample] += delta
        return out
    return float(data) + delta


def _call_shifted(f: Callable[..., Value], xs: Sequence[Value], k: int, delta: float,
                  pos: int | None) -> Any:
    """f's output data on fresh copies of the inputs, input k moved by delta."""
    args = [Value(_shifted(x.data, delta, pos) if i == k else x.data, label=x.label)
            for i, x in enumerate(xs)]
    try:
        result = f(*args)
    except (ArithmeticError, ValueError):  # the step left the function's domain
        return math.nan
    return result.data if isinstance(result, Value) else result


def _close(a: Any, b: Any, atol: float, rtol: float) -> bool:
    """|a - b| <= atol + rtol * |b| everywhere (b is the reference), nan never close."""
    a_arr = np.asarray(a, dtype=np.float64)
    b_arr = np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        ok = np.abs(a_arr - b_arr) <= atol + rtol * np.abs(b_arr)
    return bool(np.all(ok))


def _errors(a: float, n: float) -> tuple[float, float]:
    abs_err = abs(a - n)
    if abs_err == 0.0:
        return 0.0, 0.0
    return abs_err, abs_err / abs(n) if n != 0.0 else math.inf


def _kinks_crossed(graph: Graph, plus: Mapping[Value, Any], minus: Mapping[Value, Any]
                   ) -> list[str]:
    """Kinked ops (relu, abs, floor, maximum...) that a perturbation moved onto or across a kink.

    A kinked op counts when an input moved between the two perturbed
    evaluations and either sat exactly at a kink in the recorded graph or
    changed piece between them (``Op.piece``; by default the sign of the first
    input: the kinks of relu, abs, leaky_relu and elu are at 0).
    """
    found = []
    for node in graph.nodes:
        op = node._row
        if op is None or op.kink is None:
            continue
        parents = node.parents
        xs, xp, xm = [p.data for p in parents], [plus[p] for p in parents], [minus[p] for p in parents]
        moved = np.zeros(np.shape(node.data), dtype=bool)
        for a, b in zip(xp, xm):
            moved = moved | (np.asarray(a) != np.asarray(b))
        at = np.asarray(_call(op.kink, op, xs), dtype=bool)
        if op.piece is None:
            crossed = np.sign(xp[0]) != np.sign(xm[0])
        else:
            with np.errstate(all="ignore"):
                crossed = np.asarray(_call(op.piece, op, xp)) != np.asarray(_call(op.piece, op, xm))
        if np.any(moved & (at | crossed)):
            parent = parents[0]
            found.append(f"{op.name} at {graph.name(node)} "
                         f"(input {graph.name(parent)} = {fmt(parent.data)})")
    return found


def _call(fn: Any, op: Op, xs: Sequence[Any]) -> Any:
    """``fn`` called like ``op.forward``: on the inputs, or on their list for an n-ary op."""
    return fn(list(xs)) if op.arity == NARY else fn(*xs)


# ------------------------------------------------------------------ gradcheck
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
        if self.located is not None and self.located.first is not None:
            lines.append(self.located.summary())
        elif self.located is not None and any(
            not (math.isfinite(r.analytic) and math.isfinite(r.numeric)) for r in self.failures
        ):
            lines.append("the derivative is not finite here (a pole, or the edge of the "
                         "domain): a finite difference cannot check it at this point")
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
    return [x.label or f"input {k}" for k, x in enumerate(xs)]


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
    check_eps(eps, "gradcheck")
    out, xs = _build(f, inputs)
    check_sample(sample, [out, *xs], "gradcheck")
    seed = _output_seed(out, sample, "gradcheck")
    graph = Graph(out)
    grads = graph.gradients(seed)
    rows = []
    for k, (x, name) in enumerate(zip(xs, _input_names(xs))):
        g = grads.get(x, 0.0 if not x.is_batch else np.zeros_like(x.data))
        for pos in _positions(x, sample):
            plus = graph.reevaluate({x: _shifted(x.data, eps, pos)})
            minus = graph.reevaluate({x: _shifted(x.data, -eps, pos)})
            if callable(f):
                # f is called again, as torch's gradcheck does: a number taken out of
                # the graph (x.data used as a constant) then shows up as a failure
                up, down = (_call_shifted(f, xs, k, delta, pos) for delta in (eps, -eps))
            else:
                up, down = plus.get(out, out.data), minus.get(out, out.data)
            num = (pick(up, sample) - pick(down, sample)) / (2.0 * eps)
            a = pick(g, pos)
            abs_err, rel_err = _errors(a, num)
            ok = _close(a, num, atol, rtol)
            kinks = "; ".join(_kinks_crossed(graph, plus, minus))
            rows.append(GradcheckRow(_entry(name, pos), a, num, abs_err, rel_err, ok, kinks))
    result = GradcheckResult(rows)
    return _finish(result, graph, eps, atol, rtol, raise_exception, locate_on_failure)


def _finish(result: GradcheckResult, graph: Graph, eps: float, atol: float, rtol: float,
            raise_exception: bool, locate_on_failure: bool) -> GradcheckResult:
    if not result.ok and locate_on_failure:
        result.located = _locate(graph, eps, atol, rtol)
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
        plus = graph.reevaluate({xj: _shifted(xj.data, eps, sample)})
        minus = graph.reevaluate({xj: _shifted(xj.data, -eps, sample)})
        with _substituted(plus):
            g_plus = gradients(out, xs, grad=seed, allow_unused=True)
        with _substituted(minus):
            g_minus = gradients(out, xs, grad=seed, allow_unused=True)
        kinks = "; ".join(_kinks_crossed(graph, plus, minus))
        for i in range(len(xs)):
            a = pick(second[i][j], sample)
            num = (pick(g_plus[i], sample) - pick(g_minus[i], sample)) / (2.0 * eps)
            abs_err, rel_err = _errors(a, num)
            ok = _close(a, num, atol, rtol)
            label = f"∂²/∂{names_in[j]}∂{names_in[i]}"
            rows.append(GradcheckRow(label, a, num, abs_err, rel_err, ok, kinks))
    result = GradcheckResult(rows, title="gradgradcheck")
    return _finish(result, graph, eps, atol, rtol, raise_exception, False)


# ------------------------------------------------------------------ check
@dataclass
class CheckRow:
    """One node of :func:`check`: the hand-derived gradient against engine and numbers."""

    node: str
    hand: Any
    engine: Any
    numeric: Any
    verdict: str

    @property
    def ok(self) -> bool:
        """True for ``ok`` and kink rows."""
        return self.verdict == "ok" or self.verdict.startswith("kink")


@dataclass
class CheckResult:
    """The table of :func:`check`; true when every hand-derived value was right."""

    output: str
    rows: list[CheckRow]

    @property
    def ok(self) -> bool:
        """True when every row is ok (or at a kink)."""
        return all(r.ok for r in self.rows)

    @property
    def wrong(self) -> list[str]:
        """The nodes whose hand-derived gradient is not right."""
        return [r.node for r in self.rows if not r.ok]

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = ["node", f"hand ∂{self.output}/∂node", "engine", "finite diff", "verdict"]
        body = [[r.node, fmt(r.hand), fmt(r.engine), fmt(r.numeric), r.verdict]
                for r in self.rows]
        return table(head, body)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def _hand_value(expected: Expected, node: Value) -> Any:
    if callable(expected):
        try:
            n_params = len(inspect.signature(expected).parameters)
        except (TypeError, ValueError):
            n_params = 1
        value = expected() if n_params == 0 else expected(node)
    else:
        value = expected
    if isinstance(value, Value):
        value = value.data
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"check: the expected gradient for {node.label or 'a node'} must be a "
                        f"number (or a callable returning one), not {value!r}")
    return pick(value, None)


def _resolve(graph: Graph, key: Value | str) -> Value:
    if isinstance(key, Value):
        return key
    matches = graph.find(key)
    if len(matches) != 1:
        raise KeyError(f"check: {len(matches)} nodes of the graph are labelled {clean(key)!r}")
    return matches[0]


def check(
    output: Value,
    expected: Mapping[Any, Expected],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = False,
) -> CheckResult:
    """Compare hand-derived gradients ∂output/∂node with the engine and a finite difference.

    ``expected`` maps nodes of the graph (Values, or their labels) — leaves or
    intermediate nodes such as hidden activations — to the derived
    ∂output/∂node: a number, or a callable returning it (called with no
    argument, or with the node, so it can read the nodes' ``.data``).  The
    finite difference w.r.t. an intermediate node moves that node's data by
    ±eps and recomputes everything downstream.  Each row gets a verdict:
    ``ok``, ``hand derivation wrong``, ``engine disagrees with finite
    difference`` (then :func:`locate` finds the op), or ``kink``.
    With ``raise_exception=True`` a wrong row raises ``AssertionError`` with
    the table.
    """
    if not isinstance(output, Value):
        raise TypeError(f"check: output must be a Value, not {type(output).__name__}")
    if output.is_batch:
        raise ValueError("check: the output must be one number (reduce a batch with .mean())")
    check_eps(eps, "check")
    graph = Graph(output)
    nodes = [_resolve(graph, k) for k in expected]
    for node in nodes:
        if node not in graph:
            raise ValueError(f"check: {describe(node)} is not in the graph of the output")
    grads = graph.gradients()
    rows = []
    for key, node in zip(expected, nodes):
        eng = grads[node]
        hand = _hand_value(expected[key], node)
        plus = graph.reevaluate({node: _shifted(node.data, eps, None)})
        minus = graph.reevaluate({node: _shifted(node.data, -eps, None)})
        num = (plus[output] - minus[output]) / (2.0 * eps)
        if node.is_batch:
            num = None  # one shift of every sample: no per-sample number; compare with engine only
        hand_eng = _close(hand, eng, atol, rtol)
        eng_num = num is None or _close(eng, num, atol, rtol)
        hand_num = num is not None and _close(hand, num, atol, rtol)
        if hand_eng and eng_num:
            verdict = "ok"
        elif eng_num:
            verdict = "hand derivation wrong"
        else:
            kinks = _kinks_crossed(graph, plus, minus)
            if kinks and hand_eng:
                verdict = "kink: " + "; ".join(kinks)
            elif hand_num:
                verdict = "engine disagrees with finite difference (run locate)"
            else:
                verdict = "all three disagree"
        rows.append(CheckRow(graph.name(node), hand, eng, num, verdict))
    result = CheckResult(graph.name(output), rows)
    if raise_exception and not result.ok:
        raise AssertionError(f"check failed for {', '.join(result.wrong)}\n{result}")
    return result


# ------------------------------------------------------------------ locate
@dataclass
class LocateRow:
    """One edge: an op's rule for d(node)/d(input) against its finite difference."""

    node: str
    op: str
    input: str
    index: int
    input_value: Any
    rule: Any
    numeric: Any
    status: str  # "ok", "WRONG", "kink", "undefined" (at a domain boundary)


@dataclass
class LocateResult:
    """Every edge checked by :func:`locate`, in forward order."""

    rows: list[LocateRow] = field(default_factory=list)

    @property
    def first(self) -> LocateRow | None:
        """The first edge (in forward order) whose rule disagrees, or None."""
        for r in self.rows:
            if r.status == "WRONG":
                return r
        return None

    @property
    def ok(self) -> bool:
        """True when no rule disagreed with its finite difference."""
        return self.first is None

    def __bool__(self) -> bool:
        return self.ok

    def summary(self) -> str:
        """One line: the first wrong rule, or that every rule agreed."""
        r = self.first
        if r is None:
            return f"locate: all {len(self.rows)} local derivatives agree with finite differences"
        return (f"locate: first wrong rule: op {r.op!r} at node {r.node}, "
                f"∂{r.node}/∂{r.input} at {r.input} = {fmt(r.input_value)}: "
                f"the rule gives {fmt(r.rule)}, the finite difference {fmt(r.numeric)}")

    def __str__(self) -> str:
        shown = [r for r in self.rows if r.status != "ok"]
        lines = [self.summary()]
        if shown:
            head = ["node", "op", "input", "input value", "rule", "finite diff", "status"]
            lines.append(table(head, [[r.node, r.op, r.input, fmt(r.input_value), fmt(r.rule),
                                       fmt(r.numeric), r.status] for r in shown]))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def _op_difference(op: Op, xs: list[Any], i: int, eps: float) -> tuple[Any, bool]:
    """d forward / d xs[i] by finite differences; (value, two_sided)."""
    x = xs[i]
    h = eps * np.maximum(1.0, np.abs(x)) if isinstance(x, np.ndarray) else eps * max(1.0, abs(x))

    def at(shift: Any) -> Any:
        args = list(xs)
        args[i] = x + shift
        return np.asarray(forward_data(op, args), dtype=np.float64)

    f0 = np.asarray(forward_data(op, xs), dtype=np.float64)
    fp, fm = at(h), at(-h)
    central = (fp - fm) / (2.0 * h)
    forward_d = (fp - f0) / h
    backward_d = (f0 - fm) / h
    with np.errstate(invalid="ignore"):
        d = np.where(np.isfinite(central), central,
                     np.where(np.isfinite(forward_d), forward_d, backward_d))
    two_sided = bool(np.all(np.isfinite(central)))
    return (float(d) if d.shape == () else d), two_sided


def locate(output: Value, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3) -> LocateResult:
    """Check every op's local derivative where the graph used it; name the first wrong one.

    Each edge's rule (``local`` of the op, at the recorded data) is compared
    with the central finite difference of the op's own ``forward`` in that
    input, the others held fixed (one-sided next to a domain boundary).  The
    step is ``eps * max(1, |x|)``.  Ops at their kink are reported as kinks.
    Ops are visited in forward order (inputs before the nodes made from them),
    so :attr:`LocateResult.first` is the first wrong rule the data went through.
    """
    if not isinstance(output, Value):
        raise TypeError(f"locate: output must be a Value, not {type(output).__name__}")
    check_eps(eps, "locate")
    return _locate(Graph(output), eps, atol, rtol)


def _locate(graph: Graph, eps: float, atol: float, rtol: float) -> LocateResult:
    result = LocateResult()
    for node in graph.nodes:
        op = node._row
        if op is None:
            continue
        parents = node.parents
        xs = [p.data for p in parents]
        rules = graph.local(node)
        reduces = node.data.__class__ is float
        for i, (p, rule) in enumerate(zip(parents, rules)):
            if reduces and isinstance(xs[i], np.ndarray):
                num, two_sided = _per_sample_difference(op, xs, i, eps)
            else:
                num, two_sided = _op_difference(op, xs, i, eps)
            rule = rule.data if isinstance(rule, Value) else rule
            if op.kink is not None and np.any(np.asarray(_call(op.kink, op, xs), dtype=bool)):
                status = "kink"
            elif not np.all(np.isfinite(np.asarray(num, dtype=np.float64))) or (
                    not two_sided and not np.all(np.isfinite(np.asarray(rule, dtype=np.float64)))):
                status = "undefined"  # no finite difference, or an infinite slope at a boundary
            else:
                tol_scale = 1.0 if two_sided else 100.0
                ok = _close(rule, num, atol * tol_scale, rtol * tol_scale)
                status = "ok" if ok else "WRONG"
            arity = "" if op.arity != NARY else f"[{i}]"
            result.rows.append(LocateRow(graph.name(node), op.name, graph.name(p) + arity, i,
                                         p.data, rule, num, status))
    return result


def _per_sample_difference(op: Op, xs: list[Any], i: int, eps: float) -> tuple[Any, bool]:
    """For a batch reduction (sum, mean): d output / d sample k, one sample at a time."""
    x = xs[i]
    out = np.empty_like(x)
    for k in range(len(x)):
        h = eps * max(1.0, abs(float(x[k])))
        plus, minus = list(xs), list(xs)
        plus[i] = _shifted(x, h, k)
        minus[i] = _shifted(x, -h, k)
        out[k] = (float(forward_data(op, plus)) - float(forward_data(op, minus))) / (2.0 * h)
    return out, True
