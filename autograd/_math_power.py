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

from autograd._math import _INF, _constant_like, _data, _ieee, _is_value, full_like, log, ndarray


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
            return np.power(x, p)
    return _ieee(lambda: x**p)


def recip(x: Any) -> Any:
    """1/x with IEEE semantics: 1/0 is inf (1/-0 is -inf) instead of raising."""
    if x.__class__ is float:
        return 1.0 / x if x != 0.0 else math.copysign(_INF, x)
    if isinstance(x, ndarray):
        with np.errstate(divide="ignore", over="ignore"):
            return 1.0 / x
    return _ieee(lambda: 1.0 / x)  # at 0 a node holding inf: (1/x)' = -1/x**2 = -inf there


def pow_base_slope(x: Any, p: Any) -> Any:
    """d(x**p)/dx = p * x**(p-1), and 0 where p == 0 (x**0 is constant, even at 0).

    For p = +-inf, x**p is 0, 1 or inf on pieces: its slope is 0 off |x| = 1 (the
    jumps, where it is nan), not inf * 0.
    """
    if p.__class__ is float and p - p != 0.0 and p == p:
        jump = full_like(x, math.nan)
        flat = full_like(x, 0.0)
        if hasattr(x, "data") and not isinstance(x, ndarray):
            x = x.data
        if isinstance(x, ndarray):
            return np.where(np.abs(x) == 1.0, jump if isinstance(jump, ndarray) else np.nan, 0.0)
        return jump if abs(x) == 1.0 else flat
    if not _is_value(p):
        slope = p * power(x, p - 1.0)
        if p.__class__ is float:
            return slope if p != 0.0 else full_like(x, 0.0)
        infinite = np.where(np.abs(x) == 1.0, np.nan, 0.0)  # the pieces of x**+-inf, as above
        return np.where(p == 0.0, 0.0, np.where(np.isinf(p), infinite, slope))
    # A Value exponent: at p = 0 the slope p * x**(p-1) is 0 but its derivative in p is
    # 1/x, so the product stays, except where 1/x is inf or nan (x = 0, nan): there
    # x**0 = 1 is flat and the slope a constant 0 (on a batch, x**(p-1) is taken at 1).
    pd, xd = p.data, _data(x)
    if pd.__class__ is float and _data(x).__class__ is float:
        if (pd == 0.0 and (xd == 0.0 or xd != xd)) or math.isinf(pd):
            return _constant_like(p, pow_base_slope(xd, pd))  # flat (or a jump of x**+-inf)
        return p * power(x, p - 1.0)
    with np.errstate(invalid="ignore"):
        flat = _constant_like(p, ((pd == 0.0) & (xd == 0.0)) + np.zeros(np.shape(pd)))
    return p * power(x + flat, p - 1.0)


def pow_slope(x: Any, y: Any, z: Any) -> Any:
    """d(x**y)/dx = y * x**(y-1), as y * z / x from the output z = x**y where that is exact.

    y - 1 rounds, and x**(y - 1) turns the rounding into |log x| ulps of
    error (27 at x = 0.001, y = -pi); z / x is off by one rounding.  Where z
    is 0, subnormal or infinite, or x is 0, the power form (IEEE at the poles).
    On Values the power form (it is differentiated).
    """
    if x.__class__ is float and y.__class__ is float and z.__class__ is float:
        if x != 0.0 and y != 0.0 and 1e-300 < abs(z) < 1e300:
            return y * (z / x)
        return pow_base_slope(x, y)
    if isinstance(z, ndarray):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ok = (x != 0.0) & (y != 0.0) & (np.abs(z) > 1e-300) & (np.abs(z) < 1e300)
            return np.where(ok, y * (z / np.where(ok, x, 1.0)), pow_base_slope(x, y))
    return pow_base_slope(x, y)


def pow_exponent_slope(x: Any, out: Any) -> Any:
    """d(x**y)/dy = x**y * log(x).

    At x = 0 the limit of x**y log(x) as x -> 0+: 0 for y > 0 (out = 0: 0 log 0 = 0),
    -inf for y = 0 (out = 1: 0**y falls from 1 to 0, and log(x) -> -inf).  For x < 0
    the real power exists only at integer y and has no derivative in y, so the result
    is nan (anomaly mode reports it), and on Values so are its own derivatives.
    """
    if x.__class__ is float:
        if x > 0.0:
            return out * math.log(x)
        return (0.0 if out == 0.0 else out * -_INF) if x == 0.0 else math.nan
    if isinstance(x, ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = out * np.log(x)
            at_zero = np.where(out == 0.0, 0.0, out * -_INF)
        return np.where(x > 0.0, slope, np.where(x == 0.0, at_zero, np.nan))
    xd = x.data
    if xd.__class__ is float:
        if xd == 0.0:
            return _constant_like(x, pow_exponent_slope(0.0, out.data))
        return _ieee(lambda: out * log(x))  # x < 0: a nan node (nan derivatives too)
    if not (xd == 0.0).any():
        return _ieee(lambda: out * log(x))
    # the samples at x = 0 get the limit, a constant: log(0 + 1) = 0 keeps 0 * -inf out
    zero = _constant_like(x, (xd == 0.0).astype(np.float64))
    limit = _constant_like(x, np.where(xd == 0.0, pow_exponent_slope(np.zeros_like(xd), out.data), 0.0))
    return _ieee(lambda: out * log(x + zero) * (1.0 - zero) + limit)
