"""The new rows of the table, one by one: PyTorch's conventions at kinks and ties, domains,
saturation at +-1000, batches, central differences, softmax, and comparisons of Values."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import pytest

import autograd
from autograd import Value, gradcheck
from tests.graphs import OPS, Recipe, build, engine_table
from tests.test_ops import single


def _torch() -> Any:
    return pytest.importorskip("torch")


def _grads(fn: Callable[..., Value], *xs: float) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in xs]
    out = fn(*leaves)
    return out.item(), [float(g) for g in autograd.gradients(out, leaves, allow_unused=True)]


def _torch_grads(fn: Callable[..., Any], *xs: float) -> tuple[float, list[float]]:
    t = _torch()
    ts = [t.tensor(x, dtype=t.float64, requires_grad=True) for x in xs]
    out = fn(*ts)
    grads = t.autograd.grad(out, ts, allow_unused=True)
    return float(out.detach()), [0.0 if g is None else float(g) for g in grads]


def _f() -> Any:
    return _torch().nn.functional


# (name, engine, torch, inputs exactly at a kink, a tie or a bound)
KINKS: list[tuple[str, Callable[..., Value], Callable[[], Callable[..., Any]], tuple[float, ...]]] = [
    ("maximum tie", lambda a, b: a.maximum(b), lambda: _torch().maximum, (1.0, 1.0)),
    ("minimum tie", lambda a, b: a.minimum(b), lambda: _torch().minimum, (1.0, 1.0)),
    ("max 2-way tie", lambda a, b, c: autograd.max([a, b, c]),
     lambda: lambda a, b, c: _torch().max(_torch().stack([a, b, c])), (1.0, 1.0, 0.0)),
    ("max 3-way tie", lambda a, b, c: autograd.max([a, b, c]),
     lambda: lambda a, b, c: _torch().max(_torch().stack([a, b, c])), (2.0, 2.0, 2.0)),
    ("min tie", lambda a, b, c: autograd.min([a, b, c]),
     lambda: lambda a, b, c: _torch().min(_torch().stack([a, b, c])), (0.0, 1.0, 0.0)),
    *[(f"clamp at {x}", lambda a, lo, hi: a.clamp(lo, hi), lambda: _torch().clamp, (x, -1.0, 1.0))
      for x in (-1.0, 1.0, -2.0, 2.0, 0.5)],
    *[(f"clamp min >= max at {xs}", lambda a, lo, hi: a.clamp(lo, hi), lambda: _torch().clamp, xs)
      for xs in ((0.0, 1.0, -1.0), (0.5, 1.0, 1.0), (2.0, 1.0, 1.0), (1.0, 1.0, 1.0), (0.7, 1.0, 0.5))],
    *[(f"clamp numeric bounds at {x}", lambda a: a.clamp(-1.0, 1.0),
       lambda: lambda t: _torch().clamp(t, -1.0, 1.0), (x,)) for x in (-1.0, 1.0)],
    *[(f"hardtanh at {x}", lambda a: a.hardtanh(), lambda: _f().hardtanh, (x,)) for x in (-1.0, 1.0)],
    *[(f"relu6 at {x}", lambda a: a.relu6(), lambda: _f().relu6, (x,)) for x in (0.0, 6.0)],
    *[(f"hardsigmoid at {x}", lambda a: a.hardsigmoid(), lambda: _f().hardsigmoid, (x,))
      for x in (-3.0, 3.0)],
    *[(f"hardswish at {x}", lambda a: a.hardswish(), lambda: _f().hardswish, (x,)) for x in (-3.0, 3.0)],
    ("selu at 0", lambda a: a.selu(), lambda: _f().selu, (0.0,)),
    ("celu at 0", lambda a: a.celu(), lambda: _f().celu, (0.0,)),
    ("sign at 0", lambda a: a.sign(), lambda: _torch().sign, (0.0,)),
    ("softsign at 0", lambda a: a.softsign(), lambda: _f().softsign, (0.0,)),
    ("mish at 0", lambda a: a.mish(), lambda: _f().mish, (0.0,)),
    *[(f"{name} at {x}", lambda a, name=name: getattr(a, name)(), lambda name=name: getattr(_torch(), name),
       (x,)) for name in ("floor", "ceil", "round", "trunc") for x in (2.0, 2.5, -0.5)],
    ("x % y at a multiple", lambda a, b: a % b, lambda: _torch().remainder, (4.0, 2.0)),
    ("x % y", lambda a, b: a % b, lambda: _torch().remainder, (5.5, -2.0)),
    ("x // y", lambda a, b: a // b,
     lambda: lambda a, b: _torch().div(a, b, rounding_mode="floor"), (5.5, -2.0)),
    ("atan2 at the origin", lambda a, b: a.atan2(b), lambda: _torch().atan2, (0.0, 0.0)),
    ("hypot at the origin", lambda a, b: a.hypot(b), lambda: _torch().hypot, (0.0, 0.0)),
    ("logaddexp tie", lambda a, b: a.logaddexp(b), lambda: _torch().logaddexp, (3.0, 3.0)),
    ("asin at 1", lambda a: a.asin(), lambda: _torch().asin, (1.0,)),
    ("acosh at 1", lambda a: a.acosh(), lambda: _torch().acosh, (1.0,)),
]


@pytest.mark.parametrize(("name", "ours", "theirs", "xs"), KINKS, ids=[k[0] for k in KINKS])
def test_kinks_ties_and_bounds_follow_pytorch(name: str, ours: Callable[..., Value],
                                              theirs: Callable[[], Callable[..., Any]],
                                              xs: tuple[float, ...]) -> None:
    value, grads = _grads(ours, *xs)
    tvalue, tgrads = _torch_grads(theirs(), *xs)
    assert value == tvalue or (math.isnan(value) and math.isnan(tvalue))
    for g, tg in zip(grads, tgrads):
        assert g == tg or (math.isnan(g) and math.isnan(tg)), f"{name}: {grads} vs torch {tgrads}"


DOMAIN_ERRORS = [
    (lambda v: v.asin(), 1.5, ValueError, r"asin: needs an input in \[-1, 1\], got 1.5 \(label 'x'\)"),
    (lambda v: v.acos(), -2.0, ValueError, "acos: needs an input in"),
    (lambda v: v.acosh(), 0.5, ValueError, "acosh: needs an input >= 1, got 0.5"),
    (lambda v: v.atanh(), 1.0, ValueError, r"atanh: needs an input in \(-1, 1\)"),
    (lambda v: v.log1p(), -1.0, ValueError, "log1p: needs an input > -1"),
    (lambda v: v.log2(), 0.0, ValueError, "log2: needs a positive input"),
    (lambda v: v.log10(), -3.0, ValueError, "log10: needs a positive input"),
    (lambda v: v % 0.0, 1.0, ZeroDivisionError, "mod: needs a nonzero divisor"),
    (lambda v: v // 0, 1.0, ZeroDivisionError, "floordiv: needs a nonzero divisor"),
]


@pytest.mark.parametrize(("build_op", "x", "error", "message"), DOMAIN_ERRORS)
def test_outside_the_domain_the_op_the_value_and_the_label_are_named(
        build_op: Callable[[Value], Value], x: float, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        build_op(Value(x, label="x"))


def test_a_batch_outside_the_domain_names_the_sample() -> None:
    with pytest.raises(ValueError, match="at sample 1"):
        Value(np.array([0.5, 2.0]), label="x").asin()


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="alpha must be positive"):
        Value(1.0).celu(0.0)
    with pytest.raises(ValueError, match="min_val"):
        Value(1.0).hardtanh(2.0, 1.0)
    with pytest.raises(TypeError, match="give min, max or both"):
        Value(1.0).clamp()
    with pytest.raises(TypeError, match="atan2: the other input"):
        Value(1.0).atan2("x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="round"):
        round(Value(1.0), 2)


SATURATING = ["mish", "selu", "celu", "softsign", "logsigmoid", "hardtanh", "relu6", "hardsigmoid",
              "hardswish", "erfc", "atan", "asinh", "tanh", "sigmoid"]


@pytest.mark.parametrize("x", [-1000.0, 1000.0])
@pytest.mark.parametrize("name", SATURATING)
def test_activations_neither_overflow_nor_warn_at_plus_minus_1000(name: str, x: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for data in (x, np.array([x, -x, 0.5])):
            v = Value(data)
            out = getattr(v, name)()
            out.backward()
            assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(v.grad)), name
    t = _torch()
    tx = t.tensor(x, dtype=t.float64, requires_grad=True)
    fn = getattr(t.nn.functional, name, None) or getattr(t, name)
    tout = fn(tx)
    tout.backward()
    v = Value(x)
    getattr(v, name)().backward()
    # (torch is a few dozen ulps off in places, softsign'(-1000) for one: the ulps are
    # measured against mpmath in tests/test_accuracy.py)
    assert getattr(Value(x), name)().data == pytest.approx(float(tout.detach()), rel=1e-12, abs=1e-300)
    assert v.grad == pytest.approx(float(tx.grad), rel=1e-12, abs=1e-300)


def test_reductions_over_many_values_do_not_overflow_at_plus_minus_1000() -> None:
    t = _torch()
    values = [1000.0, 999.0, -1000.0, 1000.5]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xs = [Value(v) for v in values]
        lse = autograd.logsumexp(xs)
        grads = autograd.gradients(lse, xs)
        soft = autograd.softmax(xs)
        logsoft = autograd.log_softmax(xs)
    tx = t.tensor(values, dtype=t.float64, requires_grad=True)
    tl = t.logsumexp(tx, 0)
    (tg,) = t.autograd.grad(tl, tx)
    with mpmath.workdps(50):
        exact_lse = mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(v)) for v in values))
        exact_soft = [float(mpmath.exp(mpmath.mpf(v) - exact_lse)) for v in values]
        exact_logsoft = [float(mpmath.mpf(v) - exact_lse) for v in values]
    assert lse.data == float(exact_lse) == float(tl.detach())
    # the softmax is e**(x_i - max) / sum: torch's e**(x_i - lse) is 60 ulps off here
    assert grads == pytest.approx(exact_soft, rel=4e-16, abs=1e-300)
    assert grads == pytest.approx(tg.tolist(), rel=1e-13, abs=1e-300)
    assert [s.data for s in soft] == pytest.approx(exact_soft, rel=4e-16, abs=1e-300)
    assert [s.data for s in logsoft] == pytest.approx(exact_logsoft, rel=4e-16)
    assert [s.data for s in logsoft] == pytest.approx(t.log_softmax(tx, 0).tolist(), rel=1e-15)
    assert autograd.max(xs).data == 1000.5 and autograd.min(xs).data == -1000.0


def test_softmax_and_log_softmax_gradients_match_torch() -> None:
    t = _torch()
    values = [0.3, -1.2, 2.5]
    weights = [0.7, -0.4, 1.3]
    for ours, theirs in ((autograd.softmax, t.softmax), (autograd.log_softmax, t.log_softmax)):
        xs = [Value(v) for v in values]
        out = autograd.dot(weights, ours(xs))
        first = autograd.gradients(out, xs, create_graph=True)
        tx = t.tensor(values, dtype=t.float64, requires_grad=True)
        tout = (t.tensor(weights, dtype=t.float64) * theirs(tx, 0)).sum()
        (tg,) = t.autograd.grad(tout, tx, create_graph=True)
        assert out.data == pytest.approx(float(tout.detach()), rel=1e-15)
        assert [g.data for g in first] == pytest.approx(tg.tolist(), rel=1e-14)
        (th,) = t.autograd.grad(tg[0], tx)
        assert autograd.gradients(first[0], xs) == pytest.approx(th.tolist(), rel=1e-13, abs=1e-15)


def test_softmax_of_a_batch_sums_to_one_per_sample() -> None:
    xs = [Value(np.array([1000.0, -3.0])), Value(np.array([0.0, -1000.0])), Value(2.0)]
    total = sum(s.data for s in autograd.softmax(xs))
    assert np.allclose(total, 1.0, rtol=1e-15)


NEW = [op for op in OPS if op not in ("add", "sub", "mul", "div", "pow", "radd", "rsub", "rmul",
                                      "rdiv", "rpow", "neg", "sum", "dot", "square", "cube", "inv",
                                      "root")]


@pytest.mark.parametrize("op", sorted(OPS))
def test_batches_give_each_sample_its_own_value_and_derivatives(op: str) -> None:
    """Every row on a batch of 3 samples equals the row on each sample (value, first and second
    derivatives): the numpy paths and the batch create_graph paths against the float paths."""
    xs = (-1.3, 0.35, 1.9)
    recipe = single(op, 0.0)
    others = recipe.leaves[1:]
    batch = Recipe((0.0, *others), recipe.steps)
    leaves, root = build(batch, lambda i, v: Value(np.array(xs) if i == 0 else v), engine_table())
    first = autograd.gradients(root, leaves[0], create_graph=True)
    second = autograd.gradients(first, leaves[0], allow_unused=True)
    for k, x in enumerate(xs):
        one, r1 = build(Recipe((x, *others), recipe.steps), lambda i, v: Value(v), engine_table())
        g1 = autograd.gradients(r1, one[0], create_graph=True)
        g2 = autograd.gradients(g1, one[0], allow_unused=True)
        assert root.data[k] == pytest.approx(r1.data, rel=1e-15, abs=1e-300), op
        assert first.data[k] == pytest.approx(g1.data, rel=1e-15, abs=1e-300), op
        assert second[k] == pytest.approx(g2, rel=1e-13, abs=1e-300), op


def _pieces_equal(op: str, recipe: Recipe, h: float) -> bool:
    """True when no piecewise op of the recipe's graph changes piece within +-h of its input."""
    def pieces(delta: float) -> list[Any]:
        shifted = Recipe((recipe.leaves[0] + delta, *recipe.leaves[1:]), recipe.steps)
        _, root = build(shifted, lambda i, v: Value(v), engine_table())
        out = []
        for node in autograd.topological_order(root):
            row = node._row
            if row is not None and row.kink is not None:
                data = [p.data for p in node.parents]
                piece = row.piece or (lambda x, *_: np.sign(x))
                out.append(np.asarray(piece(data) if row.arity == -1 else piece(*data)).tolist())
        return out
    return pieces(-h) == pieces(h)


@pytest.mark.parametrize("x", [-2.3, -0.77, -0.21, 0.13, 0.62, 1.41, 2.7])
@pytest.mark.parametrize("op", sorted(NEW))
def test_each_new_row_against_central_differences(op: str, x: float) -> None:
    recipe = single(op, x)
    h = 1e-6
    if not _pieces_equal(op, recipe, 2 * h):
        pytest.skip("the difference would straddle a kink")  # never happens at these points
    leaves, root = build(recipe, lambda i, v: Value(v), engine_table())
    g = autograd.gradients(root, leaves, allow_unused=True)

    def at(i: int, d: float) -> float:
        shifted = list(recipe.leaves)
        shifted[i] += d
        return build(Recipe(tuple(shifted), recipe.steps), lambda k, v: Value(v), engine_table())[1].data

    for i in range(len(leaves)):
        fd = (at(i, h) - at(i, -h)) / (2 * h)
        assert g[i] == pytest.approx(fd, rel=1e-6, abs=1e-7), f"{op} d/dx{i} at {x}"


@pytest.mark.parametrize(("fn", "xs"), [
    (lambda a, b: a.maximum(b), (1.0, 1.0)), (lambda a: a.floor() * a, (2.0,)),
    (lambda a: a.clamp(-1.0, 1.0), (1.0,)), (lambda a, b: autograd.max([a, b]), (0.5, 0.5)),
    (lambda a: a.hardtanh(), (1.0,)), (lambda a: (a * 3.0).round(), (0.5,)),
    (lambda a, b: a % b, (4.0, 2.0)),
])
def test_gradcheck_reports_the_new_kinks_as_kinks(fn: Callable[..., Value], xs: tuple[float, ...]) -> None:
    result = gradcheck(fn, [Value(x) for x in xs], raise_exception=False)
    assert result.ok and any(r.kink for r in result.rows), result


def test_gradcheck_passes_the_new_smooth_ops() -> None:
    def f(x: Value, y: Value) -> Value:
        return (x.tan() + x.atan2(y) + x.hypot(y) + x.logaddexp(y) + x.mish() + x.erfc() + x.cbrt()
                + y.asinh() + (x * 0.3).atanh() + x.softsign() + x.logsigmoid() + x.selu())

    assert gradcheck(f, [Value(0.4), Value(-1.3)]).ok
    assert autograd.gradgradcheck(f, [Value(0.4), Value(-1.3)]).ok



# ------------------------------------------------------------ comparisons
def test_comparisons_compare_the_data() -> None:
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    assert a < b and a <= b and b > a and b >= a and not a > b
    assert a < 1.5 and 1.5 > a and 0 <= a and a >= 1 and a <= True
    assert (a < b) is True  # a bool, not a Value
    assert sorted([b, a]) == [a, b]
    batch = Value(np.array([0.5, 3.0]))
    assert (batch > 1.0).tolist() == [False, True] and isinstance(batch > 1.0, np.ndarray)
    assert (np.array([1.0, 1.0]) < batch).tolist() == [False, True]
    with pytest.raises(TypeError):
        _ = a < "text"  # type: ignore[operator]


def test_python_max_returns_one_of_the_values_and_the_gradient_flows_through_it() -> None:
    a, b = Value(1.0), Value(3.0)
    top = max(a, b)
    assert top is b
    (top * a).backward()
    assert (a.grad, b.grad) == (3.0, 1.0)
    x = Value(-2.0)
    y = x * x if x > 0 else -x
    y.backward()
    assert x.grad == -1.0


def test_equality_stays_identity_so_values_are_dict_keys() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a: 1, b: 2}) == 2 and len({a, b}) == 2
    assert hash(a) != hash(b)


def test_rounding_builtins_and_operators_build_nodes() -> None:
    v = Value(-2.5, label="v")
    assert round(v).data == -2.0 and math.floor(v).data == -3.0 and math.ceil(v).data == -2.0
    assert math.trunc(v).data == -2.0 and isinstance(round(v), Value)
    assert (v % 2).data == -2.5 % 2 and (v // 2).data == -2.5 // 2
    assert (7 % Value(3.0)).data == 1.0 and (7 // Value(2.0)).data == 3.0
    assert autograd.graph.display_name(v % 2) == "v % 2"
    assert autograd.graph.display_name((v + 1) // 2) == "(v + 1) // 2"
