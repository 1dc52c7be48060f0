"""autograd: a scalar-valued automatic differentiation engine for learning,
teaching and checking backpropagation."""

from autograd.engine import Value, gradients, is_grad_enabled, no_grad, topological_order, zero_grad
from autograd.functional import grad, value_and_grad
from autograd.functions import (
    as_value,
    cos,
    dot,
    elu,
    erf,
    exp,
    gelu,
    leaky_relu,
    log,
    relu,
    sigmoid,
    silu,
    sin,
    softplus,
    sqrt,
    sum,
    tanh,
)

__version__ = "0.1.0"

__all__ = [
    "Value",
    "as_value",
    "cos",
    "dot",
    "elu",
    "erf",
    "exp",
    "gelu",
    "grad",
    "gradients",
    "is_grad_enabled",
    "leaky_relu",
    "log",
    "no_grad",
    "relu",
    "sigmoid",
    "silu",
    "sin",
    "softplus",
    "sqrt",
    "sum",
    "tanh",
    "topological_order",
    "value_and_grad",
    "zero_grad",
]
