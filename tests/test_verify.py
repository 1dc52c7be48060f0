"""gradcheck, gradgradcheck, check, locate and reevaluate.

Oracles: sympy (exact derivatives), the seeds' derivation by hand (plain
floats, no engine), plain ``math`` forward values, and central differences.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, seeds
from autograd.custom import op
from autograd.gradchecks import GradcheckError, gradcheck, gradgradcheck
from autograd.locating import locate
from autograd.verify import check, reevaluate

finite = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_infinity=False)


def _sympy_grad(expr: sp.Expr, syms: list[sp.Symbol], point: dict[sp.Symbol, float]) -> list[float]:
    return [float(sp.diff(expr, s).subs(point)) for s in syms]


# ---------------------------------------------------------------- reevaluate
def test_reevaluate_recomputes_downstream_of_a_leaf_and_of_an_intermediate() -> None:
    x, w = Value(0.3, label="x"), Value(-1.2, label="w")
    m = x * w
    out = m.tanh() + x
    values = reevaluate(out, {x: 0.5})
    assert values[out] == pytest.approx(math.tanh(0.5 * -1.2) + 0.5, rel=1e-15)
    assert values[m] == pytest.approx(-0.6, rel=1e-15)
    values = reevaluate(out, {m: 2.0})  # intermediate: x keeps its value
    assert values[out] == pytest.approx(math.tanh(2.0) + 0.3, rel=1e-15)
    # nothing in the graph changed
    assert x.data == 0.3 and m.data == pytest.approx(0.3 * -1.2)
    assert out.data == pytest.approx(math.tanh(0.3 * -1.2) + 0.3)


def test_reevaluate_gives_nan_outside_the_domain() -> None:
    x = Value(0.5, label="x")
    out = x.log()
    assert math.isnan(reevaluate(out, {x: -1.0})[out])


# ---------------------------------------------------------------- gradcheck
def test_gradcheck_columns_agree_with_sympy() -> None:
    xs, ys = sp.symbols("x y")
    expr = xs * ys + sp.sin(xs) / ys + sp.exp(-xs * xs) * sp.tanh(ys)
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    result = gradcheck(lambda x, y: x * y + x.sin() / y + (-(x * x)).exp() * y.tanh(), [x, y])
    exact = _sympy_grad(expr, [xs, ys], {xs: 0.7, ys: -1.3})
    assert result.ok and bool(result)
    for row, e in zip(result.rows, exact):
        assert row.analytic == pytest.approx(e, rel=1e-12)
        assert row.numeric == pytest.approx(e, rel=1e-7)
    assert [r.input for r in result.rows] == ["x", "y"]


@settings(max_examples=40, deadline=None)
@given(finite, finite, st.floats(min_value=0.2, max_value=3.0))
def test_gradcheck_passes_on_builtin_ops(a: float, b: float, c: float) -> None:
    x, y, z = Value(a, label="x"), Value(b, label="y"), Value(c, label="z")

    def f(x: Value, y: Value, z: Value) -> Value:
        return (x * y).sigmoid() * z.log() + (y / z).tanh() ** 2 + z.sqrt() * x.gelu() + z**y

    assert gradcheck(f, [x, y, z]).ok


def _wrong_tanh() -> autograd.custom.CustomOp:
    # tanh' = 1 - tanh(x)**2 is written from the output; here it is fed the input.
    return op(math.tanh, lambda x: 1 - x * x, uses="input", name="bad_tanh")


def test_gradcheck_catches_a_wrong_rule_and_names_the_input() -> None:
    bad_tanh = _wrong_tanh()
    x, w = Value(0.8, label="x"), Value(2.0, label="w")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, w: bad_tanh(x) * w, [x, w])
    message = str(info.value)
    wrong = (1 - 0.8**2) * 2.0  # what the wrong rule gives, by hand
    right = (1 - math.tanh(0.8) ** 2) * 2.0
    assert message.startswith("gradcheck failed for input x:")
    assert f"{wrong:.10g}" in message and f"{right:.6g}" in message[:200]
    result = info.value.result
    assert [r.status for r in result.rows] == ["FAIL", "ok"]  # w's gradient tanh(x) is right
    assert result.rows[0].analytic == pytest.approx(wrong, rel=1e-12)
    assert result.rows[0].numeric == pytest.approx(right, rel=1e-7)
    # the report also locates the op
    assert result.located is not None and result.located.first is not None
    assert result.located.first.op == "bad_tanh"
    assert "locate: first wrong rule: op 'bad_tanh'" in message


def test_gradcheck_result_table_and_no_raise() -> None:
    bad_tanh = _wrong_tanh()
    x = Value(0.8, label="x")
    result = gradcheck(lambda x: bad_tanh(x), [x], raise_exception=False)
    assert not result.ok and not bool(result)
    text = str(result)
    for column in ("input", "analytic", "numeric", "abs err", "rel err", "ok"):
        assert column in text.splitlines()[1]
    assert "FAIL" in text
    assert [r.input for r in result.failures] == ["x"]


def test_a_right_custom_rule_passes() -> None:
    good_tanh = op(math.tanh, lambda z: 1 - z * z, uses="output", name="good_tanh")
    x, w = Value(0.8, label="x"), Value(2.0, label="w")
    assert gradcheck(lambda x, w: good_tanh(x * w) * x, [x, w]).ok


@pytest.mark.parametrize("make", [lambda x: x.relu(), lambda x: abs(x),
                                  lambda x: x.leaky_relu(0.1), lambda x: x.elu(0.5)])
def test_kinks_are_reported_as_kinks_not_failures(make: Callable[[Value], Value]) -> None:
    x = Value(0.0, label="x")
    result = gradcheck(lambda x: make(x) * 3.0, [x], raise_exception=False)
    assert result.ok
    assert result.rows[0].status == "kink"
    assert "kink" in str(result)


def test_a_kink_straddled_by_the_step_is_a_kink() -> None:
    x = Value(1e-7, label="x")  # eps = 1e-6 crosses relu's kink at 0
    result = gradcheck(lambda x: x.relu(), [x], raise_exception=False)
    assert result.ok and result.rows[0].status == "kink"
    # away from the kink the same op is checked normally
    assert gradcheck(lambda x: x.relu(), [Value(0.5)]).rows[0].status == "ok"


def test_a_kink_elsewhere_does_not_hide_a_wrong_rule() -> None:
    bad_tanh = _wrong_tanh()
    x, k = Value(0.8, label="x"), Value(0.0, label="k")
    result = gradcheck(lambda x, k: bad_tanh(x) + k.relu(), [x, k], raise_exception=False)
    assert [r.status for r in result.rows] == ["FAIL", "kink"]
    assert not result.ok


def test_gradcheck_on_a_batch_checks_every_sample_or_one() -> None:
    x = Value(np.array([0.1, -0.4, 0.9]), label="x")
    w = Value(1.5, label="w")
    result = gradcheck(lambda x, w: (x * w).tanh().mean(), [x, w])
    assert [r.input for r in result.rows] == ["x[0]", "x[1]", "x[2]", "w"]
    xs = np.array([0.1, -0.4, 0.9])
    for k in range(3):  # d mean(tanh(w x)) / d x_k = w (1 - tanh(w x_k)**2) / 3
        assert result.rows[k].analytic == pytest.approx(1.5 * (1 - math.tanh(1.5 * xs[k]) ** 2) / 3)
    one = gradcheck(lambda x, w: (x * w).tanh(), [x, w], sample=2)
    assert [r.input for r in one.rows] == ["x[2]", "w"]
    assert one.rows[1].analytic == pytest.approx(0.9 * (1 - math.tanh(1.35) ** 2), rel=1e-12)
    with pytest.raises(ValueError, match="sample"):
        gradcheck(lambda x, w: (x * w).tanh(), [x, w])


def test_gradcheck_accepts_an_output_value() -> None:
    x = Value(0.4, label="x")
    out = x.sin() * x
    result = gradcheck(out, [x])
    assert result.rows[0].analytic == pytest.approx(math.cos(0.4) * 0.4 + math.sin(0.4), rel=1e-12)


# ---------------------------------------------------------------- gradgradcheck
def test_gradgradcheck_agrees_with_sympy_hessian() -> None:
    xs, ys = sp.symbols("x y")
    expr = sp.tanh(xs * ys) * sp.exp(ys) + xs**3 / ys
    x, y = Value(0.6, label="x"), Value(1.1, label="y")
    result = gradgradcheck(lambda x, y: (x * y).tanh() * y.exp() + x**3 / y, [x, y])
    assert result.ok
    point = {xs: 0.6, ys: 1.1}
    syms = {"x": xs, "y": ys}
    for row in result.rows:
        a, b = row.input[5], row.input[7]  # "∂²f/∂x∂y"
        exact = float(sp.diff(expr, syms[a], syms[b]).subs(point))
        assert row.analytic == pytest.approx(exact, rel=1e-10)


def test_gradgradcheck_catches_a_rule_that_is_right_only_to_first_order() -> None:
    # math.tanh turns a Value into a float: the rule is a constant under create_graph
    first_order_only = op(math.tanh, lambda x: 1 - math.tanh(x) ** 2, name="flat_tanh")
    x = Value(0.7, label="x")
    assert gradcheck(lambda x: first_order_only(x), [x]).ok
    with pytest.raises(GradcheckError, match=r"∂²f/∂x∂x"):
        gradgradcheck(lambda x: first_order_only(x), [x])
    # written with arithmetic on the output, the rule differentiates again
    arithmetic = op(math.tanh, lambda z: 1 - z * z, uses="output", name="tanh2")
    result = gradgradcheck(lambda x: arithmetic(x), [x])
    t = math.tanh(0.7)
    assert result.rows[0].analytic == pytest.approx(-2 * t * (1 - t * t), rel=1e-12)


# ---------------------------------------------------------------- check
def test_check_the_seeds_derivation_by_hand() -> None:
    net = seeds.build()
    hand = seeds.derive_by_hand()
    expected: dict[object, object] = {net.weights[k]: v for k, v in hand.gradients.items()}
    expected.update({net.activations[k]: v for k, v in hand.dE_do.items()})
    result = check(net.loss, expected)
    assert result.ok, str(result)
    assert len(result.rows) == len(hand.gradients) + len(hand.dE_do)
    assert {r.verdict for r in result.rows} == {"ok"}


def test_check_flags_a_wrong_hand_derivation() -> None:
    net = seeds.build()
    hand = seeds.derive_by_hand()
    a = net.pre_activations["a2_1"].data
    o1 = net.activations["o1_1"].data
    # the classic mistake: sigmoid'(a) written as x * (1 - x) and fed the pre-activation
    wrong = hand.dE_do["o2_1"] * a * (1 - a) * o1
    result = check(net.loss, {
        "w2_11": wrong,
        "w1_11": hand.gradients["w1_11"],
        "o1_1": lambda: hand.dE_do["o1_1"],  # a callable, no argument
        net.pre_activations["a2_1"]: lambda node: hand.dE_do["o2_1"] * hand.do_da["o2_1"],
    })
    verdicts = {r.node: r.verdict for r in result.rows}
    assert verdicts == {"w2_11": "hand derivation wrong", "w1_11": "ok", "o1_1": "ok",
                        "a2_1": "ok"}
    assert result.wrong == ["w2_11"] and not result.ok
    row = result.rows[0]
    assert row.engine == pytest.approx(hand.gradients["w2_11"], rel=1e-12)
    assert row.numeric == pytest.approx(hand.gradients["w2_11"], rel=1e-6)
    with pytest.raises(AssertionError, match="w2_11"):
        check(net.loss, {"w2_11": wrong}, raise_exception=True)


def test_check_sees_an_engine_rule_that_disagrees_with_finite_differences() -> None:
    bad_tanh = _wrong_tanh()
    x = Value(0.8, label="x")
    h = bad_tanh(x)
    h.label = "h"
    out = h * 2.0
    result = check(out, {x: 2 * (1 - math.tanh(0.8) ** 2), h: 2.0})
    verdicts = {r.node: r.verdict for r in result.rows}
    assert verdicts["x"].startswith("engine disagrees")
    assert verdicts["h"] == "ok"


# ---------------------------------------------------------------- locate
def _seed_network(sigmoid: object) -> tuple[Value, dict[str, Value]]:
    """The seeds' network typed by a user, with their own sigmoid op in layer 2."""
    acts = [lambda a: a.tanh(), sigmoid, lambda a: a.relu()]
    layer = [Value(x, label=f"o0_{i + 1}") for i, x in enumerate(seeds.INPUTS)]
    weights: dict[str, Value] = {}
    for k, (rows, act) in enumerate(zip(seeds.WEIGHTS, acts), start=1):
        outs = []
        for j, row in enumerate(rows, start=1):
            ws = [Value(w, label=f"w{k}_{i}{j}") for i, w in enumerate(row[:-1], start=1)]
            b = Value(row[-1], label=f"b{k}_{j}")
            weights.update({w.label: w for w in [*ws, b]})
            a = autograd.dot(ws, layer, b)
            a.label = f"a{k}_{j}"
            o = act(a)  # type: ignore[operator]
            o.label = f"o{k}_{j}"
            outs.append(o)
        layer = outs
    diff = layer[0] - seeds.TARGET
    loss = 0.5 * diff * diff
    loss.label = "E"
    return loss, weights


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_locate_finds_the_sigmoid_fed_its_pre_activation() -> None:
    fed_input = op(_sigmoid, lambda x: x * (1 - x), uses="input", name="my_sigmoid")
    loss, weights = _seed_network(fed_input)
    found = locate(loss)
    assert not found.ok
    first = found.first
    assert first is not None and first.op == "my_sigmoid"
    assert first.node in ("o2_1", "o2_2") and first.input == "a" + first.node[1:]
    a = first.input_value
    assert first.rule == pytest.approx(a * (1 - a), rel=1e-12)
    assert first.numeric == pytest.approx(_sigmoid(a) * (1 - _sigmoid(a)), rel=1e-6)
    assert "my_sigmoid" in str(found)
    # every other rule of the graph is right: only the two sigmoid nodes are flagged
    assert {r.node for r in found.rows if r.status == "WRONG"} == {"o2_1", "o2_2"}
    # and gradcheck on the weights fails, naming a weight below the sigmoid layer
    result = gradcheck(loss, list(weights.values()), raise_exception=False)
    assert not result.ok
    assert all(r.input[:2] in ("w1", "b1", "w2", "b2") for r in result.failures)


def test_locate_passes_the_sigmoid_fed_its_output() -> None:
    fed_output = op(_sigmoid, lambda z: z * (1 - z), uses="output", name="my_sigmoid")
    loss, weights = _seed_network(fed_output)
    assert locate(loss).ok
    hand = seeds.derive_by_hand()
    result = gradcheck(loss, list(weights.values()))
    for row in result.rows:
        assert row.analytic == pytest.approx(hand.gradients[row.input], rel=1e-12)


def test_locate_reports_kinks_and_one_sided_domain_edges() -> None:
    x = Value(0.0, label="x")
    out = x.relu() + (x * 1.0).sqrt() * 0.0 + (x + 1.0).log()
    found = locate(out)
    assert found.ok
    statuses = {r.op: r.status for r in found.rows}
    assert statuses["relu"] == "kink"
    assert statuses["sqrt"] == "undefined"  # sqrt'(0) is infinite: one-sided, not accused
    assert statuses["log"] == "ok"


@settings(max_examples=40, deadline=None)
@given(st.lists(finite, min_size=3, max_size=3), st.integers(0, 10_000))
def test_locate_never_accuses_a_builtin_rule(point: list[float], seed: int) -> None:
    rng = np.random.default_rng(seed)
    nodes = [Value(v, label=f"x{i}") for i, v in enumerate(point)]
    unary = ["tanh", "sigmoid", "sin", "cos", "exp", "softplus", "silu", "gelu", "erf"]
    for _ in range(12):
        a, b = rng.choice(len(nodes), 2)
        kind = rng.integers(0, 5)
        x, y = nodes[a], nodes[b]
        if kind == 0:
            n = x + y
        elif kind == 1:
            n = x * y
        elif kind == 2:
            n = getattr(x, str(rng.choice(unary)))()
        elif kind == 3:
            n = x / (y * y + 1.0)
        else:
            n = autograd.dot([x, y], [y, x], 0.5)
        nodes.append(n if abs(n.data) < 50 else n.tanh())
    out = autograd.sum(nodes[-4:])
    assert locate(out).ok


@pytest.mark.parametrize(("make", "x"), [
    (lambda v: v * v, 1e10), (lambda v: v * v * v, 1e10), (lambda v: v.sin(), 1e10),
    (lambda v: (v + 1.0) ** 2 - v ** 2, 1e10), (lambda v: v * v, 1e15), (lambda v: v.exp(), 700.0),
])
def test_gradcheck_passes_a_right_derivative_at_a_large_input(make: Any, x: float) -> None:
    """A step of 1e-6 at x = 1e10 measures the output's rounding (x*x = 1e20 rounds to
    16384) and is not even taken (x + 1e-6 rounds to x + 1.9e-6): x*x failed there, and
    the report blamed the function for leaving its graph.  The step now grows until
    the rounding is below the tolerance, and the difference divides by the step taken."""
    v = Value(x, label="x")
    result = autograd.gradcheck(make, [v], raise_exception=False)
    assert result.ok, str(result)


@pytest.mark.parametrize("x", [1e10, 1e15, 3.0])
def test_gradcheck_still_fails_a_wrong_derivative_at_a_large_input(x: float) -> None:
    """The step is chosen from the rounding alone, so a rule off by 10% still fails."""
    square = autograd.op(lambda t: t * t, lambda t: 2.2 * t, name="square")
    result = autograd.gradcheck(lambda v: square(v), [Value(x, label="x")], raise_exception=False)
    assert not result.ok and result.rows[0].numeric == pytest.approx(2.0 * x, rel=1e-3)


def test_gradcheck_at_a_point_no_step_resolves_says_so() -> None:
    """(x + 1)**2 - x**2 at 1e18: the output's rounding (about 64 per ulp of 1e36's
    square, times the steps) stays above the tolerance up to the largest step: the
    report says a finite difference cannot check the point, not that f left its graph."""
    result = autograd.gradcheck(lambda v: (v + 1.0) ** 2 - v ** 2, [Value(1e18, label="x")],
                                raise_exception=False)
    text = str(result)
    assert result.ok or "cannot check this point" in text, text
    assert "differs from its recorded graph" not in text


def test_the_command_lines_check_at_a_large_input_passes(capsys: Any) -> None:
    from autograd.cli import main
    assert main(["grad", "x**2 + x", "--at", "x=1e10", "--check"]) == 0
    out = capsys.readouterr().out
    assert "gradcheck: passed" in out and "checked with the step" in out


def test_an_input_the_output_rounding_swamps_is_reported_as_such(capsys: Any) -> None:
    """d/dy of x**2 + y at x = 1e10 is 1, but f = 1e20 rounds to 16384: no step up to
    the largest allowed for y = 3 sees y's effect.  The row fails with that reason."""
    from autograd.cli import main
    assert main(["grad", "x**2 + y", "--at", "x=1e10", "y=3", "--check"]) == 1
    out = capsys.readouterr().out
    assert "cannot check this point" in out and "differs from its recorded graph" not in out


# --------------------------------------------- a domain edge or a pole within the step
NEAR_AN_EDGE = [  # (f, its exact derivative, x): the edge or the pole at 0, nearer than eps
    (lambda v: v.log(), lambda x: 1.0 / x, 1e-7),
    (lambda v: v.log(), lambda x: 1.0 / x, 1e-100),
    (lambda v: v.sqrt(), lambda x: 0.5 / math.sqrt(x), 1e-7),
    (lambda v: v.sqrt(), lambda x: 0.5 / math.sqrt(x), 1e-320),  # a subnormal input
    (lambda v: 1.0 / v, lambda x: -1.0 / (x * x), 1e-7),  # x - 1e-6 is across the pole
    (lambda v: 1.0 / v, lambda x: -1.0 / (x * x), -1e-100),
    (lambda v: (v - 1.0).log() * 2.0, lambda x: 2.0 / (x - 1.0), 1.0 + 2**-40),
    (lambda v: v.asin(), lambda x: 1.0 / math.sqrt(1.0 - x * x), 1.0 - 2**-30),
]


@pytest.mark.parametrize(("make", "exact", "x"), NEAR_AN_EDGE)
def test_gradcheck_near_a_domain_edge_or_a_pole_checks_within_it(make: Any, exact: Any,
                                                                x: float) -> None:
    """log(x) at 1e-7 with a step of 1e-6 evaluated log(-9e-7) (nan) and 1/x at 1e-7
    straddled its pole (numeric +1e12 for -1e14); both FAILED, and locate blamed the op.
    The step now shrinks until both points lie on x's smooth piece; the numeric column
    is the exact derivative (the oracle) to 1e-4."""
    result = autograd.gradcheck(make, [Value(x, label="x")], raise_exception=False)
    row = result.rows[0]
    assert result.ok, str(result)
    assert row.numeric == pytest.approx(exact(x), rel=1e-4)
    assert 0.0 < row.step < 1e-6 and "a pole or the edge of the domain lies within eps" in str(result)


def test_a_wrong_rule_near_a_domain_edge_still_fails_and_is_located() -> None:
    bad_log = op(math.log, lambda t: 2.0 / t, name="bad_log")  # log' is 1/t
    result = autograd.gradcheck(lambda v: bad_log(v), [Value(1e-7, label="x")],
                                raise_exception=False)
    assert not result.ok and result.rows[0].numeric == pytest.approx(1e7, rel=1e-4)
    assert result.located is not None and result.located.first is not None
    assert result.located.first.op == "bad_log"


@pytest.mark.parametrize(("make", "x", "reason"), [
    # no step lies inside (0, x]: sqrt's second difference over one float spacing is as
    # large as its first (0, 2.2e-162, 3.1e-162)
    (lambda v: v.sqrt(), 5e-324, "rough between the floats next to this point"),
    (lambda v: 1.0 / v, 1e-320, "the derivative is not finite here"),  # 1/x**2 overflows
    (lambda v: v * v, 1e200, "not finite a step away"),  # f overflows: (1e200 + h)**2 = inf
])
def test_a_point_no_difference_can_check_blames_no_rule(make: Any, x: float, reason: str) -> None:
    """Where no step sees a smooth piece, or the derivative or f itself is not finite,
    the report says why and locate accuses no op (it blamed sqrt and div there, and called
    x*x's finite 2e200 'not finite')."""
    result = autograd.gradcheck(make, [Value(x, label="x")], raise_exception=False)
    assert not result.ok
    assert result.located is not None and result.located.first is None, str(result)
    assert reason in str(result)


@pytest.mark.parametrize(("make", "x", "reason"), [
    # one float spacing of 1e308 is 3e291 periods: sin's values jump from float to float
    (lambda v: v.sin(), 1e308, "rough between the floats next to this point"),
    (lambda v: v.cos() * 2.0, -1e300, "rough between the floats next to this point"),
    # the pole of tan lies 6e-17 from the float nearest pi/2, inside one spacing (2.2e-16)
    (lambda v: v.tan(), math.pi / 2, "rough between the floats next to this point"),
    # -1/y**2 = -1e616 overflows to -inf, the rounded exact value; the difference crossed
    # the pole, and an overflowing one-sided slope (inf <= 0.5 * inf) passed as smooth
    (lambda v: 1.0 / v, 1e-308, "the derivative is not finite here"),
])
def test_a_rough_point_or_an_overflowing_slope_accuses_no_rule(make: Any, x: float, reason: str) -> None:
    """locate blamed sin at 1e308 (rule -0.89, 'finite difference' 3e-300), div at
    y = 1e-308 (rule -inf, 'finite difference' +1e12), and for tan at its pole the
    report said the function 'takes a number out of the graph'.  The rules are the
    exact derivatives (cos(1e308) from the C library, the IEEE -inf of -1e616)."""
    v = Value(x, label="x")
    result = autograd.gradcheck(make, [v], raise_exception=False)
    assert not result.ok
    assert result.located is not None and result.located.first is None, str(result)
    assert reason in str(result) and "takes a number out of the graph" not in str(result)
    assert "could not be checked" in result.located.summary()


def test_a_wrong_rule_at_a_large_smooth_point_is_still_accused() -> None:
    """x**2 is smooth from float to float at 1e150: the roughness test leaves a wrong
    rule there to the finite difference, which accuses it."""
    bad_square = op(lambda t: t * t, lambda t: 3.0 * t, name="bad_square")  # (t*t)' is 2t
    result = autograd.gradcheck(lambda v: bad_square(v), [Value(1e150, label="x")],
                                raise_exception=False)
    assert not result.ok and result.rows[0].numeric == pytest.approx(2e150, rel=1e-3)
    assert result.located is not None and result.located.first is not None
    assert result.located.first.op == "bad_square"


def test_an_infinity_is_close_only_to_itself() -> None:
    """gradcheck marked analytic -inf against numeric +inf 'ok' (inf <= atol + rtol * inf)."""
    from autograd.verify import close
    assert not close(-math.inf, math.inf, 1e-5, 1e-3)
    assert not close(5.0, math.inf, 1e-5, 1e-3) and not close(math.inf, 5.0, 1e-5, 1e-3)
    assert close(math.inf, math.inf, 1e-5, 1e-3) and not close(math.nan, math.nan, 1e-5, 1e-3)
    x, y = Value(1e308, label="x"), Value(1e-308, label="y")
    result = autograd.gradcheck(lambda a, b: a / b, [x, y], raise_exception=False)
    row = next(r for r in result.rows if r.input == "y")
    assert row.analytic == -math.inf and row.status == "FAIL"


def test_the_command_lines_check_next_to_a_domain_edge_passes(capsys: Any) -> None:
    from autograd.cli import main
    assert main(["grad", "log(x) + 1/x", "--at", "x=1e-7", "--check"]) == 0
    out = capsys.readouterr().out
    assert "gradcheck: passed" in out and "locate" not in out


def test_gradgradcheck_names_unlabelled_inputs_readably() -> None:
    result = gradgradcheck(lambda a, b: a * b * b, [Value(0.5), Value(2.0)])
    assert [r.input for r in result.rows] == [
        "∂²f/∂(input 0)∂(input 0)", "∂²f/∂(input 0)∂(input 1)",
        "∂²f/∂(input 1)∂(input 0)", "∂²f/∂(input 1)∂(input 1)"]
    assert [r.analytic for r in result.rows] == [0.0, 4.0, 4.0, 1.0]  # d²(ab²): 0, 2b, 2b, 2a
