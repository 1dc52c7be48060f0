"""The graph view: one walk per tool call, display names, bounded tools.

Oracles: a brute-force walk written here (order, consumers), the engine's
backward pass (gradients), the ops' own forward functions (re-evaluation),
and counts of the walks the tools make (the view's constructor, the engine's
schedule and the plain topological sort are instrumented).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Graph, Value, seeds
from autograd import backward as backward_module
from autograd import graph as graph_module


# ------------------------------------------------------------------ walks
class Walks:
    """How many times each kind of graph walk ran."""

    def __init__(self) -> None:
        self.views = 0
        self.sorts = 0
        self.schedules = 0


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Walks]:
    counts = Walks()
    init = Graph.__init__
    sort = graph_module.topological_order
    schedule = backward_module.schedule

    def counted_init(self: Graph, root: Value) -> None:
        counts.views += 1
        init(self, root)

    def counted_sort(root: Value) -> list[Value]:
        counts.sorts += 1
        return sort(root)

    def counted_schedule(root: Value, hold: bool = False) -> Any:
        counts.schedules += 1
        return schedule(root, hold)

    monkeypatch.setattr(Graph, "__init__", counted_init)
    monkeypatch.setattr(graph_module, "topological_order", counted_sort)
    monkeypatch.setattr(backward_module, "schedule", counted_schedule)
    yield counts


def _seeds_loss() -> tuple[Value, dict[str, Value]]:
    net = seeds.build()
    return net.loss, net.weights


TOOLS: dict[str, Callable[[Value, dict[str, Value]], Any]] = {
    "draw": lambda loss, w: autograd.draw(loss, chain=True, highlight=w["w1_11"]).source,
    "tree": lambda loss, w: str(autograd.tree(loss)),
    "check": lambda loss, w: str(autograd.check(loss, {"w1_11": 0.0, "o1_1": 0.0})),
    "gradcheck": lambda loss, w: str(autograd.gradcheck(loss, list(w.values()),
                                                        raise_exception=False)),
    "locate": lambda loss, w: str(autograd.locate(loss)),
    "explain": lambda loss, w: str(autograd.explain(loss, w["w1_11"])),
    "count_paths": lambda loss, w: autograd.count_paths(loss, w["w1_11"]),
}


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_each_tool_walks_the_graph_once(tool: str, walks: Walks) -> None:
    loss, weights = _seeds_loss()
    TOOLS[tool](loss, weights)
    assert (walks.views, walks.sorts, walks.schedules) == (1, 1, 0)


def test_a_backward_trace_and_its_table_walk_once_each(walks: Walks) -> None:
    loss, _ = _seeds_loss()
    with autograd.trace_backward() as t:
        loss.backward()
    assert (walks.views, walks.schedules) == (0, 1)  # the pass itself
    str(t)
    assert (walks.views, walks.sorts, walks.schedules) == (1, 1, 1)


def test_an_anomaly_report_walks_once(walks: Walks) -> None:
    x = Value(-1.0, label="x")
    with pytest.raises(autograd.AnomalyError), autograd.detect_anomaly():
        (x * 0.5 - 1.0).sqrt() if False else (x * 1e308 * 10.0)
    assert (walks.views, walks.sorts, walks.schedules) == (1, 1, 0)


# ------------------------------------------------------------------ the view
def _brute_order_ok(order: tuple[Value, ...]) -> bool:
    place = {id(n): i for i, n in enumerate(order)}
    return all(place[id(p)] < place[id(n)] for n in order for p in n.parents)


def test_the_view_has_every_node_once_inputs_first_and_every_use_as_a_consumer() -> None:
    loss, _ = _seeds_loss()
    g = Graph(loss)
    assert len({id(n) for n in g.nodes}) == len(g.nodes) == len(autograd.topological_order(loss))
    assert _brute_order_ok(g.nodes) and g.nodes[-1] is loss
    edges = sum(len(n.parents) for n in g.nodes)
    assert sum(g.uses(n) for n in g.nodes) == edges
    for n in g.nodes:
        for consumer, i in g.consumers(n):
            assert consumer.parents[i] is n


def test_the_views_gradients_are_the_backward_pass_and_touch_no_grad() -> None:
    loss, weights = _seeds_loss()
    grads = Graph(loss).gradients()
    assert all(w.grad == 0.0 for w in weights.values())
    loss.backward()
    for w in weights.values():
        assert grads[w] == w.grad


def test_reevaluation_recomputes_downstream_with_the_ops_forward() -> None:
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    out = (x * y).tanh() + y
    values = Graph(out).reevaluate({x: 0.25})
    assert values[out] == math.tanh(0.25 * 2.0) + 2.0
    assert x.data == 0.5 and out.data == math.tanh(1.0) + 2.0  # nothing modified


def test_a_tool_refuses_what_is_not_a_value() -> None:
    with pytest.raises(TypeError, match="must be a Value"):
        Graph(3.0)  # type: ignore[arg-type]


# ------------------------------------------------------------------ names
def _name(v: Value) -> str:
    return Graph(v).name(v)


def test_an_unlabelled_node_is_named_by_the_expression_it_computes() -> None:
    w1, x1, b = Value(0.5, label="w1"), Value(2.0, label="x1"), Value(0.1, label="b")
    assert _name(w1 * x1) == "w1*x1"
    assert _name((w1 * x1 + b).tanh()) == "tanh(w1*x1 + b)"
    assert _name((w1 + b) * x1) == "(w1 + b)*x1"
    assert _name(w1 - (x1 - b)) == "w1 - (x1 - b)"
    assert _name((-w1) ** 2) == "(-w1)**2"
    assert _name(-(w1**2)) == "-w1**2"
    assert _name(w1 ** (x1**b)) == "w1**x1**b"
    assert _name((w1**x1) ** b) == "(w1**x1)**b"
    assert _name(autograd.dot([w1], [x1], b)) == "w1*x1 + b"
    assert _name(autograd.sum([w1, x1, b])) == "w1 + x1 + b"
    assert _name(w1 * 2.0) == "w1*2"  # a constant is its number


def test_long_names_are_shortened_and_say_so() -> None:
    xs = [Value(float(k), label=f"x{k}") for k in range(40)]
    ws = [Value(0.1, label=f"w{k}") for k in range(40)]
    a = autograd.dot(ws, xs, 0.5).tanh().sigmoid().exp()
    name = _name(a)
    assert len(name) <= graph_module.MAX_NAME + 2 and "…" in name
    assert name.startswith("exp(sigmoid(") or name.startswith("exp(")


def test_a_deep_chain_is_named_in_bounded_time_and_size() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(20_000):
        y = (y * 0.999).tanh()
    g = Graph(y)
    names = [g.name(n) for n in g.nodes]
    assert max(len(n) for n in names) <= graph_module.MAX_NAME + 7  # + "#20000"


def test_automatic_names_never_collide_with_labels_or_each_other() -> None:
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    first, second = x * y, x * y
    taken = x * y
    taken.label = "x*y"  # a user label equal to an automatic name
    out = first + second + taken
    g = Graph(out)
    names = [g.name(n) for n in (first, second, taken)]
    assert names[2] == "x*y" and len(set(names)) == 3
    assert all(n.startswith("x*y") for n in names)


def test_the_same_name_appears_in_every_tool() -> None:
    w, x = Value(-0.5, label="w"), Value(2.0, label="x")
    hidden = w * x
    out = hidden.tanh()
    out.backward()
    name = "w*x"
    assert name in str(autograd.tree(out))
    assert name in autograd.draw(out, chain=True).source
    assert f"∂tanh(w*x)/∂({name})" in str(autograd.explain(out, w))
    assert name in str(autograd.check(out, {hidden: 1.0}))
    with autograd.trace_backward() as t:
        out.backward()
    assert name in str(t)
    with pytest.raises(ValueError, match=r"\(w\*x\)"):
        (hidden - 1.0).log() if False else hidden.log()


def test_constants_show_as_their_number_without_a_gradient() -> None:
    x = Value(1.5, label="x")
    out = x * 3.0
    out.backward()
    lines = str(autograd.tree(out)).splitlines()
    assert lines[-1].endswith("── 3")
    assert "grad" not in lines[-1]


# ------------------------------------------------------------------ bounded tools
def test_tree_of_a_very_deep_chain_is_bounded_and_says_what_it_left_out() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(100_000):  # a chain 10^5 deep
        y = y.tanh()
    text = str(autograd.tree(y))
    assert len(text) < 100_000
    assert "not shown" in text and "max_lines=None" in text
    assert len(str(autograd.tree(y, depth=3, max_lines=None)).splitlines()) <= 20


def test_explain_summarises_a_node_with_many_uses(walks: Walks) -> None:
    x = Value(0.3, label="x")
    terms = [(x * (1.0 + k * 1e-4)).sin() for k in range(10_000)]
    out = autograd.sum(terms)
    e = autograd.explain(out, x, max_paths=64)
    text = str(e)
    assert walks.views == 1 and walks.schedules == 0
    assert len(text.splitlines()) < 40 and "more edge(s)" in text
    exact = sum((1.0 + k * 1e-4) * math.cos(0.3 * (1.0 + k * 1e-4)) for k in range(10_000))
    assert e.total == pytest.approx(exact, rel=1e-12)


def test_a_batch_graph_has_names_and_gradients_too() -> None:
    x = Value(np.array([0.5, -1.0, 2.0]), label="x")
    w = Value(0.3, label="w")
    loss = (w * x).tanh().mean()
    g = Graph(loss)
    assert g.name(loss) == "tanh(w*x).mean()"
    loss.backward()
    assert g.gradients()[w] == pytest.approx(w.grad, rel=1e-15)
