"""The numerics of the smooth functions beyond the core: quotients, atan2 and hypot,
logaddexp, logsumexp and softmax, softsign, celu and mish, and limits at +-inf.

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
    sqrt,
    tanh,
)
from autograd._math_masks import _constant_like, cut, masked_limits
from autograd._math_power import _row_node, recip


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


def hypot(x: Any, y: Any) -> Any:
    """sqrt(x**2 + y**2) without overflow or underflow of the squares."""
    if x.__class__ is float and y.__class__ is float:
        return math.hypot(x, y)
    if isinstance(x, ndarray) or isinstance(y, ndarray):
        return np.hypot(x, y)
    # on Values: s * sqrt((x/s)**2 + (y/s)**2), s a power of two near max(|x|, |y|) (a
    # constant: the scaled squares neither overflow nor underflow, and s cancels exactly)
    scale, _ = _power_of_two_scale(x, y)
    xs, ys = x / scale, y / scale
    return sqrt(xs * xs + ys * ys) * scale


def _power_of_two_scale(x: Any, y: Any) -> tuple[Any, Any]:
    """A constant power of two s near max(|x|, |y|) (1 at the origin and where an input is
    not finite), so that x / s and y / s are exact and of order 1; and where both are 0."""
    s, origin = _scale_of(_data(x), _data(y))
    owner = x if _is_value(x) else y
    return _constant_like(owner, float(s) if s.ndim == 0 else s), origin


def _scale_of(x: Any, y: Any) -> tuple[Any, Any]:
    """_power_of_two_scale on data: (s, where both are 0) as numpy arrays."""
    xd, yd = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    big = np.maximum(np.abs(xd), np.abs(yd))
    origin = (xd == 0.0) & (yd == 0.0)
    _, e = np.frexp(np.where(origin | ~np.isfinite(big), 1.0, big))
    # x / s in [1, 2) for the larger; s at least 2**-1022, so that 1 / s is finite (the
    # scaled squares of subnormal inputs are then still far from underflowing)
    return np.ldexp(1.0, np.maximum(e - 1, -1022)), origin


def atan2(x: Any, y: Any) -> Any:
    """The angle of the point (y, x), in (-pi, pi]: math.atan2's argument order."""
    if x.__class__ is float and y.__class__ is float:
        return math.atan2(x, y)
    return np.arctan2(x, y)


def _off_at_infinity(x: Any, y: Any) -> Any:
    """Where an input is +-inf and neither is nan (as numbers: a bool or an array of them)."""
    xd, yd = np.asarray(_data(x), dtype=np.float64), np.asarray(_data(y), dtype=np.float64)
    return (np.isinf(xd) | np.isinf(yd)) & ~np.isnan(xd) & ~np.isnan(yd)


def _limits_on_values(x: Any, y: Any, special: Any, limits: tuple[Any, Any],
                      build: Callable[[Any, Any], tuple[Any, Any]]) -> tuple[Any, Any]:
    """A two-input rule on Values (create_graph): ``build``'s slopes, and the constant
    ``limits`` at the samples in ``special`` (their own slopes 0, as the limits' are)."""
    if not special.any():
        return build(x, y)
    if special.ndim == 0:  # (a rule's inputs are all Values: x makes the constants)
        return _constant_like(x, float(limits[0])), _constant_like(x, float(limits[1]))
    shape = special.shape
    return tuple(
        masked_limits(x, special, np.broadcast_to(limit, shape),
                      lambda u, v, k=k: build(u, v)[k], x, y)
        for k, limit in enumerate(limits))


def atan2_slopes(x: Any, y: Any) -> tuple[Any, Any]:
    """d atan2(x, y) / dx = y / (x**2 + y**2), d/dy = -x / (x**2 + y**2).

    As (y/h)/h with h = hypot(x, y), so the squares neither overflow nor
    underflow (y / (x**2 + y**2) when the sum of squares is a normal number);
    at the origin both are 0, as PyTorch's.  Where an input is +-inf both are
    their limits, zeros signed like y and -x (each is at most 1/h in size;
    (y/h)/h would be inf/inf = nan there); under create_graph on a batch the
    zeros' signs are not kept.
    """
    if x.__class__ is float and y.__class__ is float:
        r = x * x + y * y
        if 1e-290 < r < 1e290:  # the squares neither underflowed nor overflowed
            return y / r, -x / r
        h = math.hypot(x, y)
        if h == 0.0:
            return 0.0, 0.0
        if h == _INF and x == x and y == y and (x - x != 0.0 or y - y != 0.0):  # an input inf
            return math.copysign(0.0, y), math.copysign(0.0, -x)
        if h < 1e-140 or h == _INF:  # (a subnormal h has lost digits, an overflowed one all:
            # scale by a power of two instead)
            return _scaled_atan2_slopes(x, y)
        return (y / h) / h, (-x / h) / h
    if isinstance(x, ndarray) or isinstance(y, ndarray):
        # float mode's branches, sample by sample: y / r where the sum of squares r is a
        # normal number ((y/h)/h would pass through a subnormal y/h), else (y/h)/h
        h = np.hypot(x, y)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            r = x * x + y * y
            normal = (r > 1e-290) & (r < 1e290)
            dx = np.where(normal, y / r, np.where(h == 0.0, 0.0, (y / h) / h))
            dy = np.where(normal, -x / r, np.where(h == 0.0, 0.0, (-x / h) / h))
            # a subnormal h, or one that overflowed from finite inputs
            tiny = ((h < 1e-140) & (h > 0.0)) | (np.isinf(h) & np.isfinite(x) & np.isfinite(y))
            if tiny.any():  # (one pass finds none, as a rule)
                sx, sy = _scaled_atan2_slopes(x, y)
                dx, dy = np.where(tiny, sx, dx), np.where(tiny, sy, dy)
        if np.isinf(h).any():  # (an infinite input makes h infinite: one pass when none is)
            infinite = _off_at_infinity(x, y)
            dx = np.where(infinite, np.copysign(0.0, y), dx)
            dy = np.where(infinite, np.copysign(0.0, np.negative(x)), dy)
        return dx, dy
    special = _off_at_infinity(x, y)
    limits = (np.copysign(0.0, _data(y)), np.copysign(0.0, np.negative(_data(x))))
    return _limits_on_values(x, y, special, limits, _atan2_slopes_of_values)


def _scaled_atan2_slopes(x: Any, y: Any) -> tuple[Any, Any]:
    """atan2's slopes on data, computed as on Values (below): exact to an ulp or two
    where x**2 + y**2 and hypot(x, y) underflow (5.7e-12 relative off as (y/h)/h
    at h = 6e-313, a subnormal with 38 bits)."""
    s, _ = _scale_of(x, y)
    scale = float(s) if x.__class__ is float and y.__class__ is float else s
    xs, ys = x / scale, y / scale
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = 1.0 / (xs * xs + ys * ys)
    return ys / scale * inverse, -xs / scale * inverse


def _atan2_slopes_of_values(x: Any, y: Any) -> tuple[Any, Any]:
    # On Values (create_graph): (y/s) / ((x/s)**2 + (y/s)**2) / s with s a power of two
    # (see hypot), so the squares neither overflow nor underflow; at the origin the slopes
    # are the constant 0 (PyTorch's convention; y / r would be 0 * inf = nan), on a batch
    # through a 0/1 mask
    scale, origin = _power_of_two_scale(x, y)
    if origin.ndim == 0 and origin:
        return _constant_like(x, 0.0), _constant_like(x, 0.0)
    xs, ys = x / scale, y / scale
    inverse = recip(xs * xs + ys * ys)  # (inf at the origin, whose samples the cut below replaces)
    # (y/s)/s first: it is y/s**2, at most 2/s (finite, s >= 2**-1022), and a normal number
    # wherever the slope is, where (y/s) * (1/r) could be subnormal and lose digits (y = 5e-324
    # beside x = 1e-8); 1/r is at most 1, and 1/(r s) is never formed
    dx, dy = ys / scale * inverse, -xs / scale * inverse
    if origin.any():  # float mode's constant 0 at the origin: a cut, so an inf below meets no 0
        return cut(dx, ~origin), cut(dy, ~origin)
    return dx, dy


_SMALLEST_NORMAL = 2.0 ** -1022
_UP = 2.0 ** 600  # a subnormal times this is normal, and its square far from overflowing


def hypot_slopes(x: Any, y: Any, z: Any) -> tuple[Any, Any]:
    """d hypot(x, y) / dx = x / z, d/dy = y / z, given z = hypot(x, y).

    Where exactly one input is +-inf (and the other not nan) the slopes are their
    limits: +-1 for the infinite input, a zero signed like the other one (x / z
    would be inf/inf = nan).  Where both are infinite the slopes have no limit
    (it depends on the direction): nan, as PyTorch's x / z; under create_graph a
    constant nan, so that the second partials are their limits there, 0 (each is
    at most 1/z in size).  Where finite inputs have a hypot beyond the largest
    float (z = inf, x = y = 1.5e308), the slopes are those of x/2 and y/2, whose
    hypot is finite (x / z would be 0); under create_graph as constants (the
    second partials there are at most 1/z, below 6e-309).  Where z is subnormal, so
    rounded to a few digits, the slopes of x and y scaled by 2**600 (the same slopes,
    exactly scaled inputs, a z of full precision).
    """
    zd = _data(z)
    tiny = (zd != 0.0) & (np.abs(zd) < _SMALLEST_NORMAL)
    if tiny.any():
        c = _UP if zd.__class__ is float else np.where(tiny, _UP, 1.0)  # 1: those samples as they are
        xs, ys = x * c, y * c
        on_data = not (_is_value(x) or _is_value(y))
        return hypot_slopes(xs, ys, hypot(xs, ys) if on_data else _row_node("HYPOT", xs, ys))
    if x.__class__ is float and y.__class__ is float:
        if z == _INF and (x - x == 0.0) != (y - y == 0.0) and x == x and y == y:
            return ((math.copysign(1.0, x) if y - y == 0.0 else math.copysign(0.0, x)),
                    (math.copysign(1.0, y) if x - x == 0.0 else math.copysign(0.0, y)))
        if z == _INF and x - x == 0.0 and y - y == 0.0:
            h = math.hypot(0.5 * x, 0.5 * y)
            return (0.5 * x) / h, (0.5 * y) / h
        return quotient(x, z), quotient(y, z)
    infinite = np.isinf(_data(z))  # every special sample has z = inf: one pass when none has
    if not infinite.any():
        return quotient(x, z), quotient(y, z)
    xd, yd = np.asarray(_data(x), dtype=np.float64), np.asarray(_data(y), dtype=np.float64)
    over = infinite & np.isfinite(xd) & np.isfinite(yd)
    special = _off_at_infinity(xd, yd) | over
    both = np.isinf(xd) & np.isinf(yd)
    half = np.hypot(0.5 * xd, 0.5 * yd)
    with np.errstate(invalid="ignore", divide="ignore"):
        limits = tuple(np.where(over, (0.5 * d) / half, np.where(both, np.nan, np.where(
            np.isinf(d), np.copysign(1.0, d), np.copysign(0.0, d)))) for d in (xd, yd))
    if isinstance(x, ndarray) or isinstance(y, ndarray):
        dx, dy = quotient(x, z), quotient(y, z)
        return np.where(special, limits[0], dx), np.where(special, limits[1], dy)
    # beside the limits, x / z read from the inputs clamped at the special samples (z's own
    # slopes there, nan at two infinite inputs, would meet the mask's 0)
    return _limits_on_values(x, y, special, (limits[0], limits[1]),
                             lambda u, v: (quotient(u, u.hypot(v)), quotient(v, u.hypot(v))))


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
    on numbers (m the largest input: each term in (0, 1]), e**(x_i - z) on Values."""
    if not _is_value(z):  # (a rule's inputs and output are all Values or all data)
        if all(v.__class__ is float for v in xs):
            m = max(xs)  # at an infinite or nan m every term, so every slope, is nan
            terms = [math.exp(v - m) for v in xs]
            total = math.fsum(terms)
            return [t / total for t in terms]
        a = np.array(np.broadcast_arrays(*xs), dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            terms = np.exp(a - a.max(axis=0))
            return list(terms / terms.sum(axis=0))
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
    w = 4(x + 1) + e (4x + 6) + 4e**2 + e**3 and d = e**2 + 2e + 2 (divided
    through by e**4 for x > 0): every term is computed to an ulp, where the
    textbook form subtracts two rounded transcendental terms.  On Values the
    textbook form (it is differentiated).
    """
    # |x| >= 1e300 is taken as 1e300 inside the polynomial terms: e is 0 there, and 4x
    # would overflow to inf (0 * inf = nan at x = 1e308, where mish' is 1 or 0)
    if x.__class__ is float:
        xs = min(max(x, -1e300), 1e300)
        if x > 0.0:
            e = math.exp(-x)
            num = 1.0 + e * (4.0 + e * ((4.0 * xs + 6.0) + e * 4.0 * (xs + 1.0)))
            den = 1.0 + 2.0 * e * (1.0 + e)
            return num / (den * den)
        e = math.exp(x)
        w = 4.0 * (xs + 1.0) + e * ((4.0 * xs + 6.0) + e * (4.0 + e))
        d = 2.0 + e * (2.0 + e)
        return e * w / (d * d)
    if isinstance(x, ndarray):
        ea: Any = np.exp(-np.abs(x))
        xa = np.clip(x, -1e300, 1e300)
        num_a = 1.0 + ea * (4.0 + ea * ((4.0 * xa + 6.0) + ea * 4.0 * (xa + 1.0)))
        den_a = 1.0 + 2.0 * ea * (1.0 + ea)
        w_a = 4.0 * (xa + 1.0) + ea * ((4.0 * xa + 6.0) + ea * (4.0 + ea))
        d_a = 2.0 + ea * (2.0 + ea)
        return np.where(x > 0.0, num_a / (den_a * den_a), ea * w_a / (d_a * d_a))
    t = tanh(softplus(x))
    return t + x * sigmoid(x) * (1.0 - t * t)
