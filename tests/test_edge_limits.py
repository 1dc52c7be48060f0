"""Second derivatives at the edge of a domain are the one-sided limits, in every mode.

asin'' = x/(1 - x**2)**(3/2) at x = +-1, acos'' = -asin'', acosh'' = -x/(x**2 - 1)**(3/2)
at 1 and cbrt'' = -2/(9 x**(5/3)) at +-0 (the side of the zero's sign) were nan: the
slopes' accurate product forms ((1 - x)(1 + x), z*z) give inf * 0 on the way.  The
oracle is sympy's limit of the exact second derivative from inside the domain, and
PyTorch's create_graph where it has the op.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import sympy as sp

from autograd import Value, gradients

_s = sp.Symbol("s", real=True)

# name, the op, sympy's form, the edge point, the side the domain lies on ('-': below)
CASES: list[tuple[str, Callable[[Value], Value], Any, float, str, float]] = [
    ("asin at 1", lambda v: v.asin(), sp.asin(_s), 1.0, "-", 0.5),
    ("asin at -1", lambda v: v.asin(), sp.asin(_s), -1.0, "+", 0.5),
    ("acos at 1", lambda v: v.acos(), sp.acos(_s), 1.0, "-", -0.25),
    ("acos at -1", lambda v: v.acos(), sp.acos(_s), -1.0, "+", -0.25),
    ("acosh at 1", lambda v: v.acosh(), sp.acosh(_s), 1.0, "+", 3.0),
    ("cbrt at +0", lambda v: v.cbrt(), sp.real_root(_s, 3), 0.0, "+", 2.0),
    ("cbrt at -0", lambda v: v.cbrt(), sp.real_root(_s, 3), -0.0, "-", -2.0),
]


def _second(f: Callable[[Value], Value], data: Any) -> list[float]:
    x = Value(data)
    out = f(x)
    batch = out.data.__class__ is not float
    (g,) = gradients(out.sum() if batch else out, [x], create_graph=True)
    (h,) = gradients(g.sum() if batch else g, [x])
    return np.atleast_1d(h).tolist()


def _exact(form: Any, at: float, side: str) -> float:
    limit = sp.limit(sp.diff(form, _s, 2), _s, sp.Float(at), side)
    return float(limit) if limit.is_finite else (math.inf if limit == sp.oo else -math.inf)


@pytest.mark.parametrize(("name", "f", "form", "at", "side", "inside"), CASES, ids=[c[0] for c in CASES])
def test_the_second_derivative_at_a_domain_edge_is_the_one_sided_limit(
        name: str, f: Callable[[Value], Value], form: Any, at: float, side: str, inside: float) -> None:
    want = _exact(form, at, side)
    assert math.isinf(want)
    assert _second(f, at) == [want], name
    assert _second(f, np.array([at, at])) == [want, want], name
    got = _second(f, np.array([at, inside]))  # a batch mixing the edge and an inner point
    inner = float(sp.diff(form, _s, 2).subs(_s, inside))
    assert got[0] == want and got[1] == pytest.approx(inner, rel=1e-14), (name, got)


@pytest.mark.parametrize("name", ["asin", "acos", "acosh"])
def test_the_edge_limits_are_pytorchs(name: str) -> None:
    torch = pytest.importorskip("torch")
    edges = [1.0] if name == "acosh" else [1.0, -1.0]
    for at in edges:
        t = torch.tensor(at, dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(getattr(torch, name)(t), t, create_graph=True)
        (h,) = torch.autograd.grad(g, t)
        assert _second(lambda v: getattr(v, name)(), at) == [h.item()], (name, at)
