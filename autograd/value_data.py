"""A Value's data: user data checked and made a float or a 1-D float64 array.

Also the zeros of a grad, the read-only unset grad of a batch node, data as a
Value's repr shows it, and the test for a plain number.  Nothing here knows
the Value class.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Union

import numpy as np

from autograd._memory import keep_freed_memory

Data = Union[float, np.ndarray]

def to_data(data: Any, what: str = "Value") -> Data:
    """Turn user data into a float or a 1-D float64 array, or raise TypeError."""
    if data.__class__ is float:
        return data
    if isinstance(data, np.ndarray):
        if data.ndim == 0 and data.dtype.kind in "biuf":
            return float(data)
        if data.ndim != 1:
            raise TypeError(
                f"{what}: a batch must be a 1-D array (one entry per sample), "
                f"got an array of shape {data.shape}"
            )
        if data.dtype.kind not in "biuf":
            raise TypeError(f"{what}: a batch must hold real numbers, got dtype {data.dtype}")
        if data.shape[0] == 0:
            raise ValueError(f"{what}: a batch must hold at least one sample")
        keep_freed_memory()  # (once: batch steps reuse their arrays' pages)
        return np.array(data, dtype=np.float64)  # a copy: the graph owns its data
    if isinstance(data, (numbers.Real, np.bool_)):
        try:
            return float(data)
        except OverflowError:
            raise OverflowError(f"{what}: {_short_number(data)} is too large for a float64 "
                                "(whose largest is 1.8e308)") from None
    hint = " (use numpy.asarray(...) for a batch)" if isinstance(data, (list, tuple)) else ""
    raise TypeError(
        f"{what} data must be a real number (int, float, bool, numpy scalar) or a 1-D "
        f"numpy array, not {type(data).__name__}{hint}"
    )


def _short_number(n: Any) -> str:
    """A number for a message: an integer past 20 digits by its size (10**400's repr is
    401 digits, and past 4,300 Python refuses to write one)."""
    if isinstance(n, int) and n.bit_length() > 64:
        digits = int(n.bit_length() * 0.30102999566398120) + 1
        return f"{'a negative' if n < 0 else 'an'} integer of about {digits:,} digits"
    return repr(n)


def zeros_like(data: Data) -> Data:
    """0.0 for a float, zeros for a batch."""
    return 0.0 if data.__class__ is float else np.zeros(data.shape)  # type: ignore[union-attr]


_ZERO = bytes(8)  # the one 0.0 that every unset batch grad reads


def _unset_grad(shape: tuple[int, ...]) -> np.ndarray:
    """The grad of an op's batch node before a backward pass sets it: zeros in the
    shape of its data, read-only and without memory of their own (a pass replaces an
    op node's grad, it never adds to it, so filling an array of zeros would be
    wasted; a leaf's grad, which passes add to, is a real array)."""
    return np.ndarray(shape, np.float64, _ZERO, 0, (0,) * len(shape))


def fmt_data(x: Any) -> str:
    """A Value's data (or grad) as its repr shows it: a float, or a batch's summary."""
    if x.__class__ is float:
        return repr(x)
    if isinstance(x, np.ndarray):
        return f"<batch of {x.shape[0]}: mean {x.mean():.4g}, min {x.min():.4g}, max {x.max():.4g}>"
    return repr(x)


def _is_scalar(x: Any) -> bool:
    return x.__class__ in (int, float, bool) or isinstance(x, (numbers.Real, np.bool_))


def _param(x: Any, op: str, name: str) -> float:
    """An op's parameter (a slope, a bound) as a finite float, or an error naming both."""
    try:
        value = float(x) if _is_scalar(x) else math.nan
    except OverflowError:  # an int beyond float64
        value = math.nan
    if not np.isfinite(value):
        raise TypeError(f"{op}: {name} must be a finite real number, got {_short_number(x)}")
    return value
