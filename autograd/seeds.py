"""The seeds' network: three layers with a tanh, a sigmoid and a ReLU activation.

This is the network of the question "how does back-propagation handle multiple
different activation functions?": the output is o = phi(a) with
a = sum_l w_l * o_l of the layer before, the loss is the R2 loss
E = 1/2 (y - target)**2, and every weight's gradient is the chain

    dE/dw = dE/do * do/da * da/dw,

where do/da is the derivative of *that layer's* activation.  The module builds
the network on the engine, and separately derives the same gradients by hand
with plain floats (the seed's formulas, term by term), so the two can be
compared with each other and with finite differences.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from autograd.engine import Value
from autograd.functions import dot

# The embedded default: 2 inputs -> 3 tanh -> 2 sigmoid -> 1 relu.
ACTIVATIONS = ("tanh", "sigmoid", "relu")
INPUTS = (0.5, -1.0)
TARGET = 0.25
WEIGHTS: tuple[tuple[tuple[float, ...], ...], ...] = (
    # layer 1 (tanh): one row per neuron, the last entry is the bias
    ((0.4, -0.6, 0.1), (0.7, 0.2, -0.3), (-0.5, 0.9, 0.05)),
    # layer 2 (sigmoid)
    ((0.8, -0.4, 0.6, 0.0), (-0.3, 0.5, 0.9, 0.1)),
    # layer 3 (relu), the output
    ((1.2, 0.7, -0.2),),
)


@dataclass
class SeedNetwork:
    """The network built on the engine, with every node labelled like the seed."""

    loss: Value
    output: Value
    weights: dict[str, Value] = field(default_factory=dict)
    pre_activations: dict[str, Value] = field(default_factory=dict)
    activations: dict[str, Value] = field(default_factory=dict)


def build(
    weights: tuple[tuple[tuple[float, ...], ...], ...] = WEIGHTS,
    inputs: tuple[float, ...] = INPUTS,
    target: float = TARGET,
) -> SeedNetwork:
    """Build the network's loss graph; labels follow the seed: w^k_{i,j}, a^k_j, o^k_j."""
    net = SeedNetwork(loss=Value(0.0), output=Value(0.0))
    layer_in = [Value(x, label=f"o0_{i + 1}") for i, x in enumerate(inputs)]
    for k, (rows, act) in enumerate(zip(weights, ACTIVATIONS), start=1):
        outs = []
        for j, row in enumerate(rows, start=1):
            ws = []
            for i, w in enumerate(row[:-1], start=1):
                node = Value(w, label=f"w{k}_{i}{j}")
                net.weights[node.label] = node
                ws.append(node)
            bias = Value(row[-1], label=f"b{k}_{j}")
            net.weights[bias.label] = bias
            a = dot(ws, layer_in, bias)
            a.label = f"a{k}_{j}"
            o = getattr(a, act)()
            o.label = f"o{k}_{j}"
            net.pre_activations[a.label] = a
            net.activations[o.label] = o
            outs.append(o)
        layer_in = outs
    net.output = layer_in[0]
    diff = net.output - target
    diff.label = "y - target"
    square = diff**2
    square.label = "(y - target)^2"
    net.loss = 0.5 * square  # dE/dy = 0.5 * 2 (y - target) = y - target, the seed's first factor
    net.loss.label = "E"
    return net


# ------------------------------------------------ the derivation by hand
# Plain floats and the math module only: nothing here touches the engine.

def _phi(name: str) -> Callable[[float], float]:
    return {
        "tanh": math.tanh,
        "sigmoid": lambda a: 1.0 / (1.0 + math.exp(-a)),
        "relu": lambda a: max(a, 0.0),
    }[name]


def _phi_prime_from_output(name: str) -> Callable[[float, float], float]:
    """do/da written from the output o where the formula allows it, as the seeds do."""
    return {
        "tanh": lambda a, o: 1.0 - o * o,
        "sigmoid": lambda a, o: o * (1.0 - o),  # phi(a)(1 - phi(a)): fed the OUTPUT
        "relu": lambda a, o: 1.0 if a > 0.0 else 0.0,
    }[name]


@dataclass
class HandDerivation:
    """Each weight's gradient with its three chain-rule factors."""

    loss: float
    dE_do: dict[str, float]  # noqa: N815 - the seed's notation, per neuron o^k_j
    do_da: dict[str, float]  # per neuron
    gradients: dict[str, float]  # per weight: dE/do * do/da * da/dw
    da_dw: dict[str, float]  # per weight: the input o_i it multiplies (1 for a bias)
    neuron_of: dict[str, str]  # weight label -> the o^k_j it feeds


def derive_by_hand(
    weights: tuple[tuple[tuple[float, ...], ...], ...] = WEIGHTS,
    inputs: tuple[float, ...] = INPUTS,
    target: float = TARGET,
) -> HandDerivation:
    """Backpropagation written out as in the seed answer, with plain floats.

    Forward: a^k_j = sum_i w^k_{i,j} o^{k-1}_i + b^k_j and o^k_j = phi_k(a^k_j).
    Backward: dE/do for the output is (y - target); for a hidden neuron it is
    sum over the next layer of dE/do^{k+1}_l * do^{k+1}_l/da^{k+1}_l * w^{k+1}_{j,l}.
    """
    outs: list[list[float]] = [list(inputs)]
    pre: list[list[float]] = [[]]
    for rows, act in zip(weights, ACTIVATIONS):
        prev = outs[-1]
        a_k = [sum(w * o for w, o in zip(row[:-1], prev)) + row[-1] for row in rows]
        pre.append(a_k)
        outs.append([_phi(act)(a) for a in a_k])
    y = outs[-1][0]
    result = HandDerivation(0.5 * (y - target) ** 2, {}, {}, {}, {}, {})
    upstream = [y - target]  # dE/do for the output layer: the R2 loss gives y - target
    for k in range(len(weights), 0, -1):
        act = ACTIVATIONS[k - 1]
        deltas = []
        for j, (a, o, de_do) in enumerate(zip(pre[k], outs[k], upstream), start=1):
            do_da = _phi_prime_from_output(act)(a, o)
            result.dE_do[f"o{k}_{j}"] = de_do
            result.do_da[f"o{k}_{j}"] = do_da
            deltas.append(de_do * do_da)
            for i, o_prev in enumerate(outs[k - 1], start=1):
                label = f"w{k}_{i}{j}"
                result.da_dw[label] = o_prev
                result.gradients[label] = de_do * do_da * o_prev
                result.neuron_of[label] = f"o{k}_{j}"
            result.da_dw[f"b{k}_{j}"] = 1.0
            result.gradients[f"b{k}_{j}"] = de_do * do_da
            result.neuron_of[f"b{k}_{j}"] = f"o{k}_{j}"
        # dE/do for the layer below: sum over this layer's neurons l
        upstream = [
            sum(deltas[m] * weights[k - 1][m][i] for m in range(len(deltas)))
            for i in range(len(outs[k - 1]))
        ]
    return result


def central_difference(label: str, h: float = 1e-6) -> float:
    """dE/dw for one weight by central differences, rebuilding the network each time."""
    def loss_with(delta: float) -> float:
        shifted = []
        for k, rows in enumerate(WEIGHTS, start=1):
            new_rows = []
            for j, row in enumerate(rows, start=1):
                new_row = list(row)
                for i in range(len(row)):
                    name = f"b{k}_{j}" if i == len(row) - 1 else f"w{k}_{i + 1}{j}"
                    if name == label:
                        new_row[i] += delta
                new_rows.append(tuple(new_row))
            shifted.append(tuple(new_rows))
        return float(build(tuple(shifted)).loss.data)

    return (loss_with(h) - loss_with(-h)) / (2.0 * h)
