"""Optimizers: SGD (with momentum) and Adam, with PyTorch's update formulas.

An optimizer holds a list of parameters (Values).  ``step()`` reads each
parameter's ``.grad`` and writes a new ``.data``; the update is plain float
(or numpy) arithmetic, so it builds no graph.  ``zero_grad()`` clears the
gradients, which otherwise accumulate across ``backward()`` calls;
``zero_grad(set_to_none=True)`` sets them to None instead, as PyTorch does, and
``step()`` then leaves a parameter whose ``.grad`` is still None untouched
(its momentum or Adam state does not advance either).

The learning rate is the attribute ``lr`` and can be changed between steps
(a schedule is a loop that sets it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd.engine import Value


def _sqrt(x: Any) -> Any:
    return math.sqrt(x) if x.__class__ is float else np.sqrt(x)


def _grad(p: Value) -> Any:
    g = p.grad
    if isinstance(g, Value):  # a gradient made with create_graph=True
        g = g.data
    return float(g) if isinstance(g, (int, np.floating)) else g


class Optimizer:
    """Base class: a list of distinct parameters and a learning rate."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        seen: set[int] = set()
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"{type(self).__name__}: parameters must be Values, "
                                f"not {type(p).__name__}")
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: parameter {p!r} is listed twice "
                                 f"(it would be updated twice per step)")
            seen.add(id(p))
        _check(lr, "lr", type(self).__name__)
        self.lr = float(lr)
        self.steps = 0

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Set every parameter's gradient to zero, or to None with ``set_to_none=True``.

        None means "no gradient yet": ``step()`` skips such a parameter, as
        ``torch.optim`` does. (PyTorch's default is ``set_to_none=True``; here it
        is False, so ``p.grad`` stays a number for code that reads it.)
        """
        for p in self.params:
            if set_to_none:
                p.grad = None
            else:
                p.grad = 0.0 if p.data.__class__ is float else np.zeros_like(p.data)

    def step(self) -> None:
        """Update every parameter from its gradient."""
        raise NotImplementedError


def _check(x: Any, name: str, who: str, upper: float | None = None) -> None:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < 0:
        raise ValueError(f"{who}: {name} must be a finite number >= 0, got {x!r}")
    if upper is not None and x >= upper:
        raise ValueError(f"{who}: {name} must be < {upper}, got {x!r}")


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``.

    With ``g = grad + weight_decay * p``: without momentum ``p -= lr * g``;
    with momentum the buffer starts as ``b = g`` on the first step and then
    ``b = momentum * b + (1 - dampening) * g``, and ``p -= lr * b`` (or
    ``p -= lr * (g + momentum * b)`` with ``nesterov=True``).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        _check(momentum, "momentum", "SGD")
        _check(weight_decay, "weight_decay", "SGD")
        _check(dampening, "dampening", "SGD")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov momentum needs momentum > 0 and dampening 0")
        self.momentum = float(momentum)
        self.weight_decay = float(weight_decay)
        self.dampening = float(dampening)
        self.nesterov = nesterov
        self.buffers: list[Any] = [None] * len(self.params)

    def step(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        for i, p in enumerate(self.params):
            if p.grad is None:  # zero_grad(set_to_none=True) and no backward since
                continue
            g = _grad(p)
            if wd != 0.0:
                g = g + wd * p.data
            if mu != 0.0:
                buf = self.buffers[i]
                if buf is None:
                    buf = g
                else:
                    buf = mu * buf + (1.0 - self.dampening) * g
                self.buffers[i] = buf
                g = g + mu * buf if self.nesterov else buf
            p.data = p.data - lr * g
        self.steps += 1


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam`` (and ``AdamW`` with ``decoupled=True``).

    With ``g = grad + weight_decay * p`` (L2 penalty, Adam's convention), at
    step ``t``: ``m = b1*m + (1-b1)*g``, ``v = b2*v + (1-b2)*g**2``, and
    ``p -= lr/(1 - b1**t) * m / (sqrt(v)/sqrt(1 - b2**t) + eps)``.
    With ``decoupled=True`` the decay is instead ``p *= 1 - lr*weight_decay``
    before the update and does not enter ``g`` (AdamW).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled: bool = False,
    ) -> None:
        super().__init__(params, lr)
        b1, b2 = betas
        _check(b1, "betas[0]", "Adam", upper=1.0)
        _check(b2, "betas[1]", "Adam", upper=1.0)
        _check(eps, "eps", "Adam")
        _check(weight_decay, "weight_decay", "Adam")
        self.betas = (float(b1), float(b2))
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.decoupled = decoupled
        self.m: list[Any] = [0.0] * len(self.params)
        self.v: list[Any] = [0.0] * len(self.params)
        # updates of each parameter: the bias correction's t (PyTorch's state["step"]),
        # which falls behind self.steps for a parameter skipped with grad None
        self.t: list[int] = [0] * len(self.params)

    def step(self) -> None:
        self.steps += 1
        lr, eps, wd = self.lr, self.eps, self.weight_decay
        b1, b2 = self.betas
        for i, p in enumerate(self.params):
            if p.grad is None:  # zero_grad(set_to_none=True) and no backward since
                continue
            t = self.t[i] = self.t[i] + 1
            step_size = lr / (1.0 - b1**t)
            root_c2 = math.sqrt(1.0 - b2**t)
            g = _grad(p)
            if wd != 0.0:
                if self.decoupled:
                    p.data = p.data * (1.0 - lr * wd)
                else:
                    g = g + wd * p.data
            # m moves towards g by (1 - b1) of the gap: b1*m + (1-b1)*g, written
            # as PyTorch's lerp so the two agree to the last bit.
            m = self.m[i] = self.m[i] + (1.0 - b1) * (g - self.m[i])
            v = self.v[i] = b2 * self.v[i] + (1.0 - b2) * (g * g)
            p.data = p.data - step_size * (m / (_sqrt(v) / root_c2 + eps))


class AdamW(Adam):
    """Adam with decoupled weight decay, as ``torch.optim.AdamW`` (default decay 0.01)."""

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, decoupled=True)
