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
