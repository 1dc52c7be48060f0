"""Drawings and text trees of graphs (autograd.viz).

Every expected count and number here is computed independently of the drawing
code: node and edge counts from the graph itself (``topological_order`` and
``parents``), local derivatives by sympy, upstream gradients by torch and by the
seeds' derivation by hand.  The drawings are read back through the renderer's
own JSON output (its DOT parser, not ours), and SVG/PNG really go through the
bundled ``graphviz-pure``.
"""

from __future__ import annotations

import doctest
import html
import json
import math
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import graphviz
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import render, seeds, treeview, viz
from autograd.functions import dot
from autograd.functions import sum as vsum
from autograd.graph import topological_order
from autograd.value import Value

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ helpers
@pytest.fixture()
def bundled(monkeypatch: pytest.MonkeyPatch) -> viz.Renderer:
    """Render with the graphviz-pure wheel even where a system dot exists."""
    monkeypatch.setattr(render, "_system_dot", lambda: None)
    found = viz.find_renderer()
    assert found is not None, "graphviz-pure must be installed with the package"
    assert found.name == "graphviz-pure"
    return found


@pytest.fixture()
def no_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "_system_dot", lambda: None)
    monkeypatch.setattr(render, "_bundled_renderer", lambda: None)


def plain(label: str) -> str:
    """The text of an HTML-like label: line breaks as newlines, tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", label.replace("<BR/>", "\n")))


class Parsed:
    """A drawing as the renderer read it (graphviz-pure -Tjson)."""

    def __init__(self, drawing: viz.Drawing) -> None:
        data = json.loads(viz.render_source(drawing.source, "json"))
        self.objects: list[dict[str, Any]] = data.get("objects", [])
        self.edges: list[dict[str, Any]] = data.get("edges", [])
        self.values = [o for o in self.objects if "<TABLE" in o["label"]]
        self.ops = [o for o in self.objects if o.get("shape") in ("circle", "ellipse")]
        # each op node has exactly one edge out: to the Value it makes
        self.op_output = {
            e["tail"]: e["head"] for e in self.edges if self.objects[e["tail"]] in self.ops
        }

    def title(self, index: int) -> str:
        """The label cell (the bold one) of the Value node ``index``, '' when it has none."""
        found = re.search(r"<B>(.*?)</B>", self.objects[index]["label"])
        return html.unescape(found.group(1)) if found else ""

    def value_edges(self) -> Counter[tuple[str, str]]:
        """(input label, output label) for each edge into an op node, with multiplicity."""
        pairs: Counter[tuple[str, str]] = Counter()
        for e in self.edges:
            if e["head"] in self.op_output:
                pairs[(self.title(e["tail"]), self.title(self.op_output[e["head"]]))] += 1
        return pairs

    def edge_labels(self, parent: str, child: str) -> list[str]:
        return [
            plain(e.get("label", ""))
            for e in self.edges
            if e["head"] in self.op_output
            and self.title(e["tail"]) == parent
            and self.title(self.op_output[e["head"]]) == child
        ]


def number_after(text: str, name: str) -> float:
    """The number that ends the line ``name = ... = number`` of an edge label
    (a local derivative's line holds its rule between the name and the number)."""
    found = re.search(re.escape(name) + r" = (?:.* = )?(\S+)$", text, flags=re.M)
    assert found, f"{name!r} not in {text!r}"
    return float(found.group(1))


def labelled_graph() -> Value:
    """A graph with every kind of edge: a shared node, x * x, n-ary sum and dot, constants."""
    x = Value(1.5, label="x")
    y = Value(-0.75, label="y")
    w = Value(0.3, label="w")
    a = x * y
    a.label = "a"
    sq = a * a  # the same parent twice
    sq.label = "sq"
    t = a.tanh()  # a is shared by sq and t
    t.label = "t"
    s = vsum([sq, t, x])
    s.label = "s"
    d = dot([w], [s], Value(0.1, label="b"))
    d.label = "d"
    out = d.sigmoid() * 2.0
    out.label = "out"
    for node in topological_order(out):
        if not node.label:
            node.label = f"n{len(node.parents)}_{node.op or 'const'}_{id(node) % 9973}"
    return out


def expected_edges(root: Value) -> Counter[tuple[str, str]]:
    pairs: Counter[tuple[str, str]] = Counter()
    for node in topological_order(root):
        for p in node.parents:
            pairs[(p.label, node.label)] += 1
    return pairs


# --------------------------------------------------------------- structure
def test_drawing_has_exactly_the_nodes_and_edges_of_the_graph(bundled: viz.Renderer) -> None:
    root = labelled_graph()
    nodes = topological_order(root)
    made = [n for n in nodes if n.parents]
    drawing = viz.draw(root)
    assert isinstance(drawing, graphviz.Digraph)
    parsed = Parsed(drawing)
    assert len(parsed.values) == len(nodes)
    assert len(parsed.ops) == len(made)
    assert len(parsed.objects) == len(nodes) + len(made)
    assert len(parsed.edges) == sum(len(n.parents) for n in made) + len(made)
    assert sorted(parsed.title(parsed.objects.index(o)) for o in parsed.values) == sorted(
        n.label for n in nodes
    )
    assert parsed.value_edges() == expected_edges(root)
    assert parsed.value_edges()[("a", "sq")] == 2  # x * x: one edge per use


def test_op_nodes_show_the_symbols_of_the_table(bundled: viz.Renderer) -> None:
    root = labelled_graph()
    parsed = Parsed(viz.draw(root))
    by_label = {n.label: n for n in topological_order(root)}
    from autograd.nodes import op_of

    for tail, head in parsed.op_output.items():
        node = by_label[parsed.title(head)]
        op = op_of(node)
        assert op is not None
        assert plain(parsed.objects[tail]["label"]) == op.symbol


def test_numbers_are_each_nodes_data_and_grad(bundled: viz.Renderer) -> None:
    root = labelled_graph()
    root.backward()
    for fmt in (".4g", ".3f"):
        parsed = Parsed(viz.draw(root, fmt=fmt))
        by_label = {n.label: n for n in topological_order(root)}
        for o in parsed.values:
            node = by_label[parsed.title(parsed.objects.index(o))]
            cells = re.findall(r"<TD[^>]*>(.*?)</TD>", o["label"])
            assert cells[1] == f"data {format(node.data, fmt)}"
            assert cells[2] == f"grad {format(node.grad, fmt)}"
    without = Parsed(viz.draw(root, show_grad=False))
    assert all("grad" not in o["label"] for o in without.values)


def test_rankdir_is_left_to_right_by_default() -> None:
    x = Value(1.0, label="x")
    assert re.search(r"rankdir=LR", viz.draw(x.exp()).source)
    assert re.search(r"rankdir=TB", viz.draw(x.exp(), rankdir="TB").source)


def _random_graph(choices: list[int]) -> Value:
    pool = [Value(0.5 + i, label=f"leaf{i}") for i in range(3)]
    for i, c in enumerate(choices):
        a, b = pool[c % len(pool)], pool[(c // 7) % len(pool)]
        kind = c % 5
        if kind == 0:
            v = a * b
        elif kind == 1:
            v = a + b
        elif kind == 2:
            v = a.tanh()
        elif kind == 3:
            v = vsum([a, b, a])
        else:
            v = a - 1.0
        v.label = f"v{i}"
        pool.append(v)
    out = vsum(pool)
    out.label = "out"
    for n in topological_order(out):
        if not n.label:
            n.label = f"c{id(n)}"
    return out


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=1, max_size=12))
def test_random_graphs_draw_their_exact_structure(choices: list[int]) -> None:
    root = _random_graph(choices)
    source = viz.draw(root).source
    nodes = topological_order(root)
    made = [n for n in nodes if n.parents]
    node_lines = re.findall(r"^\t(v\d+(?:_op)?) \[", source, flags=re.M)
    edge_lines = re.findall(r"^\t(\S+) -> (\S+)", source, flags=re.M)
    assert len([n for n in node_lines if not n.endswith("_op")]) == len(nodes)
    assert len([n for n in node_lines if n.endswith("_op")]) == len(made)
    assert len(edge_lines) == sum(len(n.parents) for n in made) + len(made)


# ------------------------------------------------------------- chain rule
def test_chain_labels_on_the_seeds_network_are_its_derivation_by_hand(
    bundled: viz.Renderer,
) -> None:
    net = seeds.build()
    hand = seeds.derive_by_hand()
    parsed = Parsed(viz.draw(net.loss, chain=True, fmt=".12g"))
    for w, neuron in hand.neuron_of.items():
        a = "a" + neuron[1:]
        (label,) = parsed.edge_labels(w, a)
        up = hand.dE_do[neuron] * hand.do_da[neuron]
        assert number_after(label, f"∂{a}/∂{w}") == pytest.approx(hand.da_dw[w], rel=1e-9)
        assert number_after(label, f"∂E/∂{a}") == pytest.approx(up, rel=1e-9)
        assert number_after(label, "product") == pytest.approx(hand.gradients[w], rel=1e-9)
    for neuron in hand.dE_do:
        a = "a" + neuron[1:]
        (label,) = parsed.edge_labels(a, neuron)
        assert number_after(label, f"∂{neuron}/∂{a}") == pytest.approx(
            hand.do_da[neuron], rel=1e-9, abs=1e-12
        )
        assert number_after(label, f"∂E/∂{neuron}") == pytest.approx(
            hand.dE_do[neuron], rel=1e-9
        )
        assert number_after(label, "product") == pytest.approx(
            hand.dE_do[neuron] * hand.do_da[neuron], rel=1e-9, abs=1e-12
        )


def test_chain_labels_need_no_backward_and_leave_grads_alone() -> None:
    net = seeds.build()
    viz.draw(net.loss, chain=True)
    assert all(n.grad == 0.0 for n in topological_order(net.loss))


_SYMPY_RULES = {
    "add": lambda u, v: u + v,
    "sub": lambda u, v: u - v,
    "mul": lambda u, v: u * v,
    "div": lambda u, v: u / v,
    "pow": lambda u, v: u**v,
    "tanh": sympy.tanh,
    "sigmoid": lambda u: 1 / (1 + sympy.exp(-u)),
    "exp": sympy.exp,
    "log": sympy.log,
    "sin": sympy.sin,
}


def test_chain_labels_match_sympy_and_torch(bundled: viz.Renderer) -> None:
    # the same expression on the engine and on torch (retain_grad on every node)
    torch = pytest.importorskip("torch")
    xs = {"x": 0.8, "y": -1.3, "z": 2.1}
    ours = {k: Value(v, label=k) for k, v in xs.items()}
    theirs = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in xs.items()}

    def build(m: dict[str, Any], tanh: Any, sigmoid: Any, exp: Any, log: Any, sin: Any) -> Any:
        nodes: dict[str, Any] = dict(m)
        nodes["p"] = m["x"] * m["y"]
        nodes["q"] = tanh(nodes["p"])
        nodes["r"] = nodes["q"] * nodes["q"]
        nodes["s"] = sigmoid(m["y"]) / m["z"]
        nodes["u"] = exp(nodes["s"]) - sin(m["x"])
        nodes["v"] = log(m["z"]) + nodes["r"]
        nodes["f"] = nodes["u"] * nodes["v"] + nodes["p"] ** 3
        return nodes

    mine = build(ours, Value.tanh, Value.sigmoid, Value.exp, Value.log, Value.sin)
    for k, v in mine.items():
        if not v.label:
            v.label = k
    ref = build(theirs, torch.tanh, torch.sigmoid, torch.exp, torch.log, torch.sin)
    for t in ref.values():
        t.retain_grad()
    ref["f"].backward()
    name_of = {id(v): k for k, v in mine.items()}
    root = mine["f"]
    for node in topological_order(root):
        if node.parents and node.label not in mine:
            node.label = f"tmp{len(name_of)}"
            name_of[id(node)] = node.label
    parsed = Parsed(viz.draw(root, chain=True, fmt=".15g"))

    from autograd.nodes import op_of

    checked = with_upstream = 0
    for node in topological_order(root):
        op = op_of(node)
        if op is None:
            continue
        syms = sympy.symbols(f"u0:{len(node.parents)}")
        if op.name == "pow" and op.arity == 1:
            formula = syms[0] ** sympy.nsimplify(op.param)
        else:
            formula = _SYMPY_RULES[op.name](*syms)
        at = {s: p.data for s, p in zip(syms, node.parents)}
        upstream = ref[node.label].grad.item() if node.label in ref else None
        for i, parent in enumerate(node.parents):
            local = float(sympy.diff(formula, syms[i]).evalf(subs=at))
            labels = parsed.edge_labels(parent.label, node.label)
            assert len(labels) == sum(1 for q in node.parents if q is parent)
            for label in labels[:1]:
                assert number_after(label, f"∂{node.label}/∂{parent.label}") == pytest.approx(
                    local, rel=1e-12
                )
                if upstream is not None:
                    with_upstream += 1
                    assert number_after(label, f"∂f/∂{node.label}") == pytest.approx(
                        upstream, rel=1e-12
                    )
                    assert number_after(label, "product") == pytest.approx(
                        upstream * local, rel=1e-12, abs=1e-15
                    )
                checked += 1
    assert checked == sum(len(n.parents) for n in topological_order(root))
    assert with_upstream >= 10


def test_unlabelled_nodes_are_named_by_the_expression_they_compute() -> None:
    x = Value(3.0)
    y = x * 2.0
    found = re.search(r"v\d+ -> v\d+_op \[label=<(.*?)>[ \]]", viz.draw(y, chain=True).source)
    assert found is not None
    text = plain(found.group(1))
    # named as every tool names them: an unlabelled leaf and a constant by their number,
    # the product by the expression it computes
    assert text.splitlines()[0].startswith("local ∂(3*2)/∂3 = ")
    assert text.splitlines()[1].startswith("upstream ∂(3*2)/∂(3*2) = ")


# ---------------------------------------------------------------- highlight
def test_highlight_colours_every_path_from_the_leaf_to_the_root(bundled: viz.Renderer) -> None:
    net = seeds.build()
    w = net.weights["w1_21"]
    nodes = topological_order(net.loss)
    # a node is on a path from w exactly when w is among the nodes it was computed from
    on_path = [n for n in nodes if any(m is w for m in topological_order(n))]
    parsed = Parsed(viz.draw(net.loss, highlight=w))
    red_values = [o for o in parsed.values if o["color"] == viz._HIGHLIGHT]
    assert len(red_values) == len(on_path)
    assert {parsed.title(parsed.objects.index(o)) for o in red_values} - {""} == {
        n.label for n in on_path if n.label
    }
    red_edges = [e for e in parsed.edges if e.get("color") == viz._HIGHLIGHT]
    on = {id(n) for n in on_path}
    expected = sum(
        1 + sum(1 for p in n.parents if id(p) in on) for n in on_path if n.parents
    )
    assert len(red_edges) == expected


def test_highlight_must_be_in_the_graph() -> None:
    x = Value(1.0, label="x")
    with pytest.raises(ValueError, match="not in the graph"):
        viz.draw(x.exp(), highlight=Value(2.0))


# ------------------------------------------------------------- large graphs
def _wide(n: int) -> tuple[Value, list[Value]]:
    ws = [Value(0.01 * i, label=f"w{i}") for i in range(n)]
    xs = [Value(1.0 + i, label=f"x{i}") for i in range(n)]
    prods = [w * x for w, x in zip(ws, xs)]
    for i, p in enumerate(prods):
        p.label = f"p{i}"
    out = vsum(prods)
    out.label = "L"
    return out, ws


def test_large_graphs_are_refused_before_any_dot_is_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, _ = _wide(200)
    total = len(topological_order(root))
    assert total > viz.DEFAULT_MAX_NODES

    def no_drawing(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a Drawing was built")

    monkeypatch.setattr(viz, "Drawing", no_drawing)
    with pytest.raises(viz.GraphTooLargeError) as err:
        viz.draw(root)
    message = str(err.value)
    assert f"{total} Values" in message
    assert "depth=" in message and "only=" in message and "max_nodes" in message
    assert "Graphviz would take minutes" in message  # the default limit is where it would
    with pytest.raises(viz.GraphTooLargeError, match=f"{total} Values"):
        root.draw(max_nodes=total - 1)
    small = Value(1.0) * 2.0
    with pytest.raises(viz.GraphTooLargeError) as err:
        small.draw(max_nodes=1)  # a limit the user set: 3 Values take Graphviz no time
    assert "max_nodes=1 (the limit given)" in str(err.value)
    assert "minutes" not in str(err.value)


def test_depth_draws_the_values_near_the_root(bundled: viz.Renderer) -> None:
    root, _ = _wide(200)
    parsed = Parsed(viz.draw(root, depth=1))
    parents = {id(p): p for p in root.parents}
    assert len(parsed.values) == 1 + len(parents)
    assert len(parsed.ops) == 1 + sum(1 for p in parents.values() if p.parents)
    elided = [o for o in parsed.objects if plain(o["label"]) == "…"]
    assert len(elided) == sum(1 for p in parents.values() if p.parents)
    assert len(Parsed(viz.draw(root, depth=0)).values) == 1


def test_only_draws_the_paths_from_chosen_values(bundled: viz.Renderer) -> None:
    root, ws = _wide(200)
    chosen = [ws[3], ws[7]]
    nodes = topological_order(root)
    on_path = [n for n in nodes if any(m is c for c in chosen for m in topological_order(n))]
    drawn = {id(n) for n in on_path}
    for n in on_path:
        if not any(n is c for c in chosen):
            drawn.update(id(p) for p in n.parents)
    parsed = Parsed(viz.draw(root, only=chosen))
    assert len(parsed.values) == len(drawn)
    assert ("w3", "p3") in parsed.value_edges() and ("x3", "p3") in parsed.value_edges()
    assert ("w5", "p5") not in parsed.value_edges()


# --------------------------------------------------------------- rendering
def test_svg_and_png_render_through_the_bundled_renderer(
    bundled: viz.Renderer, tmp_path: Path
) -> None:
    assert Path(bundled.path).name.startswith("graphviz-pure")
    root = labelled_graph()
    root.backward()
    drawing = root.draw(chain=True)
    assert isinstance(drawing, viz.Drawing)
    svg_path = Path(drawing.save(tmp_path / "graph.svg"))
    png_path = Path(drawing.save(tmp_path / "graph.png"))
    dot_path = Path(drawing.save(tmp_path / "graph.dot"))
    assert png_path.read_bytes().startswith(PNG_MAGIC)
    assert dot_path.read_text(encoding="utf-8") == drawing.source
    texts = _svg_texts(svg_path.read_text(encoding="utf-8"))
    for node in topological_order(root):
        assert node.label in texts
    assert drawing.png().startswith(PNG_MAGIC)
    piped = drawing.pipe(format="png")
    assert isinstance(piped, bytes) and piped.startswith(PNG_MAGIC)


def _svg_texts(svg: str) -> set[str]:
    tree = ET.fromstring(svg.split("?>", 1)[1].split(">", 1)[1] if svg.startswith("<?xml")
                         and "<!DOCTYPE" in svg else svg)
    return {(t.text or "") for t in tree.iter() if t.tag.endswith("text")}


def test_jupyter_shows_the_drawing_inline_as_svg(bundled: viz.Renderer) -> None:
    x = Value(2.0, label="x")
    drawing = (x * x).draw()
    bundle = drawing._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml"}
    assert "<svg" in bundle["image/svg+xml"]
    assert "<svg" in drawing._repr_svg_()
    assert drawing._repr_mimebundle_(include=["image/png"])["image/png"].startswith(PNG_MAGIC)


def test_render_writes_the_source_and_the_output(bundled: viz.Renderer, tmp_path: Path) -> None:
    x = Value(2.0, label="x")
    out = viz.draw(x.exp()).render(tmp_path / "g", format="svg")
    assert out.endswith(".svg") and "<svg" in Path(out).read_text(encoding="utf-8")
    assert (tmp_path / "g").read_text(encoding="utf-8").startswith("digraph")


HOSTILE = [
    "<b>bold</b>",
    "a|b{c}d",
    'say "hi"',
    "it's",
    r"back\slash \n",
    "&amp; &",
    "∂E/∂w · ü · 中文",
    "]]> <!-- -->",
    "{x|<f0>}",
]


@pytest.mark.parametrize("chain", [False, True])
def test_hostile_labels_render(bundled: viz.Renderer, chain: bool) -> None:
    leaves = [Value(0.1 * (i + 1), label=s) for i, s in enumerate(HOSTILE)]
    out = vsum([v * v for v in leaves])
    out.label = "<out>"
    drawing = viz.draw(out, chain=chain)
    texts = _svg_texts(drawing.svg())
    for s in [*HOSTILE, "<out>"]:
        assert s in texts, s
    assert drawing.png().startswith(PNG_MAGIC)
    parsed = Parsed(drawing)
    assert sorted(parsed.title(parsed.objects.index(o)) for o in parsed.values) == sorted(
        n.label for n in topological_order(out)
    )


@pytest.mark.parametrize("which", ["graphviz-pure", "dot"])
def test_hostile_labels_and_op_names_render_with_both_renderers(
    which: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if which == "dot" and shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs Graphviz (Debian's graphviz) so that both renderers are tested")
        pytest.skip("no system Graphviz dot here")
    if which == "graphviz-pure":
        monkeypatch.setattr(render, "_system_dot", lambda: None)
    found = viz.find_renderer()
    assert found is not None and found.name == which
    names = [*HOSTILE, 'my\\"', "]x", "[", "<img src=x>", "]", "]]"]  # "]" alone broke dot 2.43
    for k, name in enumerate(names):
        custom = autograd.op(math.sin, math.cos, name=name)
        x = Value(0.5, label=name)
        y = custom(x) * float(k + 1)
        drawing = viz.draw(y, chain=True)
        texts = _svg_texts(drawing.svg())
        assert name in texts, name  # the label, as text
        assert any(name in t for t in texts if t != name), name  # the op's name, as text


def test_control_characters_and_newlines_in_labels_render(bundled: viz.Renderer) -> None:
    x = Value(1.0, label="two\nlines")
    y = x.exp()
    y.label = "tab\there"
    texts = _svg_texts(viz.draw(y).svg())
    # a name is one line in every tool (a newline in a tree or a table forged a line),
    # its control characters shown as escapes
    assert {"two\\nlines", "tab\\there"} <= texts


# ---------------------------------------------------------- missing renderer
def test_without_a_renderer_saving_images_says_how_to_get_one(
    no_renderer: None, tmp_path: Path
) -> None:
    assert viz.find_renderer() is None
    x = Value(2.0, label="x")
    drawing = x.exp().draw()
    for name in ("g.svg", "g.png"):
        with pytest.raises(viz.RendererNotFoundError) as err:
            drawing.save(tmp_path / name)
        message = str(err.value)
        assert "`dot`" in message and "PATH" in message
        assert "pip install graphviz-pure==0.2.2" in message
        assert "drawing.source" in message
        assert isinstance(err.value, graphviz.ExecutableNotFound)
        assert not (tmp_path / name).exists()
    with pytest.raises(viz.RendererNotFoundError):
        drawing.pipe(format="svg")
    assert Path(drawing.save(tmp_path / "g.dot")).read_text(encoding="utf-8") == drawing.source
    assert "<B>x</B>" in drawing.source
    shown = drawing._repr_mimebundle_()
    assert "pip install graphviz-pure==0.2.2" in shown["text/plain"]


def test_the_pin_matches_pyproject() -> None:
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    assert f'"{render.GRAPHVIZ_PURE}"' in pyproject.read_text(encoding="utf-8")


def test_bundled_renderer_is_found_next_to_python_without_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    found = viz.find_renderer()
    assert found is not None and found.name == "graphviz-pure"
    assert Path(found.path).parent in {
        Path(sys.executable).parent,
        Path(sys.executable).parent / "Scripts",
        Path(sys.executable).parent / "bin",
    }


def test_suffixes_choose_the_format(bundled: viz.Renderer, tmp_path: Path) -> None:
    drawing = Value(1.0, label="x").exp().draw()
    with pytest.raises(ValueError, match="pdf"):
        drawing.save(tmp_path / "g.pdf")
    with pytest.raises(ValueError, match="suffix"):
        drawing.save(tmp_path / "g.jpeg")
    assert Path(drawing.save(tmp_path / "g.gv")).read_text(encoding="utf-8") == drawing.source


# ------------------------------------------------------------------ batches
def test_batches_are_summarised_in_drawings_and_trees() -> None:
    samples = np.array([0.5, -2.0, 3.25, 1.0])
    x = Value(samples, label="x")
    y = (x * x).mean()
    y.label = "y"
    squares = samples * samples
    source = viz.draw(y, show_grad=False).source
    tree = viz.tree(y, show_grad=False)
    for batch in (samples, squares):
        assert (
            f"4 samples: mean {np.mean(batch):.4g}, min {np.min(batch):.4g}, "
            f"max {np.max(batch):.4g}"
        ) in tree
        assert (
            f"data, 4 samples<BR/>mean {np.mean(batch):.4g}<BR/>"
            f"min {np.min(batch):.4g}, max {np.max(batch):.4g}"
        ) in source
    assert f"data {np.mean(squares):.4g}" in tree
    assert f"data {np.mean(squares):.4g}" in source


# --------------------------------------------------------------------- tree
def test_tree_writes_each_node_once_and_refers_to_shared_ones() -> None:
    net = seeds.build()
    net.loss.backward()
    text = viz.tree(net.loss)
    lines = text.splitlines()
    nodes = topological_order(net.loss)
    uses = sum(len(n.parents) for n in nodes)
    assert len(lines) == 1 + uses  # the root, then one line per use of a node
    full = [line for line in lines if "(see #" not in line]
    assert len(full) == len(nodes)
    constants = [n for n in nodes if not n.requires_grad and not n.label]
    assert constants and all(any(x.endswith(f"── {n.data:.4g}") for x in full) for n in constants)
    for node in nodes:
        if node.label:
            line = f"{node.label}  data {format(node.data, '.4g')}  grad {format(node.grad, '.4g')}"
            assert sum(1 for x in full if line in x) == 1, node.label
    counts = Counter(id(p) for n in nodes for p in n.parents)
    assert sum(1 for line in lines if "(see #" in line) == sum(c - 1 for c in counts.values())


def test_tree_depth_cuts_with_an_ellipsis() -> None:
    net = seeds.build()
    text = viz.tree(net.loss, depth=1)
    first = [n for n in net.loss.parents]
    assert len(text.splitlines()) == 1 + len(first) + sum(
        1 for p in {id(q): q for q in first}.values() if p.parents
    ) + 1  # the closing line saying what was left out
    assert "…" in text
    shown = 1 + len({id(q) for q in first})
    left = len(topological_order(net.loss)) - shown
    assert text.splitlines()[-1].startswith(f"… {left} of the graph's ")


def test_tree_shows_as_text_in_a_repl_and_the_docstring_runs() -> None:
    x = Value(2.0, label="x")
    t = viz.tree(x.exp())
    assert repr(t) == str(t)
    result = doctest.testmod(treeview, verbose=False)
    assert result.failed == 0 and result.attempted > 0


def test_dot_graph_of_one_leaf() -> None:
    x = Value(4.0, label="x")
    source = viz.draw(x).source
    assert source.count("->") == 0
    assert f"data {format(4.0, '.4g')}" in source
    assert viz.draw_dot is viz.draw


def test_seeds_network_renders_with_chain_labels(bundled: viz.Renderer, tmp_path: Path) -> None:
    net = seeds.build()
    net.loss.backward()
    out = Path(net.loss.draw(chain=True, highlight=net.weights["w1_11"]).save(
        tmp_path / "seeds.png"))
    assert out.read_bytes().startswith(PNG_MAGIC)
    _ = dot  # the seeds build their layers with autograd.functions.dot


def test_loss_draw_in_a_fresh_notebook_shows_svg() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    code = "from autograd import seeds\nnet = seeds.build()\nnet.loss.backward()\nnet.loss.draw()"
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    (result,) = [o for o in nb.cells[0].outputs if o["output_type"] == "execute_result"]
    svg = result["data"]["image/svg+xml"]
    texts = _svg_texts(svg)
    assert {n.label for n in topological_order(seeds.build().loss) if n.label} <= texts


def test_chain_labels_sit_on_an_opaque_cell_so_edges_do_not_strike_their_text() -> None:
    net = seeds.build()
    source = viz.draw(net.loss, chain=True).source
    labels = re.findall(r"-> v\d+_op \[label=<(.*?)>\]", source)
    assert labels and len(labels) == source.count("_op [label=<<TABLE")
    assert all('BGCOLOR="white"' in label for label in labels)


def test_chain_labels_flatten_a_labels_newlines_and_wrap_long_lines() -> None:
    """A label's newline split the chain rule's text mid-name ("upstream ∂(out" / "x)");
    a 60-character label, named three times per rule, made a drawing 6,000 pixels wide."""
    import re

    x = Value(2.0, label="out\nx")
    y = x.tanh()
    y.label = "y"
    source = autograd.draw(y, chain=True).source
    edge = next(line for line in source.splitlines() if "->" in line and "local" in line)
    # the label's newline is shown as an escape, as in every tool's name for it
    assert "∂y/∂(out\\nx)" in edge and "∂(out\n" not in edge
    w = Value(3.0, label="w" * 60)
    z = (Value(2.0, label="a") * w).tanh()
    source = autograd.draw(z, chain=True).source
    for line in source.splitlines():
        if "->" in line and "local" in line:
            cell = re.search(r"<TD>(.*)</TD>", line).group(1)  # type: ignore[union-attr]
            parts = [re.sub(r"<[^>]+>", "", p) for p in cell.split("<BR/>")]
            assert all(len(p) <= 72 for p in parts), parts
