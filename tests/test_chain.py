"""explain(): the chain rule as a sum over paths of products of local derivatives.

Oracles: the seeds' derivation by hand (plain floats), the engine's backward
pass (the paths must add up to it, on random graphs), a brute-force path count
written here, and closed forms.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, seeds
from autograd.backward import gradients
from autograd.chain import count_paths, explain

FIRST_LAYER = [k for k in seeds.derive_by_hand().gradients if k[1] == "1"]


@pytest.mark.parametrize("label", FIRST_LAYER)
def test_a_first_layer_weight_matches_the_seed_formula_term_by_term(label: str) -> None:
    net = seeds.build()
    hand = seeds.derive_by_hand()
    e = explain(net.loss, net.weights[label])
    neuron = hand.neuron_of[label]  # o1_j
    # ∂E/∂w = ∂E/∂o · ∂o/∂a · ∂a/∂w
    assert e.upstream_node == neuron
    assert [f.name for f in e.chain] == [f"∂{neuron}/∂a{neuron[1:]}", f"∂a{neuron[1:]}/∂{label}"]
    assert e.upstream == pytest.approx(hand.dE_do[neuron], rel=1e-12)
    assert e.chain[0].value == pytest.approx(hand.do_da[neuron], rel=1e-12)
    assert e.chain[1].value == pytest.approx(hand.da_dw[label], rel=1e-12)
    # each rule in the graph's own names: the seed's ∂o/∂a = φ'(a) and ∂a/∂w = o_i
    assert e.chain[0].op == "tanh" and e.chain[0].formula == f"1 - tanh(a{neuron[1:]})**2"
    assert e.chain[1].op == "dot"
    assert e.chain[1].formula == ("1" if label.startswith("b") else f"o0_{label[3]}")
    assert e.total == pytest.approx(hand.gradients[label], rel=1e-12)
    text = e.factored()
    assert text.startswith(f"∂E/∂{label} = ∂E/∂{neuron} · ∂{neuron}/∂a{neuron[1:]} · ")


def test_mixed_activations_show_their_own_derivative_factor() -> None:
    net = seeds.build()
    hand = seeds.derive_by_hand()
    e = explain(net.loss, net.weights["w1_11"])
    factors = {f.name: f for p in e.paths for f in p.factors}
    sig = factors["∂o2_1/∂a2_1"]
    assert sig.op == "sigmoid" and sig.formula == "sigmoid(a2_1)*(1 - sigmoid(a2_1))"
    assert sig.value == pytest.approx(hand.do_da["o2_1"], rel=1e-12)
    relu = factors["∂o3_1/∂a3_1"]
    assert relu.op == "relu" and relu.formula == "1 if a3_1 > 0 else 0" and relu.value == 1.0
    tanh = factors["∂o1_1/∂a1_1"]
    assert tanh.value == pytest.approx(hand.do_da["o1_1"], rel=1e-12)
    # o1_1 feeds two sigmoid neurons, which both feed the output: 2 paths
    assert e.n_paths == len(e.paths) == 2
    assert "∂o2_1/∂a2_1 = sigmoid(a2_1)*(1 - sigmoid(a2_1)) = 0.248556   [sigmoid]" in str(e)
    assert e.gradient == pytest.approx(hand.gradients["w1_11"], rel=1e-12)


def test_the_text_reads_like_the_chain_rule() -> None:
    w, x = Value(0.0, label="w"), Value(1.5, label="x")
    a = w * x
    a.label = "a"
    o = a.sigmoid()
    o.label = "o"
    d = o - 0.8
    d.label = "d"
    sq = d**2
    sq.label = "sq"
    E = 0.5 * sq
    E.label = "E"
    e = explain(E, w)
    # dE/dsq = 0.5, dsq/dd = 2d = -0.6, dd/do = 1, do/da = sigma(0)(1 - sigma(0)) = 0.25,
    # da/dw = x = 1.5
    assert e.factored() == ("∂E/∂w = ∂E/∂sq · ∂sq/∂d · ∂d/∂o · ∂o/∂a · ∂a/∂w = "
                            "0.5 · (-0.6) · 1 · 0.25 · 1.5 = -0.1125")
    assert str(e).splitlines()[0] == "∂E/∂w = -0.1125   (engine: -0.1125)"
    assert e.n_paths == 1


def _random_graph(seed: int, n_leaves: int, n_ops: int) -> tuple[Value, list[Value]]:
    rng = np.random.default_rng(seed)
    leaves = [Value(float(rng.uniform(-1.5, 1.5)), label=f"x{i}") for i in range(n_leaves)]
    nodes = list(leaves)
    for _ in range(n_ops):
        i, j = (int(k) for k in rng.integers(0, len(nodes), 2))
        x, y = nodes[i], nodes[j]
        kind = int(rng.integers(0, 7))
        if kind == 0:
            n = x + y
        elif kind == 1:
            n = x * y
        elif kind == 2:
            n = x - y
        elif kind == 3:
            n = x.tanh()
        elif kind == 4:
            n = x.sigmoid() * y
        elif kind == 5:
            n = autograd.dot([x, y], [y, x], 0.1)
        else:
            n = x / (1.0 + y * y)
        nodes.append(n)
    return autograd.sum(nodes[-3:]), leaves


def _brute_count(node: Value, wrt: Value) -> int:
    if node is wrt:
        return 1
    return sum(_brute_count(p, wrt) for p in node.parents)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 4), st.integers(1, 14))
def test_paths_add_up_to_the_engine_gradient(seed: int, n_leaves: int, n_ops: int) -> None:
    out, leaves = _random_graph(seed, n_leaves, n_ops)
    for x in leaves:
        e = explain(out, x, max_paths=10**6)
        assert e.n_paths == len(e.paths) == _brute_count(out, x) == count_paths(out, x)
        engine = gradients(out, x, allow_unused=True)
        scale = sum(abs(p.value) for p in e.paths)
        assert abs(e.total - engine) <= 1e-12 * max(scale, abs(engine)) + 1e-300
        for p in e.paths:  # each path's value is the product of its factors
            assert p.value == pytest.approx(math.prod(f.value for f in p.factors), rel=1e-15)


def test_too_many_paths_get_a_summary_counted_without_enumerating() -> None:
    x = Value(0.3, label="x")
    y = x
    for _ in range(200):  # every level doubles the number of paths
        y = (y * 0.5).tanh() + y.sigmoid()
    e = explain(y, x)  # would never finish if it enumerated the paths
    assert e.n_paths == 2**200 and e.paths == []
    assert "too many to list" in str(e)
    assert len(e.by_edge) == 2
    assert e.total == pytest.approx(gradients(y, x), rel=1e-12)


def test_edge_cases_no_path_and_the_output_itself() -> None:
    x, z = Value(1.0, label="x"), Value(2.0, label="z")
    y = x.exp()
    none = explain(y, z)
    assert none.n_paths == 0 and none.total == 0.0 and none.gradient == 0.0
    itself = explain(y, y)
    assert itself.n_paths == 1 and itself.total == 1.0
    square = explain(x * x, x)  # one edge used twice: two paths
    assert square.n_paths == 2 and square.total == pytest.approx(2.0)
    with pytest.raises(TypeError):
        explain(y, 1.0)  # type: ignore[arg-type]


def test_a_batch_sample_is_explained_with_that_sample_s_numbers() -> None:
    xs = np.array([0.5, -1.0, 2.0])
    x = Value(xs, label="x")
    w = Value(0.7, label="w")
    a = w * x
    a.label = "a"
    o = a.tanh()
    o.label = "o"
    with pytest.raises(ValueError, match="sample"):
        explain(o, w)
    e = explain(o, w, sample=2)
    # do_2/dw = (1 - tanh(w x_2)**2) * x_2
    expected = (1 - math.tanh(0.7 * 2.0) ** 2) * 2.0
    assert e.total == pytest.approx(expected, rel=1e-12)
    assert e.gradient == pytest.approx(expected, rel=1e-12)
    assert [f.value for f in e.chain] == pytest.approx([1 - math.tanh(1.4) ** 2, 2.0])
    # a float output over a batch: the factors are per-sample arrays, the total is summed
    loss = o.mean()
    full = explain(loss, w)
    assert full.total == pytest.approx(
        float(np.mean((1 - np.tanh(0.7 * xs) ** 2) * xs)), rel=1e-12)


def test_repeated_uses_are_told_apart_and_single_factors_are_not_restated() -> None:
    x = Value(2.0, label="x")
    sq = x * x
    sq.label = "sq"
    out = sq * x
    out.label = "f"
    e = explain(out, x)
    lines = [str(p) for p in e.paths]
    assert len(lines) == len(set(lines)) == 3  # the two uses of x in x*x are two paths
    assert e.total == pytest.approx(3 * 2.0**2, rel=1e-15)  # d(x^3)/dx, by hand
    y = Value(3.0, label="y")
    single = explain(x * y, y)
    assert str(single.paths[0]).count("=") == 1


# ------------------------------------------------ the learner's notation
def test_sigmoid_of_w_x_reads_in_the_graph_s_own_names() -> None:
    w, x = Value(0.5, label="w"), Value(2.0, label="x")
    e = explain((w * x).sigmoid(), w)
    s = 1 / (1 + math.exp(-1.0))
    assert str(e).splitlines() == [
        f"∂sigmoid(w*x)/∂w = {s * (1 - s) * 2:.6g}   (engine: {s * (1 - s) * 2:.6g})",
        f"∂sigmoid(w*x)/∂w = ∂sigmoid(w*x)/∂(w*x) · ∂(w*x)/∂w = {s * (1 - s):.6g} · 2 = "
        f"{s * (1 - s) * 2:.6g}",
        f"  ∂sigmoid(w*x)/∂(w*x) = sigmoid(w*x)*(1 - sigmoid(w*x)) = {s * (1 - s):.6g}   [sigmoid]",
        "  ∂(w*x)/∂w = x = 2   [mul]",
    ]


def test_the_seeds_weight_reads_like_the_seed_answer_with_each_factor_once() -> None:
    net = seeds.build()
    text = str(explain(net.loss, net.weights["w1_11"]))
    lines = text.splitlines()
    assert lines[1].startswith("∂E/∂w1_11 = ∂E/∂o1_1 · ∂o1_1/∂a1_1 · ∂a1_1/∂w1_11 = ")
    assert "  ∂o1_1/∂a1_1 = 1 - tanh(a1_1)**2 = 0.486917   [tanh]" in lines
    assert "  ∂a1_1/∂w1_11 = o0_1 = 0.5   [dot]" in lines
    # each local derivative is defined on one line, and the chain is not repeated in the paths
    definitions = [line.split(" = ")[0] for line in lines if line.startswith("  ∂")]
    assert len(definitions) == len(set(definitions))
    assert text.count("∂a1_1/∂w1_11") == 2  # in the factored chain and its definition
    assert "2 paths from o1_1 to E:" in lines


def _reaches(node: Value, target: Value) -> bool:
    """Brute force: is ``target`` among the nodes ``node`` was computed from (or node itself)?"""
    return node is target or any(_reaches(p, target) for p in node.parents)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 3), st.integers(1, 10))
def test_an_unmarked_factor_is_the_total_derivative_and_a_marked_one_is_local(
        seed: int, n_leaves: int, n_ops: int) -> None:
    out, leaves = _random_graph(seed, n_leaves, n_ops)
    for x in leaves:
        e = explain(out, x, max_paths=10**6)
        for f in {id(f): f for p in e.paths for f in p.factors}.values():
            others = [q for k, q in enumerate(f.node.parents) if k != f.index]
            other_route = any(_reaches(q, f.parent) for q in others)
            marked = "held fixed]" in f.name or "[use " in f.name
            assert marked == other_route, f.name
            if not marked:  # then ∂node/∂parent is also the total derivative: same symbol, same number
                total = gradients(f.node, f.parent)
                assert f.value == pytest.approx(total, rel=1e-12, abs=1e-300)


def test_a_local_factor_is_never_written_with_the_total_s_symbol() -> None:
    x = Value(2.0, label="x")
    sq = x * x
    sq.label = "x*x"
    f = sq * x
    f.label = "f"
    e = explain(f, x)
    lines = str(e).splitlines()
    assert lines[0] == "∂f/∂x = 12   (engine: 12)"
    assert "  3. ∂f/∂x [x*x held fixed] = 4" in lines
    assert "  ∂f/∂x [x*x held fixed] = x*x = 4   [mul]" in lines
    # the total's symbol appears only where the total is meant
    assert [line for line in lines if "∂f/∂x =" in line] == [lines[0]]


def test_graph_rule_substitutes_the_names_with_the_parentheses_precedence_needs() -> None:
    from autograd.graph import Graph

    y, t = Value(0.7, label="y"), Value(0.25, label="t")
    d = y - t
    d.label = "y - t"
    sq = d**2
    a = Value(0.3, label="a")
    o = (a * y).sigmoid()
    q = (y + t) ** 3
    r = y / (a + t)
    g = Graph(autograd.sum([sq, o, q, r]))
    assert g.rule(sq, 0) == "2*(y - t)"  # a label that is not one word is parenthesised
    assert g.rule(o, 0) == "sigmoid(a*y)*(1 - sigmoid(a*y))"  # not inside a call
    assert g.rule(q, 0) == "3*(y + t)**2"
    assert g.rule(r, 1) == "-y/(a + t)**2"
    assert g.rule(r, 0) == "1/(a + t)"
    assert g.partial(o, o.parents[0]) == "∂sigmoid(a*y)/∂(a*y)"  # a call is one symbol


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 4), st.integers(1, 14))
def test_a_name_reads_the_same_inside_every_partial(seed: int, n_leaves: int, n_ops: int) -> None:
    """The headline (which knows only names) and the factors (which know the nodes) agree
    on when a name needs parentheses inside ∂."""
    from autograd.explanation import _sym
    from autograd.graph import Graph

    out, _ = _random_graph(seed, n_leaves, n_ops)
    graph = Graph(out)
    for node in graph.nodes:
        assert _sym(graph.name(node)) == graph.symbol(node), graph.name(node)
