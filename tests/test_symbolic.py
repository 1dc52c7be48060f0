"""autograd.symbolic: the graph in SymPy, symbolic derivatives and formula checks.

Oracles: the engine's own backward pass (every row of the derivative table,
and random graphs, at random points), central finite differences, the seeds'
formulas written by hand (the R2 loss's y - ŷ, σ' fed σ's output, the sigmoid +
cross-entropy cancellation to ŷ - y), and derivatives worked out here by hand.
"""

from __future__ import annotations

import math
import subprocess
import sys
import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings

import autograd
from autograd import Value, losses, ops, seeds, symbolic
from autograd.expr import ExpressionError
from autograd.nodes import apply
from autograd.ops import NARY, Op
from autograd.symbolic import SYMPY_FORMS, check_formula, symbolic_grad, to_sympy
from tests.graphs import Recipe, build, engine_table, finite, recipes

# ------------------------------------------------------------ the table's rows
# The factories of the parametrized rows, with the constants to try them at.
FACTORY_PARAMS: dict[str, tuple[Any, ...]] = {
    "leaky_relu_op": (0.01, 0.2),
    "elu_op": (1.0, 0.7),
    "pow_const_op": (2.0, 3.0, 0.5, -1.0, -2.5),
    "exp_base_op": (2.0, 0.5, math.e),
    "hardtanh_op": ((0.5, 1.0), (-2.0, 0.5)),  # (lo, hi)
    "celu_op": (0.5, 2.0),
}


def table_rows() -> list[Op]:
    """Every row of autograd.ops: module-level rows, the named functions, and the
    rows the factories (``*_op``) make, each factory at its constants."""
    rows: dict[int, Op] = {}
    for value in vars(ops).values():
        if isinstance(value, Op):
            rows[id(value)] = value
    for value in ops.UNARY_FUNCTIONS.values():
        rows[id(value)] = value
    for name, value in vars(ops).items():
        if name.endswith("_op") and callable(value) and not isinstance(value, Op):
            for param in FACTORY_PARAMS.get(name, (0.5,)):
                made = value(*param) if isinstance(param, tuple) else value(param)
                rows[id(made)] = made
    return list(rows.values())


ROWS = table_rows()
# the batch reductions act on batches only, whose symbolic form (one sample's) is refused
SCALAR_ROWS = [row for row in ROWS if not row.name.startswith("batch_")]


def row_id(row: Op) -> str:
    return row.name if row.param is None else f"{row.name}({row.param:g})"


def test_every_row_of_the_derivative_table_has_a_sympy_form() -> None:
    missing = sorted({row.name for row in ROWS} - set(SYMPY_FORMS))
    assert not missing, f"rows of autograd/ops.py with no entry in symbolic.SYMPY_FORMS: {missing}"


def _inputs(row: Op, rng: np.random.Generator) -> list[float] | None:
    """A random point where the row is defined (its domain holds, the forward is finite)."""
    n = {1: 1, 2: 2}.get(row.arity, 5 if row.name == "dot" else 3)
    for _ in range(200):
        xs = [float(rng.uniform(-2.0, 2.0)) for _ in range(n)]
        if row.name in ("log", "sqrt", "acosh", "log1p", "log2", "log10") or (
                row.name == "pow" and row.arity == 2):
            xs[0] = abs(xs[0]) + (1.1 if row.name == "acosh" else 0.05)
        if row.name in ("asin", "acos", "atanh"):
            xs[0] = xs[0] / 2.2
        if row.arity == 2 and row.name in ("div", "mod", "floordiv"):
            xs[1] = xs[1] if abs(xs[1]) > 0.1 else 0.5
        if all(bool(d.ok(*xs)) for d in row.domain if row.arity != NARY):
            return xs
    return None


def _point_value(expr: Any, point: dict[str, float]) -> float:
    """A SymPy expression at a point given by symbol names, to 30 digits."""
    values = {s: point[s.name] for s in expr.free_symbols}
    return symbolic._sympy_value(expr, values)


@pytest.mark.parametrize("row", SCALAR_ROWS, ids=row_id)
def test_symbolic_grad_of_every_row_agrees_with_the_engine_at_random_points(row: Op) -> None:
    # points seeded by the row's name, the same in every run (str hashes are salted per process)
    rng = np.random.default_rng(zlib.crc32(row_id(row).encode()))
    checked = 0
    for _ in range(6):
        xs = _inputs(row, rng)
        assert xs is not None, f"no point found in the domain of {row_id(row)}"
        leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
        node = apply(row, *leaves)
        if not math.isfinite(node.data):
            continue
        engine = autograd.gradients(node, leaves, allow_unused=True)
        point = {f"x{i}": x for i, x in enumerate(xs)}
        assert _point_value(to_sympy(node), point) == pytest.approx(node.data, rel=1e-12, abs=1e-12)
        for i, leaf in enumerate(leaves):
            mine = _point_value(symbolic_grad(node, leaf), point)
            assert mine == pytest.approx(engine[i], rel=1e-9, abs=1e-12), (row_id(row), i, xs)
            checked += 1
    assert checked > 0


@pytest.mark.parametrize(("make", "at_zero"), [
    (lambda v: v.relu(), 0.0), (lambda v: abs(v), 0.0), (lambda v: v.leaky_relu(0.2), 0.2),
    (lambda v: v.elu(0.7), 0.7),
])
def test_kinks_take_the_table_s_value(make: Any, at_zero: float) -> None:
    x = Value(0.0, label="x")
    y = make(x)
    y.backward()
    assert x.grad == at_zero  # the engine's convention (PyTorch's)
    assert _point_value(symbolic_grad(y, x), {"x": 0.0}) == at_zero  # the Piecewise's value


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(recipes(max_steps=6))
def test_symbolic_grad_agrees_with_the_engine_on_random_graphs(recipe: Recipe) -> None:
    try:
        leaves, root = build(recipe, lambda i, v: Value(v, label=f"x{i}"), engine_table())
    except (OverflowError, ValueError, ZeroDivisionError):
        assume(False)
    assume(all(finite(float(n.data)) for n in autograd.topological_order(root)))
    engine = autograd.gradients(root, leaves, allow_unused=True)
    point = {f"x{i}": v for i, v in enumerate(recipe.leaves)}
    for i, leaf in enumerate(leaves):
        mine = _point_value(symbolic_grad(root, leaf), point)
        assert mine == pytest.approx(engine[i], rel=1e-8, abs=1e-10), str(recipe)


@pytest.mark.parametrize(("xs", "slopes"), [
    ((0.3, -1.0, 1.0), (1, 0, 0)), ((-1.0, -1.0, 1.0), (1, 0, 0)), ((1.0, -1.0, 1.0), (1, 0, 0)),
    ((-2.0, -1.0, 1.0), (0, 1, 0)), ((2.0, -1.0, 1.0), (0, 0, 1)), ((0.0, 1.0, -1.0), (0, 0, 1)),
    ((0.5, 0.5, 0.5), (1, 0, 0)), ((-2.0, 0.5, 0.5), (0, 0, 0)),  # x < lo = hi: no gradient
])
def test_clamp_s_form_takes_the_table_s_slopes_at_its_bounds_and_ties(
        xs: tuple[float, float, float], slopes: tuple[int, int, int]) -> None:
    leaves = [Value(v, label=n) for v, n in zip(xs, ("x", "lo", "hi"))]
    z = leaves[0].clamp(leaves[1], leaves[2])
    point = dict(zip(("x", "lo", "hi"), xs))
    assert _point_value(to_sympy(z), point) == z.data
    assert autograd.gradients(z, leaves) == list(slopes)
    assert [_point_value(symbolic_grad(z, v, simplify=False), point) for v in leaves] == list(slopes)


def test_max_and_min_share_the_slope_among_ties_counted_by_position() -> None:
    x, y = Value(1.0, label="x"), Value(1.0, label="y")
    for f in (autograd.max, autograd.min):
        z = f([x, x, y])
        assert autograd.gradients(z, [x, y]) == pytest.approx([2 / 3, 1 / 3])
        assert _point_value(symbolic_grad(z, x), {"x": 1.0, "y": 1.0}) == pytest.approx(2 / 3)
        assert _point_value(symbolic_grad(z, x), {"x": 1.0, "y": 0.5 if f is autograd.max
                                                  else 1.5}) == 1.0


def test_formulas_with_floor_division_remainder_and_many_input_functions_are_proved() -> None:
    x, y = Value(2.7, label="x"), Value(0.8, label="y")
    assert check_formula(x % y, y, "-(x // y)").proved
    assert check_formula(x % y, y, "x // y").verdict == "wrong"
    z = x.maximum(y) + autograd.logsumexp([x, y]) + x.clamp(-1.0, y)
    dy = "(1 if y > x else (0.5 if x == y else 0)) + sigmoid(y - x) + (1 if x > y else (1 if -1 > y else 0))"
    assert check_formula(z, y, dy).proved
    dx = "(1 if x > y else (0.5 if x == y else 0)) + exp(x - logsumexp(x, y)) + (1 if -1 <= x <= y else 0)"
    assert check_formula(z, x, dx).proved
    assert check_formula(z, x, dx.replace("-1 <= x", "-1 < x")).verdict != "proved"


def test_a_kink_is_split_into_its_signs_and_impossible_cases_are_left_out() -> None:
    x = Value(0.3, label="x")
    h = x.hardtanh(-2.0, 0.5)
    assert check_formula(h, x, "1 if -2 < x < 0.5 else 0").proved
    assert check_formula(h, x, "0 if x <= -2 else (0 if x >= 0.5 else 1)").proved
    assert check_formula(h, x, "1 if -2 <= x < 0.5 else 0").verdict != "proved"  # wrong at -2
    assert check_formula(abs(x), x, "sign(x)").proved  # abs'(0) = sign(0) = 0 on both sides
    assert check_formula(abs(x), x, "1 if x >= 0 else -1").verdict != "proved"


def test_a_domain_makes_its_input_positive_in_a_proof() -> None:
    x = Value(1.7, label="x")
    assert check_formula(x.acosh(), x, "1/sqrt(x**2 - 1)").proved
    assert check_formula(x.log() + x.acosh(), x, "1/x + 1/sqrt(x**2 - 1)").proved


# ------------------------------------------------------------ to_sympy
def test_leaves_are_symbols_named_by_their_labels_and_constants_are_numbers() -> None:
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    f = (w * x + 0.25).tanh() * 3.0
    W, X = sp.Symbol("w", real=True), sp.Symbol("x", real=True)
    got = to_sympy(f)
    assert {s.name for s in got.free_symbols} == {"w", "x"}
    assert sp.simplify(got.xreplace({s: {"w": W, "x": X}[s.name] for s in got.free_symbols})
                       - 3 * sp.tanh(W * X + sp.Rational(1, 4))) == 0
    assert "0.25" not in str(got) and "1/4" in str(got)  # numbers exactly as written


def test_keep_writes_a_node_as_its_own_symbol() -> None:
    net = seeds.build()
    assert str(to_sympy(net.loss, keep=["o3_1"])) == "(o3_1 - 1/4)**2/2"
    assert str(symbolic_grad(net.loss, "o3_1")) == "o3_1 - 1/4"  # the seed's y - ŷ


def test_a_custom_op_is_an_undefined_function() -> None:
    import math as m

    my = autograd.op(m.tanh, lambda z: 1 - z * z, uses="output", name="my_tanh")
    x = Value(0.3, label="x")
    assert str(to_sympy(my(x) * 2)) == "2*my_tanh(x)"


def test_batches_are_refused_with_the_reason() -> None:
    x = Value(np.array([1.0, 2.0]), label="x")
    with pytest.raises(ValueError, match="batch"):
        to_sympy((x * 2).sum())


# ------------------------------------------------------------ the seeds' formulas
def test_the_r2_loss_output_error_is_proved_y_minus_y_hat() -> None:
    net = seeds.build()
    result = check_formula(net.loss, net.output, "o3_1 - 0.25")  # ∂E/∂y = y - ŷ
    assert result.proved and result.ok and result.points == 20


def test_sigma_prime_fed_the_sigmoid_s_output_is_proved() -> None:
    net = seeds.build()
    o = net.activations["o2_1"]
    assert check_formula(o, "a2_1", "o2_1*(1 - o2_1)").proved  # the seed: σ' from σ's output
    assert check_formula(o, "a2_1", "sigmoid(a2_1)*(1 - sigmoid(a2_1))").proved


def test_the_seed_answer_s_chain_for_a_first_layer_weight_is_proved() -> None:
    net = seeds.build()
    # ∂E/∂w = ∂E/∂o · ∂o/∂a · ∂a/∂w, the R2 loss, relu, the two sigmoid neurons, tanh
    formula = ("(o3_1 - 0.25)*(1 if a3_1 > 0 else 0)"
               "*(w3_11*o2_1*(1 - o2_1)*w2_11 + w3_21*o2_2*(1 - o2_2)*w2_12)"
               "*(1 - o1_1**2)*o0_1")
    result = check_formula(net.loss, "w1_11", formula)
    assert result.proved, str(result)
    # the same chain with one sigmoid's σ' fed the pre-activation is wrong
    wrong = formula.replace("o2_1*(1 - o2_1)", "a2_1*(1 - a2_1)")
    assert check_formula(net.loss, "w1_11", wrong).verdict == "wrong"


def _bce() -> tuple[Value, Value, Value]:
    z, y = Value(0.8, label="z"), Value(1.0, label="y")
    p = z.sigmoid()
    p.label = "p"
    L = -(y * p.log() + (1 - y) * (1 - p).log())
    L.label = "L"
    return L, z, p


def test_sigmoid_and_cross_entropy_cancel_to_y_hat_minus_y() -> None:
    L, z, p = _bce()
    assert check_formula(L, z, "p - y").proved
    assert str(symbolic_grad(L, z)) == "-y + sigmoid(z)"
    assert check_formula(L, p, "(p - y)/(p*(1 - p))").proved  # the loss's own factor
    # the library's losses, with the label as a number
    z2 = Value(-0.4, label="z")
    assert check_formula(losses.binary_cross_entropy(z2.sigmoid(), 1.0), z2, "sigmoid(z) - 1").proved
    z3 = Value(1.7, label="z")
    assert check_formula(losses.binary_cross_entropy_with_logits(z3, 0.0), z3, "sigmoid(z)").proved


def test_keeping_the_sigmoid_s_derivative_after_the_cancellation_is_wrong() -> None:
    L, z, _ = _bce()
    result = check_formula(L, z, "(p - y)*p*(1 - p)")
    assert result.verdict == "wrong" and not result
    c = result.counterexample
    assert c is not None
    s = 1 / (1 + math.exp(-0.8))
    assert c.formula == pytest.approx((s - 1) * s * (1 - s), rel=1e-12)
    assert c.engine == pytest.approx(s - 1, rel=1e-12)
    assert c.numeric == pytest.approx(s - 1, rel=1e-6)


# ------------------------------------------------------------ wrong formulas
def _neuron(x0: float = 0.5, w0: float = -1.2, b0: float = 0.3) -> tuple[Value, dict[str, Value]]:
    x, w, b = Value(x0, label="x"), Value(w0, label="w"), Value(b0, label="b")
    a = x * w + b
    a.label = "a"
    o = a.sigmoid()
    o.label = "o"
    return o, {"x": x, "w": w, "b": b, "a": a}


def test_sigma_prime_fed_the_pre_activation_is_wrong_with_a_counterexample() -> None:
    o, n = _neuron()
    result = check_formula(o, n["w"], "a*(1 - a)*x")  # the classic mistake
    assert result.verdict == "wrong"
    c = result.counterexample
    assert c is not None and c.where == "at the recorded point"
    assert c.point == {"x": 0.5, "w": -1.2, "b": 0.3} and c.named == {"a": pytest.approx(-0.3)}
    s = 1 / (1 + math.exp(0.3))
    assert c.formula == pytest.approx(-0.3 * 1.3 * 0.5, rel=1e-12)
    assert c.engine == pytest.approx(s * (1 - s) * 0.5, rel=1e-12)
    assert c.numeric == pytest.approx(s * (1 - s) * 0.5, rel=1e-6)
    text = str(result)
    assert "WRONG" in text and "the formula gives   -0.195" in text


def _accidental_root() -> float:
    """The a > 0 where a(1 - a) = σ(a)(1 - σ(a)): the pitfall's formula is right there."""
    lo, hi = 0.3, 0.6
    f = lambda a: a * (1 - a) - (1 / (1 + math.exp(-a))) * (1 - 1 / (1 + math.exp(-a)))  # noqa: E731
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(lo) * f(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def test_a_formula_right_at_the_recorded_point_only_is_caught_elsewhere() -> None:
    root = _accidental_root()
    o, n = _neuron(x0=1.0, w0=root, b0=0.0)  # a = root: a(1 - a) = σ'(a) here, by accident
    number_check = autograd.check(o, {"a": n["a"].data * (1 - n["a"].data)})
    assert number_check.ok  # one number agrees...
    result = check_formula(o, "a", "a*(1 - a)")
    assert result.verdict == "wrong"  # ...the formula does not
    c = result.counterexample
    assert c is not None and c.where == "at a random point"
    a = c.named["a"] if "a" in c.named else c.point["a"]
    s = 1 / (1 + math.exp(-a))
    assert c.formula == pytest.approx(a * (1 - a), rel=1e-12)
    assert c.engine == pytest.approx(s * (1 - s), rel=1e-9)
    # tanh' fed the pre-activation at 0: 1 - u**2 = 1 = tanh'(0)
    u = Value(0.0, label="u")
    assert check_formula(u.tanh(), u, "1 - u**2").verdict == "wrong"


# ------------------------------------------------------------ the three forms
def test_a_sympy_expression_and_a_function_are_formulas_too() -> None:
    o, n = _neuron()
    a, x = sp.symbols("a x")  # plain symbols: matched to the graph by name
    sigma = 1 / (1 + sp.exp(-a))
    assert check_formula(o, "w", sigma * (1 - sigma) * x).proved
    assert check_formula(o, "w", a * (1 - a) * x).verdict == "wrong"
    by_function = check_formula(o, n["w"], lambda o, x: o * (1 - o) * x)
    assert by_function.verdict == "equal" and by_function.points == 20
    assert "a function formula has no symbolic form" in str(by_function)
    assert check_formula(o, n["w"], lambda **v: v["a"] * (1 - v["a"]) * v["x"]).verdict == "wrong"


def test_a_graph_with_a_custom_op_is_checked_at_random_points() -> None:
    sig = autograd.op(lambda x: 1 / (1 + math.exp(-x)), lambda z: z * (1 - z), uses="output",
                      name="my_sigmoid")
    x = Value(0.4, label="x")
    y = sig(x)
    y.label = "y"
    result = check_formula(y, x, "y*(1 - y)")
    assert result.verdict == "equal" and "my_sigmoid" in result.reason
    assert check_formula(y, x, "x*(1 - x)").verdict == "wrong"


def test_points_are_drawn_where_every_op_is_defined_and_their_number_is_stated() -> None:
    x, y = Value(0.7, label="x"), Value(1.3, label="y")
    f = x.sqrt() * y.log()
    seen: list[tuple[float, float]] = []

    def formula(x: float, y: float) -> float:
        seen.append((x, y))
        return 0.5 / math.sqrt(x) * math.log(y)

    result = check_formula(f, x, formula, points=30)
    assert result.ok and result.points == 30 and len(seen) == 31  # the recorded point and 30
    assert all(a > 0 and b > 0 for a, b in seen)
    assert "at 30 random points of the domain" in str(result)
    assert check_formula(f, x, "0.5/sqrt(x)*log(y)", points=5).points == 5


def test_intermediate_nodes_by_value_or_label() -> None:
    net = seeds.build()
    a = net.pre_activations["a2_1"]
    o = net.activations["o2_1"]
    up = autograd.gradients(net.loss, o)
    # ∂E/∂a2_1 = ∂E/∂o2_1 · σ'(a2_1): checked against the engine with o2_1's gradient as a number
    result = check_formula(net.loss, a, f"{up!r}*o2_1*(1 - o2_1)", points=0)
    assert result.ok and result.points == 0


# ------------------------------------------------------------ safety and errors
@pytest.mark.parametrize("text", [
    "__import__('os').system('echo hi')", "x.real", "(lambda: 1)()", "[x for x in y]", "'a'",
    "open('f')", "x if x else y.real",
])
def test_formula_text_is_parsed_never_evaluated(text: str) -> None:
    o, _ = _neuron()
    with pytest.raises(ExpressionError):
        check_formula(o, "w", text)


def test_a_name_that_labels_no_node_is_refused_with_the_labels() -> None:
    o, _ = _neuron()
    with pytest.raises(ValueError, match=r"t, which labels no node.*labels: a, b, o, w, x"):
        check_formula(o, "w", "t*x")


def test_sympy_is_not_imported_by_importing_autograd() -> None:
    code = "import sys, autograd; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture
def no_sympy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    symbolic._functions.cache_clear()
    monkeypatch.setitem(sys.modules, "sympy", None)  # import sympy now raises ImportError
    yield
    symbolic._functions.cache_clear()


def test_without_sympy_the_error_names_the_extra_and_formulas_are_checked_at_points(
        no_sympy: None) -> None:
    o, n = _neuron()
    with pytest.raises(ImportError, match=r'pip install "autograd-scalar\[symbolic\]"'):
        to_sympy(o)
    with pytest.raises(ImportError, match="symbolic"):
        symbolic_grad(o, n["w"])
    right = check_formula(o, n["w"], "o*(1 - o)*x")
    assert right.verdict == "equal" and right.points == 20
    assert 'SymPy is not installed: pip install "autograd-scalar[symbolic]"' in str(right)
    assert check_formula(o, n["w"], "a*(1 - a)*x").verdict == "wrong"
    assert check_formula(o, n["w"], lambda o, x: o * (1 - o) * x).ok


def test_each_call_builds_one_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd import graph as graph_module

    built = []
    original = graph_module.Graph.__init__

    def counting(self: Any, root: Value) -> None:
        built.append(root)
        original(self, root)

    monkeypatch.setattr(graph_module.Graph, "__init__", counting)
    o, n = _neuron()
    for call in (lambda: to_sympy(o), lambda: symbolic_grad(o, n["w"]),
                 lambda: check_formula(o, n["w"], "o*(1 - o)*x"),
                 lambda: check_formula(o, n["w"], "a*(1 - a)*x"),
                 lambda: autograd.explain(o, n["w"]).latex()):
        built.clear()
        call()
        assert len(built) == 1


# ------------------------------------------------------------ the table's own rule texts
# rules written with words the expression language does not have: gelu's Phi and phi (the
# normal CDF and density); max's and min's tie rule (1/k to each of k tied inputs) needs a
# count of the tied inputs, which the language has no word for (their rules are prose)
RULES_NOT_IN_THE_LANGUAGE = {"gelu", "max", "min"}


# the table writes a row's constant with 6 digits: rows whose constant that writes exactly
EXACT_ROWS = [row for row in SCALAR_ROWS if row.param is None or f"{row.param:g}" == repr(row.param)
              or float(f"{row.param:g}") == row.param]


@pytest.mark.parametrize("row", EXACT_ROWS, ids=row_id)
def test_the_rule_explain_prints_is_a_formula_check_formula_proves(row: Op) -> None:
    """What explain prints as ∂node/∂input, typed back into check_formula, is proved:
    the table's formula texts, the names put in, and the symbolic forms agree."""
    xs = _inputs(row, np.random.default_rng(7))
    assert xs is not None
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    node = apply(row, *leaves)
    node.label = "z0"
    g = autograd.Graph(node)
    for i, leaf in enumerate(leaves):
        rule = g.rule(node, i)
        try:
            result = check_formula(node, leaf, rule)
        except (ExpressionError, ValueError) as err:
            assert row.name in RULES_NOT_IN_THE_LANGUAGE, f"{row_id(row)}: {rule!r}: {err}"
            continue
        assert row.name not in RULES_NOT_IN_THE_LANGUAGE or result.proved
        assert result.proved, f"{row_id(row)} input {i}: {rule!r}: {result}"


# ------------------------------------------------------------ forms mapped ahead, against PyTorch
def _torch_forms(torch: Any) -> dict[str, tuple[Any, int, Any]]:
    """name -> (PyTorch's function, arity, the row's constant) for the forms mapped ahead."""
    F = torch.nn.functional
    return {
        "tan": (torch.tan, 1, None), "sinh": (torch.sinh, 1, None), "cosh": (torch.cosh, 1, None),
        "asin": (torch.asin, 1, None), "acos": (torch.acos, 1, None), "atan": (torch.atan, 1, None),
        "asinh": (torch.asinh, 1, None), "acosh": (torch.acosh, 1, None),
        "atanh": (torch.atanh, 1, None), "atan2": (torch.atan2, 2, None),
        "hypot": (torch.hypot, 2, None), "log1p": (torch.log1p, 1, None),
        "expm1": (torch.expm1, 1, None), "log2": (torch.log2, 1, None),
        "log10": (torch.log10, 1, None), "exp2": (torch.exp2, 1, None),
        "erfc": (torch.erfc, 1, None), "logaddexp": (torch.logaddexp, 2, None),
        "sign": (torch.sign, 1, None), "floor": (torch.floor, 1, None),
        "ceil": (torch.ceil, 1, None), "round": (torch.round, 1, None),
        "trunc": (torch.trunc, 1, None),
        "clamp": (lambda t: torch.clamp(t, -0.5, 1.0), 1, (-0.5, 1.0)),
        "maximum": (torch.maximum, 2, None), "minimum": (torch.minimum, 2, None),
        "mod": (torch.remainder, 2, None), "mish": (F.mish, 1, None), "selu": (F.selu, 1, None),
        "celu": (lambda t: F.celu(t, 0.7), 1, 0.7), "hardtanh": (F.hardtanh, 1, None),
        "relu6": (F.relu6, 1, None), "softsign": (F.softsign, 1, None),
        "logsigmoid": (F.logsigmoid, 1, None), "hardsigmoid": (F.hardsigmoid, 1, None),
        "hardswish": (F.hardswish, 1, None),
        "logsumexp": (lambda *t: torch.logsumexp(torch.stack(t), 0), 3, None),
    }


# points on both sides of zero and exactly at the kinks of clamp, hardtanh, relu6, hardsigmoid,
# hardswish, sign (and a tie for maximum, minimum)
AHEAD_POINTS = (-3.0, -1.0, -0.5, 0.0, 0.3, 1.0, 3.0, 6.0, -2.2, 1.7)


def test_the_forms_mapped_ahead_follow_pytorch_at_random_points_and_at_kinks() -> None:
    torch = pytest.importorskip("torch")
    f = symbolic._functions()
    forms = _torch_forms(torch)
    assert set(forms) <= set(SYMPY_FORMS)
    rng = np.random.default_rng(3)
    for name, (fn, arity, param) in forms.items():
        syms = [f.Label(f"u{i}", real=True) for i in range(arity)]
        expr = SYMPY_FORMS[name](f, syms, param)
        points = [[p] * arity for p in AHEAD_POINTS] + [
            [float(v) for v in rng.uniform(-2.5, 2.5, arity)] for _ in range(3)]
        for xs in points:
            if name in ("acosh",):
                xs = [abs(x) + 1.2 for x in xs]
            if name in ("asin", "acos", "atanh"):
                xs = [x / 6.5 for x in xs]
            if name in ("log1p",):
                xs = [abs(x) - 0.5 for x in xs]
            if name in ("log2", "log10"):
                xs = [abs(x) + 0.1 for x in xs]
            if name == "mod" and xs[1] == 0.0:
                continue
            if name in ("atan2", "hypot") and xs == [0.0, 0.0]:
                continue  # 0/0: neither defines a slope there
            ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
            out = fn(*ts)
            grads = torch.autograd.grad(out, ts, allow_unused=True)
            point = {s: sp.Float(x, 30) for s, x in zip(syms, xs)}
            value = float(expr.xreplace(point).evalf(30))
            assert value == pytest.approx(out.item(), rel=1e-12, abs=1e-12), (name, xs)
            for s, g in zip(syms, grads):
                mine = float(sp.diff(expr, s).xreplace(point).evalf(30))
                theirs = 0.0 if g is None else float(g)
                # some of PyTorch's backward kernels hold their constants in float32 (celu's
                # 1/alpha, hardsigmoid's 1/6), also for float64 tensors: 1e-6 still tells the
                # conventions at a kink (0, 1/2, 1) apart
                assert mine == pytest.approx(theirs, rel=1e-6, abs=1e-12), (name, xs, str(s))


def test_gradients_at_re_evaluated_data_are_those_of_the_graph_built_there() -> None:
    def network(u: float, v: float) -> tuple[Value, Value, Value]:
        x, y = Value(u, label="x"), Value(v, label="y")
        h = (x * y).tanh() + x.sigmoid() * y
        return (h * h + y.exp()).log(), x, y

    root, x, y = network(0.3, -0.8)
    g = autograd.Graph(root)
    at = g.gradients_at(g.reevaluate({x: 1.1, y: 0.4}))
    fresh, fx, fy = network(1.1, 0.4)
    assert at[x] == pytest.approx(autograd.gradients(fresh, fx), rel=1e-14)
    assert at[y] == pytest.approx(autograd.gradients(fresh, fy), rel=1e-14)
    assert x.data == 0.3 and x.grad == 0.0  # nothing was modified


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc"])
def test_a_step_function_of_an_irrational_number_has_a_value(name: str) -> None:
    """round(3 gelu(1)) is round of an expression in erf(sqrt(2)/2), not a SymPy Number:
    its value (and the gradient formulas' values, found nan by hypothesis) come from its
    input evaluated first, as Python's math gives them on the engine's float."""
    x = Value(1.0, label="x")
    node = getattr(x.gelu() * 3.0 + 0.1, name)() + x * x
    assert _point_value(to_sympy(node), {"x": 1.0}) == node.data
    assert _point_value(symbolic_grad(node, x), {"x": 1.0}) == 2.0


@pytest.mark.parametrize(("build", "formula"), [
    (lambda x: x * 1.0, "1000001/1000000"),
    (lambda x: x * 1e6, "1000000.001"),
    (lambda x: x.sin() * 2.0, "2*cos(x) + 1e-9"),
])
def test_a_formula_off_by_a_constant_inside_the_tolerance_is_wrong(build, formula: str) -> None:
    """SymPy reduces these differences to a nonzero number, so they are wrong everywhere;
    they passed as "equal at 20 random points" because the numbers agree within rtol 1e-6."""
    x = Value(0.7, label="x")
    result = check_formula(build(x), x, formula)
    assert result.verdict == "wrong" and "to the constant" in result.reason


@pytest.mark.parametrize(("build", "formula"), [
    (lambda x: x * (1.0 / 3.0), "1/3"),      # the graph's 1/3 is a rounded float
    (lambda x: x / 3.0, "0.333333333333333"),  # 15 digits: the rounding of a constant
    (lambda x: x * 0.1, "0.1"),
])
def test_the_rounding_of_a_constant_is_not_called_wrong(build, formula: str) -> None:
    x = Value(0.7, label="x")
    assert check_formula(build(x), x, formula).verdict in ("proved", "equal")
