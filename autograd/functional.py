"""Function transforms in the style of JAX and HIPS autograd: ``grad(f)`` is a function.

    >>> from autograd import grad
    >>> d_tanh = grad(lambda x: x.tanh())
    >>> round(d_tanh(0.5), 12)
    0.786447732981
    >>> round(grad(grad(lambda x: x ** 3))(2.0), 12)      # d2/dx2 x**3 = 6x
    12.0

Each call wraps its arguments in fresh nodes of their own (an ``identity`` op
when the argument is already a Value of an enclosing ``grad``), and
differentiates with respect to those nodes only.  So nested derivatives never
mix up their variables ("perturbation confusion"): for f(x) = d/dy (x * y)
evaluated at y = x, ``grad(f)(3.0)`` is 1, not 2.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from autograd import ops
from autograd.backward import gradients
from autograd.modes import enable_grad, grad_depth, inside_grad
from autograd.nodes import apply
from autograd.value import Value


def _argnums(argnums: int | Sequence[int], nargs: int, name: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise ValueError(f"{name}: argnums is empty")
    for i in nums:
        if not isinstance(i, int) or not -nargs <= i < nargs:
            raise ValueError(f"{name}: argnums {argnums!r} is out of range for {nargs} argument(s)")
    resolved = tuple(i % nargs for i in nums)
    if len(set(resolved)) != len(resolved):
        raise ValueError(f"{name}: argnums {argnums!r} names an argument twice")
    return resolved


def value_and_grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """``f`` transformed to return ``(f(*args), df/d(args[argnums]))``.

    ``f`` takes numbers (or batches, or Values) and returns a Value built from
    its arguments with the engine's ops.  With an int ``argnums`` the gradient
    is one number; with a sequence it is a tuple, one per argument.  Inside
    another ``grad`` the results are Values, so transforms compose.
    """

    if not callable(f):
        raise TypeError(
            f"grad: f must be a function (grad(f) returns its derivative as a function), not "
            f"{type(f).__name__}; for the gradient of a Value already computed use "
            "autograd.gradients(output, inputs) or output.backward()"
        )

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        nums = _argnums(argnums, len(args), "grad")
        nested = grad_depth() > 0
        with enable_grad():  # a derivative is asked for, even inside no_grad()
            call_args = list(args)
            variables = []
            for i in nums:
                a = args[i]
                # A fresh node per call: the derivative is taken with respect to
                # this node, never to an enclosing grad's variable it came from.
                v = apply(ops.IDENTITY, a) if isinstance(a, Value) else Value(a)
                call_args[i] = v
                variables.append(v)
            with inside_grad():  # per thread: another thread's grad() is not nested in this one
                out = f(*call_args, **kwargs)
            if not isinstance(out, Value):
                try:
                    out = Value(out)  # a function that ignores its arguments
                except TypeError:
                    raise TypeError(
                        f"grad: {getattr(f, '__name__', 'f')} must return a Value or a number, "
                        f"not {type(out).__name__}"
                    ) from None
            grads = gradients(out, variables, create_graph=nested, allow_unused=True)
        value = out if nested else out.data
        return value, (grads[0] if isinstance(argnums, int) else tuple(grads))

    return wrapped


def grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """``f`` transformed to return its derivative with respect to ``args[argnums]``.

    ``grad(grad(f))`` is the second derivative; ``grad(f, argnums=(0, 1))``
    returns a tuple of partial derivatives.
    """
    vg = value_and_grad(f, argnums)

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return vg(*args, **kwargs)[1]

    return wrapped
