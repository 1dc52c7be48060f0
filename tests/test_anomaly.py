"""detect_anomaly() and trace_backward().

Oracles: IEEE arithmetic facts (1e308 * 10 overflows, sqrt'(0) is infinite),
the seeds' derivation by hand, the chain rule's bookkeeping (a node's
upstream gradient is the sum of the contributions it received), and sympy's
exact second derivatives.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Value, seeds
from autograd.anomaly import AnomalyError, detect_anomaly, trace_backward


def test_forward_anomaly_names_the_op_and_its_inputs() -> None:
    big = Value(1e308, label="big")
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        (big * 10.0).tanh()  # the mul overflows; the tanh is never built
    err = info.value
    assert err.phase == "forward" and err.node.op == "mul"
    message = str(err)
    assert "op 'mul' gave inf" in message and "big = 1e+308" in message


def test_forward_nan_from_a_nan_input() -> None:
    x = Value(math.nan, label="x")
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"op 'add' gave nan.*x = nan"):
        _ = x + 1.0


def test_off_by_default_and_off_after_the_block() -> None:
    big = Value(1e308, label="big")
    assert math.isinf((big * 10.0).data)  # no error outside the block
    with detect_anomaly():
        pass
    x = Value(0.0, label="x")
    y = x.sqrt() * 2.0
    y.backward()
    assert math.isinf(x.grad)


def test_backward_anomaly_names_op_numbers_and_path() -> None:
    x = Value(0.0, label="x")
    w = Value(2.0, label="w")
    s = x.sqrt()
    s.label = "s"
    h = s * w
    h.label = "h"
    y = h.tanh()
    y.label = "y"
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        y.backward()
    err = info.value
    assert err.phase == "backward" and err.node is s
    message = str(err)
    assert "op 'sqrt'" in message and "passed inf to its input x" in message
    assert "local derivative inf [sqrt: 1/(2*sqrt(x))]" in message
    assert "path from the output: y <- h <- s <- x" in message
    # the engine is left in a clean state: a later backward is right (d tanh(2 sqrt(x+1))/dx)
    x2 = Value(1.0)
    out = (x2.sqrt() * 2.0).tanh()
    out.backward()
    assert x2.grad == pytest.approx((1 - math.tanh(2.0) ** 2) / math.sqrt(1.0), rel=1e-12)


def test_backward_nan_from_zero_times_infinity_in_a_batch() -> None:
    x = Value(np.array([1.0, 0.0]), label="x")
    y = (x.sqrt() * 0.0).sum()  # upstream 0 times sqrt'(0) = inf is nan at sample 1
    with np.errstate(invalid="ignore"), detect_anomaly(forward=False), \
            pytest.raises(AnomalyError, match="nan"):
        y.backward()


def test_trace_follows_the_chain_rule_step_by_step() -> None:
    x = Value(1.5, label="x")
    y = Value(-0.5, label="y")
    m = x * y
    m.label = "m"
    out = m.tanh() + x
    out.label = "out"
    with trace_backward() as t:
        out.backward()
    received: dict[Value, float] = {out: 1.0}
    for step in t:
        # each step's upstream is everything the node received before it passed it on
        assert step.upstream == pytest.approx(received[step.node], rel=1e-15)
        assert step.contribution == pytest.approx(step.upstream * step.local, rel=1e-15)
        received[step.parent] = received.get(step.parent, 0.0) + step.contribution
    t_m = math.tanh(-0.75)
    assert received[x] == pytest.approx((1 - t_m**2) * -0.5 + 1.0, rel=1e-12)
    assert received[y] == pytest.approx((1 - t_m**2) * 1.5, rel=1e-12)
    assert x.grad == pytest.approx(received[x], rel=1e-15)
    text = str(t)
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["step", "node", "op", "input"]
    assert len(lines) == 2 + len(t) == 2 + 5  # add: 2 edges, tanh: 1, mul: 2
    assert "1 - tanh(m)**2" in text  # the rule in the graph's names, as explain writes it


def test_trace_of_the_seeds_network_matches_the_hand_derivation() -> None:
    net = seeds.build()
    hand = seeds.derive_by_hand()
    with trace_backward() as t:
        net.loss.backward()
    for step in t:
        if step.node.label in hand.do_da:  # the activation nodes o^k_j
            assert step.upstream == pytest.approx(hand.dE_do[step.node.label], rel=1e-12)
            assert step.local == pytest.approx(hand.do_da[step.node.label], rel=1e-12)
        if step.parent.label in hand.gradients:
            assert step.contribution == pytest.approx(hand.gradients[step.parent.label],
                                                      rel=1e-12)
    assert len(t.rows()) == len(t)


def test_an_empty_trace_prints() -> None:
    with trace_backward() as t:
        pass
    assert str(t) == "backward trace: no steps recorded"


def test_the_path_is_that_of_the_current_pass() -> None:
    x = Value(1.0, label="x")
    s = x.sqrt()
    s.label = "s"
    a = s * 3.0
    a.label = "a"
    big = a + 1.0
    big.label = "big"
    with detect_anomaly():
        big.backward()  # a first pass, all finite, from "big" through "a"
        with pytest.raises(AnomalyError) as info:
            a.backward(grad=math.inf)  # a second pass starts at "a"
    assert "path from the output: a <- s" in str(info.value)


def test_finite_contributions_that_sum_to_an_infinity_are_reported() -> None:
    # d/dx (x + x) = 2: each edge passes the seed 1e308, finite; their sum, 2e308, is not
    x = Value(0.5, label="x")
    y = x + x
    y.label = "y"
    y.backward(grad=1e308)
    assert x.grad == math.inf  # without anomaly mode: float64's range, silently
    x.grad = 0.0
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        y.backward(grad=1e308)
    message = str(info.value)
    assert info.value.phase == "backward" and info.value.node is y
    assert "the gradient of x (= 0.5) overflowed" in message
    assert "sum to 1e+308" in message and "passed 1e+308" in message
    assert "path from the output: y <- x" in message


def test_an_overflowing_sum_in_a_batch_and_under_create_graph() -> None:
    b = Value(np.array([1e308, 1.0]), label="b")
    z = (b + b).sum()
    with detect_anomaly(forward=False), pytest.raises(AnomalyError, match="gradient of b"):
        z.backward(grad=1e308)
    sympy = pytest.importorskip("sympy")
    # f = 1e308 * x**x: f''(0.75) = 1e308 x**x ((1 + log x)**2 + 1/x), finite (sympy), but
    # the second pass adds 1.07e308 to 1.07e308 at x before the negative terms arrive
    xs = sympy.Symbol("x")
    exact = float(sympy.diff(sympy.Float(1e308, 30) * xs**xs, xs, 2).subs(xs, sympy.Rational(3, 4)))
    assert math.isfinite(exact)
    x = Value(0.75, label="x")
    (g,) = autograd.gradients(x**x * 1e308, [x], create_graph=True)
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"the gradient of x .* overflowed"):
        g.backward()


def test_finite_sums_near_the_top_of_the_range_pass() -> None:
    sympy = pytest.importorskip("sympy")
    # the same graph a factor 1e8 lower: every partial sum finite, nothing raised
    x = Value(0.75, label="x")
    (g,) = autograd.gradients(x**x * 1e300, [x], create_graph=True)
    with detect_anomaly():
        g.backward()
    xs = sympy.Symbol("x")
    exact = float(sympy.diff(sympy.Float(1e300, 30) * xs**xs, xs, 2).subs(xs, sympy.Rational(3, 4)))
    assert x.grad == pytest.approx(exact, rel=1e-14)


def test_the_forward_history_does_not_repeat_an_unlabelled_node() -> None:
    q = Value(1000.0, label="q")
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        (q * 2.0).exp()
    message = str(info.value)
    assert "computed as: exp(q*2); q*2 = mul(q, 2)" in message
    assert "exp(q*2) = exp(q*2)" not in message
