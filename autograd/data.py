"""Toy datasets (numpy only) and conversions between numpy arrays and Values.

The generators return ``(X, y)``: ``X`` of shape ``(n_samples, n_features)``
(float64) and ``y`` of shape ``(n_samples,)`` (int64 class labels from 0).
They are seeded by ``seed`` (or its alias ``random_state``): an int, a
``numpy.random.Generator``, or None for fresh randomness.  They never touch
numpy's or Python's global random state.

Two ways to feed ``X`` to a network:

* :func:`to_values` gives one list of Values per sample (``X[i]`` as
  ``[Value, Value, ...]``): a graph per sample, as in micrograd;
* :func:`to_batch` gives one batch Value per feature (column ``j`` of ``X``
  in one Value): a single graph whose every node holds the whole batch.

:func:`grads_to_numpy` and :func:`data_to_numpy` bring gradients and data
back in the same layout as ``X``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Union

import numpy as np

from autograd.blocks import split
from autograd.engine import Value

SeedLike = Union[int, np.random.Generator, None]


def _generator(seed: SeedLike, random_state: SeedLike, who: str) -> np.random.Generator:
    if seed is not None and random_state is not None:
        raise ValueError(f"{who}: give seed or random_state, not both")
    s = seed if seed is not None else random_state
    if isinstance(s, np.random.Generator):
        return s
    if s is None or (isinstance(s, (int, np.integer)) and not isinstance(s, bool)):
        return np.random.default_rng(s)
    raise TypeError(f"{who}: seed must be an int, a numpy Generator or None, "
                    f"not {type(s).__name__}")


def _check_n(n: Any, who: str, least: int = 1) -> int:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < least:
        raise ValueError(f"{who}: n_samples must be an int >= {least}, got {n!r}")
    return int(n)


def _finish(X: np.ndarray, y: np.ndarray, noise: float, shuffle: bool,
            rng: np.random.Generator, who: str) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(noise, (int, float)) and math.isfinite(noise) and noise >= 0):
        raise ValueError(f"{who}: noise must be a finite number >= 0, got {noise!r}")
    if noise > 0:
        X = X + rng.normal(0.0, noise, size=X.shape)
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    return X.astype(np.float64), y.astype(np.int64)


def make_moons(
    n_samples: int = 100,
    noise: float = 0.0,
    seed: SeedLike = None,
    random_state: SeedLike = None,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles in 2-D.

    Class 0 lies on the upper unit half circle centred at (0, 0); class 1 on
    the lower unit half circle centred at (1, 0.5).  Class 0 gets
    ``ceil(n/2)`` points, evenly spaced in angle over [0, pi], class 1 the
    rest; then Gaussian noise of standard deviation ``noise`` is added to
    every coordinate.
    """
    who = "make_moons"
    n = _check_n(n_samples, who, 2)
    rng = _generator(seed, random_state, who)
    n0 = (n + 1) // 2
    n1 = n - n0
    t0 = np.linspace(0.0, math.pi, n0)
    t1 = np.linspace(0.0, math.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower])
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return _finish(X, y, noise, shuffle, rng, who)


def make_circles(
    n_samples: int = 100,
    noise: float = 0.0,
    factor: float = 0.5,
    seed: SeedLike = None,
    random_state: SeedLike = None,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles in 2-D: class 0 of radius 1, class 1 of radius ``factor``.

    Class 0 gets ``ceil(n/2)`` points, evenly spaced in angle, class 1 the
    rest; Gaussian noise of standard deviation ``noise`` is then added.
    """
    who = "make_circles"
    n = _check_n(n_samples, who, 2)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"{who}: factor must be in (0, 1), got {factor!r}")
    rng = _generator(seed, random_state, who)
    n0 = (n + 1) // 2
    n1 = n - n0
    t0 = np.linspace(0.0, 2.0 * math.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2.0 * math.pi, n1, endpoint=False)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = factor * np.column_stack([np.cos(t1), np.sin(t1)])
    X = np.vstack([outer, inner])
    y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return _finish(X, y, noise, shuffle, rng, who)


def make_blobs(
    n_samples: int = 100,
    centers: int | Sequence[Sequence[float]] | np.ndarray = 3,
    n_features: int = 2,
    cluster_std: float = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    seed: SeedLike = None,
    random_state: SeedLike = None,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters: class ``k`` is drawn around ``centers[k]``.

    ``centers`` is a number of clusters (their centres are then drawn
    uniformly in ``center_box`` along every feature) or an array of centres
    of shape ``(k, n_features)``.  The samples are shared out as evenly as
    possible, the first clusters getting one more when ``n`` does not divide.
    """
    who = "make_blobs"
    n = _check_n(n_samples, who)
    rng = _generator(seed, random_state, who)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        if centers < 1:
            raise ValueError(f"{who}: centers must be >= 1, got {centers}")
        lo, hi = center_box
        C = rng.uniform(lo, hi, size=(int(centers), n_features))
    else:
        C = np.asarray(centers, dtype=np.float64)
        if C.ndim != 2 or C.shape[0] < 1:
            raise ValueError(f"{who}: centers must be an int or an array of shape "
                             f"(k, n_features), got shape {C.shape}")
    if not (math.isfinite(cluster_std) and cluster_std >= 0):
        raise ValueError(f"{who}: cluster_std must be a finite number >= 0")
    k = C.shape[0]
    counts = [n // k + (1 if i < n % k else 0) for i in range(k)]
    y = np.repeat(np.arange(k), counts)
    X = C[y] + rng.normal(0.0, cluster_std, size=(n, C.shape[1]))
    return _finish(X, y, 0.0, shuffle, rng, who)


# ------------------------------------------------------------ conversions
def to_values(X: Any, label: str = "") -> Any:
    """Values from an array: per sample.

    A 2-D array ``(n, d)`` gives ``n`` lists of ``d`` Values; a 1-D array
    gives a list of Values (one per entry).  With ``label``, each Value is
    labelled ``label[i,j]`` (or ``label[i]``).
    """
    A = np.asarray(X, dtype=np.float64)
    if A.ndim == 1:
        return [Value(float(x), f"{label}[{i}]" if label else "") for i, x in enumerate(A)]
    if A.ndim == 2:
        return [
            [Value(float(x), f"{label}[{i},{j}]" if label else "") for j, x in enumerate(row)]
            for i, row in enumerate(A)
        ]
    raise ValueError(f"to_values: expected a 1-D or 2-D array, got shape {A.shape}")


def to_batch(X: Any, label: str = "", requires_grad: bool = True) -> Any:
    """Values from an array: per feature, each holding a whole batch.

    A 2-D array ``(n, d)`` gives a list of ``d`` batch Values, the ``j``-th
    holding column ``X[:, j]`` (label ``label[:,j]``): what a network reads as
    one input vector to process all ``n`` samples at once.  A 1-D array gives
    one batch Value.  ``requires_grad=False`` makes constants (data, as a
    network's inputs usually are: backward computes no gradient for them).

    The columns' data are copies, held as the rows of one block (see
    :mod:`autograd.blocks`), so a first layer reads them as its input matrix
    without stacking them again at every step.
    """
    A = np.asarray(X, dtype=np.float64)
    if A.ndim == 1:
        return Value(A, label, requires_grad=requires_grad)
    if A.ndim == 2:
        columns = [Value(A[:, j], f"{label}[:,{j}]" if label else "", requires_grad=requires_grad)
                   for j in range(A.shape[1])]
        if columns:
            for v, row in zip(columns, split(np.array([v.data for v in columns]))):
                v.data = row
        return columns
    raise ValueError(f"to_batch: expected a 1-D or 2-D array, got shape {A.shape}")


def _gather(values: Any, attr: str, who: str) -> np.ndarray:
    def get(v: Any) -> Any:
        if not isinstance(v, Value):
            raise TypeError(f"{who}: expected Values, got {type(v).__name__}")
        x = getattr(v, attr)
        if isinstance(x, Value):
            x = x.data
        return np.asarray(x, dtype=np.float64)

    if isinstance(values, Value):
        return get(values)
    items = list(values)
    if items and all(isinstance(v, Value) for v in items):
        parts = [get(v) for v in items]
        if all(p.ndim == 0 for p in parts):
            return np.array(parts, dtype=np.float64)
        if all(p.ndim == 1 for p in parts):
            return np.column_stack(parts)  # per-feature batches: back to (n, d)
        raise ValueError(f"{who}: a mix of float and batch Values")
    return np.array([[get(v) for v in row] for row in items], dtype=np.float64)


def data_to_numpy(values: Any) -> np.ndarray:
    """The data of Values laid out as by :func:`to_values` or :func:`to_batch`, as an array.

    A list of lists of Values gives shape ``(n, d)``; a list of float Values
    ``(n,)``; a list of ``d`` batch Values of ``n`` samples ``(n, d)``; one
    Value its data.
    """
    return _gather(values, "data", "data_to_numpy")


def grads_to_numpy(values: Any) -> np.ndarray:
    """The gradients of Values, in the same layout as :func:`data_to_numpy`."""
    return _gather(values, "grad", "grads_to_numpy")
