"""The engine's functions as module-level calls: ``autograd.tanh(v)``.

Each accepts a Value or a plain number (which becomes a constant leaf) and
returns a Value, so ``autograd.sigmoid(0.0)`` works in a REPL as well as on a
graph node.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from autograd import ops
from autograd.value import Operand, Value, apply_nary


def as_value(x: Operand, label: str = "") -> Value:
    """``x`` itself when it is a Value, else a new leaf holding it."""
    return x if isinstance(x, Value) else Value(x, label)


def exp(x: Operand) -> Value:
    """e**x."""
    return as_value(x).exp()


def log(x: Operand) -> Value:
    """Natural logarithm (x > 0)."""
    return as_value(x).log()


def sqrt(x: Operand) -> Value:
    """Square root (x >= 0)."""
    return as_value(x).sqrt()


def tanh(x: Operand) -> Value:
    """Hyperbolic tangent."""
    return as_value(x).tanh()


def sigmoid(x: Operand) -> Value:
    """Logistic sigmoid."""
    return as_value(x).sigmoid()


def relu(x: Operand) -> Value:
    """max(x, 0), with relu'(0) = 0."""
    return as_value(x).relu()


def leaky_relu(x: Operand, slope: float = 0.01) -> Value:
    """x for x > 0, slope * x otherwise."""
    return as_value(x).leaky_relu(slope)


def elu(x: Operand, alpha: float = 1.0) -> Value:
    """x for x > 0, alpha * (e**x - 1) otherwise."""
    return as_value(x).elu(alpha)


def softplus(x: Operand) -> Value:
    """log(1 + e**x)."""
    return as_value(x).softplus()


def silu(x: Operand) -> Value:
    """x * sigmoid(x)."""
    return as_value(x).silu()


def gelu(x: Operand) -> Value:
    """Exact GELU x * Phi(x)."""
    return as_value(x).gelu()


def sin(x: Operand) -> Value:
    """Sine."""
    return as_value(x).sin()


def cos(x: Operand) -> Value:
    """Cosine."""
    return as_value(x).cos()


def erf(x: Operand) -> Value:
    """Error function."""
    return as_value(x).erf()


def sum(values: Sequence[Operand]) -> Value:
    """One node adding all ``values`` (left to right), instead of a chain of ``+``."""
    return apply_nary(ops.SUM, list(values))


def dot(weights: Sequence[Operand], inputs: Sequence[Operand], bias: Operand = 0.0) -> Value:
    """One node for a neuron's pre-activation: sum_i weights[i] * inputs[i] + bias.

    Its local derivatives are the seeds' da/dw_i = o_i (the input) and
    da/do_i = w_i, so a chain-rule breakdown through a neuron has exactly the
    three factors dE/do * do/da * da/dw.
    """
    w = list(weights)
    x = list(inputs)
    if len(w) != len(x):
        raise ValueError(f"dot: {len(w)} weights but {len(x)} inputs")
    return apply_nary(ops.DOT, [*w, *x, bias])




def zero_grad(*values: Value | Iterable[Value]) -> None:
    """Zero the grads of the given Values and of every node they were computed from."""
    for v in values:
        for node in [v] if isinstance(v, Value) else v:
            node.zero_grad()
