"""A nan input through a piecewise op: a nan value and a nan slope to every input, in
every mode (the README's nan row: a kink's convention never turns nan into a number).

PyTorch's where-based gradients give numbers there, and not the same ones across
ops (relu6'(nan) = 1, hardsigmoid'(nan) = 0, clamp's three slopes 0, maximum's 1
to both): a nan in a layer then trains on silently.  Here every input of the op
gets nan at the nan sample, and the other samples of the same batch keep their
slopes, the conventions the README states (ties shared evenly, 0 at a bound).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import autograd as ag
from autograd import Value, gradients

NAN = math.nan

# name: (the op on its inputs, the inputs' samples, d(op)/d(input) at each sample by the
# op's stated convention, nan where a sample holds a nan)
CASES: dict[str, tuple[Callable[..., Value], list[list[float]], list[list[float]]]] = {
    "relu6": (lambda x: x.relu6(), [[NAN, 1.0, 7.0]], [[NAN, 1.0, 0.0]]),
    "hardtanh": (lambda x: x.hardtanh(), [[NAN, 0.5, 2.0]], [[NAN, 1.0, 0.0]]),
    "hardsigmoid": (lambda x: x.hardsigmoid(), [[NAN, 1.0, 4.0]], [[NAN, 1.0 / 6.0, 0.0]]),
    "clamp(x, 0, 3)": (lambda x: x.clamp(0.0, 3.0), [[NAN, 1.0, 4.0]], [[NAN, 1.0, 0.0]]),
    "clamp(x, lo, hi)": (lambda x, lo, hi: x.clamp(lo, hi),
                         [[1.0, 1.0, 5.0, 2.0], [NAN, 0.0, 0.0, 3.0], [3.0, NAN, 3.0, 4.0]],
                         [[NAN, NAN, 0.0, 0.0], [NAN, NAN, 0.0, 1.0], [NAN, NAN, 1.0, 0.0]]),
    "maximum": (lambda x, y: ag.maximum(x, y), [[NAN, 1.0, 2.0, 1.0], [1.0, NAN, 1.0, 1.0]],
                [[NAN, NAN, 1.0, 0.5], [NAN, NAN, 0.0, 0.5]]),
    "minimum": (lambda x, y: ag.minimum(x, y), [[NAN, 1.0, 2.0], [1.0, NAN, 1.0]],
                [[NAN, NAN, 0.0], [NAN, NAN, 1.0]]),
    "max": (lambda x, y, w: ag.max([x, y, w]), [[NAN, 1.0, 2.0], [1.0, 1.0, 3.0], [0.0, NAN, 0.0]],
            [[NAN, NAN, 0.0], [NAN, NAN, 1.0], [NAN, NAN, 0.0]]),
    "min": (lambda x, y, w: ag.min([x, y, w]), [[NAN, 1.0, 2.0], [1.0, 1.0, 3.0], [5.0, 2.0, 0.0]],
            [[NAN, 0.5, 0.0], [NAN, 0.5, 0.0], [NAN, 0.0, 1.0]]),
}


def _same(got: Sequence[float], want: Sequence[float]) -> bool:
    return all((math.isnan(g) and math.isnan(w)) or g == w for g, w in zip(got, want, strict=True))


def _slopes(f: Callable[..., Value], columns: list[Any], create_graph: bool) -> list[list[float]]:
    xs = [Value(c) for c in columns]
    out = f(*xs)
    root = out if out.data.__class__ is float else out.sum()
    grads = gradients(root, xs, create_graph=create_graph)
    return [np.atleast_1d(g.data if create_graph else g).tolist() for g in grads]


@pytest.mark.parametrize("create_graph", [False, True], ids=["plain", "create_graph"])
@pytest.mark.parametrize("name", list(CASES))
def test_a_nan_input_gives_every_input_a_nan_slope_and_the_other_samples_keep_theirs(
        name: str, create_graph: bool) -> None:
    f, samples, want = CASES[name]
    on_batch = _slopes(f, [np.array(s) for s in samples], create_graph)
    for got, expected in zip(on_batch, want, strict=True):
        assert _same(got, expected), (name, "batch", got, expected)
    for k in range(len(samples[0])):
        on_floats = _slopes(f, [s[k] for s in samples], create_graph)
        assert _same([g[0] for g in on_floats], [w[k] for w in want]), (name, "float", k, on_floats)


@pytest.mark.parametrize("name", list(CASES))
def test_the_value_is_nan_where_an_input_is_nan(name: str) -> None:
    f, samples, _ = CASES[name]
    out = f(*[Value(np.array(s)) for s in samples]).data
    has_nan = np.isnan(np.array(samples)).any(axis=0)
    assert np.array_equal(np.isnan(out), has_nan), (name, out)
    for k in range(len(samples[0])):
        assert math.isnan(f(*[Value(s[k]) for s in samples]).data) == bool(has_nan[k]), (name, k)


def test_a_nan_bound_of_clamp_gives_nan_as_pytorch_does() -> None:
    """clamp(1, nan, 3) was 1.0 (Python's max(1.0, nan) keeps the 1.0): a nan bound
    ignored without a word.  PyTorch's clamp is nan there."""
    torch = pytest.importorskip("torch")
    x, lo, hi = [1.0, 1.0, 2.0], [NAN, 0.0, 0.0], [3.0, NAN, 3.0]
    want = torch.clamp(*(torch.tensor(v, dtype=torch.float64) for v in (x, lo, hi))).tolist()
    got = Value(np.array(x)).clamp(Value(np.array(lo)), Value(np.array(hi))).data.tolist()
    assert _same(got, want)
    assert _same([Value(a).clamp(b, c).data for a, b, c in zip(x, lo, hi)], want)


@pytest.mark.parametrize(("name", "f", "other"), [
    ("celu(asin(x))", lambda x: x.asin().celu(), 1.0),
    ("elu(asin(x))", lambda x: x.asin().elu(), 1.0),
    ("selu(asin(x))", lambda x: x.asin().selu(), 1.0),
    ("gelu(x*inf)", lambda x: (x * math.inf).gelu(), -2.0),
    ("atan2(x, x*inf)", lambda x: x.atan2(x * math.inf), 0.75),
])
def test_a_nan_sample_leaves_the_other_samples_second_derivatives_alone(
        name: str, f: Callable[[Value], Value], other: float) -> None:
    """The term that keeps a nan sample's slopes nan was a 0/1 mask times e**-|x|; its
    0 at the other samples met asin's infinite slope at 1 (inf * 0 = nan), so one nan
    sample made another's second derivative nan.  Each sample's is float mode's."""
    def second(data: Any) -> list[float]:
        x = Value(data)
        out = f(x)
        batch = out.data.__class__ is not float
        (g,) = gradients(out.sum() if batch else out, [x], create_graph=True)
        (h,) = gradients(g.sum() if batch else g, [x], allow_unused=True)
        return np.atleast_1d(h).tolist()
    got = second(np.array([NAN, other]))
    assert math.isnan(got[0]) and _same(got[1:], second(other)), (name, got)


def test_a_nan_base_to_an_infinite_power_has_nan_slopes_in_every_mode() -> None:
    """x**inf is 0, 1 or inf on pieces, its slope in x 0 off |x| = 1; at a nan base no
    piece holds: nan (it was 0 in three modes and nan in the fourth)."""
    for data in (NAN, np.array([NAN, 0.5])):
        for create_graph in (False, True):
            x = Value(data)
            out = x ** math.inf
            (g,) = gradients(out if out.data.__class__ is float else out.sum(), [x],
                             create_graph=create_graph)
            got = np.atleast_1d(g.data if create_graph else g)
            assert math.isnan(got[0]) and got[1:].tolist() in ([], [0.0]), (data, create_graph, got)


@pytest.mark.parametrize("name", ["mish", "gelu", "silu", "elu", "celu", "selu", "softplus", "sigmoid",
                                  "tanh", "logsigmoid", "erf", "erfc", "atan", "asinh"])
def test_a_nan_sample_has_nan_first_and_second_derivatives_under_create_graph(name: str) -> None:
    """The smooth activations' slopes on a batch Value are built from clamps and cuts (their
    limits at +-inf); a nan sample keeps nan derivatives through both, and the other
    sample keeps float mode's."""
    def derivatives(data: Any) -> tuple[list[float], list[float]]:
        x = Value(data)
        out = getattr(x, name)()
        batch = out.data.__class__ is not float
        (g,) = gradients(out.sum() if batch else out, [x], create_graph=True)
        (h,) = gradients(g.sum() if batch else g, [x], allow_unused=True)
        return np.atleast_1d(g.data).tolist(), np.atleast_1d(h).tolist()
    (g0, g1), (h0, h1) = derivatives(np.array([NAN, 1.0]))
    assert math.isnan(g0) and math.isnan(h0), name
    (want_g,), (want_h,) = derivatives(1.0)
    assert g1 == pytest.approx(want_g, rel=1e-15) and h1 == pytest.approx(want_h, rel=1e-15)
