"""The numeric helpers' own contracts (``autograd/_math*.py``), on every kind of input.

Each helper of the numerics takes a float, a batch (a numpy array) or a Value, and
its docstring says what it returns.  Some of those promises cannot be told apart
through today's call sites (``select`` is only ever given the branches 1 and a slope;
``power`` never sees a zero base with a negative exponent in float mode, which the
forward pass refuses), so a wrong helper would wait for its next caller.  These tests
hold each helper to its promise directly, against an independent oracle: the C
library's ``pow`` (IEEE 754 semantics, through ctypes), Python's ``math`` and
numpy's functions, and mpmath at 60 digits.  ``python tools/mutate.py --target math``
runs them in its first stage.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import math
from typing import Any

import numpy as np
import pytest

from autograd import Value, _math, _math_power


def _same(a: Any, b: Any) -> bool:
    """Equal as IEEE doubles: nan to nan, and a zero to a zero of the same sign."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def _libm_pow() -> Any:
    name = ctypes.util.find_library("m")
    if name is None:
        pytest.skip("no C math library to compare with")
    fn = ctypes.CDLL(name).pow
    fn.restype = ctypes.c_double
    fn.argtypes = [ctypes.c_double, ctypes.c_double]
    return fn


BASES = [0.0, -0.0, 1e-200, -1e-200, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 1e200, -1e200,
         math.inf, -math.inf, math.nan]
EXPONENTS = [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 1.5, -1.5, 4.0,
             math.inf, -math.inf, math.nan, 1e-300]


def _expected_power(cpow: Any, x: float, p: float) -> float | None:
    """IEEE pow, except the docstring's one departure: a negative base with a finite
    non-integer exponent is nan.  None at -inf with such an exponent: every mode's
    forward pass refuses that base, and the helpers need not agree on a value no
    derivative is ever taken at."""
    if x < 0.0 and math.isfinite(p) and p != math.floor(p):
        return None if x == -math.inf else math.nan
    return float(cpow(x, p))


def test_power_is_ieee_pow_on_floats_batches_and_mixed_inputs() -> None:
    cpow = _libm_pow()
    bad = []
    for x, p in itertools.product(BASES, EXPONENTS):
        want = _expected_power(cpow, x, p)
        if want is None:
            continue
        got = {
            "float": _math_power.power(x, p),
            "batch, number exponent": _math_power.power(np.array([x, 2.0]), p)[0],
            "batch, batch exponent": _math_power.power(np.array([x, 2.0]), np.array([p, 1.0]))[0],
            "number, batch exponent": _math_power.power(x, np.array([p, 1.0]))[0],
            "value": _math_power.power(Value(x), p).data,
            "batch value": _math_power.power(Value(np.array([x, 2.0])), p).data[0],
        }
        bad += [f"{kind}: power({x!r}, {p!r}) = {v!r}, IEEE {want!r}"
                for kind, v in got.items() if not _same(v, want)]
    assert not bad, "\n".join(bad)


def test_recip_is_ieee_division_with_signed_infinities() -> None:
    for x in BASES:
        want = math.copysign(math.inf, x) if x == 0.0 else (math.nan if x != x else 1.0 / x)
        assert _same(_math_power.recip(x), want), x
        assert _same(_math_power.recip(np.array([x, 1.0]))[0], want), x


def _kinds(x: float) -> dict[str, Any]:
    """x as each kind the helpers take (a batch holds x beside an ordinary sample)."""
    return {"float": x, "batch": np.array([x, 0.75]), "value": Value(x),
            "batch value": Value(np.array([x, 0.75]))}


def _first(out: Any) -> float:
    data = out.data if hasattr(out, "grad") else out
    return float(np.asarray(data).reshape(-1)[0])


@pytest.mark.parametrize("x", [2.0, 1e-300, 0.0, -0.0, -1.0, math.inf, -math.inf])
def test_select_picks_the_positive_branch_where_x_is_positive_and_the_other_elsewhere(x: float
                                                                                      ) -> None:
    for kind, v in _kinds(x).items():
        for positive, otherwise in ((3.0, -2.0), (0.25, 5.0)):
            got = _first(_math.select(v, positive, otherwise))
            assert got == (positive if x > 0.0 else otherwise), (kind, x, positive, otherwise)


def test_is_value_is_true_for_values_only() -> None:
    assert _math._is_value(Value(1.0)) and _math._is_value(Value(np.array([1.0])))
    for other in (1.0, 1, np.float64(1.0), np.int64(1), np.array([1.0]), "x", None, [1.0]):
        assert not _math._is_value(other), repr(other)
