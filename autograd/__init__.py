"""autograd: a scalar-valued automatic differentiation engine for learning,
teaching and checking backpropagation."""

# first of all: importing _clash raises ImportError, naming the cause and the fix,
# when HIPS autograd's files share this folder
from autograd import _clash as _clash
from autograd import data as data
from autograd import losses, nn, optim
from autograd.anomaly import AnomalyError, BackwardTrace, detect_anomaly, trace_backward
from autograd.backward import gradients
from autograd.chain import Explanation, count_paths, explain
from autograd.custom import CustomOp, op
from autograd.explorer import Explorer, explore
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
    tanh,
    zero_grad,
)
from autograd.functions import sum as sum  # autograd.sum(values): one node
from autograd.gradchecks import GradcheckError, GradcheckResult, gradcheck, gradgradcheck
from autograd.graph import Graph, topological_order
from autograd.locating import LocateResult, locate
from autograd.modes import enable_grad, is_grad_enabled, no_grad
from autograd.value import Value
from autograd.verify import CheckResult, check, reevaluate
from autograd.viz import (
    Drawing,
    GraphTooLargeError,
    RendererNotFoundError,
    draw,
    draw_dot,
    find_renderer,
    tree,
)

__version__ = "0.1.0"

# ``sum`` and the module ``data`` are left out of ``*`` imports on purpose:
# they would shadow Python's sum and a common variable name.
__all__ = [
    "AnomalyError",
    "BackwardTrace",
    "CheckResult",
    "CustomOp",
    "Drawing",
    "Explanation",
    "Explorer",
    "GradcheckError",
    "GradcheckResult",
    "Graph",
    "GraphTooLargeError",
    "LocateResult",
    "RendererNotFoundError",
    "Value",
    "as_value",
    "check",
    "cos",
    "count_paths",
    "detect_anomaly",
    "dot",
    "draw",
    "draw_dot",
    "elu",
    "enable_grad",
    "erf",
    "exp",
    "explain",
    "explore",
    "find_renderer",
    "gelu",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "gradients",
    "is_grad_enabled",
    "leaky_relu",
    "locate",
    "log",
    "losses",
    "nn",
    "no_grad",
    "op",
    "optim",
    "reevaluate",
    "relu",
    "sigmoid",
    "silu",
    "sin",
    "softplus",
    "sqrt",
    "tanh",
    "topological_order",
    "trace_backward",
    "tree",
    "value_and_grad",
    "zero_grad",
]
