"""The numerics of piecewise functions: max and min with their ties, clamp, the hard
activations, rounding, ``//`` and ``%``.

A piece's slope is a constant (on a Value, a graph constant): flat pieces pass
exactly 0, and at a tie or a bound the conventions are PyTorch's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd._math import _data, _is_value, ndarray
from autograd._math_masks import _constant_like, _mask_like, cut


def max_slopes(x: Any, y: Any, larger: bool) -> tuple[Any, Any]:
    """d max(x, y) (``larger``) or d min(x, y): 1 to the chosen input, 0 to the other,
    1/2 to each at a tie (PyTorch's maximum and minimum); nan to both where either is
    nan (the result is nan: no input's number is its slope; PyTorch gives 1 to both)."""
    xd, yd = _data(x), _data(y)
    if xd.__class__ is float and yd.__class__ is float:
        if xd != xd or yd != yd:
            return _mask_like(x, math.nan), _mask_like(y, math.nan)
        if xd == yd:
            return _mask_like(x, 0.5), _mask_like(y, 0.5)
        lose_x = xd < yd if larger else xd > yd
        return _mask_like(x, 0.0 if lose_x else 1.0), _mask_like(y, 1.0 if lose_x else 0.0)
    with np.errstate(invalid="ignore"):
        nan = np.isnan(xd) | np.isnan(yd)
        tie = xd == yd
        lose_x = (xd < yd) if larger else (xd > yd)
        lose_y = (xd > yd) if larger else (xd < yd)
        dx = np.where(nan, np.nan, np.where(tie, 0.5, np.where(lose_x, 0.0, 1.0)))
        dy = np.where(nan, np.nan, np.where(tie, 0.5, np.where(lose_y, 0.0, 1.0)))
    return _mask_like(x, dx), _mask_like(y, dy)


def extreme(xs: Sequence[Any], larger: bool) -> Any:
    """The largest (or smallest) input; nan if any input is nan (PyTorch's max and min)."""
    if all(v.__class__ is float for v in xs):
        if any(v != v for v in xs):
            return math.nan
        return max(xs) if larger else min(xs)
    # strict comparisons, so that a tie (0.0 and -0.0) keeps the earlier input, as Python's
    # max does in float mode (numpy's maximum may return either zero)
    beats = np.greater if larger else np.less
    out = np.asarray(xs[0], dtype=np.float64)
    nan = np.isnan(out)
    for v in xs[1:]:
        out = np.where(beats(v, out), v, out)
        nan = nan | np.isnan(v)
    out = np.where(nan, np.nan, out)
    return np.array(np.broadcast_to(out, np.broadcast(*xs).shape), dtype=np.float64)


def extreme_slopes(xs: Sequence[Any], z: Any) -> list[Any]:
    """d max(x_1, ..., x_n) / dx_i: 1 for the largest, shared evenly at a tie (PyTorch's
    max); nan to every input where the result is nan (PyTorch gives 1 to the nan and 0
    to the rest)."""
    data = [_data(v) for v in xs]
    zd = _data(z)
    if all(v.__class__ is float for v in data) and zd.__class__ is float:
        if zd != zd:
            return [_mask_like(v, math.nan) for v in xs]
        hits = [1.0 if v == zd else 0.0 for v in data]
        n = sum(hits) or 1.0
        return [_mask_like(v, h / n) for v, h in zip(xs, hits)]
    masks = [np.asarray(v == zd, dtype=np.float64) + np.zeros(np.shape(zd)) for v in data]
    count = np.where(np.isnan(zd), np.nan, np.maximum(sum(masks), 1.0))
    return [_mask_like(v, mk / count) for v, mk in zip(xs, masks)]


def interior(x: Any, lo: float, hi: float, slope: float = 1.0) -> Any:
    """``slope`` where lo < x < hi, else 0: the slope of hardtanh, relu6 and hardsigmoid
    (0 at the bounds themselves, as PyTorch's); nan at nan (PyTorch gives 1 or 0 there);
    a constant on a Value."""
    xd = _data(x)
    if xd.__class__ is float:
        return _mask_like(x, slope if lo < xd < hi else (0.0 if xd == xd else math.nan))
    return _mask_like(x, np.where((xd > lo) & (xd < hi), slope, np.where(np.isnan(xd), np.nan, 0.0)))


def clip(x: Any, lo: float, hi: float) -> Any:
    """lo below lo, hi above hi, x between (hardtanh's forward)."""
    if x.__class__ is float:
        return lo if x < lo else (hi if x > hi else x)
    return np.where(x < lo, lo, np.where(x > hi, hi, x))


def clamp(xs: Sequence[Any]) -> Any:
    """min(max(x, lo), hi) for inputs [x, lo, hi]: hi when lo > hi, nan when any input
    is nan (both as PyTorch's clamp)."""
    x, lo, hi = xs
    if x.__class__ is float and lo.__class__ is float and hi.__class__ is float:
        if x != x or lo != lo or hi != hi:
            return math.nan
        return min(max(x, lo), hi)
    # float mode's max and min (std::max and std::min, as PyTorch's clamp): a bound
    # replaces x only when it is strictly beyond it, so clamp(-0.0, 0, 2) is -0.0; and
    # broadcast by copying, not by adding zeros (-0.0 + 0.0 would be +0.0)
    low = np.where(np.asarray(x) < lo, lo, x)
    out = np.where(np.isnan(lo) | np.isnan(hi), np.nan, np.where(hi < low, hi, low))
    return np.array(np.broadcast_to(out, np.broadcast(x, lo, hi).shape), dtype=np.float64)


def clamp_slopes(xs: Sequence[Any], z: Any) -> list[Any]:
    """(dz/dx, dz/dlo, dz/dhi) of clamp, PyTorch's rule for tensor bounds: 1 to x when
    lo <= x <= hi (bounds included), to lo when x < lo < hi, to hi when x > hi or
    lo > hi (then z = hi); none at all when x < lo == hi; nan to all three where an
    input is nan (PyTorch gives 0)."""
    x, lo, hi = (_data(v) for v in xs)
    if x.__class__ is float and lo.__class__ is float and hi.__class__ is float:
        if x != x or lo != lo or hi != hi:
            return [_mask_like(v, math.nan) for v in xs]
        d = (1.0 if lo <= x <= hi else 0.0, 1.0 if x < lo < hi else 0.0,
             1.0 if (x > hi or lo > hi) else 0.0)
        return [_mask_like(v, di) for v, di in zip(xs, d)]
    shape = np.broadcast(x, lo, hi).shape
    nan = np.isnan(x) | np.isnan(lo) | np.isnan(hi)
    inside = (np.asarray(lo) <= x) & (np.asarray(x) <= hi)
    below = (np.asarray(x) < lo) & (np.asarray(lo) < hi)
    above = (np.asarray(x) > hi) | (np.asarray(lo) > hi)
    return [_mask_like(v, np.broadcast_to(np.where(nan, np.nan, m), shape).astype(np.float64))
            for v, m in zip(xs, (inside, below, above))]


def clamp_piece(xs: Sequence[Any]) -> Any:
    """Which piece of clamp the inputs are on: -1 below lo, 0 inside, 1 above hi."""
    x, lo, hi = xs
    return np.where(np.asarray(lo) > np.asarray(hi), 2, np.where(np.asarray(x) < lo, -1,
                                                                  np.where(np.asarray(x) > hi, 1, 0)))


def hardsigmoid(x: Any) -> Any:
    """0 for x <= -3, 1 for x >= 3, x/6 + 1/2 between."""
    if x.__class__ is float:
        return 0.0 if x <= -3.0 else (1.0 if x >= 3.0 else x / 6.0 + 0.5)
    return np.where(x <= -3.0, 0.0, np.where(x >= 3.0, 1.0, x / 6.0 + 0.5))


def hardswish(x: Any) -> Any:
    """x * hardsigmoid(x): 0 for x <= -3, x for x >= 3, x (x + 3) / 6 between."""
    if x.__class__ is float:
        return 0.0 if x <= -3.0 else (x if x >= 3.0 else x * (x + 3.0) / 6.0)
    return np.where(x <= -3.0, 0.0, np.where(x >= 3.0, x, x * (x + 3.0) / 6.0))


def hardswish_slope(x: Any) -> Any:
    """0 for x <= -3, 1 for x >= 3, (2x + 3)/6 strictly between (PyTorch's at +-3)."""
    if x.__class__ is float:
        return 0.0 if x <= -3.0 else (1.0 if x >= 3.0 else (2.0 * x + 3.0) / 6.0)
    if isinstance(x, ndarray):
        return np.where(x <= -3.0, 0.0, np.where(x >= 3.0, 1.0, (2.0 * x + 3.0) / 6.0))
    xd = x.data
    if xd.__class__ is float:  # a piece at a time: inf * 0 never happens
        if xd <= -3.0 or xd >= 3.0 or xd != xd:
            return _constant_like(x, hardswish_slope(xd))
        return (2.0 * x + 3.0) / 6.0
    # float mode's pieces sample by sample: the middle one where -3 < x < 3 (on x clamped,
    # so that no sample computes inf), a cut's constant 0, 1 or nan elsewhere
    middle = (xd > -3.0) & (xd < 3.0)
    return cut((2.0 * x.clamp(-3.0, 3.0) + 3.0) / 6.0, middle, _constant_like(x, hardswish_slope(xd)))



def rounding(name: str) -> Callable[[Any], Any]:
    """floor, ceil, round (half to even, like Python's and PyTorch's) or trunc, as floats."""
    table: dict[str, Callable[[Any], Any]] = {"floor": np.floor, "ceil": np.ceil,
                                              "round": np.round, "trunc": np.trunc}
    fn = table[name]

    def f(x: Any) -> Any:
        if x.__class__ is float:
            return float(fn(x))
        return fn(x)

    f.__name__ = name
    return f


def floor_quotient(x: Any, y: Any) -> Any:
    """x // y with Python's semantics (floor of the quotient); a constant on Values."""
    xd, yd = _data(x), _data(y)
    if xd.__class__ is float and yd.__class__ is float:
        q = xd // yd if yd != 0.0 else math.nan
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.floor_divide(xd, yd)
    return q if xd is x and yd is y else _constant_like(x if _is_value(x) else y, q)


def remainder(x: Any, y: Any) -> Any:
    """x % y with Python's semantics: the sign of y (numpy's remainder on batches)."""
    if x.__class__ is float and y.__class__ is float:
        return x % y
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.remainder(x, y)


def where(xs: Sequence[Any]) -> Any:
    """x where the condition c is nonzero (nan counts as nonzero, as numpy's), else y,
    for inputs [c, x, y]: picks rather than blends, so the other input's inf or nan
    never reaches the output."""
    c, x, y = xs
    if c.__class__ is float and x.__class__ is float and y.__class__ is float:
        return x if c != 0.0 else y
    return np.array(np.broadcast_to(np.where(np.asarray(c) != 0.0, x, y), np.broadcast(c, x, y).shape),
                    dtype=np.float64)


def where_slopes(xs: Sequence[Any], z: Any) -> list[Any]:
    """(dz/dc, dz/dx, dz/dy) of where: 0 to the condition (flat, with a jump at 0), 1 to the
    input picked and 0 to the other; constants on Values."""
    c, x, y = (_data(v) for v in xs)
    if c.__class__ is float and x.__class__ is float and y.__class__ is float:
        one = 1.0 if c != 0.0 else 0.0
        return [_mask_like(xs[0], 0.0), _mask_like(xs[1], one), _mask_like(xs[2], 1.0 - one)]
    shape = np.broadcast(c, x, y).shape
    pick = np.broadcast_to(np.asarray(c) != 0.0, shape)
    return [_mask_like(xs[0], np.zeros(shape)), _mask_like(xs[1], pick.astype(np.float64)),
            _mask_like(xs[2], (~pick).astype(np.float64))]
