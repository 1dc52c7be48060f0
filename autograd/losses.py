"""Loss functions built from the engine's ops, so their gradients are backprop's own.

Every loss takes predictions and targets in one of these layouts:

* one Value (a float, or a batch Value holding one entry per sample);
* a list of Values, one per sample (or nested lists, one row per sample for a
  network with several outputs);

with targets laid out alike (numbers, numpy arrays for batches, or Values,
whose data is used as constants: no gradient flows into a target).

``reduction="mean"`` (the default) averages the per-element losses over every
sample of every batch, like PyTorch's losses; ``reduction="sum"`` adds them.
The result is always one float Value, ready for ``backward()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd._math_masks import cut
from autograd.engine import Value
from autograd.functions import logsumexp, where
from autograd.functions import sum as vsum
from autograd.softmaxes import softmax as _softmax
from autograd.text import clean
from autograd.value_data import _short_number, to_data

REDUCTIONS = ("mean", "sum")


# ------------------------------------------------------------------ helpers
def _const(t: Any, who: str) -> Any:
    """A target as plain data: a float or a 1-D float array."""
    if isinstance(t, Value):
        return t.data
    if isinstance(t, np.ndarray):
        if t.ndim == 0:
            return float(t)
        if t.ndim != 1:
            raise ValueError(f"{who}: a batch of targets must be 1-D, got shape {t.shape}")
        return t.astype(np.float64)
    if isinstance(t, (int, float, np.integer, np.floating)) and not isinstance(t, bool):
        return to_data(t, f"{who}: the target")  # (a huge int refused by its size)
    if isinstance(t, (bool, np.bool_)):
        return float(t)
    if isinstance(t, (list, tuple)) and all(isinstance(x, (int, float, np.number)) for x in t):
        return _const(np.asarray(t, dtype=np.float64), who)  # a batch's targets as a list
    raise TypeError(f"{who}: a target must be a number, a 1-D array or a Value, "
                    f"not {type(t).__name__}")


def _pairs(pred: Any, target: Any, who: str) -> list[tuple[Value, Any]]:
    """Walk predictions and targets in parallel: (Value, constant target) pairs."""
    if isinstance(pred, Value):
        t = _const(target, who)
        _check_batch(pred, t, who)
        return [(pred, t)]
    if isinstance(pred, (list, tuple)):
        if isinstance(target, np.ndarray) and target.ndim >= 1:
            targets: Sequence[Any] = list(target)
        elif isinstance(target, (list, tuple)):
            targets = target
        else:
            raise ValueError(f"{who}: {len(pred)} predictions but a single target {target!r}")
        if len(pred) != len(targets):
            raise ValueError(f"{who}: {len(pred)} predictions but {len(targets)} targets")
        if not pred:
            raise ValueError(f"{who}: no predictions")
        out: list[tuple[Value, Any]] = []
        for p, t in zip(pred, targets):
            out.extend(_pairs(p, t, who))
        return out
    raise TypeError(f"{who}: predictions must be Values or (nested) lists of Values, "
                    f"not {type(pred).__name__}")


def _check_batch(pred: Value, t: Any, who: str) -> None:
    if isinstance(t, np.ndarray):
        if pred.data.__class__ is float:
            raise ValueError(f"{who}: a batch of {t.shape[0]} targets for a single prediction")
        if t.shape != pred.data.shape:  # type: ignore[union-attr]
            raise ValueError(f"{who}: a batch of {pred.data.shape[0]} predictions "  # type: ignore[union-attr]
                             f"but {t.shape[0]} targets")


def _count(v: Value) -> int:
    return 1 if v.data.__class__ is float else int(v.data.shape[0])  # type: ignore[union-attr]


def _reduce(terms: list[Value], reduction: str, who: str) -> Value:
    """Sum or average per-element loss terms (float or batch Values) into one float Value."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{who}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if len(terms) == 1:
        t = terms[0]
        return t.mean() if reduction == "mean" else t.sum()
    total = vsum([t.sum() for t in terms])
    if reduction == "sum":
        return total
    return total / sum(_count(t) for t in terms)


def _is_hard(t: Any) -> bool:
    return bool(np.all((np.asarray(t) == 0.0) | (np.asarray(t) == 1.0)))


# ------------------------------------------------------------------ losses
def mse(pred: Any, target: Any, reduction: str = "mean") -> Value:
    """Mean squared error, ``(pred - target)**2`` averaged (or summed).

    There is **no** factor ½: this is PyTorch's ``MSELoss``, whose derivative
    is ``2 (pred - target)`` per element (before the mean's ``1/n``).  The
    seeds' R2 loss ``E = ½ (y - target)**2``, whose derivative is exactly
    ``y - target``, is ``0.5 * mse(y, target, reduction="sum")``.
    """
    terms = []
    for p, t in _pairs(pred, target, "mse"):
        d = p - t
        terms.append(d * d)
    return _reduce(terms, reduction, "mse")


def binary_cross_entropy(prob: Any, target: Any, reduction: str = "mean") -> Value:
    """``-(y log p + (1 - y) log(1 - p))`` for probabilities ``p`` in [0, 1].

    No clamping: a clamp would silently zero the gradient of a saturated
    prediction.  With hard labels (every y is 0 or 1) the loss is computed
    as ``-log(q)`` with ``q = p`` where ``y = 1`` and ``q = 1 - p`` where
    ``y = 0``, so ``p == y`` exactly is a loss of 0; a prediction of exactly 0
    or 1 on the wrong side is an infinite loss and raises ValueError, as does
    ``p`` outside [0, 1] or exactly 0 or 1 with a soft label.  For outputs
    that can saturate, use :func:`binary_cross_entropy_with_logits` on the
    logits instead.
    """
    who = "binary_cross_entropy"
    terms = []
    for p, y in _pairs(prob, target, who):
        data = np.asarray(p.data)
        if np.any((data < 0.0) | (data > 1.0)) or np.any(np.isnan(data)):
            raise ValueError(f"{who}: probabilities must lie in [0, 1], got {p!r} "
                             f"(for logits use binary_cross_entropy_with_logits)")
        if np.any((np.asarray(y) < 0.0) | (np.asarray(y) > 1.0)):
            raise ValueError(f"{who}: targets must lie in [0, 1], got {y!r}")
        if _is_hard(y):
            sign = 2.0 * y - 1.0  # +1 where y = 1, -1 where y = 0
            q = p * sign + (1.0 - y)  # p where y = 1, 1 - p where y = 0
            if np.any(np.asarray(q.data) == 0.0):
                raise ValueError(f"{who}: a probability of exactly 0 or 1 on the wrong side of "
                                 f"its label is an infinite loss (p={p!r}, y={y!r}); use "
                                 f"binary_cross_entropy_with_logits for saturating outputs")
            terms.append(_hard_bce(p, y))
        else:
            if np.any((data == 0.0) | (data == 1.0)):
                raise ValueError(f"{who}: a probability of exactly 0 or 1 with a soft label "
                                 f"is an infinite loss (p={p!r}, y={y!r})")
            terms.append(-(p.log() * y + (1.0 - p).log() * (1.0 - y)))  # Values on the left:
            # an array on the left of * would make numpy loop over the Value
    return _reduce(terms, reduction, who)


def _hard_bce(p: Value, y: Any) -> Value:
    """-log(p) where y = 1, -log1p(-p) where y = 0: 1 - p rounded away a p below 1e-16
    (a loss of -0.0 for p = 1e-17, 11% off at 2e-16).  On a batch each sample's form,
    joined by cuts, on inputs cut to a harmless 1 or 0 where the form is not taken."""
    if not isinstance(y, np.ndarray):
        return -p.log() if y == 1.0 else -(-p).log1p()
    one = y == 1.0
    if one.all() or not one.any():
        return -p.log() if one.all() else -(-p).log1p()
    took_one = -cut(p, one, 1.0).log()
    took_zero = -(-cut(p, ~one, 0.0)).log1p()
    return cut(took_one, one, took_zero)


def binary_cross_entropy_with_logits(logit: Any, target: Any, reduction: str = "mean") -> Value:
    """Binary cross-entropy of ``sigmoid(z)`` against ``y``, taking the logit ``z``.

    Computed as ``softplus(z) - z*y``, which is the stable form
    ``max(z, 0) - z*y + log(1 + e**-|z|)`` (the engine's softplus evaluates
    exactly that), so no exp overflows for any ``z``.  Its gradient is
    ``softplus'(z) - y = sigmoid(z) - y``: the sigmoid's derivative
    ``s(1 - s)`` and the cross-entropy's ``1/(s(1 - s))`` cancel, which is why
    pairing a sigmoid output with this loss gives the error signal
    ``prediction - target`` directly.
    """
    terms = [z.softplus() - z * y
             for z, y in _pairs(logit, target, "binary_cross_entropy_with_logits")]
    return _reduce(terms, reduction, "binary_cross_entropy_with_logits")


def hinge(score: Any, target: Any, margin: float = 1.0, reduction: str = "mean") -> Value:
    """Max-margin loss ``relu(margin - y * score)`` for labels ``y`` in {-1, +1}.

    The loss of micrograd's demo (``(1 + -y*score).relu()``).  Labels 0/1 are
    rejected: convert them with ``2*y - 1``.
    """
    terms = []
    for s, y in _pairs(score, target, "hinge"):
        if not np.all(np.abs(np.asarray(y)) == 1.0):
            raise ValueError(f"hinge: labels must be -1 or +1, got {y!r} (use 2*y - 1 for 0/1)")
        terms.append((margin - s * y).relu())
    return _reduce(terms, reduction, "hinge")


max_margin = hinge


def cross_entropy(logits: Any, target: Any, reduction: str = "mean") -> Value:
    """Softmax cross-entropy ``-log softmax(z)[y]`` for several classes.

    ``logits`` is one sample's list of class scores (Values; batch Values for
    a batch, with ``target`` an int array) or a list of such lists, one per
    sample, with ``target`` a list of class indices.  Computed as
    ``logsumexp([0, z_c - z_y for c != y])``, ``log(1 + sum e**(z_c - z_y))``: its
    gradient with respect to ``z_c`` is ``softmax(z)_c`` and with respect to ``z_y``
    minus the sum of the others, ``softmax(z)_y - 1`` without the cancellation of
    that difference at a confident logit (logsumexp shifts by its largest input, so
    nothing overflows).
    """
    who = "cross_entropy"
    if isinstance(logits, (list, tuple)) and logits and isinstance(logits[0], Value):
        samples: list[Any] = [logits]
        targets: list[Any] = [target]
    elif isinstance(logits, (list, tuple)) and logits:
        samples = list(logits)
        targets = list(target)
        if len(samples) != len(targets):
            raise ValueError(f"{who}: {len(samples)} samples but {len(targets)} targets")
    else:
        raise TypeError(f"{who}: logits must be a list of Values (one per class) or a list "
                        f"of such lists (one per sample)")
    terms = [_softmax_ce(list(z), y, who) for z, y in zip(samples, targets)]
    return _reduce(terms, reduction, who)


def _softmax_ce(z: list[Value], y: Any, who: str) -> Value:
    k = len(z)
    if k < 2 or not all(isinstance(v, Value) for v in z):
        raise ValueError(f"{who}: a sample needs at least 2 class logits as Values")
    labels = y.data if isinstance(y, Value) else y
    labels = np.asarray(labels)
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    if labels.dtype.kind not in "iu" or np.any((labels < 0) | (labels >= k)):
        shown = _short_number(y) if isinstance(y, int) else clean(repr(y), limit=80)
        raise ValueError(f"{who}: targets must be class indices in 0..{k - 1}, got {shown}")
    # -log softmax(z)[y] = log(1 + sum over c != y of e**(z_c - z_y)), one logsumexp of
    # [0, z_c - z_y ...]: its slopes are the softmax, so dL/dz_c = p_c and dL/dz_y =
    # -(sum of the other p_c), with no 1 - p_y to cancel (p_y - 1 at a confident logit
    # of 30 was 1e-3 off); logsumexp shifts by its largest input, so nothing overflows
    if labels.ndim == 0:  # one class for every sample
        y_logit = z[int(labels)]
        form = logsumexp([0.0, *(v - y_logit for c, v in enumerate(z) if c != int(labels))])
    else:
        y_logit = z[0]  # the target's logit, sample by sample: picked, not a dot with a
        for c in range(1, k):  # one-hot vector, whose 0 * (-inf) would make a masked logit nan
            y_logit = where(labels == c, z[c], y_logit)
        # the target's own term is left out by a where (-inf: e**-inf = 0, and no gradient)
        others = [where(labels == c, -np.inf, v - y_logit) for c, v in enumerate(z)]
        form = logsumexp([0.0, *others])
    # a target logit of -inf (a class ruled out) makes z_c - z_y infinite for every other
    # class: there the loss is logsumexp(z) - z_y = inf, with the slopes p - onehot
    # (PyTorch's); the differences' form gave nan for three classes or more
    ruled_out = np.asarray(y_logit.data) == -np.inf
    if not ruled_out.any():
        return form
    plain = logsumexp(z) - y_logit
    return plain if ruled_out.all() else cut(plain, ruled_out, form)


def softmax(logits: Sequence[Value]) -> list[Value]:
    """The softmax of one sample's class logits: :func:`autograd.softmax` (the largest
    logit's slope without the cancellation of 1 - p)."""
    return _softmax(list(logits))
