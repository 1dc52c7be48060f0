"""Powers and reciprocals with IEEE semantics, and the power rule's slopes.

x**p, 1/x and the slopes of x**y in x and in y, on a float, a batch or a Value
(like :mod:`autograd._math`): at a pole an infinity signed as IEEE arithmetic
signs it, for a negative base and a non-integer exponent a nan, never an
exception deep inside a backward pass.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd._math import _INF, _data, _ieee, _is_value, log, ndarray, sqrt
from autograd._math_masks import _constant_like, _mask_like, edge_form, full_like, masked_limits, per_sample


def _odd(p: float) -> bool:
    return math.isfinite(p) and p == round(p) and round(p) % 2 == 1


def power(x: Any, p: Any) -> Any:
    """x**p for a derivative, with IEEE semantics instead of exceptions.

    0**negative and overflow give inf (signed like the power), a negative base
    with a non-integer exponent gives nan (never a complex number).  On a Value
    at such a point the result is a node holding that inf or nan (:func:`_ieee`).
    """
    if x.__class__ is float and p.__class__ is float:
        if x == 0.0 and p < 0.0:
            return math.copysign(_INF, x) if _odd(p) else _INF
        if x < 0.0 and math.isfinite(p) and p != math.floor(p):
            return math.nan
        try:
            return x**p
        except OverflowError:
            return -_INF if (x < 0.0 and _odd(p)) else _INF
    if isinstance(x, ndarray) or isinstance(p, ndarray):
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            out = np.power(x, p)
            # IEEE pow(-0, p) is +0 unless p is an odd integer (float mode's); numpy takes
            # x**0.5 as sqrt(x), which is -0 at -0.  Adding +0.0 turns only -0.0 into +0.0.
            if p.__class__ is float:
                return out if _odd(p) else np.add(out, 0.0, out=out)
            odd = np.isfinite(p) & (np.remainder(p, 2.0) == 1.0)
            return np.where((out == 0.0) & ~odd, 0.0, out)
    return _ieee(lambda: x**p)


def recip(x: Any) -> Any:
    """1/x with IEEE semantics: 1/0 is inf (1/-0 is -inf) instead of raising."""
    if x.__class__ is float:
        return 1.0 / x if x != 0.0 else math.copysign(_INF, x)
    if isinstance(x, ndarray):
        with np.errstate(divide="ignore", over="ignore"):
            return 1.0 / x
    return _ieee(lambda: 1.0 / x)  # at 0 a node holding inf: (1/x)' = -1/x**2 = -inf there


def div_slope(z: Any, y: Any) -> Any:
    """d(x/y)/dy = -x/y**2 = -z/y, one rounding and finite where 1/y overflows (z = 5e-324,
    y = 1e-310: -4.9e296, where -z * (1/y) = -inf); at y = 0 (inside a gradient graph,
    past the domain check), IEEE's -z * (1/0)."""
    if y.__class__ is float:
        return -(z / y) if y != 0.0 else -z * recip(y)
    if isinstance(y, ndarray):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return -(z / y)
    return -(z / y) if (np.asarray(_data(y)) != 0.0).all() else -z * recip(y)


def one_minus_square(x: Any) -> Any:
    """1 - x**2: as 1 - x*x where |x| < 1/2 (its own slope -2x, where the product's
    -(1 + x) + (1 - x) cancels: 8.9e-5 relative off for atanh'' at 1e-12), as
    (1 - x)(1 + x) beyond (no rounding of x**2 near +-1); each sample of a batch by its
    own |x|, as float mode picks."""
    if x.__class__ is float:
        return 1.0 - x * x if abs(x) < 0.5 else (1.0 - x) * (1.0 + x)
    small = np.abs(_data(x)) < 0.5
    if isinstance(x, ndarray):
        return np.where(small, 1.0 - x * x, (1.0 - x) * (1.0 + x))
    return per_sample([small, ~small], [lambda v: 1.0 - v * v, lambda v: (1.0 - v) * (1.0 + v)], x)


def asin_slope(x: Any) -> Any:
    """asin'(x) = 1/sqrt(1 - x**2) (see :func:`one_minus_square`).  On a Value at
    x = +-1 the form 1/sqrt(1 - x*x), equal there (inf), whose own slope is asin''s
    limit, +-inf (the product form's is inf * 0 = nan)."""
    return edge_form(x, np.abs(_data(x)) == 1.0, lambda v: recip(sqrt(one_minus_square(v))),
                     lambda v: recip(sqrt(1.0 - v * v)))


def acosh_slope(x: Any) -> Any:
    """acosh'(x) = 1/sqrt(x**2 - 1), as 1/sqrt((x - 1)(x + 1)); on a Value at x = 1 as
    1/sqrt(x*x - 1), whose own slope there is acosh''s limit, -inf (see asin_slope)."""
    return edge_form(x, _data(x) == 1.0, lambda v: recip(sqrt((v - 1.0) * (v + 1.0))),
                     lambda v: recip(sqrt(v * v - 1.0)))


def cbrt_slope(z: Any) -> Any:
    """cbrt'(x) = 1/(3 z**2) from the output z; on a Value at z = +-0 as 1/(3z) * 1/z,
    whose own slope there is the one-sided limit of cbrt'' = -2/(9 z**5) from the zero's
    side, -inf at +0 and +inf at -0 (the square's is inf * 0 = nan)."""
    return edge_form(z, _data(z) == 0.0, lambda v: recip(3.0 * (v * v)),
                     lambda v: recip(3.0 * v) * recip(v))


def pow_base_slope(x: Any, p: Any) -> Any:
    """d(x**p)/dx = p * x**(p-1), and 0 where p == 0 (x**0 is constant, even at 0).

    For p = +-inf, x**p is 0, 1 or inf on pieces: its slope is 0 off |x| = 1 (the
    jumps, where it is nan, and at a nan base), not inf * 0.
    """
    if p.__class__ is float and p - p != 0.0 and p == p:
        pieces = np.where((np.abs(_data(x)) == 1.0) | np.isnan(_data(x)), np.nan, 0.0)
        return _mask_like(x, pieces if pieces.ndim else float(pieces))
    if not _is_value(p):
        slope = p * power(x, p - 1.0)
        if p.__class__ is float:
            return slope if p != 0.0 else full_like(x, 0.0)
        infinite = np.where((np.abs(x) == 1.0) | np.isnan(x), np.nan, 0.0)  # x**+-inf's pieces, as above
        return np.where(p == 0.0, 0.0, np.where(np.isinf(p), infinite, slope))
    # A Value exponent.  At p = +-inf the slope is the constant of the pieces (above).  At
    # a base 0, at p = 0 and for |p| >= 2**53 it is a node of the pow_dx row, y * z / x,
    # whose own slopes are in closed form: in p * x**(p-1) they would be 0 * inf at x = 0
    # and at p = 0 where x**(p-2) or x**(p-1) log x overflows (d/dp is 1/x there), and
    # for |p| >= 2**53 p - 1 rounds to p, so that (-1)**(p-1) would get p's parity.
    pd, xd = p.data, _data(x)
    with np.errstate(all="ignore"):
        infinite = np.isinf(pd)
        exact = ((np.asarray(xd) == 0.0) | np.isinf(xd) | (pd == 0.0)
                 | (np.abs(pd) >= 9007199254740992.0))
        exact = np.broadcast_to(exact & ~infinite, np.broadcast_shapes(np.shape(pd), np.shape(xd)))

        def build(x: Any, p: Any) -> Any:  # each sample the form float mode gives it
            return per_sample([exact, ~exact], [_pow_dx_row, _pow_rule], x, p)

        if not infinite.any():
            return build(x, p)
        limit = pow_base_slope(xd, pd)  # the pieces of x**+-inf, as numbers
    if pd.__class__ is float:
        return _constant_like(p, limit)
    return masked_limits(p, np.broadcast_to(infinite, np.shape(limit)), limit, build, x, p)


def _pow_rule(x: Any, p: Any) -> Any:
    return p * power(x, p - 1.0)


def _pow_dx_row(x: Any, p: Any) -> Any:
    return _row_node("POW_DX", x, p)


def pow_slope(x: Any, y: Any, z: Any) -> Any:
    """d(x**y)/dx = y * x**(y-1), as y * z / x from the output z = x**y where that is exact.

    y - 1 rounds, and x**(y - 1) turns the rounding into |log x| ulps of
    error (27 at x = 0.001, y = -pi); z / x is off by one rounding.  Where z
    is 0, subnormal or infinite, or x is 0, the power form (IEEE at the poles).
    On Values the same, sample by sample (so create_graph's first derivative is float
    mode's, and a batch's sample gets float mode's second derivatives, whatever the
    other samples are).
    """
    if x.__class__ is float and y.__class__ is float and z.__class__ is float:
        # (x = 0 has z = 0, inf or nan; y = +-inf: 1**inf)
        if y != 0.0 and 1e-300 < abs(z) < 1e300 and y - y == 0.0:
            if -_TINY < x < _TINY:
                return (y * _SCALE) * (z / (x * _SCALE))
            return y * (z / x)
        return pow_base_slope(x, y)
    if isinstance(z, ndarray):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ok = (y != 0.0) & (np.abs(z) > 1e-300) & (np.abs(z) < 1e300) & np.isfinite(y)
            return np.where(ok, _y_z_over_x(x, y, z), pow_base_slope(x, y))
    if _is_value(z):
        yd, zd = _data(y), z.data
        with np.errstate(invalid="ignore"):
            ok = (yd != 0.0) & (np.abs(zd) > 1e-300) & (np.abs(zd) < 1e300) & np.isfinite(yd)
        return per_sample([ok, ~ok], [_y_z_over_x, lambda x, y, z: pow_base_slope(x, y)], x, y, z)
    return pow_base_slope(x, y)


# Below 2**-400, z / x overflows where y * z / x does not (x = y = 5e-324: z / x = inf for a
# slope of 1): x and y scaled by 2**600 first, exactly, so the quotient and the product
# round as y * (z / x) does wherever that is finite.
_TINY = 2.0 ** -400
_SCALE = 2.0 ** 600


def _y_z_over_x(x: Any, y: Any, z: Any) -> Any:
    """y * z / x on a batch or a Value, through x and y scaled where |x| < 2**-400."""
    xd = np.abs(_data(x))
    if not (xd < _TINY).any():
        return y * (z / x)
    where = np.where(xd < _TINY, _SCALE, 1.0)
    scale: Any = float(where) if where.ndim == 0 else where
    return (y * scale) * (z / (x * scale))


def pow_exponent_slope(x: Any, out: Any, y: Any = None) -> Any:
    """d(x**y)/dy = x**y * log(x).

    At x = 0 the limit of x**y log(x) as x -> 0+: 0 for y > 0 (out = 0: 0 log 0 = 0),
    -inf for y = 0 (out = 1: 0**y falls from 1 to 0, and log(x) -> -inf).  For x < 0
    the real power exists only at integer y and has no derivative in y, so the result
    is nan (anomaly mode reports it), and on Values so are its own derivatives.

    On Values (``create_graph``, where ``y`` must be given) with a base at 0, the slope
    is a node of the table's ``pow_dy`` row, whose own slopes are the limits at 0:
    d/dx (x**y log x) = x**(y-1) (y log x + 1) is -inf at (0, 1), as the difference
    quotient says, where a product with log(0) would give nan or a constant 0.
    """
    if x.__class__ is float and out.__class__ is float:
        if x > 0.0:  # (x**y log x -> 0 as x -> inf for y < 0, where out * log(inf) is nan)
            return out * math.log(x) if out != 0.0 or x != _INF else 0.0
        return (0.0 if out == 0.0 else out * -_INF) if x == 0.0 else math.nan
    if isinstance(x, ndarray) or isinstance(out, ndarray):  # (a number base, a batch exponent)
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where((out == 0.0) & (x == _INF), 0.0, out * np.log(x))
            at_zero = np.where(out == 0.0, 0.0, out * -_INF)
        return np.where(x > 0.0, slope, np.where(x == 0.0, at_zero, np.nan))
    xd = x.data  # a Value: the rule of x**y under create_graph, which passes y
    edge = np.broadcast_to((np.asarray(xd) == 0.0) | np.isinf(xd), np.shape(_data(out)))
    return per_sample([edge, ~edge], [lambda x, y, out: _row_node("POW_DY", x, y),  # the limits
                                      # x < 0: a nan node (nan derivatives too)
                                      lambda x, y, out: _ieee(lambda: out * log(x))], x, y, out)


# ------------------------------------------------------------------ pow_dx, pow_dy
# The slopes of x**y as functions of their own, rows of the table that create_graph
# builds where the base is 0: their own slopes there are the limits as x -> 0+, so the
# second partials of x**y at a zero base are those limits in both orders (a product
# with log(0) or 0**(y-1) would give nan, a constant would give 0).


def _row_node(row: str, x: Any, y: Any) -> Any:
    """A node of the table's row ``row`` on the Values (or numbers) x, y."""
    from autograd import ops  # at call time: the table is above this module
    from autograd.nodes import apply2

    return _ieee(lambda: apply2(getattr(ops, row), x, y))  # a sample's x < 0: nan


def pow_dx(x: Any, y: Any) -> Any:
    """y * x**(y-1), the slope of x**y in x (0 where y = 0: x**0 is flat), as y * z / x
    where that is exact (see :func:`pow_slope`)."""
    return pow_slope(x, y, power(x, y))


def pow_dy(x: Any, y: Any) -> Any:
    """x**y * log(x), the slope of x**y in y: at x = 0 its limit (0 for y > 0, -inf at
    y = 0), nan for x < 0."""
    return pow_exponent_slope(x, power(x, y))


def _at_zero_base(y: Any, above: Any, at: Any, inside: Any, flat: Any, below: Any) -> Any:
    """A limit as x -> 0+ that depends on y only: ``above`` for y > 1, ``at`` at y = 1,
    ``inside`` for 0 < y < 1, ``flat`` at y = 0, ``below`` for y < 0; nan for nan."""
    return np.where(y > 1.0, above, np.where(y == 1.0, at, np.where(
        y > 0.0, inside, np.where(y == 0.0, flat, np.where(y < 0.0, below, np.nan)))))


def _mixed_at_infinity(x: Any, y: Any) -> Any:
    """x**(y-1) (1 + y log x), the mixed partial of x**y, at x = +-inf: its limits as
    x -> +inf (inf for y >= 1, 0 for 0 <= y < 1, -0 for y < 0), and nan at -inf (no
    derivative in y of a power of a negative base)."""
    return np.where(x > 0.0, _at_zero_base(y, _INF, _INF, 0.0, 0.0, -0.0), np.nan)


def _limits_or(x: Any, value: Any, limit: Any) -> Any:
    out = np.where(x == 0.0, limit, value)
    return float(out) if out.ndim == 0 else out


def pow_dx_slopes(x: Any, y: Any, z: Any) -> tuple[Any, Any]:
    """The ``pow_dx`` row's rule: (d/dx, d/dy) of z = y x**(y-1): y (y-1) x**(y-2) =
    (y-1) z / x and x**(y-1) (1 + y log x) = x**y / x + z log x; at x = 0 their limits
    (d/dx: 0 for y > 2, 2 at y = 2, inf for 1 < y < 2 and y < 0, 0 at y = 1, -inf for
    0 < y < 1, 0 at y = 0, where x**0 is flat; d/dy: 0 for y > 1, -inf for 0 < y <= 1,
    inf for y <= 0: 1/x at y = 0, as in the other order, d/dx of pow_dy)."""
    if _is_value(z):  # (a rule's inputs and output are all Values or all data)
        return _slopes_of_values(pow_dx_slopes, x, y, z, lambda: (
            (y - 1.0) * (z / x), power(x, y) / x + z * log(x)))
    x, y, z = (np.asarray(a, dtype=np.float64) for a in (x, y, z))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        finite = np.isfinite(x)  # (at x = +-inf the forms with z / x are inf / inf)
        dx = np.where(finite, (y - 1.0) * (z / x), y * (y - 1.0) * power(x, y - 2.0))
        dy = np.where(finite, power(x, y) / x + z * np.log(x), _mixed_at_infinity(x, y))
        dx_limit = np.where(y == 2.0, 2.0, np.where(y > 2.0, 0.0, _at_zero_base(
            y, _INF, 0.0, -_INF, 0.0, _INF)))
        dy_limit = _at_zero_base(y, 0.0, -_INF, -_INF, _INF, _INF)
    return _limits_or(x, dx, dx_limit), _limits_or(x, dy, dy_limit)


def pow_dy_slopes(x: Any, y: Any, z: Any) -> tuple[Any, Any]:
    """The ``pow_dy`` row's rule: (d/dx, d/dy) of z = x**y log x: x**(y-1) (y log x + 1) =
    (y z + x**y) / x and z log x; at x = 0 their limits (d/dx: 0 for y > 1, -inf for
    0 < y <= 1, inf for y <= 0, where x**y log x falls to -inf; d/dy: 0 for y > 0, inf
    for y <= 0)."""
    if _is_value(z):  # (a rule's inputs and output are all Values or all data)
        return _slopes_of_values(pow_dy_slopes, x, y, z, lambda: (
            (y * z + power(x, y)) / x, z * log(x)))
    x, y, z = (np.asarray(a, dtype=np.float64) for a in (x, y, z))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        finite = np.isfinite(x)
        dx = np.where(finite, (y * z + power(x, y)) / x, _mixed_at_infinity(x, y))
        dy = np.where(finite, z * np.log(x),
                      np.where(x > 0.0, _at_zero_base(y, _INF, _INF, _INF, _INF, 0.0), np.nan))
        dx_limit = _at_zero_base(y, 0.0, -_INF, -_INF, _INF, _INF)
        dy_limit = np.where(y > 0.0, 0.0, np.where(y == y, _INF, np.nan))
    return _limits_or(x, dx, dx_limit), _limits_or(x, dy, dy_limit)


def _slopes_of_values(rule: Any, x: Any, y: Any, z: Any, build: Any) -> tuple[Any, Any]:
    """A pow_dx/pow_dy rule on Values (a third derivative of x**y): the data's forms
    (with z / x, so the same numbers as on data) where every base is positive and
    finite, else the limits at the data as constants (derivatives of x**y beyond the
    second at a base <= 0 or at inf are not followed)."""
    xd = np.asarray(_data(x))
    if not ((xd > 0.0) & (xd < _INF)).all():
        dx, dy = rule(_data(x), _data(y), _data(z))
        return _constant_like(x, dx), _constant_like(x, dy)
    return _ieee(build)
