"""Batch mode at scale: the paths that compute a layer's neurons together.

nn.Layer computes its dot nodes with one matrix product and its activations
with one call of the table's forward; the backward pass on data evaluates such
siblings together (backward._dots, backward._maps).  Every test here holds that
up against two oracles: the sum of per-sample backward passes (the engine's
float path, itself checked against sympy and PyTorch) and the reference loop,
which applies the table's rule node by node (run_general with an observer).
"""

from __future__ import annotations

import gc
import math
import tracemalloc
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, blocks, functions
from autograd.backward import run_general, schedule
from autograd.nn import ACTIVATIONS, MLP, Layer

SETTINGS = settings(max_examples=60, deadline=None)


def per_sample_grads(build: Any, X: np.ndarray, params: list[Value]) -> list[list[float]]:
    """The gradient of every parameter, one backward pass per sample."""
    out = []
    for row in X:
        for p in params:
            p.grad = 0.0
        build([Value(float(v)) for v in row]).backward()
        out.append([p.grad for p in params])
    return out


def assert_sums(params: list[Value], singles: list[list[float]], rel: float = 1e-12) -> None:
    for k, p in enumerate(params):
        parts = [g[k] for g in singles]
        scale = math.fsum(abs(c) for c in parts)
        assert abs(p.grad - math.fsum(parts)) <= rel * max(scale, 1e-300), (k, p.label, p.grad)


def reference(root: Value, seed: Any = None) -> dict[Value, Any]:
    """∂root/∂node by the table's rule node by node: the loop that observers run."""
    order = schedule(root)[0]
    if seed is None:
        seed = 1.0 if root.data.__class__ is float else np.ones_like(root.data)
    return run_general(order, seed, observers=(lambda *edge: None,))


def fast(root: Value, seed: Any = None) -> dict[Value, Any]:
    order = schedule(root)[0]
    if seed is None:
        seed = 1.0 if root.data.__class__ is float else np.ones_like(root.data)
    return run_general(order, seed)


def assert_same_gradients(root: Value, rel: float = 1e-13) -> None:
    """The two loops agree to ``rel`` of the largest gradient in the graph: a node's
    gradient is a sum over its uses and samples, and where those cancel (a parameter's
    7.8e-6 from terms a thousand times larger) the two loops' different orders of
    summation differ by the terms' rounding, not the result's."""
    want, got = reference(root), fast(root)
    assert set(want) == set(got)
    scale = max((float(np.max(np.abs(g), initial=0.0)) for g in want.values()), default=0.0)
    for node, g in want.items():
        np.testing.assert_allclose(got[node], g, rtol=rel, atol=rel * scale + 1e-300)


# ------------------------------------------------------------ forward
def test_layer_nodes_are_the_neurons_own_nodes_with_their_rows_in_one_block() -> None:
    rng = np.random.default_rng(0)
    xs = [Value(c) for c in rng.standard_normal((3, 50))]
    layer = Layer(3, 4, activation="tanh", seed=1)
    together = layer.outputs(xs)
    alone = [n(xs) for n in layer.neurons]
    for a, b in zip(together, alone):
        assert a.op == b.op == "tanh" and a.parents[0].op == b.parents[0].op == "dot"
        assert a.parents[0].parents == b.parents[0].parents  # the same weights, inputs and bias
        np.testing.assert_allclose(a.parents[0].data, b.parents[0].data, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(a.data, b.data, rtol=1e-14, atol=1e-15)
    pre = blocks.block_of([a.parents[0].data for a in together])
    post = blocks.block_of([a.data for a in together])
    assert pre is not None and pre.shape == (4, 50) and post is not None and post.shape == (4, 50)


@pytest.mark.parametrize("name", sorted(set(ACTIVATIONS) - {"linear"}))
def test_apply_each_is_the_table_forward_on_each_row_bit_for_bit(name: str) -> None:
    row = functions.unary_row(name)
    assert row is not None and ACTIVATIONS[name](Value(0.3))._row is row
    rng = np.random.default_rng(3)
    pre = functions.dots(rng.standard_normal((5, 2)).tolist(),
                         [Value(rng.standard_normal(40) * 3), Value(rng.standard_normal(40))],
                         rng.standard_normal(5).tolist())
    together = functions.apply_each(row, pre)
    for a, v in zip(together, pre):
        b = ACTIVATIONS[name](v)
        assert a.op == b.op and a.parents == (v,)
        np.testing.assert_array_equal(a.data, b.data)


def test_unset_batch_grads_hold_no_memory_and_refuse_writes() -> None:
    x = Value(np.arange(4.0))
    y = (x * 2.0).tanh()
    z = Layer(1, 3, seed=0).outputs([y])[0]
    for node in (y, z):
        assert node.grad.shape == node.data.shape and not node.grad.any()
        assert node.grad.strides == (0,) and not node.grad.flags.writeable
    assert x.grad.flags.writeable  # a leaf's grad is a real array: passes add to it


# ------------------------------------------------------------ backward
@pytest.mark.parametrize("activations", [["relu", "relu", "linear"], ["tanh", "sigmoid", "relu"],
                                         ["gelu", "elu", "softplus"], ["silu", "leaky_relu", "abs"],
                                         ["sin", "cos", "erf"]])
def test_layered_batch_gradients_are_the_sum_of_per_sample_ones(activations: list[str]) -> None:
    rng = np.random.default_rng(5)
    X = rng.standard_normal((30, 2))
    net = MLP(2, [7, 5, 1], activations=activations, seed=2)
    params = net.parameters()
    singles = per_sample_grads(lambda x: net(x) ** 2, X, params)
    net.zero_grad()
    (net([Value(c) for c in X.T]) ** 2).sum().backward()
    assert_sums(params, singles)


def test_the_grouped_loop_computes_what_the_rule_computes_node_by_node() -> None:
    rng = np.random.default_rng(6)
    X = rng.standard_normal((25, 3))
    net = MLP(3, [6, 6, 2], activations=["tanh", "sigmoid", "linear"], seed=3)
    out = net([Value(c, label=f"x{i}") for i, c in enumerate(X.T)])
    loss = (out[0] * out[1] + out[0].exp()).mean() + 1e-3 * autograd.sum([p * p for p in net.parameters()])
    assert_same_gradients(loss)


def test_inputs_shared_with_other_ops_wait_for_all_their_gradients() -> None:
    """A layer's outputs also used elsewhere (a skip connection, one neuron reused): the
    siblings are complete at different times, so some go one by one; the sums still hold."""
    rng = np.random.default_rng(7)
    X = rng.standard_normal((20, 2))
    first = Layer(2, 4, activation="tanh", seed=4)
    second = Layer(4, 3, activation="relu", seed=5)
    params = first.parameters() + second.parameters()

    def build(x: list[Value]) -> Value:
        h = first.outputs(x)
        o = second.outputs(h)
        return (o[0] + o[1] * h[2] + o[2]) * h[0] + h[3].sin()

    singles = per_sample_grads(build, X, params)
    for p in params:
        p.grad = 0.0
    root = build([Value(c) for c in X.T]).sum()
    assert_same_gradients(root)
    root.backward()
    assert_sums(params, singles)


def test_float_and_batch_inputs_mixed_in_one_layer() -> None:
    rng = np.random.default_rng(8)
    X = rng.standard_normal((15, 2))
    layer = Layer(3, 4, activation="sigmoid", seed=6)
    params = layer.parameters()
    c = Value(0.7, label="c")  # a float input beside two batch inputs

    def build(x: list[Value]) -> Value:
        return autograd.sum(layer.outputs([x[0], c, x[1]]))

    singles = per_sample_grads(build, X, [*params, c])
    c.grad = 0.0
    for p in params:
        p.grad = 0.0
    root = build([Value(col) for col in X.T]).sum()
    assert_same_gradients(root)
    root.backward()
    assert_sums([*params, c], singles)
    # and batch weights with float inputs: the other orientation of the rule
    w = [Value(col) for col in X.T]
    d = functions.dots([w, w], [Value(0.5), Value(-1.5)], [0.25, Value(0.1)])
    assert_same_gradients((d[0] * d[1]).sum())


def test_a_dot_read_by_many_neurons_of_a_wide_layer() -> None:
    rng = np.random.default_rng(9)
    X = rng.standard_normal((12, 16))
    layer = Layer(16, 32, activation="relu", seed=7)
    params = layer.parameters()

    def build(x: list[Value]) -> Value:
        return autograd.dot([0.1 * k for k in range(32)], layer.outputs(x))

    singles = per_sample_grads(build, X, params)
    for p in params:
        p.grad = 0.0
    root = build([Value(col) for col in X.T]).sum()
    assert_same_gradients(root)
    root.backward()
    assert_sums(params, singles)


def test_only_some_neurons_of_a_layer_reach_the_output() -> None:
    rng = np.random.default_rng(10)
    xs = [Value(c) for c in rng.standard_normal((2, 9))]
    h = Layer(2, 5, activation="tanh", seed=8).outputs(xs)
    assert_same_gradients((h[1] * h[3]).sum())


def test_create_graph_through_a_batch_layer() -> None:
    rng = np.random.default_rng(11)
    X = rng.standard_normal((10, 2))
    net = MLP(2, [4, 1], activations=["tanh", "linear"], seed=9)
    w = net.layers[0].neurons[1].w[0]
    xs = [Value(c) for c in X.T]
    out = net(xs)
    g = autograd.gradients((out * out).sum(), w, create_graph=True)
    h = autograd.gradients(g, w)
    g_total = h_total = 0.0
    for row in X:
        o = net([Value(float(v)) for v in row])
        gs = autograd.gradients(o * o, w, create_graph=True)
        g_total += gs.data
        h_total += autograd.gradients(gs, w)
    assert g.data == pytest.approx(g_total, rel=1e-12)
    assert h == pytest.approx(h_total, rel=1e-12)


def test_two_passes_add_exactly_twice_and_touch_no_data_or_seed() -> None:
    rng = np.random.default_rng(12)
    X = rng.standard_normal((8, 2))
    net = MLP(2, [3, 2], activations=["sigmoid", "tanh"], seed=10)
    xs = [Value(c) for c in X.T]
    out = net(xs)
    root = out[0] * out[1] + out[0]
    data = {id(n): n.data.copy() for n in autograd.topological_order(root) if n.is_batch}
    seed = rng.standard_normal(8)
    kept = seed.copy()
    root.backward(seed)
    once = [p.grad for p in net.parameters()]
    root.backward(seed)
    assert [p.grad for p in net.parameters()] == [2 * g for g in once]
    np.testing.assert_array_equal(seed, kept)
    for n in autograd.topological_order(root):
        if n.is_batch:
            np.testing.assert_array_equal(n.data, data[id(n)])


def test_gradients_never_share_memory_with_each_other_or_with_data() -> None:
    rng = np.random.default_rng(13)
    xs = [Value(c, label=f"x{i}") for i, c in enumerate(rng.standard_normal((2, 6)))]
    h = Layer(2, 3, activation="relu", seed=11).outputs(xs)
    root = (h[0] + h[1]) + (xs[0] + h[2])  # sums pass one gradient on to both inputs
    root.backward()
    nodes = [n for n in autograd.topological_order(root) if n.is_batch]
    arrays = [n.grad for n in nodes]
    for i, a in enumerate(arrays):
        for n in nodes:
            assert not np.shares_memory(a, n.data)
        for b in arrays[i + 1:]:
            assert not np.shares_memory(a, b)
    g = autograd.gradients(root, [xs[0], xs[1], h[0], h[1], xs[0]])
    for i, a in enumerate(g):
        for b in g[i + 1:]:
            assert not np.shares_memory(a, b)


# ------------------------------------------------------------ tools
def test_every_tool_reads_a_batch_layered_graph() -> None:
    rng = np.random.default_rng(14)
    X = rng.standard_normal((6, 2))
    net = MLP(2, [3, 2, 1], activations=["tanh", "sigmoid", "relu"], seed=12)
    xs = [Value(c, label=f"x{i}") for i, c in enumerate(X.T)]
    out = net(xs)
    loss = (0.5 * (out - 0.3) ** 2).mean()
    loss.backward()
    w = net.layers[0].neurons[0].w[1]
    explanation = autograd.explain(loss, w)
    assert math.isclose(explanation.total, w.grad, rel_tol=1e-12)
    assert autograd.gradcheck(loss, net.parameters(), raise_exception=False).ok
    assert autograd.gradcheck(lambda x0, x1: net([x0, x1]), xs, sample=2, raise_exception=False).ok
    assert autograd.locate(loss).first is None
    graph = autograd.Graph(loss)
    dots = [n for n in graph.nodes if n.op == "dot"]
    assert len(dots) == 6 and all(graph.uses(d) == 1 for d in dots)
    assert "dot" in graph.name(dots[0]) or "*" in graph.name(dots[0])
    assert "(tanh)" in autograd.tree(loss, depth=None, max_lines=None)
    assert len(autograd.draw(loss).source) > 0
    with autograd.trace_backward() as trace:
        loss.backward()
    assert len(trace.steps) > 0


def test_no_grad_and_anomaly_mode_on_a_batch_layer() -> None:
    xs = [Value(np.array([0.5, 1.0])), Value(np.array([-1.0, 2.0]))]
    layer = Layer(2, 3, activation="tanh", seed=13)
    with autograd.no_grad():
        out = layer.outputs(xs)
    assert all(o.parents == () for o in out)
    bad = [Value(np.array([0.5, np.nan])), xs[1]]
    with pytest.raises(autograd.AnomalyError), autograd.detect_anomaly():
        layer.outputs(bad)


# ------------------------------------------------------------ memory
def test_a_batch_step_holds_data_and_gradients_only() -> None:
    """After forward and backward, the traced memory is the nodes' data and gradients
    (and no temporary of batch size survives the op that made it)."""
    n = 50_000
    rng = np.random.default_rng(15)
    columns = rng.standard_normal((2, n))
    net = MLP(2, [16, 16, 1], seed=14)
    targets = np.sign(rng.standard_normal(n))
    def held(root: Value) -> int:  # the distinct arrays of data and gradients of batch nodes
        arrays = {}
        for v in autograd.topological_order(root):
            for a in (v.data, v.grad):
                if isinstance(a, np.ndarray) and a.strides != (0,):
                    base = a if a.base is None else a.base
                    arrays[id(base)] = base.nbytes
        return sum(arrays.values())

    gc.collect()  # no garbage of other tests may be freed inside the window
    gc.disable()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        xs = [Value(c) for c in columns]
        out = net(xs)
        loss = (1 + -targets * out).relu().mean()
        forward = tracemalloc.get_traced_memory()[0] - before
        held_forward = held(loss)
        loss.backward()
        after, peak = (m - before for m in tracemalloc.get_traced_memory())
    finally:
        tracemalloc.stop()
        gc.enable()
    row = 8 * n
    objects = row // 2  # the nodes themselves and the small arrays of a step
    assert held_forward <= forward <= held_forward + objects
    assert held(loss) <= after <= held(loss) + objects
    assert peak <= after + 20 * row  # the temporaries of one op at a time, never a step's worth


@SETTINGS
@given(st.lists(st.sampled_from(sorted(ACTIVATIONS)), min_size=1, max_size=3),
       st.lists(st.integers(1, 5), min_size=3, max_size=3), st.integers(1, 7), st.booleans())
def test_random_layered_graphs_against_the_rule_node_by_node(acts: list[str], widths: list[int],
                                                            size: int, float_input: bool) -> None:
    rng = np.random.default_rng(size)
    xs = [Value(rng.standard_normal(size)) for _ in range(2)]
    if float_input:
        xs.append(Value(0.3))
    net = MLP(len(xs), widths[:len(acts)], activations=acts, seed=size)
    out = net(xs)
    outs = out if isinstance(out, list) else [out]
    root = autograd.sum([o * (k + 1.0) for k, o in enumerate(outs)]) + outs[0] * outs[-1]
    assert_same_gradients(root.sum() if root.is_batch else root, rel=1e-12)


def test_constant_inputs_get_no_gradient_and_change_no_other() -> None:
    rng = np.random.default_rng(16)
    X = rng.standard_normal((2, 30))
    net = MLP(2, [5, 1], activations=["tanh", "linear"], seed=15)
    (net([Value(c) for c in X]) ** 2).sum().backward()
    wanted = [p.grad for p in net.parameters()]
    net.zero_grad()
    xs = [Value(c, requires_grad=False) for c in X]
    (net(xs) ** 2).sum().backward()
    assert [p.grad for p in net.parameters()] == wanted
    for x in xs:
        assert not x.grad.any() and x.grad.strides == (0,)


@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_an_infinite_upstream_meets_a_zero_slope_as_the_rule_does(act: str) -> None:
    # at a pre-activation of +-1e5 tanh', sigmoid', relu', ... are exactly 0: an infinite
    # upstream then gives inf * 0 = nan through a smooth activation (float mode's product)
    # and exactly 0 through a flat piece (masked): the grouped loop gives what the rule
    # gives node by node, nan for nan
    net = MLP(1, [3], activations=[act], seed=4)
    x = Value(np.array([1e5, -1e5, 0.5]))
    root = autograd.sum(net([x]))
    seed = np.array([math.inf, math.inf, 1.0])
    with np.errstate(invalid="ignore"):
        want, got = reference(root, seed), fast(root, seed)
    assert set(want) == set(got)
    for node, g in want.items():  # nan and inf where the rule has them; sums to an ulp
        np.testing.assert_allclose(got[node], g, rtol=1e-13, atol=0.0)
