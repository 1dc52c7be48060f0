"""Graph constants and masks for rules evaluated on Values (``create_graph=True``).

A rule that is flat somewhere, or has a limit at a special sample, builds its
derivative from constants: a 0/1 mask, a limit, a value clamped out of harm's
way, and cuts.  These helpers make them, on a float, a batch or a Value alike;
a nan sample passes a clamp and a cut with a nan slope, so its derivatives stay nan.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

ndarray = np.ndarray
_INF = math.inf


def _constant_like(x: Any, data: Any) -> Any:
    """A graph constant holding ``data`` (a derivative that is flat a.e.)."""
    return type(x)(data, requires_grad=False)


# The where nodes :func:`cut` made: a backward pass over a graph holding one runs
# :mod:`autograd.backward_general`, which gives the side not picked no gradient at all.
CUTS: weakref.WeakSet[Any] = weakref.WeakSet()


def cut(x: Any, keep: Any, other: Any = 0.0) -> Any:
    """On a batch Value: x where ``keep``, else ``other``; a ``where`` node that is the
    batch form of float mode's constants.  Where float ``create_graph`` builds a constant
    (a flat piece's 0, a limit), a sample of a batch has no edge to differentiate
    either: the backward pass passes no gradient at all to the side not picked, so an
    inf or nan slope below it never meets the 0 (0 * inf = nan)."""
    node = x.where(_constant_like(x, np.asarray(keep, dtype=np.float64)), other)
    CUTS.add(node)
    return node


def masked_limits(owner: Any, special: Any, limit: Any, build: Callable[..., Any], *inputs: Any,
                  safe: float = 1.0) -> Any:
    """On a batch Value: ``build(*inputs)`` where ``special`` is False, the constant
    ``limit`` where True.  ``build`` runs on the inputs clamped to ``safe`` at the special
    samples (by a :func:`cut`), and the limit is a :func:`cut`'s constant, so
    no inf or nan below a special sample reaches its gradient, in any order."""
    # (the callers' inputs are all Values; the other samples pass with slope 1, as in
    # float mode, where nothing is between them and ``build``: a nan too)
    safe_inputs = [cut(v, ~np.asarray(special), safe) for v in inputs]
    limits = _constant_like(owner, np.where(special, limit, 0.0))
    return cut(build(*safe_inputs), ~np.asarray(special), limits)


def per_sample(masks: list[Any], builds: list[Callable[..., Any]], *inputs: Any,
               safe: float = 1.0) -> Any:
    """On a Value: ``builds[k](*inputs)`` at the samples where ``masks[k]`` holds (the
    masks split the samples), so that each sample of a batch gets the form float mode
    picks for it, whatever the other samples are.  Where one form serves every sample,
    it alone is built; else each form runs on its inputs cut to ``safe`` outside its
    samples (no error or warning from a sample it does not serve; its own samples pass
    with slope 1, a nan too) and :func:`cut` joins the forms, so the next pass gives a
    form's other samples no gradient at all."""
    present = [k for k, m in enumerate(masks) if np.any(m)]
    if len(present) == 1:
        return builds[present[0]](*inputs)
    out = None
    for k in reversed(present):
        mask = np.asarray(masks[k])
        part = builds[k](*[v if isinstance(v, (float, int, ndarray)) else cut(v, mask, safe) for v in inputs])
        out = part if out is None else cut(part, mask, out)
    return out


def full_like(x: Any, value: float) -> Any:
    """``value`` in the shape of ``x``: a float, an array, or a graph constant."""
    if x.__class__ is float:
        return value
    if isinstance(x, ndarray):
        return np.full_like(x, value)
    return _constant_like(x, full_like(x.data, value))


def _mask_like(x: Any, mask: Any) -> Any:
    """A 0/1 (or 1/2) mask as a float, an array, or a constant Value like ``x``."""
    if x.__class__ is float or isinstance(x, ndarray):
        return mask
    return _constant_like(x, mask)


def edge_form(x: Any, at: Any, main: Callable[[Any], Any], edge: Callable[[Any], Any]) -> Any:
    """``main(x)``; on a Value, ``edge(x)`` at the samples where ``at`` holds (a boolean of
    x's data), joined by a :func:`cut` on a batch.  Two forms of one slope with the same
    value at the edge of a domain, the edge form's own derivative graph giving the limit
    there where the main form's meets 0 * inf = nan (on data only ``main`` runs)."""
    if x.__class__ is float or isinstance(x, ndarray):
        return main(x)
    if x.data.__class__ is float:
        return edge(x) if at else main(x)
    if not at.any():
        return main(x)
    return edge(x) if at.all() else cut(main(x), ~at, edge(x))
