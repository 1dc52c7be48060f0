"""The activations of :mod:`autograd.nn` by name, their init gains, and the draws of initial weights.

:data:`ACTIVATIONS` maps a name to its Value method (``"linear"`` is none),
:data:`GAINS` to its init gain (PyTorch's ``calculate_gain`` values);
:func:`resolve_activation` reads a name, a callable or None; :func:`_rng`
turns a ``seed=`` into the generator a network draws from (Python's global
``random`` for None, as micrograd); :func:`_activation_of` reads micrograd's
``nonlin`` next to ``activation``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any, Protocol, Union

import numpy as np

from autograd.engine import Value

Activation = Callable[[Value], Value]
ActivationSpec = Union[str, Activation, None]
Seed = Union[int, random.Random, None]


def _linear(v: Value) -> Value:
    return v


ACTIVATIONS: dict[str, Activation] = {
    "linear": _linear,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,  # slope 0.01, PyTorch's default
    "elu": Value.elu,  # alpha 1.0
    "softplus": Value.softplus,
    "silu": Value.silu,
    "gelu": Value.gelu,  # the exact erf form
    "sin": Value.sin,
    "cos": Value.cos,
    "erf": Value.erf,
    "abs": Value.__abs__,
    "mish": Value.mish,
    "selu": Value.selu,
    "celu": Value.celu,  # alpha 1.0
    "hardtanh": Value.hardtanh,  # [-1, 1]
    "relu6": Value.relu6,
    "softsign": Value.softsign,
    "logsigmoid": Value.logsigmoid,
    "hardsigmoid": Value.hardsigmoid,
    "hardswish": Value.hardswish,
}
"""The activations available by name.  ``"linear"`` (also ``None``) applies none.

For another parameter (``leaky_relu`` with slope 0.2, say) pass a callable:
``activation=lambda v: v.leaky_relu(0.2)``.
"""

GAINS: dict[str, float] = {
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "leaky_relu": math.sqrt(2.0 / (1.0 + 0.01**2)),
    "elu": math.sqrt(2.0),
    "gelu": math.sqrt(2.0),
    "silu": math.sqrt(2.0),
    "softplus": math.sqrt(2.0),
}
"""The init gain of each activation (1 for any other, and for callables)."""


def resolve_activation(spec: ActivationSpec) -> tuple[str, Activation]:
    """``(name, function)`` for an activation given by name, as a callable, or None.

    Raises ValueError for an unknown name, listing the valid ones.
    """
    if spec is None:
        return "linear", _linear
    if isinstance(spec, str):
        fn = ACTIVATIONS.get(spec)
        if fn is None:
            valid = ", ".join(sorted(ACTIVATIONS))
            raise ValueError(
                f"unknown activation {spec!r}; valid names are: {valid} "
                f"(or pass any callable taking and returning a Value)"
            )
        return spec, fn
    if callable(spec):
        return getattr(spec, "__name__", type(spec).__name__), spec
    raise TypeError(
        f"activation must be a name, a callable or None, not {type(spec).__name__}"
    )


class _Uniform(Protocol):
    def uniform(self, a: float, b: float) -> float: ...


class _GlobalRandom:
    """Draws from Python's global ``random`` module (what ``random.seed`` sets)."""

    def uniform(self, a: float, b: float) -> float:
        return random.uniform(a, b)


def _rng(seed: Seed | _Uniform) -> _Uniform:
    if seed is None:
        return _GlobalRandom()  # micrograd's habit: random.seed(...) makes a network reproducible
    if isinstance(seed, (random.Random, _GlobalRandom)):
        return seed
    if isinstance(seed, int) and not isinstance(seed, bool):
        return random.Random(seed)
    raise TypeError(f"seed must be an int, a random.Random or None, not {type(seed).__name__}")


def _activation_of(who: str, nonlin: Any, activation: ActivationSpec) -> ActivationSpec:
    """The activation a Neuron or Layer gets from micrograd's ``nonlin`` and ``activation``.

    ``activation`` wins when given; otherwise ``nonlin`` picks ReLU (True) or
    linear (False), as in micrograd.
    """
    if not isinstance(nonlin, (bool, np.bool_)) and not (isinstance(nonlin, int) and nonlin in (0, 1)):
        hint = (f"; for that activation write activation={nonlin!r}"
                if isinstance(nonlin, str) or callable(nonlin) else "")
        raise TypeError(f"{who}: nonlin must be True (ReLU) or False (linear), "
                        f"got {nonlin!r}{hint}")
    if activation is None:
        return "relu" if nonlin else "linear"
    name, _ = resolve_activation(activation)
    if not nonlin and name != "linear":
        raise ValueError(f"{who}: nonlin=False (linear) contradicts activation={name!r}; "
                         f"give one of the two")
    return activation


def _check_size(n: Any, what: str) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {n!r}")
    return n
