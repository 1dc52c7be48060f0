"""Elementwise math that works on a float, a batch (1-D numpy array) or a Value.

The derivative table in :mod:`autograd.ops` states every rule once, in terms of
these functions.  A rule evaluated on floats takes the fast ``math`` path, on a
batch the ``numpy`` path, and on Values (``create_graph=True``) it builds new
graph nodes, so the same formula serves first and higher-order gradients.

Every function here is numerically careful: nothing overflows or warns at
x = +-1000, and poles give IEEE infinities instead of raising deep inside a
backward pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

ndarray = np.ndarray
_INF = math.inf
_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_2_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_erf_array = np.frompyfunc(math.erf, 1, 1)
_erfc_array = np.frompyfunc(math.erfc, 1, 1)


def _elementwise(name: str, scalar: Callable[[float], float],
                 array: Callable[[np.ndarray], np.ndarray], doc: str) -> Callable[[Any], Any]:
    """One function of the three kinds of argument: math for a float, numpy for a
    batch, and the Value method of the same name (which records the op)."""

    def f(x: Any) -> Any:
        if x.__class__ is float:
            return scalar(x)
        if isinstance(x, ndarray):
            return array(x)
        return getattr(x, name)()

    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


exp = _elementwise("exp", math.exp, np.exp, "e**x.")
log = _elementwise("log", math.log, np.log, "Natural logarithm.")
sqrt = _elementwise("sqrt", math.sqrt, np.sqrt, "Square root.")
tanh = _elementwise("tanh", math.tanh, np.tanh, "Hyperbolic tangent (saturates to +-1, no overflow).")
sin = _elementwise("sin", math.sin, np.sin, "Sine.")
cos = _elementwise("cos", math.cos, np.cos, "Cosine.")
erf = _elementwise("erf", math.erf, lambda x: np.asarray(_erf_array(x), dtype=np.float64),
                   "Error function.")


def sigmoid(x: Any) -> Any:
    """Logistic function 1 / (1 + e**-x), computed without overflow.

    exp is only ever taken of -|x| <= 0, so it lies in (0, 1].
    """
    if x.__class__ is float:
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    if isinstance(x, ndarray):
        # the same two quotients as on a float, without a select: the numerator is
        # e**min(x, 0), that is 1 for x >= 0 and e**-|x| itself for x < 0
        denominator: np.ndarray = np.abs(x)
        np.negative(denominator, out=denominator)
        np.exp(denominator, out=denominator)
        denominator += 1.0
        numerator: np.ndarray = np.minimum(x, 0.0)
        np.exp(numerator, out=numerator)
        return np.divide(numerator, denominator, out=numerator)
    return x.sigmoid()


def softplus(x: Any) -> Any:
    """log(1 + e**x) as max(x, 0) + log1p(e**-|x|): no overflow at large x."""
    if x.__class__ is float:
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    if isinstance(x, ndarray):
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    return x.softplus()


def normal_cdf(x: Any) -> Any:
    """Phi(x), the standard normal CDF.

    As 0.5 * erfc(-x / sqrt 2) on numbers, which keeps its relative accuracy in
    the far left tail (1 + erf(x) cancels to 0 there); on Values as
    0.5 * (1 + erf(x / sqrt 2)), built from the table's erf.
    """
    if x.__class__ is float:
        return 0.5 * math.erfc(-x / _SQRT_2)
    if isinstance(x, ndarray):
        return 0.5 * np.asarray(_erfc_array(-x / _SQRT_2), dtype=np.float64)
    return 0.5 * (1.0 + erf(x / _SQRT_2))


def normal_pdf(x: Any) -> Any:
    """phi(x), the standard normal density."""
    return _INV_SQRT_2PI * exp(-0.5 * (x * x))


def erf_slope(x: Any) -> Any:
    """d/dx erf(x) = 2 / sqrt(pi) * e**(-x**2)."""
    return _2_OVER_SQRT_PI * exp(-(x * x))


def relu(x: Any) -> Any:
    """max(x, 0); nan stays nan (so anomaly mode still sees it)."""
    if x.__class__ is float:
        return 0.0 if x <= 0.0 else x
    if isinstance(x, ndarray):
        out: np.ndarray = np.maximum(x, 0.0)  # nan stays nan
        out += 0.0  # max(-0.0, 0.0) may be -0.0; the float path gives 0.0
        return out
    return x.relu()


def elu(x: Any, alpha: float) -> Any:
    """x for x > 0, alpha * (e**x - 1) otherwise (expm1 keeps small x exact)."""
    if x.__class__ is float:
        return x if x > 0.0 else alpha * math.expm1(x)
    if isinstance(x, ndarray):
        return np.where(x > 0.0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    return x.elu(alpha)


def leaky_relu(x: Any, slope: float) -> Any:
    """x for x > 0, slope * x otherwise."""
    if x.__class__ is float:
        return x if x > 0.0 else slope * x
    if isinstance(x, ndarray):
        return np.where(x > 0.0, x, slope * x)
    return x.leaky_relu(slope)


def elu_slope(x: Any, alpha: float) -> Any:
    """elu'(x): 1 for x > 0, alpha * e**x otherwise (elu'(0) = alpha).

    Written from the input: the output form z + alpha cancels catastrophically
    for very negative x (z is then -alpha plus a tiny amount).
    """
    if x.__class__ is float:
        return 1.0 if x > 0.0 else alpha * math.exp(x)
    if isinstance(x, ndarray):
        return np.where(x > 0.0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))
    mask = step(x)
    if x.data.__class__ is float:
        return mask if x.data > 0.0 else alpha * x.exp()
    return mask + (1.0 - mask) * alpha * (x * (1.0 - mask)).exp()


def _constant_like(x: Any, data: Any) -> Any:
    """A graph constant holding ``data`` (a derivative that is flat a.e.)."""
    return type(x)(data)


def full_like(x: Any, value: float) -> Any:
    """``value`` in the shape of ``x``: a float, an array, or a graph constant."""
    if x.__class__ is float:
        return value
    if isinstance(x, ndarray):
        return np.full_like(x, value)
    return _constant_like(x, full_like(x.data, value))


def step(x: Any) -> Any:
    """1 where x > 0, else 0: the derivative of relu (relu'(0) = 0 by convention).

    On a Value it returns a constant: step is flat wherever it is differentiable.
    """
    if x.__class__ is float:
        return 1.0 if x > 0.0 else 0.0
    if isinstance(x, ndarray):
        return (x > 0.0).astype(np.float64)
    return _constant_like(x, step(x.data))


def select(x: Any, positive: Any, otherwise: Any) -> Any:
    """``positive`` where x > 0, else ``otherwise``: a piecewise rule's two branches.

    Picks rather than blends, so an infinite value on the unused branch cannot
    turn into 0 * inf = nan.  On a batch Value (create_graph) the branches are
    blended with a constant 0/1 mask.
    """
    if x.__class__ is float:
        return positive if x > 0.0 else otherwise
    if isinstance(x, ndarray):
        return np.where(x > 0.0, positive, otherwise)
    if x.data.__class__ is float:
        return positive if x.data > 0.0 else otherwise
    mask = step(x)
    return mask * positive + (1.0 - mask) * otherwise


def sign(x: Any) -> Any:
    """-1, 0 or 1: the derivative of abs (abs'(0) = 0 by convention; nan stays nan)."""
    if x.__class__ is float:
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else (0.0 if x == 0.0 else x))
    if isinstance(x, ndarray):
        return np.sign(x)
    return _constant_like(x, sign(x.data))


def _odd(p: float) -> bool:
    return p == round(p) and round(p) % 2 == 1


def power(x: Any, p: Any) -> Any:
    """x**p for a derivative, with IEEE semantics instead of exceptions.

    0**negative and overflow give inf (signed like the power), a negative base
    with a non-integer exponent gives nan (never a complex number).  On a Value
    at such a point the result is a constant: there is no derivative to carry.
    """
    if x.__class__ is float and p.__class__ is float:
        if x == 0.0 and p < 0.0:
            return math.copysign(_INF, x) if _odd(p) else _INF
        if x < 0.0 and p != round(p):
            return math.nan
        try:
            return x**p
        except OverflowError:
            return -_INF if (x < 0.0 and _odd(p)) else _INF
    if isinstance(x, ndarray) or isinstance(p, ndarray):
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            return np.power(x, p)
    xd = x.data if hasattr(x, "data") else x
    pd = p.data if hasattr(p, "data") else p
    if xd.__class__ is float and pd.__class__ is float and (
        (xd == 0.0 and pd < 0.0) or (xd < 0.0 and pd != round(pd))
    ):
        return _constant_like(x, power(xd, pd))
    return x**p


def recip(x: Any) -> Any:
    """1/x with IEEE semantics: 1/0 is inf (1/-0 is -inf) instead of raising."""
    if x.__class__ is float:
        return 1.0 / x if x != 0.0 else math.copysign(_INF, x)
    if isinstance(x, ndarray):
        with np.errstate(divide="ignore"):
            return 1.0 / x
    if x.data.__class__ is float and x.data == 0.0:
        return _constant_like(x, recip(x.data))
    return 1.0 / x


def pow_base_slope(x: Any, p: Any) -> Any:
    """d(x**p)/dx = p * x**(p-1), and 0 where p == 0 (x**0 is constant, even at 0)."""
    slope = p * power(x, p - 1.0)
    if p.__class__ is float:
        return slope if p != 0.0 else full_like(x, 0.0)
    if isinstance(p, ndarray):
        return np.where(p == 0.0, 0.0, slope)
    if p.data.__class__ is float and p.data == 0.0:
        return full_like(x, 0.0) if not hasattr(x, "data") else _constant_like(x, 0.0)
    return slope


def pow_exponent_slope(x: Any, out: Any) -> Any:
    """d(x**y)/dy = x**y * log(x).

    At x = 0 the limit is 0 (for y > 0, the only case the forward allows);
    for x < 0 the real power exists only at integer y and has no derivative in
    y, so the result is nan (anomaly mode reports it).
    """
    if x.__class__ is float:
        if x > 0.0:
            return out * math.log(x)
        return 0.0 if x == 0.0 else math.nan
    if isinstance(x, ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = out * np.log(x)
        return np.where(x > 0.0, slope, np.where(x == 0.0, 0.0, np.nan))
    if x.data.__class__ is float and x.data <= 0.0:
        return _constant_like(x, pow_exponent_slope(x.data, 0.0))
    return out * log(x)


def batch_size(x: Any) -> int:
    """Number of samples in a batch (of an array, or of a Value holding one)."""
    data = x if isinstance(x, ndarray) else x.data
    return int(data.shape[0])
