"""The functions of a point (x, y) of the plane: atan2 and hypot, their slopes, and
atan2's second partials as rows of their own.

Like :mod:`autograd._math`, each works on a float, a batch or a Value.  Where
x**2 + y**2 would overflow or underflow, x and y are scaled by a power of two
first (exact), so the slopes are right to an ulp or two from 1e-323 to 1e308.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd._math import _INF, _data, _is_value, ndarray, sqrt
from autograd._math_masks import _constant_like, cut, masked_limits
from autograd._math_power import _row_node, recip
from autograd._math_smooth import quotient


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
    # On Values (create_graph): nodes of the table's atan2_dx and atan2_dy rows, whose data
    # are atan2_slopes' on the data (so create_graph's first derivatives are the plain
    # pass's) and whose own slopes are the second partials in closed form (below); at the
    # origin the slopes are the constant 0 (PyTorch's convention), on a batch through a cut
    origin = _scale_of(_data(x), _data(y))[1]
    if origin.ndim == 0 and origin:
        return _constant_like(x, 0.0), _constant_like(x, 0.0)
    dx, dy = _row_node("ATAN2_DX", x, y), _row_node("ATAN2_DY", x, y)
    if origin.any():  # float mode's constant 0 at the origin: a cut, so an inf below meets no 0
        return cut(dx, ~origin), cut(dy, ~origin)
    return dx, dy


# ------------------------------------------------------------- atan2_dx, atan2_dy
# atan2's slopes as rows of the table, so that its second partials are computed in closed
# form: through y * (1/r) they would be the difference of two terms of size 1/r**2 each,
# (1/r) - 2 y**2/r**2, which at |x| = |y| is 0 only up to their rounding (+-7e283 at
# x = y = 1e-150, and inf - inf at 1e-300), and not the same in both orders.


def atan2_dx(x: Any, y: Any) -> Any:
    """y / (x**2 + y**2), d atan2(x, y) / dx, on data (see :func:`atan2_slopes`)."""
    return atan2_slopes(x, y)[0]


def atan2_dy(x: Any, y: Any) -> Any:
    """-x / (x**2 + y**2), d atan2(x, y) / dy, on data (see :func:`atan2_slopes`)."""
    return atan2_slopes(x, y)[1]


def _second_partials(x: Any, y: Any) -> tuple[Any, Any]:
    """(2xy, x**2 - y**2) / (x**2 + y**2)**2, atan2's second partials up to sign, from
    x and y scaled by a power of two s: ((xs - ys)(xs + ys) / rs**2) / s / s, exactly 0 at
    |x| = |y|, and infinite only where the value is beyond the largest float.  At the
    origin 0 (the slopes are a constant there), at an infinite input 0 (their limit)."""
    values = _is_value(x) or _is_value(y)
    scale, origin = _power_of_two_scale(x, y) if values else _scale_of(x, y)
    if not values and x.__class__ is float and y.__class__ is float:
        scale = float(scale)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        xs, ys = x / scale, y / scale
        inverse = recip(xs * xs + ys * ys)
        cross = 2.0 * xs * ys * inverse * inverse / scale / scale
        mixed = (xs - ys) * (xs + ys) * inverse * inverse / scale / scale
    owner = (x if _is_value(x) else y) if values else None
    cross, mixed = _zero_where(origin | _off_at_infinity(x, y), (cross, mixed), owner)
    return cross, mixed


def _zero_where(zero: Any, parts: tuple[Any, ...], owner: Any) -> tuple[Any, ...]:
    """``parts`` (second partials of one point) with 0 where ``zero`` holds (a limit, or a
    point where the slopes are constant).  On Values (``owner`` one of them) a constant 0
    or, on a batch, a cut; on data np.where, numbers staying numbers."""
    if owner is not None:
        if zero.ndim == 0:
            return tuple(_constant_like(owner, 0.0) for _ in parts) if zero else parts
        if zero.any():
            keep = ~np.broadcast_to(zero, np.shape(_data(parts[0])))
            return tuple(cut(p, keep) for p in parts)
        return parts
    if zero.ndim == 0:
        return tuple(0.0 if zero else float(p) for p in parts)
    return tuple(np.where(zero, 0.0, p) for p in parts)


def atan2_dx_slopes(x: Any, y: Any, z: Any) -> tuple[Any, Any]:
    """The ``atan2_dx`` row's rule: d/dx y/r = -2xy / r**2, d/dy y/r = (x**2 - y**2) / r**2."""
    cross, mixed = _second_partials(x, y)
    return -cross, mixed


def atan2_dy_slopes(x: Any, y: Any, z: Any) -> tuple[Any, Any]:
    """The ``atan2_dy`` row's rule: d/dx -x/r = (x**2 - y**2) / r**2, d/dy -x/r = 2xy / r**2."""
    return _second_partials(x, y)[::-1]


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
    hypot is finite (x / z would be 0).  Where z is subnormal, so rounded to a few
    digits, the slopes of x and y scaled by 2**600 (the same slopes, exactly scaled
    inputs, a z of full precision).  Under create_graph, nodes of the table's
    ``hypot_dx`` and ``hypot_dy`` rows, whose own slopes are the second partials
    in closed form (see :func:`_second_partials_of_hypot`).
    """
    if _is_value(x):  # (a rule's inputs are all Values or all data)
        return _hypot_slopes_of_values(x, y)
    zd = z
    tiny = (zd != 0.0) & (np.abs(zd) < _SMALLEST_NORMAL)
    if tiny.any():
        c = _UP if zd.__class__ is float else np.where(tiny, _UP, 1.0)  # 1: those samples as they are
        xs, ys = x * c, y * c
        return hypot_slopes(xs, ys, hypot(xs, ys))
    if x.__class__ is float and y.__class__ is float:
        if z == _INF and (x - x == 0.0) != (y - y == 0.0) and x == x and y == y:
            return ((math.copysign(1.0, x) if y - y == 0.0 else math.copysign(0.0, x)),
                    (math.copysign(1.0, y) if x - x == 0.0 else math.copysign(0.0, y)))
        if z == _INF and x - x == 0.0 and y - y == 0.0:
            h = math.hypot(0.5 * x, 0.5 * y)
            return (0.5 * x) / h, (0.5 * y) / h
        return quotient(x, z), quotient(y, z)
    dx, dy = quotient(x, z), quotient(y, z)
    if not np.isinf(z).any():  # every special sample has z = inf: one pass when none has
        return dx, dy
    xd, yd = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    limits, special = _hypot_limits(xd, yd, np.isinf(z) & np.isfinite(xd) & np.isfinite(yd))
    return np.where(special, limits[0], dx), np.where(special, limits[1], dy)


def _hypot_limits(xd: Any, yd: Any, over: Any) -> tuple[tuple[Any, Any], Any]:
    """hypot's slopes where an input is infinite (their limits, nan at two infinite inputs)
    or where finite inputs have an infinite hypot (those of x/2 and y/2), and where."""
    both = np.isinf(xd) & np.isinf(yd)
    half = np.hypot(0.5 * xd, 0.5 * yd)
    with np.errstate(invalid="ignore", divide="ignore"):
        limits = tuple(np.where(over, (0.5 * d) / half, np.where(both, np.nan, np.where(
            np.isinf(d), np.copysign(1.0, d), np.copysign(0.0, d)))) for d in (xd, yd))
    return (limits[0], limits[1]), _off_at_infinity(xd, yd) | over


def _hypot_slopes_of_values(x: Any, y: Any) -> tuple[Any, Any]:
    # On Values (create_graph): nodes of the hypot_dx and hypot_dy rows, whose data are
    # hypot_slopes' on the data (so create_graph's first derivatives are the plain pass's);
    # where an input is infinite, the limits as constants (their own slopes 0, the limits
    # of the second partials, each at most 1/z)
    special = _off_at_infinity(x, y)
    if special.any():  # (as a rule none is: no limits to work out)
        xd, yd = np.asarray(_data(x), dtype=np.float64), np.asarray(_data(y), dtype=np.float64)
        limits, _ = _hypot_limits(xd, yd, np.zeros(special.shape, dtype=bool))
    else:
        limits = (0.0, 0.0)
    return _limits_on_values(x, y, special, limits, lambda u, v: (
        _row_node("HYPOT_DX", u, v), _row_node("HYPOT_DY", u, v)))


# ------------------------------------------------------------- hypot_dx, hypot_dy
# hypot's slopes as rows of the table, so that its second partials are computed in closed
# form: through x / z, d/dx is 1/z - x (x/z) / z**2, two terms that cancel where |y| is
# small beside |x| (0 at (1, 1e-8), where the exact value is 1e-16).


def hypot_dx(x: Any, y: Any) -> Any:
    """x / hypot(x, y), d hypot(x, y) / dx, on data (see :func:`hypot_slopes`)."""
    return hypot_slopes(x, y, hypot(x, y))[0]


def hypot_dy(x: Any, y: Any) -> Any:
    """y / hypot(x, y), d hypot(x, y) / dy, on data (see :func:`hypot_slopes`)."""
    return hypot_slopes(x, y, hypot(x, y))[1]


def _second_partials_of_hypot(x: Any, y: Any) -> tuple[Any, Any, Any]:
    """(y**2, -x*y, x**2) / z**3 with z = hypot(x, y), hypot's second partials, from x
    and y scaled by a power of two s: with p, q = xs / zs, ys / zs (at most 1 in size),
    ((q / s) * q) / zs and so on: q / s neither overflows (s >= 2**-1022) nor underflows
    where the result is normal, and no two terms cancel.  nan at the origin (no limit),
    0 at an infinite input (their limit)."""
    values = _is_value(x)
    scale, _ = _power_of_two_scale(x, y) if values else _scale_of(x, y)
    if not values and x.__class__ is float and y.__class__ is float:
        scale = float(scale)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        xs, ys = x / scale, y / scale
        zs = _row_node("HYPOT", xs, ys) if values else hypot(xs, ys)
        p, q = quotient(xs, zs), quotient(ys, zs)
        parts = (quotient(q / scale * q, zs), -quotient(p / scale * q, zs),
                 quotient(p / scale * p, zs))
    yy, xy, xx = _zero_where(_off_at_infinity(x, y), parts, x if values else None)
    return yy, xy, xx


def hypot_dx_slopes(x: Any, y: Any, z: Any) -> tuple[Any, Any]:
    """The ``hypot_dx`` row's rule: d/dx x/z = y**2 / z**3, d/dy x/z = -xy / z**3."""
    yy, xy, _ = _second_partials_of_hypot(x, y)
    return yy, xy


def hypot_dy_slopes(x: Any, y: Any, z: Any) -> tuple[Any, Any]:
    """The ``hypot_dy`` row's rule: d/dx y/z = -xy / z**3, d/dy y/z = x**2 / z**3."""
    _, xy, xx = _second_partials_of_hypot(x, y)
    return xy, xx
