"""Every special point of the rules pinned in every mode, each against an oracle.

The modes: ``float`` (a float Value, the float loop), ``batch`` (the point is
sample 1 of a batch beside an ordinary sample), ``graph`` (``create_graph=True``
on a float Value: the rule evaluated on Values) and ``graph batch``
(``create_graph=True`` on a batch).  The oracles are independent of the
engine: sympy differentiating the piece a kink's convention picks (evaluated
at 40 digits by mpmath), mpmath's exact power ``n * x**(n-1)`` (an exact value
beyond the float64 range is an IEEE overflow, so its sign is the sign of the
infinity), the limit of a rule at the edge of its domain, IEEE 754's pow of
a signed zero, and PyTorch (skipped cleanly when it is not installed).  No
expected number here is copied from the engine's own output.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp

import autograd
from autograd import Value

MODES = ("float", "batch", "graph", "graph batch")
GRAPH_MODES = ("graph", "graph batch")
Fn = Callable[[Value], Value]


@contextmanager
def no_warnings() -> Iterator[None]:
    """Inside: any warning (a numpy RuntimeWarning above all) fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def leaf(x: float, mode: str, ordinary: float = 0.75) -> Value:
    """The input in ``mode``: a float Value, or sample 1 of a batch whose sample 0 is
    ``ordinary`` (an input inside every domain used here)."""
    if "batch" in mode:
        return Value(np.array([ordinary, x]), label="x")
    return Value(x, label="x")


def _at_sample(d: Any, mode: str) -> float:
    data = d.data if isinstance(d, Value) else d
    return float(data[1]) if "batch" in mode else float(data)


def slope(f: Fn, x: float, mode: str, ordinary: float = 0.75) -> float:
    """df/dx at ``x`` in ``mode`` (no warning may escape)."""
    with no_warnings():
        v = leaf(x, mode, ordinary)
        out = f(v)
        seed: Any = np.array([0.0, 1.0]) if "batch" in mode else None
        if mode in GRAPH_MODES and seed is not None:
            seed = Value(seed, requires_grad=False)
        (g,) = autograd.gradients(out, [v], grad=seed, create_graph=mode in GRAPH_MODES)
    return _at_sample(g, mode)


def second(f: Fn, x: float, mode: str, ordinary: float = 0.75) -> float:
    """d2f/dx2 at ``x`` through ``create_graph`` (``mode`` is a graph mode); 0 when the
    first derivative does not depend on x there (a constant piece)."""
    with no_warnings():
        v = leaf(x, mode, ordinary)
        out = f(v)
        batch = "batch" in mode
        seed = Value(np.array([0.0, 1.0]), requires_grad=False) if batch else None
        (g,) = autograd.gradients(out, [v], grad=seed, create_graph=True)
        (h,) = autograd.gradients(g, [v], grad=np.array([0.0, 1.0]) if batch else None,
                                  allow_unused=True)
    return _at_sample(h, mode)


def same(a: float, b: float, rel: float = 1e-13) -> bool:
    """Equal as IEEE results: nan to nan, an infinity to the same infinity, else close."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-300)


X = sp.Symbol("x", real=True)


def exact_at(expr: Any, x: float, order: int = 1) -> float:
    """The ``order``-th derivative of the sympy expression (in X) at x, to 40 digits."""
    with mpmath.workdps(40):
        f = sp.lambdify([X], sp.diff(expr, X, order), modules="mpmath")
        return float(f(mpmath.mpf(x)))


def torch_slopes(fn: Callable[[Any], Any], x: float) -> tuple[float, float]:
    """PyTorch's first and second derivative of ``fn`` at x (float64; second 0 when
    its first derivative does not depend on x)."""
    torch = pytest.importorskip("torch")
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(fn(t), [t], create_graph=True)
    if not g.requires_grad:
        return float(g), 0.0
    (h,) = torch.autograd.grad(g, [t], allow_unused=True)
    return float(g.detach()), 0.0 if h is None else float(h)


# ------------------------------------------------------------------- kinks
# name: (engine, torch, the piece the convention takes at 0 (sympy, in X), the other piece)
ALPHA, SLOPE = 0.5, 0.2
SELU_ALPHA = sp.Float("1.6732632423543772848170429916717", 40)
SELU_SCALE = sp.Float("1.0507009873554804934193349852946", 40)
KINKED: dict[str, tuple[Fn, Callable[[Any], Any], Any, Any]] = {
    "relu": (lambda v: v.relu(), lambda t: t.relu(), sp.S.Zero * X, X),
    "leaky_relu": (lambda v: v.leaky_relu(SLOPE),
                   lambda t: __import__("torch").nn.functional.leaky_relu(t, SLOPE),
                   sp.Rational(1, 5) * X, X),
    "elu": (lambda v: v.elu(ALPHA), lambda t: __import__("torch").nn.functional.elu(t, ALPHA),
            sp.Rational(1, 2) * (sp.exp(X) - 1), X),
    "selu": (lambda v: v.selu(), lambda t: __import__("torch").nn.functional.selu(t),
             SELU_SCALE * SELU_ALPHA * (sp.exp(X) - 1), SELU_SCALE * X),
}
# far out too: the masked-out piece must not overflow into 0 * inf = nan (e**1000 is inf)
NEAR_KINK = (0.0, -0.0, 5e-324, -5e-324, 1e-300, -1e-300, 1.5, -1.5, 1000.0, -1000.0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(KINKED))
def test_a_kink_takes_the_left_piece_at_zero_in_every_mode(name: str, mode: str) -> None:
    """relu'(0) = 0, leaky_relu'(0) = slope, elu'(0) = alpha, selu'(0) = scale*alpha: the
    left piece's derivative (sympy) at 0 and -0, the right piece's just above 0, in
    every mode; a moved comparison (``>`` to ``>=``) in any mode's branch fails here."""
    f, _, left, right = KINKED[name]
    for x in NEAR_KINK:
        piece = right if x > 0.0 else left
        assert same(slope(f, x, mode), exact_at(piece, x)), f"{name}'({x!r}) in {mode} mode"


@pytest.mark.parametrize("mode", GRAPH_MODES)
@pytest.mark.parametrize("name", sorted(KINKED))
def test_second_derivatives_at_a_kink_come_from_the_same_piece(name: str, mode: str) -> None:
    """Under ``create_graph`` the second derivative at and beside the kink is the chosen
    piece's (sympy): elu''(0) = alpha, as the left piece that gives elu'(0) = alpha.
    (PyTorch's double backward gives elu''(0) = 0, inconsistent with its own elu'(0) =
    alpha; the engine keeps one piece per point.)"""
    f, _, left, right = KINKED[name]
    for x in NEAR_KINK:
        piece = right if x > 0.0 else left
        assert same(second(f, x, mode), exact_at(piece, x, 2)), f"{name}''({x!r}) in {mode} mode"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(KINKED))
def test_kink_slopes_match_torch_in_every_mode(name: str, mode: str) -> None:
    """PyTorch's first derivative at 0, -0 and beside them is the engine's in every mode."""
    f, theirs, _, _ = KINKED[name]
    for x in NEAR_KINK:
        assert same(slope(f, x, mode), torch_slopes(theirs, x)[0]), f"{name}'({x!r}) in {mode} mode"


@pytest.mark.parametrize("mode", MODES)
def test_abs_has_slope_zero_at_zero_and_nan_at_nan(mode: str) -> None:
    """abs'(0) = abs'(-0) = 0 (PyTorch's convention), sign(x) elsewhere, and nan at nan:
    the rule's docstring promises that nan stays nan, as numpy.sign(nan) is nan
    (PyTorch gives 0 there; a nan input is not a point where the slope is 0)."""
    for x, expected in ((0.0, 0.0), (-0.0, 0.0), (5e-324, 1.0), (-5e-324, -1.0), (-2.0, -1.0),
                        (math.inf, 1.0), (-math.inf, -1.0), (math.nan, float(np.sign(math.nan)))):
        assert same(slope(abs, x, mode), expected), f"abs'({x!r}) in {mode} mode"
    for x in (0.0, -0.0, 2.0, -2.0):
        assert same(slope(abs, x, mode), torch_slopes(lambda t: t.abs(), x)[0])
