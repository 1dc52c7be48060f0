"""The engine's functions as module-level calls: ``autograd.tanh(v)``.

Each accepts a Value or a plain number (which becomes a constant leaf) and
returns a Value, so ``autograd.sigmoid(0.0)`` works in a REPL as well as on a
graph node.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from autograd import ops
from autograd.layers import apply_each as apply_each
from autograd.layers import dot as dot
from autograd.layers import dots as dots
from autograd.nodes import apply_nary
from autograd.ops import Op
from autograd.softmaxes import log_softmax as log_softmax
from autograd.softmaxes import logsumexp as logsumexp
from autograd.softmaxes import softmax as softmax
from autograd.value import Operand, Value


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


def mean(values: Sequence[Operand] | Value) -> Value:
    """The mean of ``values``: their sum (one node) divided by how many there are.

    A single Value is averaged over its samples, as ``torch.mean(t)`` averages
    a tensor: ``mean(batch)`` is ``batch.mean()``.
    """
    if isinstance(values, Value):
        return values.mean()
    items = list(values)
    if not items:
        raise ValueError("mean: needs at least one input")
    return sum(items) / len(items)


def erf(x: Operand) -> Value:
    """Error function."""
    return as_value(x).erf()


def sum(values: Sequence[Operand] | Value) -> Value:
    """One node adding all ``values`` (left to right), instead of a chain of ``+``.

    A single Value is summed over its samples, as ``torch.sum(t)`` sums a
    tensor: ``sum(batch)`` is ``batch.sum()`` (a float Value is returned as is).
    """
    if isinstance(values, Value):
        return values.sum()
    return apply_nary(ops.SUM, list(values))


# ---------------------------------------- trigonometric and hyperbolic
def tan(x: Operand) -> Value:
    """Tangent."""
    return as_value(x).tan()


def asin(x: Operand) -> Value:
    """Inverse sine (-1 <= x <= 1)."""
    return as_value(x).asin()


def acos(x: Operand) -> Value:
    """Inverse cosine (-1 <= x <= 1)."""
    return as_value(x).acos()


def atan(x: Operand) -> Value:
    """Inverse tangent."""
    return as_value(x).atan()


def atan2(y: Operand, x: Operand) -> Value:
    """The angle of the point (x, y), in (-pi, pi] (math.atan2's argument order)."""
    return as_value(y).atan2(x)


def hypot(x: Operand, y: Operand) -> Value:
    """sqrt(x**2 + y**2), without overflow; its gradient at the origin is nan, as PyTorch's."""
    return as_value(x).hypot(y)


def sinh(x: Operand) -> Value:
    """Hyperbolic sine."""
    return as_value(x).sinh()


def cosh(x: Operand) -> Value:
    """Hyperbolic cosine."""
    return as_value(x).cosh()


def asinh(x: Operand) -> Value:
    """Inverse hyperbolic sine."""
    return as_value(x).asinh()


def acosh(x: Operand) -> Value:
    """Inverse hyperbolic cosine (x >= 1)."""
    return as_value(x).acosh()


def atanh(x: Operand) -> Value:
    """Inverse hyperbolic tangent (-1 < x < 1)."""
    return as_value(x).atanh()


# ------------------------------------------ exponential and logarithmic
def log1p(x: Operand) -> Value:
    """log(1 + x), exact for small x (x > -1)."""
    return as_value(x).log1p()


def expm1(x: Operand) -> Value:
    """e**x - 1, exact for small x."""
    return as_value(x).expm1()


def log2(x: Operand) -> Value:
    """Base-2 logarithm (x > 0)."""
    return as_value(x).log2()


def log10(x: Operand) -> Value:
    """Base-10 logarithm (x > 0)."""
    return as_value(x).log10()


def exp2(x: Operand) -> Value:
    """2**x."""
    return as_value(x).exp2()


def cbrt(x: Operand) -> Value:
    """Real cube root."""
    return as_value(x).cbrt()


def erfc(x: Operand) -> Value:
    """Complementary error function 1 - erf(x)."""
    return as_value(x).erfc()


def logaddexp(x: Operand, y: Operand) -> Value:
    """log(e**x + e**y), without overflow."""
    return as_value(x).logaddexp(y)


# ------------------------------------------------------------ piecewise
def sign(x: Operand) -> Value:
    """-1, 0 or 1; derivative 0."""
    return as_value(x).sign()


def floor(x: Operand) -> Value:
    """The largest integer <= x; derivative 0."""
    return as_value(x).floor()


def ceil(x: Operand) -> Value:
    """The smallest integer >= x; derivative 0."""
    return as_value(x).ceil()


def round(x: Operand) -> Value:
    """The nearest integer, halves to even (Python's and PyTorch's rule); derivative 0."""
    return as_value(x).round()


def trunc(x: Operand) -> Value:
    """x rounded toward 0; derivative 0."""
    return as_value(x).trunc()


def clamp(x: Operand, min: Operand | None = None, max: Operand | None = None) -> Value:
    """min(max(x, min), max); bounds are numbers, Values or None (see Value.clamp)."""
    return as_value(x).clamp(min, max)


def where(condition: Any, x: Operand, y: Operand) -> Value:
    """x where ``condition`` is nonzero (True), else y, sample by sample on a batch
    (PyTorch's torch.where): the input not picked gets gradient exactly 0, even when
    it is inf or nan."""
    return as_value(x).where(condition, y)


def maximum(x: Operand, y: Operand) -> Value:
    """The larger of x and y; at a tie each gets half the gradient (PyTorch's maximum)."""
    return as_value(x).maximum(y)


def minimum(x: Operand, y: Operand) -> Value:
    """The smaller of x and y; at a tie each gets half the gradient (PyTorch's minimum)."""
    return as_value(x).minimum(y)


# ---------------------------------------------------------- activations
def mish(x: Operand) -> Value:
    """x * tanh(softplus(x))."""
    return as_value(x).mish()


def selu(x: Operand) -> Value:
    """scale * elu(x, alpha) with SELU's constants."""
    return as_value(x).selu()


def celu(x: Operand, alpha: float = 1.0) -> Value:
    """x for x > 0, alpha * (e**(x/alpha) - 1) otherwise."""
    return as_value(x).celu(alpha)


def hardtanh(x: Operand, min_val: float = -1.0, max_val: float = 1.0) -> Value:
    """x clipped to [min_val, max_val]."""
    return as_value(x).hardtanh(min_val, max_val)


def relu6(x: Operand) -> Value:
    """x clipped to [0, 6]."""
    return as_value(x).relu6()


def softsign(x: Operand) -> Value:
    """x / (1 + |x|)."""
    return as_value(x).softsign()


def logsigmoid(x: Operand) -> Value:
    """log(sigmoid(x)), without overflow."""
    return as_value(x).logsigmoid()


def hardsigmoid(x: Operand) -> Value:
    """x/6 + 1/2 clipped to [0, 1]."""
    return as_value(x).hardsigmoid()


def hardswish(x: Operand) -> Value:
    """x * hardsigmoid(x)."""
    return as_value(x).hardswish()


# ---------------------------------------------------- over many values
def max(values: Sequence[Operand]) -> Value:
    """The largest of ``values``, one node; a tie shares the gradient evenly (PyTorch's max).

    Python's own ``max(a, b)`` works on Values too (it compares their data) and
    returns one of them, so its gradient all goes to that one.
    """
    return apply_nary(ops.MAX, list(values))


def min(values: Sequence[Operand]) -> Value:
    """The smallest of ``values``, one node; a tie shares the gradient evenly."""
    return apply_nary(ops.MIN, list(values))


def unary_row(name: str) -> Op | None:
    """The table's row of the one-input function ``name`` (``"tanh"``, ``"relu"``, ...;
    ``"leaky_relu"``, ``"elu"``, ``"celu"`` and ``"hardtanh"`` with their methods'
    defaults), or None for a name that is not one."""
    if name == "leaky_relu":
        return ops.leaky_relu_op(0.01)
    if name == "elu":
        return ops.elu_op(1.0)
    if name == "celu":
        return ops.celu_op(1.0)
    if name == "hardtanh":
        return ops.hardtanh_op(-1.0, 1.0)
    return ops.UNARY_FUNCTIONS.get(name)


def zero_grad(*values: Value | Iterable[Value]) -> None:
    """Zero the grads of the given Values and of every node they were computed from."""
    for v in values:
        for node in [v] if isinstance(v, Value) else v:
            node.zero_grad()
