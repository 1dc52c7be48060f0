"""Checking a derivation by hand, and the arithmetic every check shares.

* :func:`check` compares a user's hand-derived ∂output/∂node (for leaves *and*
  intermediate nodes) with the engine and with a finite difference.
* :mod:`autograd.gradchecks` compares the engine with finite differences for
  every input; :mod:`autograd.locating` names the first op whose rule is wrong.
  Both build on the helpers here: shifting an input, comparing with
  tolerances, finding the kinks a finite difference straddled.

The finite differences never rebuild the graph: :meth:`Graph.reevaluate`
recomputes the recorded graph's forward values from the derivative table's
``forward`` functions, with some nodes' data replaced.  So they differentiate
exactly the function the backward pass differentiates.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.graph import Graph, pick
from autograd.ops import NARY, Op
from autograd.text import clean, fmt, table
from autograd.value import Value, describe
from autograd.value_data import _short_number

__all__ = [
    "CheckResult",
    "call_like_forward",
    "check",
    "check_eps",
    "check_sample",
    "close",
    "errors",
    "kinks_crossed",
    "reevaluate",
    "rough",
    "rough_output",
    "shifted",
]

Expected = Any  # a number, or a callable returning one


# ------------------------------------------------------------------ arguments
def check_eps(eps: float, who: str, atol: float = 0.0, rtol: float = 0.0) -> None:
    """Refuse a finite-difference step that is not a positive finite number, and
    tolerances that are not finite numbers >= 0 (a nan or negative one fails every
    row, an infinite one passes every row)."""
    for name, x, least in (("eps", eps, None), ("atol", atol, 0.0), ("rtol", rtol, 0.0)):
        try:
            ok = (isinstance(x, (int, float, np.floating, np.integer)) and not isinstance(x, bool)
                  and math.isfinite(x) and (x > 0 if least is None else x >= least))
        except OverflowError:  # an int beyond float64
            ok = False
        if not ok:
            kind = "a positive finite number" if least is None else "a finite number >= 0"
            shown = _short_number(x) if isinstance(x, (int, float)) else repr(x)[:80]
            raise ValueError(f"{who}: {name} must be {kind}, got {shown}")


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


def shifted(data: Any, delta: float, sample: int | None) -> Any:
    """``data`` + ``delta`` (only at ``sample`` for a batch, when given)."""
    if isinstance(data, np.ndarray):
        out = np.array(data, dtype=np.float64)
        if sample is None:
            out += delta
        else:
            out[sample] += delta
        return out
    return float(data) + delta


def step_taken(data: Any, moved: Any, sample: int | None) -> float:
    """How far ``moved`` (``shifted(data, ...)``) really is from ``data``: x + eps rounds
    to a float, so the step a difference divides by is the one taken, not eps (at
    x = 1e10, x + 1e-6 is x + 1.9e-6)."""
    return abs(float(np.ravel(moved)[sample or 0]) - float(np.ravel(data)[sample or 0]))


def rounding_error(nodes: Sequence[Value], grads: Mapping[Value, Any]) -> float:
    """A first-order estimate of the output's rounding error at the recorded point: half
    an ulp of every op node's value, times how much the output moves with that node
    (|d out / d node|).  A central difference over a step h carries about this / h of
    noise; 0 when the estimate is not finite (an inf or nan on the way)."""
    total = 0.0
    with np.errstate(all="ignore"):
        for n in nodes:
            g = grads.get(n)
            if n._row is None or g is None:
                continue
            total += 0.5 * float(np.sum(np.spacing(np.abs(np.asarray(n.data))) * np.abs(g)))
    return total if math.isfinite(total) else 0.0


def smooth_piece(fp: float, f0: float, fm: float, hp: float, hm: float, negligible: float) -> bool:
    """Do f(x - h), f(x), f(x + h) look like one smooth piece: all finite, and the
    one-sided slopes of about one size and sign, or both negligible (across a pole, 1/x
    at x = 1e-7 with a step of 1e-6, they have opposite signs; a smooth f's differ by
    about h |f''|)."""
    if not (math.isfinite(fp) and math.isfinite(f0) and math.isfinite(fm)) or not (hp and hm):
        return False
    with np.errstate(over="ignore"):
        forward, backward = np.float64(fp - f0) / hp, np.float64(f0 - fm) / hm
    if not (math.isfinite(forward) and math.isfinite(backward)):
        return False  # (1/y at y = 1e-308: slopes of -1e616 are no measurement)
    larger = max(abs(forward), abs(backward))
    return bool(larger <= negligible or abs(forward - backward) <= 0.5 * larger)


def rough(f: Any, x: float, f0: float, noise: float = 0.0) -> bool:
    """Is f rough next to x: over one float spacing u on each side of x, does its second
    difference f(x + u) - 2 f(x) + f(x - u) exceed its rounding (8 ulps of its values,
    or ``noise``) and a hundredth of its first difference?  A smooth f's is f''·u²,
    far below both; sin at 1e308 (u is 3·10²⁹¹ periods) and tan next to its pole are
    rough, and no finite difference, over any step a float can take, measures their
    slope there.  (Where f is not finite next to x, the edge of a domain or an overflow,
    it says no: that has other words.)"""
    if not math.isfinite(x) or not math.isfinite(f0):
        return False
    # the larger spacing on both sides (at a power of two they differ), so x - u is exact
    u = max(math.nextafter(x, math.inf) - x, x - math.nextafter(x, -math.inf))
    with np.errstate(all="ignore"):
        fp, fm = float(f(x + u)), float(f(x - u))
        if not (math.isfinite(fp) and math.isfinite(fm)):
            return False
        second = abs((fp - f0) - (f0 - fm))  # (not fp - 2 f0 + fm: 2 f0 may overflow)
        noise = max(noise, 8.0 * float(np.spacing(max(abs(fp), abs(f0), abs(fm)))))
        return bool(second > noise and second > 0.01 * abs(fp - fm))


def rough_output(graph: Graph, out: Value, x: Value, pos: int | None, sample: int | None,
           rounding: float) -> bool:
    """Is the output rough in x next to x's value (see :func:`rough`), beyond four times
    the output's estimated rounding error?"""
    at = float(np.ravel(x.data)[pos or 0])

    def f(t: float) -> float:
        moved = graph.reevaluate({x: shifted(x.data, t - at, pos)})
        return float(pick(moved.get(out, out.data), sample))

    return rough(f, at, float(pick(out.data, sample)), 4.0 * rounding)


def close(a: Any, b: Any, atol: float, rtol: float) -> bool:
    """|a - b| <= atol + rtol * |b| everywhere (b is the reference), nan never close."""
    a_arr = np.asarray(a, dtype=np.float64)
    b_arr = np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        ok = np.abs(a_arr - b_arr) <= atol + rtol * np.abs(b_arr)
    # an infinity is close to nothing but itself (-inf against inf: inf <= inf above)
    ok = (ok & np.isfinite(a_arr) & np.isfinite(b_arr)) | (a_arr == b_arr)
    return bool(np.all(ok))


def errors(a: float, n: float) -> tuple[float, float]:
    abs_err = abs(a - n)
    if abs_err == 0.0:
        return 0.0, 0.0
    return abs_err, abs_err / abs(n) if n != 0.0 else math.inf


def kinks_crossed(graph: Graph, plus: Mapping[Value, Any], minus: Mapping[Value, Any]
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
        at = np.asarray(call_like_forward(op.kink, op, xs), dtype=bool)
        if op.piece is None:
            crossed = np.sign(xp[0]) != np.sign(xm[0])
        else:
            with np.errstate(all="ignore"):
                crossed = (np.asarray(call_like_forward(op.piece, op, xp))
                           != np.asarray(call_like_forward(op.piece, op, xm)))
        if np.any(moved & (at | crossed)):
            parent = parents[0]
            found.append(f"{op.name} at {graph.name(node)} "
                         f"(input {graph.name(parent)} = {fmt(parent.data)})")
    return found


def call_like_forward(fn: Any, op: Op, xs: Sequence[Any]) -> Any:
    """``fn`` called like ``op.forward``: on the inputs, or on their list for an n-ary op."""
    return fn(list(xs)) if op.arity == NARY else fn(*xs)


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
    check_eps(eps, "check", atol, rtol)
    if not isinstance(expected, Mapping):
        raise TypeError("check: expected must map nodes (Values or their labels) to the "
                        f"derivatives you derived, e.g. {{w: 0.5}}; got {type(expected).__name__}")
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
        plus = graph.reevaluate({node: shifted(node.data, eps, None)})
        minus = graph.reevaluate({node: shifted(node.data, -eps, None)})
        num = (plus[output] - minus[output]) / (2.0 * eps)
        if node.is_batch:
            num = None  # one shift of every sample: no per-sample number; compare with engine only
        hand_eng = close(hand, eng, atol, rtol)
        eng_num = num is None or close(eng, num, atol, rtol)
        hand_num = num is not None and close(hand, num, atol, rtol)
        if hand_eng and eng_num:
            verdict = "ok"
        elif eng_num:
            verdict = "hand derivation wrong"
        else:
            kinks = kinks_crossed(graph, plus, minus)
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
