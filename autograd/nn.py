"""Neural networks on the engine: neurons, layers and multi-layer perceptrons.

A :class:`Neuron` computes ``phi(sum_i w_i * x_i + b)``.  The weighted sum is
one ``dot`` node (see :func:`autograd.functions.dot`), so the chain rule
through a neuron has exactly the three factors of the seeds' derivation,
``dE/do * do/da * da/dw``, and ``phi`` is the activation of *that* layer: every
layer of an :class:`MLP` may use a different one (tanh, sigmoid and ReLU in one
network is the seeds' case).

micrograd's constructors work unchanged: ``Neuron(nin, nonlin=True)`` is a
ReLU neuron (linear with ``nonlin=False``), ``Layer(nin, nout, **kwargs)``
passes its keywords to every neuron and returns a single Value when it has one
neuron, and ``MLP(nin, nouts)`` has ReLU hidden layers and a linear output.
Beyond micrograd, ``activation=`` (``activations=`` for an MLP) picks any
activation by name (see :data:`ACTIVATIONS`; ``"linear"`` is no activation at
all) or as any callable taking and returning a Value, and ``seed=`` makes the
initial weights reproducible without touching any global random state.

Initialisation.  A neuron with ``nin`` inputs draws each weight from
``uniform(-g * sqrt(3/nin), g * sqrt(3/nin))``, a spread of variance
``g**2 / nin``, and its bias from ``uniform(-1/sqrt(nin), 1/sqrt(nin))`` (the
bias bound of PyTorch's ``nn.Linear``).  The ``1/nin`` keeps a
pre-activation's variance the same as its inputs' whatever the width of the
layer before (LeCun's rule), so tanh and sigmoid layers do not start in their
flat, saturated tails; the gain ``g`` (:data:`GAINS`, PyTorch's
``calculate_gain`` values) makes up for what the activation removes: ``sqrt(2)``
for ReLU-like activations, which zero about half of their input (He's rule),
``5/3`` for tanh, 1 for sigmoid, linear, the others and callables.  (micrograd
draws every weight from ``uniform(-1, 1)`` and starts the biases at 0.)  With
this scheme micrograd's demo network reaches full training accuracy from most
seeds; PyTorch's default (``g = 1/sqrt(3)``) trains it more slowly.

Random numbers.  With ``seed=None`` (the default) the draws come from Python's
global ``random`` module, as in micrograd (and as PyTorch's layers use its
global generator), so ``random.seed(1337)`` before building a network makes it
reproducible.  With ``seed=`` an int or a ``random.Random``, they come from a
private generator and the global state is left alone: the same ``seed`` always
gives the same network.  The order of the draws is layer by layer, neuron by
neuron, weights then bias.

Networks work on any Values: per-sample floats, or batch Values (one Value
per input feature holding a whole column), since every op broadcasts.

The activations and the draws of initial weights are in
:mod:`autograd.nn_activations`, the base class :class:`Module` (parameters,
state, model files) in :mod:`autograd.nn_module`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from autograd import modelfile
from autograd.engine import Value
from autograd.functions import apply_each, dot, dots, unary_row
from autograd.nn_activations import (  # noqa: F401 - the names nn has always offered
    ACTIVATIONS,
    GAINS,
    Activation,
    ActivationSpec,
    Seed,
    _activation_of,
    _check_size,
    _GlobalRandom,
    _linear,
    _rng,
    _Uniform,
    resolve_activation,
)
from autograd.nn_module import Module, _some  # noqa: F401

FORMAT = modelfile.FORMAT
FORMAT_VERSION = modelfile.VERSION


def _as_inputs(x: Any, nin: int, who: str) -> list[Any]:
    if x.__class__ is list and len(x) == nin:  # the common case, checked first
        return x
    if isinstance(x, (Value, int, float, np.number)):
        xs = [x]  # one input given alone, e.g. the output of a one-neuron Layer
    else:
        try:
            xs = list(x)
        except TypeError:
            raise TypeError(f"{who} expects a list of {nin} inputs (Values or numbers), "
                            f"got {type(x).__name__}") from None
    if len(xs) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(xs)}")
    return xs


class Neuron(Module):
    """``phi(w . x + b)`` with ``nin`` weights and a bias.

    As in micrograd, ``phi`` is ReLU, or nothing (linear) with
    ``nonlin=False``; ``activation`` (a name from :data:`ACTIVATIONS` or a
    callable) picks any other.  ``seed`` as in :class:`MLP`.

    >>> n = Neuron(2)                          # a ReLU neuron, micrograd's default
    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> out = n([1.0, -2.0])
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        activation: ActivationSpec = None,
        seed: Seed | _Uniform = None,
    ) -> None:
        self.nin = _check_size(nin, "Neuron: nin")
        spec = _activation_of("Neuron", nonlin, activation)
        self.activation, self._phi = resolve_activation(spec)
        rng = _rng(seed)
        gain = GAINS.get(self.activation, 1.0) if isinstance(spec, str) else 1.0
        w_bound = gain * math.sqrt(3.0 / nin)
        b_bound = 1.0 / math.sqrt(nin)
        self.w = [Value(rng.uniform(-w_bound, w_bound)) for _ in range(nin)]
        self.b = Value(rng.uniform(-b_bound, b_bound))
        self._label_parameters()

    @property
    def nonlin(self) -> bool:
        """Whether the neuron applies an activation (micrograd's attribute)."""
        return self.activation != "linear"

    def __call__(self, x: Sequence[Any] | Value | float) -> Value:
        """The neuron's output for inputs ``x`` (Values or numbers, floats or batches)."""
        return self._phi(dot(self.w, _as_inputs(x, self.nin, "Neuron"), self.b))

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [*((f"w{i}", w) for i, w in enumerate(self.w)), ("b", self.b)]

    def config(self) -> dict[str, Any]:
        return {"type": "Neuron", "nin": self.nin, "activation": self.activation}

    def summary(self) -> str:
        return f"Neuron({self.nin} inputs, activation={self.activation})"

    def __repr__(self) -> str:
        return self.summary()


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs, with one activation.

    ``nonlin`` and ``activation`` are those of :class:`Neuron` (ReLU by
    default), ``seed`` as in :class:`MLP`.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        nonlin: bool = True,
        activation: ActivationSpec = None,
        seed: Seed | _Uniform = None,
    ) -> None:
        self.nin = _check_size(nin, "Layer: nin")
        self.nout = _check_size(nout, "Layer: nout")
        spec = _activation_of("Layer", nonlin, activation)
        resolve_activation(spec)  # fail on a bad name before drawing any weight
        rng = _rng(seed)
        self.neurons = [Neuron(nin, activation=spec, seed=rng) for _ in range(nout)]
        self.activation = self.neurons[0].activation
        # A named activation is one row of the derivative table: on a batch, the
        # layer applies it to all its neurons at once (see outputs).
        self._named = isinstance(spec, str)
        self._row = unary_row(spec) if isinstance(spec, str) else None
        self._label_parameters()

    def __call__(self, x: Sequence[Any] | Value | float) -> Any:
        """The outputs of the neurons: a list of Values, or one Value when ``nout`` is 1.

        That is micrograd's convention; :meth:`outputs` always gives a list.
        """
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def outputs(self, x: Sequence[Any] | Value | float) -> list[Value]:
        """One output per neuron, always as a list.

        On batch inputs the neurons are computed together: their ``dot`` nodes
        by one matrix product (:func:`autograd.functions.dots`), then their
        activations by one call (:func:`autograd.functions.apply_each`).  The
        graph is the one the neurons make one by one.
        """
        xs = _as_inputs(x, self.nin, "Layer")
        first = xs[0]
        if first.__class__ is Value and first.data.__class__ is not float:
            neurons = self.neurons
            if all(type(n) is Neuron for n in neurons):
                pre = dots([n.w for n in neurons], xs, [n.b for n in neurons])
                if self._named and self.activation == "linear":
                    return pre
                if self._row is not None:
                    return apply_each(self._row, pre)
                return [n._phi(a) for n, a in zip(neurons, pre)]
        return [n(xs) for n in self.neurons]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"n{j}.{name}", p)
            for j, n in enumerate(self.neurons)
            for name, p in n.named_parameters()
        ]

    def config(self) -> dict[str, Any]:
        return {"type": "Layer", "nin": self.nin, "nout": self.nout,
                "activation": self.activation}

    def summary(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, activation={self.activation})"

    def __repr__(self) -> str:
        return self.summary()


class MLP(Module):
    """A multi-layer perceptron: ``nin`` inputs, then one layer per entry of ``sizes``.

    ``activations`` gives each layer's activation (a name, a callable or
    None for linear); the default is micrograd's: ``"relu"`` for the hidden
    layers and ``"linear"`` for the last.  A single name or callable is used
    for every layer.  ``seed``: an int or ``random.Random`` for initial weights
    that do not depend on (or change) the global random state; None draws them
    from Python's global ``random`` module, so ``random.seed`` reproduces them.

    >>> net = MLP(2, [16, 16, 1])     # micrograd's demo network: ReLU, ReLU, linear
    >>> net = MLP(2, [3, 2, 1], activations=["tanh", "sigmoid", "relu"], seed=1)
    >>> y = net([0.5, -1.0])          # one output: a Value
    """

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activations: ActivationSpec | Sequence[ActivationSpec] = None,
        seed: Seed | _Uniform = None,
    ) -> None:
        self.nin = _check_size(nin, "MLP: nin")
        sizes = list(sizes)
        if not sizes:
            raise ValueError("MLP: sizes must list at least one layer size")
        for s in sizes:
            _check_size(s, "MLP: every layer size")
        if activations is None:
            acts: list[ActivationSpec] = [*(["relu"] * (len(sizes) - 1)), "linear"]
        elif isinstance(activations, str) or callable(activations):
            acts = [activations] * len(sizes)
        else:
            acts = list(activations)
            if len(acts) != len(sizes):
                raise ValueError(
                    f"MLP: {len(sizes)} layer sizes but {len(acts)} activations"
                )
        acts = ["linear" if a is None else a for a in acts]
        for a in acts:
            resolve_activation(a)  # fail on a bad name before drawing any weight
        rng = _rng(seed)
        ins = [nin, *sizes[:-1]]
        self.layers = [Layer(i, o, activation=a, seed=rng) for i, o, a in zip(ins, sizes, acts)]
        self._label_parameters()

    @property
    def sizes(self) -> list[int]:
        """The number of neurons of each layer."""
        return [layer.nout for layer in self.layers]

    @property
    def activations(self) -> list[str]:
        """The name of each layer's activation."""
        return [layer.activation for layer in self.layers]

    def __call__(self, x: Sequence[Any]) -> Any:
        """The network's output for one input vector ``x``.

        ``x`` holds ``nin`` Values or numbers (per-feature batch Values give a
        batch of outputs).  Returns a Value when the last layer has one
        neuron, else a list of Values.
        """
        out: list[Any] = _as_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            out = layer.outputs(out)
        return out[0] if len(out) == 1 else out

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"L{k}.{name}", p)
            for k, layer in enumerate(self.layers)
            for name, p in layer.named_parameters()
        ]

    def config(self) -> dict[str, Any]:
        return {"type": "MLP", "nin": self.nin, "sizes": self.sizes,
                "activations": self.activations}

    def summary(self) -> str:
        layers = " -> ".join(f"{layer.nout} {layer.activation}" for layer in self.layers)
        return f"MLP({self.nin} -> {layers})"

    def __repr__(self) -> str:
        lines = [f"MLP({self.nin} inputs, {self.num_parameters()} parameters)"]
        lines += [f"  (L{k}) {layer!r}" for k, layer in enumerate(self.layers)]
        return "\n".join(lines)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, k: int) -> Layer:
        return self.layers[k]
