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
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

import numpy as np

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
    outside their domain (1/0 = inf, log(0) = -inf, log(-1) = nan) instead of raising.
    autograd.value reads it only where a domain check or a forward has failed."""
    return _IEEE.get()


def _ieee(build: Callable[[], Any]) -> Any:
    """``build()``, a rule's arithmetic on Values; where one of its ops refuses its input
    (a pole, the log of 0), built again with IEEE results.

    At a pole the rule's value is then a node holding the infinity, not a constant, so
    its own derivatives are IEEE's too: sqrt''(0) = d/dx 0.5/sqrt(x) = -inf, and a
    rule that is nan (the slope in y of (-2)**y) has nan derivatives, not 0.
    """
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
    e**(-p) * (1 - e).  On a Value the plain formula (it is differentiated).
    """
    if x.__class__ is float:
        p = x * x
        if not p < 1500.0:  # e**(-p) is 0 anyway (and inf, nan stay as they are)
            return math.exp(-scale * p)
        return math.exp(-scale * p) * (1.0 - scale * _square_error(x, p))
    if isinstance(x, ndarray):
        pa: Any = x * x
        small = pa < 1500.0
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.where(small, _square_error(np.where(small, x, 0.0), pa), 0.0)
        return np.exp(-scale * pa) * (1.0 - scale * e)
    return exp(-scale * (x * x))


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
    0, where tanh'' is 0 too).
    """
    if x.__class__ is float:
        if -0.4 < z < 0.4:
            return 1.0 - z * z
        e = math.exp(-2.0 * abs(x))
        return 4.0 * e / ((1.0 + e) * (1.0 + e))
    if isinstance(x, ndarray):
        # the float path's operations in its order, in two arrays instead of eight
        # (a freed batch-size temporary can cost its pages again on the next one)
        ea: np.ndarray = np.abs(x)
        ea *= -2.0
        np.exp(ea, out=ea)
        d = ea + 1.0
        d *= d
        ea *= 4.0
        ea /= d
        return ea
    e = exp(-2.0 * abs(x))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def sigmoid_slope(x: Any, z: Any) -> Any:
    """sigmoid'(x) = z (1 - z), given z = sigmoid(x), with 1 - z as sigmoid(-x).

    For x <= 0, z <= 1/2 and 1 - z is within an ulp.  For x > 0, 1 - z loses
    the small factor (2e8 ulps at x = 20); sigmoid(-x) = e z with e = e**-x,
    so the slope is e z**2.
    """
    if x.__class__ is float:
        if x <= 0.0:
            return z * (1.0 - z)
        return math.exp(-x) * z * z
    if isinstance(x, ndarray):
        # np.where(x <= 0, z * (1 - z), e**-|x| * z * z), computed in two arrays
        slope: np.ndarray = np.abs(x)
        np.negative(slope, out=slope)
        np.exp(slope, out=slope)
        slope *= z
        slope *= z
        left = 1.0 - z
        left *= z
        np.copyto(slope, left, where=x <= 0.0)
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
    return type(x)(data, requires_grad=False)


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


def batch_size(x: Any) -> int:
    """Number of samples in a batch (of an array, or of a Value holding one)."""
    data = x if isinstance(x, ndarray) else x.data
    return int(data.shape[0])


# ------------------------------------------------------- the new functions' numerics
def quotient(a: Any, b: Any) -> Any:
    """a / b with IEEE semantics (x/0 is +-inf, 0/0 nan) instead of raising."""
    if b.__class__ is float and a.__class__ is float:
        if b != 0.0:
            return a / b
        return math.nan if a == 0.0 or a != a else math.copysign(_INF, a) * math.copysign(1.0, b)
    if isinstance(a, ndarray) or isinstance(b, ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.divide(a, b)
    return a * recip(b)


def hypot(x: Any, y: Any) -> Any:
    """sqrt(x**2 + y**2) without overflow or underflow of the squares."""
    if x.__class__ is float and y.__class__ is float:
        return math.hypot(x, y)
    if isinstance(x, ndarray) or isinstance(y, ndarray):
        return np.hypot(x, y)
    return sqrt(x * x + y * y)


def atan2(x: Any, y: Any) -> Any:
    """The angle of the point (y, x), in (-pi, pi]: math.atan2's argument order."""
    if x.__class__ is float and y.__class__ is float:
        return math.atan2(x, y)
    return np.arctan2(x, y)


def atan2_slopes(x: Any, y: Any) -> tuple[Any, Any]:
    """d atan2(x, y) / dx = y / (x**2 + y**2), d/dy = -x / (x**2 + y**2).

    As (y/h)/h with h = hypot(x, y), so the squares neither overflow nor
    underflow (y / (x**2 + y**2) when the sum of squares is a normal number);
    at the origin both are 0, as PyTorch's.
    """
    if x.__class__ is float and y.__class__ is float:
        r = x * x + y * y
        if 1e-290 < r < 1e290:  # the squares neither underflowed nor overflowed
            return y / r, -x / r
        h = math.hypot(x, y)
        if h == 0.0:
            return 0.0, 0.0
        return (y / h) / h, (-x / h) / h
    if isinstance(x, ndarray) or isinstance(y, ndarray):
        h = np.hypot(x, y)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (np.where(h == 0.0, 0.0, (y / h) / h), np.where(h == 0.0, 0.0, (-x / h) / h))
    r = x * x + y * y
    return y * recip(r), -x * recip(r)


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
    if not _is_value(z) and not any(_is_value(v) for v in xs):
        if all(v.__class__ is float for v in xs):
            m = max(xs)
            if math.isinf(m) or m != m:
                return [math.nan] * len(xs)
            terms = [math.exp(v - m) for v in xs]
            total = math.fsum(terms)
            return [t / total for t in terms]
        a = np.array(np.broadcast_arrays(*xs), dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            terms = np.exp(a - a.max(axis=0))
            return list(terms / terms.sum(axis=0))
    return [exp(v - z) for v in xs]


def _mask_like(x: Any, mask: Any) -> Any:
    """A 0/1 (or 1/2) mask as a float, an array, or a constant Value like ``x``."""
    if x.__class__ is float or isinstance(x, ndarray):
        return mask
    return _constant_like(x, mask)


def _is_value(x: Any) -> bool:
    """True for a Value (this module cannot import the class: it is below it)."""
    return not isinstance(x, (float, ndarray)) and hasattr(x, "grad")


def _data(x: Any) -> Any:
    return x.data if _is_value(x) else x


def max_slopes(x: Any, y: Any, larger: bool) -> tuple[Any, Any]:
    """d max(x, y) (``larger``) or d min(x, y): 1 to the chosen input, 0 to the other,
    1/2 to each at a tie (PyTorch's maximum and minimum; nan gives 1 to both)."""
    xd, yd = _data(x), _data(y)
    if xd.__class__ is float and yd.__class__ is float:
        if xd == yd:
            return _mask_like(x, 0.5), _mask_like(y, 0.5)
        lose_x = xd < yd if larger else xd > yd
        lose_y = xd > yd if larger else xd < yd
        return _mask_like(x, 0.0 if lose_x else 1.0), _mask_like(y, 0.0 if lose_y else 1.0)
    with np.errstate(invalid="ignore"):
        tie = xd == yd
        lose_x = (xd < yd) if larger else (xd > yd)
        lose_y = (xd > yd) if larger else (xd < yd)
        dx = np.where(tie, 0.5, np.where(lose_x, 0.0, 1.0))
        dy = np.where(tie, 0.5, np.where(lose_y, 0.0, 1.0))
    return _mask_like(x, dx), _mask_like(y, dy)


def extreme(xs: Sequence[Any], larger: bool) -> Any:
    """The largest (or smallest) input; nan if any input is nan (PyTorch's max and min)."""
    if all(v.__class__ is float for v in xs):
        if any(v != v for v in xs):
            return math.nan
        return max(xs) if larger else min(xs)
    reduce = np.maximum if larger else np.minimum
    out = xs[0]
    for v in xs[1:]:
        out = reduce(out, v)
    return np.asarray(out, dtype=np.float64) + np.zeros(np.broadcast(*xs).shape)


def extreme_slopes(xs: Sequence[Any], z: Any) -> list[Any]:
    """d max(x_1, ..., x_n) / dx_i: 1 for the largest, shared evenly at a tie (PyTorch's max)."""
    data = [_data(v) for v in xs]
    zd = _data(z)
    if all(v.__class__ is float for v in data) and zd.__class__ is float:
        hits = [1.0 if v == zd else 0.0 for v in data]
        n = sum(hits) or 1.0
        return [_mask_like(v, h / n) for v, h in zip(xs, hits)]
    masks = [np.asarray(v == zd, dtype=np.float64) + np.zeros(np.shape(zd)) for v in data]
    count = np.maximum(sum(masks), 1.0)
    return [_mask_like(v, mk / count) for v, mk in zip(xs, masks)]


def interior(x: Any, lo: float, hi: float) -> Any:
    """1 where lo < x < hi, else 0: the slope of hardtanh, relu6 and hardsigmoid
    (0 at the bounds themselves, as PyTorch's); a constant on a Value."""
    xd = _data(x)
    if xd.__class__ is float:
        return _mask_like(x, 1.0 if lo < xd < hi else 0.0)
    return _mask_like(x, ((xd > lo) & (xd < hi)).astype(np.float64))


def clip(x: Any, lo: float, hi: float) -> Any:
    """lo below lo, hi above hi, x between (hardtanh's forward)."""
    if x.__class__ is float:
        return lo if x < lo else (hi if x > hi else x)
    return np.where(x < lo, lo, np.where(x > hi, hi, x))


def clamp(xs: Sequence[Any]) -> Any:
    """min(max(x, lo), hi) for inputs [x, lo, hi]: hi when lo > hi, as PyTorch's clamp."""
    x, lo, hi = xs
    if x.__class__ is float and lo.__class__ is float and hi.__class__ is float:
        if x != x:
            return x
        return min(max(x, lo), hi)
    return np.minimum(np.maximum(x, lo), hi) + np.zeros(np.broadcast(x, lo, hi).shape)


def clamp_slopes(xs: Sequence[Any], z: Any) -> list[Any]:
    """(dz/dx, dz/dlo, dz/dhi) of clamp, PyTorch's rule for tensor bounds: 1 to x when
    lo <= x <= hi (bounds included), to lo when x < lo < hi, to hi when x > hi or
    lo > hi (then z = hi); none at all when x < lo == hi."""
    x, lo, hi = (_data(v) for v in xs)
    if x.__class__ is float and lo.__class__ is float and hi.__class__ is float:
        d = (1.0 if lo <= x <= hi else 0.0, 1.0 if x < lo < hi else 0.0,
             1.0 if (x > hi or lo > hi) else 0.0)
        return [_mask_like(v, di) for v, di in zip(xs, d)]
    shape = np.broadcast(x, lo, hi).shape
    inside = (np.asarray(lo) <= x) & (np.asarray(x) <= hi)
    below = (np.asarray(x) < lo) & (np.asarray(lo) < hi)
    above = (np.asarray(x) > hi) | (np.asarray(lo) > hi)
    return [_mask_like(v, np.broadcast_to(m, shape).astype(np.float64))
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
    above = (xd >= 3.0).astype(np.float64)
    return interior(x, -3.0, 3.0) * ((2.0 * x + 3.0) / 6.0) + _constant_like(x, above)


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
        if d.__class__ is float and d - d != 0.0 and d == d:
            return _constant_like(x, at_plus if d > 0.0 else at_minus)
        return fn(x)

    return at


def softsign(x: Any) -> Any:
    """x / (1 + |x|); +-1 at +-inf (its limit, not inf/inf)."""
    if x.__class__ is float:
        return x / (1.0 + abs(x)) if x - x == 0.0 else (math.copysign(1.0, x) if x == x else x)
    if isinstance(x, ndarray):
        with np.errstate(invalid="ignore"):
            return np.where(np.isinf(x), np.sign(x), x / (1.0 + np.abs(x)))
    return x / (1.0 + abs(x))


def softsign_slope(x: Any) -> Any:
    """1 / (1 + |x|)**2."""
    d = 1.0 + abs(x)
    return recip(d * d)


def celu(x: Any, alpha: float) -> Any:
    """x for x > 0, alpha * (e**(x/alpha) - 1) otherwise."""
    if x.__class__ is float:
        return x if x > 0.0 else alpha * math.expm1(x / alpha)
    return np.where(x > 0.0, x, alpha * np.expm1(np.minimum(x, 0.0) / alpha))


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
    if x.__class__ is float:
        if x > 0.0:
            e = math.exp(-x)
            num = 1.0 + e * (4.0 + e * ((4.0 * x + 6.0) + e * 4.0 * (x + 1.0)))
            den = 1.0 + 2.0 * e * (1.0 + e)
            return num / (den * den)
        e = math.exp(x)
        w = 4.0 * (x + 1.0) + e * ((4.0 * x + 6.0) + e * (4.0 + e))
        d = 2.0 + e * (2.0 + e)
        return e * w / (d * d)
    if isinstance(x, ndarray):
        ea: Any = np.exp(-np.abs(x))
        num_a = 1.0 + ea * (4.0 + ea * ((4.0 * x + 6.0) + ea * 4.0 * (x + 1.0)))
        den_a = 1.0 + 2.0 * ea * (1.0 + ea)
        w_a = 4.0 * (x + 1.0) + ea * ((4.0 * x + 6.0) + ea * (4.0 + ea))
        d_a = 2.0 + ea * (2.0 + ea)
        return np.where(x > 0.0, num_a / (den_a * den_a), ea * w_a / (d_a * d_a))
    t = tanh(softplus(x))
    return t + x * sigmoid(x) * (1.0 - t * t)


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
