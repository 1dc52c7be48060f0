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
    assert e.chain[0].op == "tanh" and e.chain[0].formula == "1 - tanh(x)**2"
    assert e.chain[1].op == "dot"
    assert e.total == pytest.approx(hand.gradients[label], rel=1e-12)
    text = e.factored()
    assert text.startswith(f"∂E/∂{label} = ∂E/∂{neuron} · ∂{neuron}/∂a{neuron[1:]} · ")


def test_mixed_activations_show_their_own_derivative_factor() -> None:
    net = seeds.build()
    hand = seeds.derive_by_hand()
    e = explain(net.loss, net.weights["w1_11"])
    factors = {f.name: f for p in e.paths for f in p.factors}
    sig = factors["∂o2_1/∂a2_1"]
    assert sig.op == "sigmoid" and sig.formula == "sigmoid(x)*(1 - sigmoid(x))"
    assert sig.value == pytest.approx(hand.do_da["o2_1"], rel=1e-12)
    relu = factors["∂o3_1/∂a3_1"]
    assert relu.op == "relu" and relu.formula == "1 if x > 0 else 0" and relu.value == 1.0
    tanh = factors["∂o1_1/∂a1_1"]
    assert tanh.value == pytest.approx(hand.do_da["o1_1"], rel=1e-12)
    # o1_1 feeds two sigmoid neurons, which both feed the output: 2 paths
    assert e.n_paths == len(e.paths) == 2
    assert "[sigmoid: sigmoid(x)*(1 - sigmoid(x))]" in str(e)
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
