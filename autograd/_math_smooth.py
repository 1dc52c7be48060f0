"""The numerics of the smooth functions beyond the core: quotients, logaddexp,
logsumexp and softmax, softsign, celu and mish, and limits at +-inf (atan2 and
hypot, functions of a point of the plane, are in :mod:`autograd._math_plane`).

Like :mod:`autograd._math`, each works on a float, a batch or a Value, and is
written so that nothing overflows at +-1000.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd._math import (
    _INF,
    _data,
    _ieee,
    _is_value,
    exp,
    ndarray,
    sigmoid,
    softplus,
    tanh,
)
from autograd._math_masks import _constant_like, cut, masked_limits, per_sample
from autograd._math_power import recip


def quotient(a: Any, b: Any) -> Any:
    """a / b with IEEE semantics (x/0 is +-inf, 0/0 nan) instead of raising."""
    if b.__class__ is float and a.__class__ is float:
        if b != 0.0:
            return a / b
        return math.nan if a == 0.0 or a != a else math.copysign(_INF, a) * math.copysign(1.0, b)
    if isinstance(a, ndarray) or isinstance(b, ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.divide(a, b)
    # on Values a division node (a * recip(b) would be 0 * inf = nan at a subnormal b)
    return _ieee(lambda: a / b)


def logaddexp(x: Any, y: Any) -> Any:
    """log(e**x + e**y) as max + log1p(e**-|x - y|): no overflow at +-1000."""
    if x.__class__ is float and y.__class__ is float:
        if x == y:  # also both +-inf, where x - y is nan
            return x + math.log(2.0)
        m = x if x > y else y
        return m + math.log1p(math.exp(-abs(x - y)))
    return np.logaddexp(x, y)


def logsumexp(xs: Sequence[Any]) -> Any:
    """log(sum e**x_i), shifted by the largest x_i: m + log1p(sum over the others of e**(x_i - m))."""
    if all(v.__class__ is float for v in xs):
        if any(v != v for v in xs):
            return math.nan  # (Python's max would pass over a nan, or not, by position)
        k = max(range(len(xs)), key=lambda i: xs[i])
        m = xs[k]
        if math.isinf(m) or m != m:
            return m
        rest = math.fsum(math.exp(v - m) for i, v in enumerate(xs) if i != k)
        return m + math.log1p(rest)
    a = np.array(np.broadcast_arrays(*xs), dtype=np.float64)
    k = np.argmax(a, axis=0)
    cols = np.arange(a.shape[1])
    m = a[k, cols]
    with np.errstate(invalid="ignore", over="ignore"):
        terms = np.exp(a - m)
        terms[k, cols] = 0.0
        out = m + np.log1p(terms.sum(axis=0))
    return np.where(np.isfinite(m), out, m)


def softmax_slopes(xs: Sequence[Any], z: Any) -> list[Any]:
    """d logsumexp / dx_i = e**(x_i - z), the softmax: e**(x_i - m) / sum_j e**(x_j - m)
    on numbers (m the largest input: each term in (0, 1]), e**(x_i - z) on Values.

    At one input of +inf (the others finite or -inf, none nan) the limit: 1 for it, 0
    for the others, as logaddexp's (the formula's inf - inf is nan); on a Value those
    are constants.  Two infinite tops, or a nan, have no limit: nan.
    """
    if not _is_value(z):  # (a rule's inputs and output are all Values or all data)
        if all(v.__class__ is float for v in xs):
            m = max(xs)  # at an infinite or nan m every term, so every slope, is nan
            if m == _INF and xs.count(_INF) == 1 and all(v == v for v in xs):
                return [1.0 if v == _INF else 0.0 for v in xs]
            terms = [math.exp(v - m) for v in xs]
            total = math.fsum(terms)
            return [t / total for t in terms]
        a = np.array(np.broadcast_arrays(*xs), dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            terms = np.exp(a - a.max(axis=0))
            slopes = terms / terms.sum(axis=0)
        special, tops = _one_infinite_top(a)
        if special.any():
            slopes = np.where(special, tops, slopes)
        return list(slopes)
    data = np.array(np.broadcast_arrays(*[_data(v) for v in xs]), dtype=np.float64)
    special, tops = _one_infinite_top(data)
    if data.ndim == 1:  # float Values
        if special:
            return [_constant_like(z, float(t)) for t in tops]
        return _softmax_of_values(xs, z)
    if not special.any():
        return _softmax_of_values(xs, z)
    safe = [cut(v, ~special, 0.0) for v in xs]  # the limits' samples never meet inf - inf
    return [cut(s, ~special, _constant_like(z, np.where(special, t, 0.0)))
            for s, t in zip(_softmax_of_values(safe, z), tops)]


def _one_infinite_top(a: np.ndarray) -> tuple[Any, np.ndarray]:
    """Where (per sample) exactly one input is +inf and none is nan, and the limit of
    each slope there (1 for the inf, 0 for the others)."""
    top = a == _INF
    special = (top.sum(axis=0) == 1) & ~np.isnan(a).any(axis=0)
    return special, top.astype(np.float64)


def _softmax_of_values(xs: Sequence[Any], z: Any) -> list[Any]:
    # on Values e**(x_i - m) / sum_j e**(x_j - m), m the largest input's data (a constant):
    # e**(x_i - z) is 1, not 1/2, at a tie of two inputs near 1e308, where z = m + log 2
    # rounds to m
    m = np.max(np.array(np.broadcast_arrays(*[_data(v) for v in xs]), dtype=np.float64), axis=0)
    shift = _constant_like(z, float(m) if m.ndim == 0 else m)
    terms = [exp(v - shift) for v in xs]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return [t / total for t in terms]


def with_limits(fn: Callable[[Any], Any], at_minus: float, at_plus: float) -> Callable[[Any], Any]:
    """``fn`` with its limits at -inf and +inf given, where its formula would give
    inf * 0 = nan (silu, gelu and mish, and their slopes); on a Value at an
    infinity the limit is a constant (the function is flat out there)."""
    inf = _INF

    def at(x: Any) -> Any:
        if x.__class__ is float:
            if x - x != 0.0 and x == x:
                return at_plus if x > 0.0 else at_minus
            return fn(x)
        if isinstance(x, ndarray):
            with np.errstate(all="ignore"):
                out = fn(x)
            return np.where(x == inf, at_plus, np.where(x == -inf, at_minus, out))
        d = x.data
        if d.__class__ is float:
            if d - d != 0.0 and d == d:
                return _constant_like(x, at_plus if d > 0.0 else at_minus)
            return fn(x)
        infinite = np.isinf(d)
        if not infinite.any():
            return fn(x)
        return masked_limits(x, infinite, np.where(d > 0.0, at_plus, at_minus), fn, x, safe=0.0)

    return at


def softsign(x: Any) -> Any:
    """x / (1 + |x|); +-1 at +-inf (its limit, not inf/inf).  A forward pass: numbers
    and batches only, like celu and mish (its slope is :func:`softsign_slope`)."""
    if x.__class__ is float:
        return x / (1.0 + abs(x)) if x - x == 0.0 else (math.copysign(1.0, x) if x == x else x)
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(x), np.sign(x), x / (1.0 + np.abs(x)))


def softsign_slope(x: Any) -> Any:
    """1 / (1 + |x|)**2."""
    d = 1.0 + abs(x)
    return recip(d * d)


def celu(x: Any, alpha: float) -> Any:
    """x for x > 0, alpha * (e**(x/alpha) - 1) otherwise."""
    if x.__class__ is float:
        return x if x > 0.0 else alpha * math.expm1(x / alpha)
    # the left piece at min(x, 0), written so as to keep -0.0 (float mode's celu(-0.0))
    return np.where(x > 0.0, x, alpha * np.expm1(np.where(x > 0.0, 0.0, x) / alpha))


def mish(x: Any) -> Any:
    """x * tanh(softplus(x)), with tanh(log(1 + e)) = n / (n + 2), n = e (e + 2), e = e**x
    (for x > 0 written with e**-x, so nothing overflows)."""
    if x.__class__ is float:
        if x > 0.0:
            e = math.exp(-x)
            return x * (1.0 + 2.0 * e) / (1.0 + 2.0 * e * (1.0 + e))
        e = math.exp(x)
        n = e * (e + 2.0)
        return x * n / (n + 2.0)
    e = np.exp(-np.abs(x))
    pos = (1.0 + 2.0 * e) / (1.0 + 2.0 * e * (1.0 + e))
    n = e * (e + 2.0)
    return x * np.where(x > 0.0, pos, n / (n + 2.0))


def mish_slope(x: Any) -> Any:
    """mish'(x) = tanh(sp) + x sigmoid(x) sech(sp)**2, sp = softplus(x).

    On numbers in the rational form e w / d**2 with e = e**x,
    w = 4(x + 1) + e (4x + 6) + 4e**2 + e**3 and d = e**2 + 2e + 2; for x > 0, with
    e = e**-x, as 1 + e**2 ((4x - 2) + e (4x - 4) - 4e**2) / (1 + 2e(1 + e))**2 (the
    terms of order e cancel exactly, so none is left to cancel in mish''): every term
    is computed to an ulp, where the textbook form subtracts two rounded
    transcendental terms.  On Values the same forms, differentiated.
    """
    # |x| >= 1e300 is taken as 1e300 inside the polynomial terms: e is 0 there, and 4x
    # would overflow to inf (0 * inf = nan at x = 1e308, where mish' is 1 or 0)
    if x.__class__ is float:
        xs = min(max(x, -1e300), 1e300)
        if x > 0.0:
            return _mish_slope_pos(math.exp(-x), xs)
        return _mish_slope_neg(math.exp(x), xs)
    if isinstance(x, ndarray):
        ea: Any = np.exp(-np.abs(x))
        xa = np.clip(x, -1e300, 1e300)
        return np.where(x > 0.0, _mish_slope_pos(ea, xa), _mish_slope_neg(ea, xa))
    # on a Value the same rational forms, each sample by its own side (create_graph's
    # first derivative is the plain pass's; the textbook form was 22 ulps off it, and its
    # own slope 2% off at 25); beyond |x| = 1e300, and at nan, the textbook form
    d = x.data
    pos = (d > 0.0) & (d < 1e300)
    huge = ~(np.abs(d) < 1e300)
    return per_sample([pos, ~pos & ~huge, huge], [lambda v: _mish_slope_pos(exp(-v), v),
                                                  lambda v: _mish_slope_neg(exp(v), v),
                                                  _mish_slope_text], x)


def _mish_slope_pos(e: Any, x: Any) -> Any:
    """mish'(x) for x > 0 from e = e**-x (any of the three kinds of argument)."""
    den = 1.0 + 2.0 * e * (1.0 + e)
    return 1.0 + e * e * ((4.0 * x - 2.0) + e * ((4.0 * x - 4.0) - 4.0 * e)) / (den * den)


def _mish_slope_neg(e: Any, x: Any) -> Any:
    """mish'(x) for x <= 0 from e = e**x."""
    w = 4.0 * (x + 1.0) + e * ((4.0 * x + 6.0) + e * (4.0 + e))
    d = 2.0 + e * (2.0 + e)
    return e * w / (d * d)


def _mish_slope_text(x: Any) -> Any:
    t = tanh(softplus(x))
    return t + x * sigmoid(x) * (1.0 - t * t)
