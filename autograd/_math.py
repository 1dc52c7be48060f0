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
from contextvars import ContextVar
from typing import Any

import numpy as np

from autograd._math_masks import _constant_like, cut, per_sample

ndarray = np.ndarray
_INF = math.inf
_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_2_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)
_erf_array = np.frompyfunc(math.erf, 1, 1)
_erfc_array = np.frompyfunc(math.erfc, 1, 1)


_IEEE: ContextVar[bool] = ContextVar("autograd.ieee", default=False)


def ieee_arithmetic() -> bool:
    """True while :func:`_ieee` rebuilds a rule: ops on Values then give IEEE results
    outside their domain (1/0 = inf, log(0) = -inf) instead of raising (autograd.nodes
    reads it where a domain check or a forward has failed)."""
    return _IEEE.get()


def _ieee(build: Callable[[], Any]) -> Any:
    """``build()``, a rule's arithmetic on Values; where one of its ops refuses its input
    (a pole, the log of 0), built again with IEEE results: a node holding the infinity,
    not a constant, so that its own derivatives are IEEE's too (sqrt''(0) = -inf, and
    the nan slope in y of (-2)**y has nan derivatives, not 0)."""
    try:
        return build()
    except (ArithmeticError, ValueError):
        token = _IEEE.set(True)
        try:
            return build()
        finally:
            _IEEE.reset(token)


def _elementwise(name: str, scalar: Callable[[float], float],
                 array: Callable[[np.ndarray], np.ndarray], doc: str) -> Callable[[Any], Any]:
    """One function of the three kinds of argument: math for a float, numpy for a
    batch, and the Value method of the same name (which records the op)."""

    def f(x: Any) -> Any:
        if x.__class__ is float:
            try:
                return scalar(x)
            except OverflowError:  # IEEE: an overflow is +-inf, as numpy gives it
                with np.errstate(all="ignore"):
                    return float(array(np.float64(x)))
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
erfc = _elementwise("erfc", math.erfc, lambda x: np.asarray(_erfc_array(x), dtype=np.float64),
                    "Complementary error function 1 - erf(x), accurate where erf(x) is near 1.")
tan = _elementwise("tan", math.tan, np.tan, "Tangent.")
sinh = _elementwise("sinh", math.sinh, np.sinh, "Hyperbolic sine.")
cosh = _elementwise("cosh", math.cosh, np.cosh, "Hyperbolic cosine.")
asin = _elementwise("asin", math.asin, np.arcsin, "Inverse sine (-1 <= x <= 1).")
acos = _elementwise("acos", math.acos, np.arccos, "Inverse cosine (-1 <= x <= 1).")
atan = _elementwise("atan", math.atan, np.arctan, "Inverse tangent.")
asinh = _elementwise("asinh", math.asinh, np.arcsinh, "Inverse hyperbolic sine.")
acosh = _elementwise("acosh", math.acosh, np.arccosh, "Inverse hyperbolic cosine (x >= 1).")
atanh = _elementwise("atanh", math.atanh, np.arctanh, "Inverse hyperbolic tangent (-1 < x < 1).")
log1p = _elementwise("log1p", math.log1p, np.log1p, "log(1 + x), exact for small x.")
expm1 = _elementwise("expm1", math.expm1, np.expm1, "e**x - 1, exact for small x.")
log2 = _elementwise("log2", math.log2, np.log2, "Base-2 logarithm.")
log10 = _elementwise("log10", math.log10, np.log10, "Base-10 logarithm.")
exp2 = _elementwise("exp2", lambda x: 2.0**x, np.exp2, "2**x.")
cbrt = _elementwise("cbrt", getattr(math, "cbrt", lambda x: float(np.cbrt(x))), np.cbrt,
                    "Real cube root (negative for negative x).")


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
        # the float path's quotients from one exp and no select: with small = e**-|x| <= 1,
        # max(small, x >= 0) is 1 for x >= 0 and small below (nan stays nan)
        small: np.ndarray = np.abs(x)
        np.negative(small, out=small)
        np.exp(small, out=small)
        denominator = small + 1.0
        np.maximum(small, x >= 0.0, out=small)
        return np.divide(small, denominator, out=small)
    return x.sigmoid()


def softplus(x: Any) -> Any:
    """log(1 + e**x) as max(x, 0) + log1p(e**-|x|): no overflow at large x."""
    if x.__class__ is float:
        return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    if isinstance(x, ndarray):
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    return x.softplus()


def _split(x: Any) -> tuple[Any, Any]:
    """Veltkamp's split: x = hi + lo exactly, each half with 26 significant bits."""
    c = 134217729.0 * x  # 2**27 + 1
    hi = c - (c - x)
    return hi, x - hi


def _square_error(x: Any, p: Any) -> Any:
    """x*x - p exactly, for p = fl(x*x) (Dekker's product; |x| < 1e150)."""
    hi, lo = _split(x)
    return ((hi * hi - p) + 2.0 * hi * lo) + lo * lo


def exp_neg_square(x: Any, scale: float = 1.0) -> Any:
    """e**(-scale * x**2) for scale 1 or 1/2, to an ulp or two.

    x*x rounds by half an ulp of x**2, which e**(-x**2) turns into a relative
    error of about x**2 ulps (400 at x = 20, where erf' and the normal density
    are still far from 0); the rounding error e of the square is added back as
    e**(-p) * (1 - e).  On a Value the formula (it is differentiated) times that
    correction as a constant: its own slope is e's, of order 1e-16 relative, so the
    node's value and its derivative -2 scale x e**(-scale x**2) are both accurate.
    """
    if x.__class__ is float:
        p = x * x
        if not p < 1500.0:  # e**(-p) is 0 anyway (and inf, nan stay as they are)
            return math.exp(-scale * p)
        return math.exp(-scale * p) * (1.0 - scale * _square_error(x, p))
    if isinstance(x, ndarray):
        pa: Any = x * x
        return np.exp(-scale * pa) * _square_correction(x, pa, scale)
    plain = exp(-scale * (x * x))
    xd = x.data
    if xd.__class__ is float:
        pf = xd * xd
        factor: Any = 1.0 - scale * _square_error(xd, pf) if pf < 1500.0 else 1.0
    else:
        factor = _square_correction(xd, xd * xd, scale)
    return plain if np.all(factor == 1.0) else plain * _constant_like(x, factor)


def _square_correction(x: Any, p: Any, scale: float) -> Any:
    """1 - scale * (x*x - p) on a batch, 1 where e**(-p) is 0 anyway (or inf, nan)."""
    small = p < 1500.0
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.where(small, _square_error(np.where(small, x, 0.0), p), 0.0)
    return 1.0 - scale * e


_INV_SQRT_2_HI = 0.7071067811865476
_INV_SQRT_2_LO = -4.833646656726457e-17  # 1/sqrt(2) - _INV_SQRT_2_HI


def _minus_x_over_sqrt2(x: Any) -> tuple[Any, Any]:
    """t = fl(-x / sqrt 2) and its rounding error dt (t + dt = -x / sqrt 2 to 2**-100)."""
    t = -x * _INV_SQRT_2_HI
    with np.errstate(over="ignore", invalid="ignore"):
        xh, xl = _split(-x)
        rh, rl = _split(_INV_SQRT_2_HI)
        err = ((xh * rh - t) + xh * rl + xl * rh) + xl * rl  # -x * hi - t, exactly
        dt = err + -x * _INV_SQRT_2_LO
    return t, dt


def normal_cdf(x: Any) -> Any:
    """Phi(x), the standard normal CDF.

    As 0.5 * erfc(t), t = -x / sqrt 2, on numbers, which keeps its relative
    accuracy in the far left tail (1 + erf(x) cancels to 0 there).  t itself
    is rounded, and erfc's steep tail turns that half ulp into about 2 t**2
    ulps (900 at x = -30), so the rounding error dt of t is added back:
    erfc(t + dt) = erfc(t) + erfc'(t) dt.  On Values 0.5 * erfc(-x / sqrt 2),
    built from the table's erfc (1 + erf would cancel there too: gelu' at -20 in
    create_graph mode was 0.25% off).
    """
    if x.__class__ is float:
        t, dt = _minus_x_over_sqrt2(x)
        if not math.isfinite(dt):
            return 0.5 * math.erfc(t)
        return 0.5 * math.erfc(t) - dt * _INV_SQRT_PI * exp_neg_square(t)
    if isinstance(x, ndarray):
        t, dt = _minus_x_over_sqrt2(x)
        dt = np.where(np.isfinite(dt), dt, 0.0)
        return (0.5 * np.asarray(_erfc_array(t), dtype=np.float64)
                - dt * _INV_SQRT_PI * exp_neg_square(t))
    return 0.5 * (-x / _SQRT_2).erfc()


def normal_pdf(x: Any) -> Any:
    """phi(x), the standard normal density."""
    return _INV_SQRT_2PI * exp_neg_square(x, 0.5)


def erf_slope(x: Any) -> Any:
    """d/dx erf(x) = 2 / sqrt(pi) * e**(-x**2)."""
    return _2_OVER_SQRT_PI * exp_neg_square(x)


def sech2(x: Any, z: Any) -> Any:
    """tanh'(x) = 1 - tanh(x)**2 = sech(x)**2, given z = tanh(x).

    1 - z*z inherits z's rounding error, magnified z**2 / (1 - z**2) times (100
    ulps at x = 3, everything for |x| > 19), so beyond |z| = 0.4 it is computed
    from x, as 4e/(1 + e)**2 with e = e**(-2|x|) (no overflow).  Below, 1 - z*z
    is within an ulp and needs no exp.  The same on Values (abs has slope 0 at
    0, where tanh'' is 0 too).  On a batch, (1/cosh x)**2 for every sample, no
    select (as accurate: within 3 ulps of mpmath on [-750, 750]).
    """
    if x.__class__ is float:
        if -0.4 < z < 0.4:
            return 1.0 - z * z
        e = math.exp(-2.0 * abs(x))
        return 4.0 * e / ((1.0 + e) * (1.0 + e))
    if isinstance(x, ndarray):
        # (1/cosh x)**2 for every sample: three passes over one array instead of seven
        # over two (within 3 ulps of mpmath, as the float path); 1/cosh x is normal up
        # to |x| = 710, so the square rounds into the subnormals as the exact value does,
        # and beyond, cosh x = inf gives 0, the exact value rounded
        with np.errstate(over="ignore"):
            s: np.ndarray = np.cosh(x)
        np.divide(1.0, s, out=s)
        s *= s
        return s
    # on a Value the float path's two forms, each sample by its own z: the exp form's own
    # slope cancels near 0 (tanh'' 8.9e-5 relative off at 1e-12), 1 - z*z's is -2z z'
    small = np.abs(z.data) < 0.4
    return per_sample([small, ~small], [lambda x, z: 1.0 - z * z, _sech2_of_exp], x, z)


def _sech2_of_exp(x: Any, z: Any) -> Any:
    e = exp(-2.0 * abs(x))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def sigmoid_slope(x: Any, z: Any) -> Any:
    """sigmoid'(x) = z (1 - z), given z = sigmoid(x), with 1 - z as sigmoid(-x).

    For x <= 0, z <= 1/2 and 1 - z is within an ulp.  For x > 0, 1 - z loses
    the small factor (2e8 ulps at x = 20); sigmoid(-x) = e z with e = e**-x,
    so the slope is e z**2.  On a batch, one formula for every sample: sigmoid' is even,
    and with e = e**-|x| it is e / (1 + e)**2, no term cancelling (within 3 ulps of
    mpmath on [-40, 40] and at 2,000 points of [-745, 745]; one exp instead of two).
    """
    if x.__class__ is float:
        if x <= 0.0:
            return z * (1.0 - z)
        return math.exp(-x) * z * z
    if isinstance(x, ndarray):
        # no select (a masked copy took more than half of the time); z is not read
        slope: np.ndarray = np.abs(x)
        np.negative(slope, out=slope)
        np.exp(slope, out=slope)
        denominator = slope + 1.0
        denominator *= denominator
        slope /= denominator
        return slope
    return z * sigmoid(-x)


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
        # the left piece at min(x, 0), written so as to keep -0.0 (float mode's elu(-0.0))
        return np.where(x > 0.0, x, alpha * np.expm1(np.where(x > 0.0, 0.0, x)))
    return x.elu(alpha)


def leaky_relu(x: Any, slope: float) -> Any:
    """x for x > 0, slope * x otherwise (with slope +-0, -slope at -inf: the limit, where
    0 * -inf would be nan)."""
    if x.__class__ is float:
        return x if x > 0.0 else (slope * x if slope or x != -_INF else -slope)
    if isinstance(x, ndarray):
        with np.errstate(invalid="ignore"):  # (0 * -inf, replaced by its limit)
            left = slope * x if slope else np.where(x == -_INF, -slope, slope * x)
        return np.where(x > 0.0, x, left)
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
    xd = x.data
    if xd.__class__ is float:
        return step(x) if xd > 0.0 else alpha * x.exp()
    # the right piece a cut's constant 1, as float mode's (so an inf from above meets no 0);
    # e**min(x, 0) keeps the left piece finite there, and clamp's slope 1 at 0 keeps elu''(0)
    left = alpha * x.clamp(-_INF, 0.0).exp()
    return cut(left, ~(xd > 0.0), _constant_like(x, np.ones_like(xd)))  # (nan picks the left: nan)


def step(x: Any) -> Any:
    """1 where x > 0, else 0: the derivative of relu (relu'(0) = 0 by convention);
    nan at nan (a kink's convention never turns nan into a number).

    On a Value it returns a constant: step is flat wherever it is differentiable.
    """
    if x.__class__ is float:
        return 1.0 if x > 0.0 else (0.0 if x <= 0.0 else math.nan)
    if isinstance(x, ndarray):
        # one comparison and a cast (a nested where costs 5-10x more on a large block)
        out = np.asarray(np.greater(x, 0.0), dtype=np.float64)
        least = np.minimum.reduce(x, axis=None)  # nan if any sample is: one read, no array
        if least != least:
            out[np.isnan(x)] = np.nan
        return out
    return _constant_like(x, step(x.data))


def select(x: Any, positive: Any, otherwise: Any) -> Any:
    """``positive`` where x > 0, else ``otherwise``: a piecewise rule's two branches.

    Picks rather than blends, so an infinite value on the unused branch cannot
    turn into 0 * inf = nan.  On a batch Value (create_graph) the branches are
    blended with a constant 0/1 mask.  nan at nan: no branch's number is nan's slope.
    """
    if x.__class__ is float:
        return positive if x > 0.0 else (otherwise if x <= 0.0 else math.nan)
    if isinstance(x, ndarray):
        return np.where(x > 0.0, positive, np.where(x <= 0.0, otherwise, np.nan))
    if x.data.__class__ is float:
        if x.data != x.data:
            return _constant_like(x, math.nan)
        return positive if x.data > 0.0 else otherwise
    mask = step(x)  # (nan at a nan sample, so the blend is nan there)
    return mask * positive + (1.0 - mask) * otherwise


def sign(x: Any) -> Any:
    """-1, 0 or 1: the derivative of abs (abs'(0) = 0 by convention; nan stays nan)."""
    if x.__class__ is float:
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else (0.0 if x == 0.0 else x))
    if isinstance(x, ndarray):
        return np.sign(x)
    return _constant_like(x, sign(x.data))


def batch_size(x: Any) -> int:
    """Number of samples in a batch (of an array, or of a Value holding one)."""
    data = x if isinstance(x, ndarray) else x.data
    return int(data.shape[0])


def _is_value(x: Any) -> bool:
    """True for a Value (this module cannot import the class: it is below it)."""
    return not isinstance(x, (float, ndarray)) and hasattr(x, "grad")


def _data(x: Any) -> Any:
    return x.data if _is_value(x) else x
