"""The graph explorer: its model against the engine, its page's safety, and the page itself
driven in a real browser (headless Chromium through selenium).

The browser tests skip where Chromium, its driver or selenium is missing, except
in CI (``CI`` set), where ``.ci/run`` installs them and a missing browser fails.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import autograd
from autograd import Value, explain, explore, graph, op, seeds
from autograd.cli import main
from autograd.explorer import MAX_UNFOLDED, Explorer
from autograd.losses import mse
from autograd.nn import MLP

HOSTILE_SCRIPT = "</script><script>document.title='x'</script>"
HOSTILE_IMG = "<img src=x onerror=\"document.title='y'\">"
HOSTILE_OP = "<b>op</b>&amp;<svg onload=alert(1)>"


def seeds_loss() -> Value:
    return seeds.build().loss


def mlp_loss(sizes: list[int]) -> Value:
    model = MLP(2, sizes, seed=0)
    return mse(model([0.5, -1.0]), 1.0)


def hostile_graph() -> Value:
    x = Value(0.5, label=HOSTILE_SCRIPT)
    w = Value(-1.5, label=HOSTILE_IMG)
    weird = op(math.tanh, lambda z: 1 - z * z, uses="output", name=HOSTILE_OP)
    y = weird(x * w) + x
    y.label = "y & <u>"
    return y


def model_of(root: Value) -> dict[str, Any]:
    return explore(root).model


# ------------------------------------------------------------------ the model
def test_explore_and_the_value_method_give_an_explorer() -> None:
    loss = seeds_loss()
    ex = autograd.explore(loss)
    assert isinstance(ex, Explorer) and isinstance(loss.explore(), autograd.Explorer)
    assert "39 values, 6 neurons" in repr(ex)


def test_one_graph_per_call(monkeypatch: pytest.MonkeyPatch) -> None:
    built = []
    real = graph.Graph.__init__

    def counting(self: Any, root: Value) -> None:
        built.append(root)
        real(self, root)

    monkeypatch.setattr(graph.Graph, "__init__", counting)
    explore(seeds_loss()).html()
    assert len(built) == 1


def test_numbers_come_from_the_graph_before_backward() -> None:
    loss = seeds_loss()  # no backward(): every .grad is 0
    m = model_of(loss)
    engine = graph.Graph(loss).gradients()
    nodes = graph.Graph(loss).nodes
    assert all(n.grad == 0.0 for n in nodes)
    for node, entry in zip(nodes, m["nodes"]):
        assert entry["data"] == node.data
        if entry["kind"] != "constant":
            assert entry["grad"] == engine[node]


def test_backward_steps_add_up_to_the_engine_gradient_and_show_both_uses() -> None:
    x = Value(3.0, label="x")
    y = x * x + x.tanh()
    y.label = "y"
    m = model_of(y)
    last: dict[int, Any] = {}
    contributions: dict[int, list[float]] = {}
    for step in m["steps"]:
        for e in step.get("edges", []):
            last[e["node"]] = e
            contributions.setdefault(e["node"], []).append(e["contribution"])
            assert e["contribution"] == e["local"] * e["upstream"]
    ix = [n["name"] for n in m["nodes"]].index("x")
    assert len(contributions[ix]) == 3  # x*x uses x twice, tanh once
    assert last[ix]["complete"] and last[ix]["after"] == 6.0 + (1 - math.tanh(3.0) ** 2)
    grads = graph.Graph(y).gradients()
    for i, node in enumerate(graph.Graph(y).nodes):
        if i in last:
            assert last[i]["after"] == grads[node]


def test_forward_steps_say_how_each_value_came_from_its_inputs() -> None:
    m = model_of(seeds_loss())
    forward = {n["name"]: n.get("forward") for n in m["nodes"]}
    assert forward["o1_1"] == "o1_1 = tanh(a1_1) = tanh(0.9) = 0.7163"
    assert forward["a1_1"] == "a1_1 = w1_11*o0_1 + w1_21*o0_2 + b1_1 = 0.4*0.5 + (-0.6)*(-1) + 0.1 = 0.9"
    kinds = [s["kind"] for s in m["steps"]]
    assert kinds[0] == "start" and kinds[-1] == "end" and kinds.count("seed") == 1
    assert kinds.count("forward") == kinds.count("backward") == 15


def test_long_sums_are_shortened_on_the_step_and_whole_in_the_panel() -> None:
    m = model_of(mlp_loss([16, 1]))
    dot = next(n for n in m["nodes"] if n["op"] == "dot" and len(n["inputs"]) == 33)
    numeric = dot["forward_full"].split(" = ")[-2]
    assert numeric.count("*") == 16 and "…" not in numeric
    assert dot["forward"].split(" = ")[-2].count("*") == 6


def test_neurons_fold_and_large_graphs_open_folded() -> None:
    m = model_of(seeds_loss())
    assert m["view"] == "full" and not m["note"]
    assert [n["activation"] for n in m["neurons"]] == ["tanh"] * 3 + ["sigmoid"] * 2 + ["relu"]
    assert len(m["neurons"][0]["params"]) == 3  # w1_11, w1_21, b1_1: the weights it alone uses
    big = model_of(mlp_loss([16, 16, 1]))
    assert len(big["nodes"]) > MAX_UNFOLDED
    assert big["view"] == "folded" and "folded" in big["note"]
    assert set(big["layouts"]) == {"full", "folded"}
    assert explore(seeds_loss(), fold=True).model["view"] == "folded"
    assert explore(mlp_loss([16, 16, 1]), fold=False).model["view"] == "full"


def test_the_page_is_small_enough() -> None:
    for root in (seeds_loss(), mlp_loss([4, 4, 1])):
        assert len(explore(root).html().encode("utf-8")) < 1_000_000


def test_the_page_is_self_contained_and_only_its_script_may_run() -> None:
    page = explore(seeds_loss()).html()
    assert not re.search(r"<link|@import|url\(|\bsrc=|\bhref=", page)
    assert set(re.findall(r"https?://[^\s\"')]+", page)) == {"http://www.w3.org/2000/svg"}  # a name
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and "default-src 'none'" in csp.group(1) and "connect-src 'none'" in csp.group(1)
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 1
    import base64
    import hashlib
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp.group(1)


def test_labels_and_op_names_are_data_in_the_page() -> None:
    y = hostile_graph()
    page = explore(y).html()
    for text in (HOSTILE_SCRIPT, HOSTILE_IMG, HOSTILE_OP, "<u>"):
        assert text not in page
    assert page.count("</script>") == 2 and page.count("<script") == 2
    embedded = re.search(r'<script type="application/json" id="model">(.*?)</script>', page, flags=re.S)
    assert embedded and "<" not in embedded.group(1) and "&" not in embedded.group(1)
    names = {n["name"] for n in json.loads(embedded.group(1))["nodes"]}
    assert {HOSTILE_SCRIPT, HOSTILE_IMG, "y & <u>"} <= names
    assert HOSTILE_OP in {n["op"] for n in json.loads(embedded.group(1))["nodes"]}


def test_jupyter_shows_it_in_a_sandboxed_iframe() -> None:
    ex = explore(hostile_graph())
    shown = ex._repr_html_()
    assert shown.startswith('<iframe sandbox="allow-scripts" srcdoc="')
    assert "allow-same-origin" not in shown
    srcdoc = re.search(r'srcdoc="([^"]*)"', shown)
    assert srcdoc and html.unescape(srcdoc.group(1)) == ex.html()
    assert "<script" not in shown


def test_batches_and_non_values_are_refused() -> None:
    import numpy as np

    with pytest.raises(ValueError, match="batches"):
        explore((Value(np.array([1.0, 2.0])) * 2).sum())
    with pytest.raises(TypeError, match="Value"):
        explore(3.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tolerance"):
        explore(Value(1.0), tolerance=(-1, 0))


def test_a_single_leaf_has_a_page() -> None:
    m = model_of(Value(2.0, label="x"))
    assert [s["kind"] for s in m["steps"]] == ["start", "seed", "end"]
    assert m["nodes"][0]["grad"] == 1.0


def test_cli_writes_the_explorer(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "seeds.html"
    assert main(["demo", "--html", str(target)]) == 0
    assert "wrote the graph explorer" in capsys.readouterr().out
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    page = tmp_path / "f.html"
    assert main(["grad", "-x*y", "--at", "x=1", "y=2", "--html", str(page)]) == 0
    assert f"wrote {page}" in capsys.readouterr().out and page.exists()


@pytest.mark.parametrize("args, message", [
    (["demo", "--html", "seeds.svg"], "--html seeds.svg: the file name must end in .html"),
    (["grad", "x", "--at", "x=1", "--html", "/no/such/folder/f.html"], "does not exist"),
])
def test_cli_html_errors_are_one_line(capsys: pytest.CaptureFixture[str], args: list[str],
                                      message: str) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


# ------------------------------------------------------------------ in a browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1400,900"]


def _need_browser() -> Any:
    try:
        from selenium import webdriver
    except ImportError:
        webdriver = None
    missing = [what for what, ok in (("selenium", webdriver is not None),
                                     ("chromium", os.path.exists(CHROMIUM)),
                                     ("chromedriver", os.path.exists(DRIVER))) if not ok]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests need {', '.join(missing)} (.ci/run installs them)")
        pytest.skip(f"no {', '.join(missing)}: apt-get install chromium chromium-driver, "
                    f"pip install selenium")
    return webdriver


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    webdriver = _need_browser()
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="explorer-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver: Any, path: Path) -> None:
    driver.get(path.resolve().as_uri())
    driver.get_log("browser")  # start each page with empty logs
    assert driver.execute_script("return document.body.getAttribute('data-ready')") == "true"


def saved(tmp_path: Path, root: Value, name: str = "page.html", **options: Any) -> Path:
    path = tmp_path / name
    explore(root, **options).save(path)
    return path


def key(driver: Any, name: str, times: int = 1) -> None:
    for _ in range(times):
        driver.execute_script(f"document.dispatchEvent(new KeyboardEvent('keydown', {{key: {name!r}}}))")


def click(driver: Any, css: str) -> None:
    driver.execute_script("document.querySelector(arguments[0]).dispatchEvent("
                          "new MouseEvent('click', {bubbles: true}))", css)


def shown(driver: Any) -> dict[str, dict[str, str]]:
    """name -> the box's data, grad attributes and grad text."""
    return driver.execute_script("""
        var out = {};
        document.querySelectorAll('.unit.value').forEach(function (g) {
          var t = g.querySelector('text.grad');
          out[g.getAttribute('data-name')] = {data: g.getAttribute('data-shown-data'),
            grad: g.getAttribute('data-shown-grad'), text: t ? t.textContent : null};
        });
        return out;""")


def view(driver: Any) -> str:
    return str(driver.execute_script("return document.querySelector('svg.graph').getAttribute('data-view')"))


def count(driver: Any, css: str) -> int:
    return int(driver.execute_script("return document.querySelectorAll(arguments[0]).length", css))


def errors(driver: Any) -> list[Any]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def test_after_the_last_backward_step_every_gradient_is_the_engines(browser: Any, tmp_path: Path) -> None:
    loss = seeds_loss()
    open_page(browser, saved(tmp_path, loss))
    g = graph.Graph(loss)
    grads = g.gradients()
    before = shown(browser)
    assert all(v["grad"] in ("", None) for v in before.values())  # nothing computed yet
    assert before["o1_1"]["data"] == "" and before["w1_11"]["data"] == "0.4"
    steps = len(explore(loss).model["steps"])
    key(browser, "ArrowRight", steps + 3)  # past the end stays at the end
    after = shown(browser)
    for node in g.nodes:
        if g.is_constant(node):
            continue
        box = after[g.name(node)]
        assert float(box["grad"]) == grads[node], g.name(node)
        assert float(box["data"]) == node.data
        assert box["text"] == f"grad {format(grads[node], '.4g')}"
    assert browser.execute_script("return document.body.getAttribute('data-step-kind')") == "end"
    assert errors(browser) == []


def test_stepping_forward_and_backward_with_buttons_and_keys(browser: Any, tmp_path: Path) -> None:
    loss = seeds_loss()
    m = explore(loss).model
    open_page(browser, saved(tmp_path, loss))

    def step() -> int:
        return int(browser.execute_script("return document.body.getAttribute('data-step')"))

    def footer() -> str:
        return browser.execute_script("return document.querySelector('.step-body').textContent")

    key(browser, "ArrowRight", 2)
    assert step() == 2 and footer().startswith("o1_1 = tanh(a1_1) = tanh(0.9) = 0.7163")
    o11 = next(n for n in m["nodes"] if n["name"] == "o1_1")
    assert shown(browser)["o1_1"]["data"] == repr(o11["data"])
    key(browser, "ArrowLeft")
    assert step() == 1 and shown(browser)["o1_1"]["data"] == ""
    click(browser, 'button[aria-label="Jump to the end (End)"]')
    assert step() == len(m["steps"]) - 1
    key(browser, "Home")
    assert step() == 0
    # the backward step at a2_1 (dot): one edge label per input, local × upstream = contribution
    at = next(k for k, s in enumerate(m["steps"]) if s["kind"] == "backward"
              and m["nodes"][s["node"]]["name"] == "a2_1")
    key(browser, "ArrowRight", at)
    labels = browser.execute_script("""
        return Array.from(document.querySelectorAll('.edge-label')).map(function (g) {
          return Array.from(g.querySelectorAll('text')).map(function (t) { return t.textContent; })
            .join(' '); });""")
    assert len(labels) == 7 and "0.7163 × 0.1183 = 0.08472" in labels
    text = footer()
    assert "∂E/∂o1_1 = -0.01704 + 0.09462 = 0.07758" in text and "2 of 2 uses" in text
    assert shown(browser)["o1_1"]["text"] == "grad 0.07758"
    key(browser, "ArrowLeft")  # before a2_1 passes its share, o1_1 has heard from 1 of its 2 uses
    assert shown(browser)["o1_1"]["text"] == "grad -0.01704 (1/2)"
    # play and pause with the space bar
    key(browser, "Home")
    key(browser, " ")
    time.sleep(2.5)
    key(browser, " ")
    played = step()
    time.sleep(1.3)
    assert played >= 1 and step() == played
    assert errors(browser) == []


def _cube_at_its_square(browser: Any, tmp_path: Path) -> tuple[Value, dict[str, Any]]:
    """Open f = (x*x)*x at x = 3 and step to the backward step at x*x (x's two uses there);
    x and the page's model."""
    x = Value(3.0, label="x")
    y = x * x * x
    y.label = "f"
    m = explore(y).model
    open_page(browser, saved(tmp_path, y))
    at = next(k for k, s in enumerate(m["steps"]) if s["kind"] == "backward"
              and m["nodes"][s["node"]]["name"] == "x*x")
    key(browser, "ArrowRight", at)
    return x, m


def _sums(browser: Any) -> list[str]:
    """The running-sum cell of every row of the step panel."""
    return browser.execute_script("""
        return Array.from(document.querySelectorAll('.step-body table.contrib td.sum'))
          .map(function (td) { return td.textContent; });""")


def test_each_row_counts_the_uses_summed_up_to_that_row(browser: Any, tmp_path: Path) -> None:
    # f = (x*x)*x at x = 3 uses x three times. The step at f gives x its first share,
    # ∂f/∂x += (x*x)·1 = 9; the step at x*x then gives it two in one step, x·3 = 9 each.
    _cube_at_its_square(browser, tmp_path)
    assert browser.execute_script("return document.querySelector('.counter').textContent") == "backward 2/2"
    rows = _sums(browser)
    assert rows == ["→ ∂f/∂x = 9 + 9 = 18  (2 of 3 uses so far)",
                    "→ ∂f/∂x = 18 + 9 = 27  (3 of 3 uses: complete)"]
    key(browser, "ArrowLeft")  # the step at f: x's first use; x*x's only one, complete without a count
    rows = _sums(browser)
    assert rows == ["→ ∂f/∂(x*x) = 3", "→ ∂f/∂x = 9  (1 of 3 uses so far)"]
    assert errors(browser) == []


LAID_OUT = """
    function box(e) { var b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }
    function all(css) { return Array.from(document.querySelectorAll(css)).map(box); }
    return {labels: all('.edge-label .bg'), texts: all('.unit.value text, .unit.neuron text'),
            ops: all('.opnode ellipse'), graph: box(document.querySelector('svg.graph')),
            step: document.querySelector('.counter').textContent};"""


def _meet(a: list[float], b: list[float]) -> bool:
    """Two [left, top, right, bottom] boxes share more than a hairline."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5


def label_clashes(driver: Any) -> dict[str, Any]:
    """The step's edge labels (their boxes on screen) and what each one covers."""
    seen = driver.execute_script(LAID_OUT)
    labels, g = seen["labels"], seen["graph"]
    return {"step": seen["step"], "labels": len(labels),
            "label on label": [(i, j) for i, a in enumerate(labels) for j, b in enumerate(labels)
                               if i < j and _meet(a, b)],
            "label on text": [(i, t) for i, a in enumerate(labels) for t in seen["texts"] if _meet(a, t)],
            "label on op": [(i, o) for i, a in enumerate(labels) for o in seen["ops"] if _meet(a, o)],
            "clipped": [i for i, a in enumerate(labels)
                        if a[0] < g[0] or a[1] < g[1] or a[2] > g[2] or a[3] > g[3]]}


def test_edge_labels_cover_no_label_and_no_box_and_parallel_edges_part(browser: Any,
                                                                        tmp_path: Path) -> None:
    # f = (x*x)*x: at x*x both of its edges come from x; their labels, 3 × 3 = 9 each,
    # were drawn at one place (one hidden), on x's box and the op circle, and the two
    # edges on one another
    x, m = _cube_at_its_square(browser, tmp_path)
    clashes = label_clashes(browser)
    assert clashes == {"step": "backward 2/2", "labels": 2, "label on label": [], "label on text": [],
                       "label on op": [], "clipped": []}
    i = [n["name"] for n in m["nodes"]].index("x*x")
    middles = browser.execute_script("""
        return arguments[0].map(function (key) {
          var p = document.querySelector('.edge[data-edge="' + key + '"] path');
          var q = p.getPointAtLength(p.getTotalLength() / 2);
          return [q.x, q.y]; });""", [f"e{i}_0", f"e{i}_1"])
    assert math.dist(*middles) > 14  # two curves, apart in the middle (layout units)
    # a small graph: labels off the boxes and op nodes at every backward step
    w = Value(-0.5, label="w")
    a = x * w
    a.label = "a"
    loss = a.tanh()
    loss.label = "loss"
    open_page(browser, saved(tmp_path, loss, "small.html"))
    steps = explore(loss).model["steps"]
    key(browser, "ArrowRight", [s["kind"] for s in steps].index("seed"))
    for step in ("backward 1/2", "backward 2/2"):
        key(browser, "ArrowRight")
        clashes = label_clashes(browser)
        assert clashes["step"] == step and clashes["labels"] >= 1
        assert all(not v for k, v in clashes.items() if k not in ("step", "labels")), clashes
    assert errors(browser) == []


def test_no_edge_label_covers_another_at_any_step_of_the_seeds_network(browser: Any,
                                                                        tmp_path: Path) -> None:
    loss = seeds_loss()
    m = explore(loss).model
    open_page(browser, saved(tmp_path, loss))
    seed = next(k for k, s in enumerate(m["steps"]) if s["kind"] == "seed")
    key(browser, "ArrowRight", seed)
    backward = [s for s in m["steps"] if s["kind"] == "backward"]
    for k, st in enumerate(backward, 1):
        key(browser, "ArrowRight")
        clashes = label_clashes(browser)
        assert clashes["step"] == f"backward {k}/{len(backward)}"
        assert clashes["labels"] == len(st["edges"])  # one per input that takes a gradient
        # this network has room for every label: none on another, a box's text, an op, or cut off
        assert all(not v for n, v in clashes.items() if n not in ("step", "labels")), clashes
    assert errors(browser) == []


def test_the_side_panel_gives_the_rule_and_the_explanation(browser: Any, tmp_path: Path) -> None:
    loss = seeds_loss()
    open_page(browser, saved(tmp_path, loss))
    g = graph.Graph(loss)
    for node in g.nodes:
        if g.is_constant(node):
            continue
        name = g.name(node)
        browser.execute_script("""
            var want = arguments[0];
            var box = Array.from(document.querySelectorAll('.unit.value'))
              .filter(function (e) { return e.getAttribute('data-name') === want; })[0];
            box.dispatchEvent(new MouseEvent('click', {bubbles: true}));""", name)
        panel = browser.execute_script("""
            var p = document.querySelector('.panel');
            var x = p.querySelector('pre.explain');
            return {name: p.querySelector('h2').textContent, explain: x ? x.textContent : null,
                    text: p.textContent, hidden: p.hidden};""")
        assert not panel["hidden"] and panel["name"] == name
        assert panel["explain"] == str(explain(loss, node))
        if node._row is not None:
            assert all(g.rule(node, i) in panel["text"] for i in range(len(node.parents)))
    assert errors(browser) == []


def test_practice_mode_hides_gradients_and_judges_answers(browser: Any, tmp_path: Path) -> None:
    loss = seeds_loss()
    open_page(browser, saved(tmp_path, loss))
    w = seeds.build().weights["w1_11"]
    engine = graph.Graph(loss).gradients()[next(n for n in graph.Graph(loss).nodes if n.label == "w1_11")]
    assert w.label == "w1_11"
    key(browser, "End")
    key(browser, "p")
    boxes = shown(browser)
    assert all(b["grad"] in ("", None) for b in boxes.values())
    assert all(b["text"] in (None, "grad ?") for b in boxes.values())
    assert "∂E" not in browser.execute_script("return document.querySelector('svg').textContent")
    click(browser, '.unit.value[data-name="w1_11"]')
    assert browser.execute_script("return document.querySelector('.panel pre.explain')") is None

    def answer(text: str) -> str:
        browser.execute_script("""
            var i = document.querySelector('.panel input.answer'); i.value = arguments[0];
            document.querySelector('.panel form.quiz').dispatchEvent(new Event('submit', {cancelable: true}));
            """, text)
        return browser.execute_script("return document.querySelector('.panel .verdict').textContent")

    assert answer("0.02").startswith("✗ Not right")
    assert shown(browser)["w1_11"]["text"] == "grad ✗ try again"
    assert answer("abc").startswith("Type a number")
    assert answer(format(engine, ".4g")).startswith("✓ Right")
    assert shown(browser)["w1_11"]["text"] == f"grad ✓ {format(engine, '.4g')}"
    click(browser, '.unit.value[data-name="w2_11"]')
    click(browser, ".panel button.reveal")
    assert "The engine's value" in browser.execute_script(
        "return document.querySelector('.panel .verdict').textContent")
    key(browser, "p")  # leaving practice shows the gradients again
    assert shown(browser)["w1_11"]["grad"] != ""
    assert errors(browser) == []


def test_no_network_request_and_no_console_error(browser: Any, tmp_path: Path) -> None:
    path = saved(tmp_path, seeds_loss())
    browser.get_log("performance")
    open_page(browser, path)
    key(browser, "End")
    click(browser, '.unit.value[data-name="w1_11"]')
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    requested = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    urls = [m["params"]["request"]["url"] for m in requested if m["method"] == "Network.requestWillBeSent"]
    assert urls and all(u == path.resolve().as_uri() for u in urls)
    assert errors(browser) == []


def test_hostile_labels_stay_text(browser: Any, tmp_path: Path) -> None:
    y = hostile_graph()
    open_page(browser, saved(tmp_path, y))
    key(browser, "End")
    state = browser.execute_script("""
        return {title: document.title, imgs: document.querySelectorAll('img').length,
                scripts: document.querySelectorAll('script').length,
                injected: document.querySelectorAll('svg b, svg u, .panel b, svg svg').length,
                names: texts('.unit.value text.name'), ops: texts('.opnode text')};
        function texts(css) {
          return Array.from(document.querySelectorAll(css)).map(function (t) { return t.textContent; });
        }""")
    assert state["title"] == "y & <u> · autograd explorer"
    assert state["imgs"] == 0 and state["scripts"] == 2 and state["injected"] == 0
    assert HOSTILE_SCRIPT in state["names"] and HOSTILE_IMG in state["names"]
    assert HOSTILE_OP in state["ops"]
    browser.execute_script("""
        var want = arguments[0];
        var box = Array.from(document.querySelectorAll('.unit.value'))
          .filter(function (e) { return e.getAttribute('data-name') === want; })[0];
        box.dispatchEvent(new MouseEvent('click', {bubbles: true}));""", HOSTILE_IMG)
    assert browser.execute_script("return document.querySelector('.panel h2').textContent") == HOSTILE_IMG
    assert browser.execute_script("return document.title") == "y & <u> · autograd explorer"
    assert errors(browser) == []


def test_large_graphs_open_folded_and_neurons_unfold(browser: Any, tmp_path: Path) -> None:
    loss = mlp_loss([16, 16, 1])
    m = explore(loss).model
    open_page(browser, saved(tmp_path, loss))
    note = browser.execute_script(
        "var n = document.querySelector('.note'); return n && !n.hidden && n.textContent")
    assert note and "folded" in note
    buttons = browser.execute_script("""
        return Array.from(document.querySelectorAll('.modes button'))
          .map(function (b) { return b.textContent; });""")
    assert "Unfold" in buttons and "or Unfold to unfold them all" in note  # the note names the button
    assert view(browser) == "folded"
    assert count(browser, ".unit.neuron") == len(m["neurons"])
    click(browser, '.unit.neuron[data-neuron="3"] .toggle')  # unfold one neuron
    assert view(browser) == "full"
    assert count(browser, ".unit.neuron") == len(m["neurons"]) - 1
    assert count(browser, ".cluster") == 1
    click(browser, '.cluster[data-cluster="3"] .toggle')  # and fold it again
    assert count(browser, ".cluster") == 0
    key(browser, "End")  # stepping works folded: the output neuron's box shows the gradient
    grads = graph.Graph(loss).gradients()
    assert browser.execute_script("return document.body.getAttribute('data-step-kind')") == "end"
    for k in (0, len(m["neurons"]) - 1):
        out = m["neurons"][k]["out"]
        text = browser.execute_script(
            f"return document.querySelector('.unit.neuron[data-neuron=\"{k}\"] text.grad').textContent")
        assert text == f"grad {format(grads[graph.Graph(loss).nodes[out]], '.4g')}"
    assert errors(browser) == []


@pytest.mark.parametrize("sizes", [None, [4, 4, 1]])
def test_pages_show_quickly(browser: Any, tmp_path: Path, sizes: list[int] | None) -> None:
    root = seeds_loss() if sizes is None else mlp_loss(sizes)
    path = saved(tmp_path, root)
    assert path.stat().st_size < 1_000_000
    open_page(browser, path)
    ready = int(browser.execute_script("return document.body.getAttribute('data-ready-ms')"))
    assert ready < 2000, f"ready after {ready} ms"
    started = time.perf_counter()
    key(browser, "ArrowRight", 20)
    assert (time.perf_counter() - started) / 20 < 0.1  # a step is instant (WebDriver round trip included)


def test_the_notebook_iframe_runs_sandboxed(browser: Any, tmp_path: Path) -> None:
    outer = tmp_path / "notebook.html"
    outer.write_text("<!DOCTYPE html><title>notebook</title><body>"
                     + explore(hostile_graph())._repr_html_() + "</body>", encoding="utf-8")
    browser.get(outer.resolve().as_uri())
    time.sleep(0.3)
    frame = browser.find_element("css selector", "iframe")
    browser.switch_to.frame(frame)
    try:
        assert browser.execute_script("return document.body.getAttribute('data-ready')") == "true"
        reach = browser.execute_script(
            "try { return parent.document.title; } catch (e) { return 'blocked'; }")
        assert reach == "blocked"
    finally:
        browser.switch_to.default_content()
    assert browser.title == "notebook"


def test_screenshots_of_the_seeds_network(browser: Any, tmp_path: Path) -> None:
    """Mid-backward and practice screenshots (kept in $EXPLORER_SHOTS when it is set)."""
    folder = Path(os.environ.get("EXPLORER_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    loss = seeds_loss()
    m = explore(loss).model
    open_page(browser, saved(tmp_path, loss))
    at = next(k for k, s in enumerate(m["steps"]) if s["kind"] == "backward"
              and m["nodes"][s["node"]]["name"] == "a2_1")
    key(browser, "ArrowRight", at)
    assert browser.save_screenshot(str(folder / "seeds-mid-backward.png"))
    click(browser, '.unit.value[data-name="w1_11"]')
    assert browser.save_screenshot(str(folder / "seeds-panel.png"))
    key(browser, "p")
    assert browser.save_screenshot(str(folder / "seeds-practice.png"))
    assert errors(browser) == []


# ------------------------------------------------------------------ layout of boxes and panels
def user_mlp_loss() -> Value:
    """The folded MLP page a new user opened: labelled inputs, 407 values."""
    net = MLP(2, [16, 16, 1], seed=0)
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    return (net(x) - 1.0) ** 2


SPILLS = """
    function box(e) { var b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }
    var out = [];
    document.querySelectorAll('.unit.value, .unit.neuron').forEach(function (g) {
      var f = box(g.querySelector('.frame'));
      g.querySelectorAll('text').forEach(function (t) {
        if (!t.textContent) return;
        var r = box(t);
        if (r[0] < f[0] - 0.5 || r[1] < f[1] - 0.5 || r[2] > f[2] + 0.5 || r[3] > f[3] + 0.5)
          out.push([g.getAttribute('data-name'), t.textContent]);
      });
    });
    return out;"""


def spills(driver: Any) -> list[list[str]]:
    """The text rows that reach outside their box: [box name, text]."""
    return list(driver.execute_script(SPILLS))


def test_every_text_row_fits_its_box_at_every_backward_step(browser: Any, tmp_path: Path) -> None:
    # the folded MLP: x1, used by 16 neurons, showed "grad -0.3405 (15/16)" past its box's edges
    loss = user_mlp_loss()
    m = explore(loss).model
    open_page(browser, saved(tmp_path, loss))
    assert view(browser) == "folded"
    seed = next(k for k, s in enumerate(m["steps"]) if s["kind"] == "seed")
    key(browser, "ArrowRight", seed)
    backward = sum(1 for s in m["steps"] if s["kind"] == "backward")
    for k in range(1, backward + 1):
        key(browser, "ArrowRight")
        assert spills(browser) == [], f"backward {k}/{backward}"
    key(browser, "ArrowLeft")
    assert shown(browser)["x1"]["text"].endswith("(15/16)")  # the row that spilled
    # the seeds network unfolded, and in practice mode with a revealed answer
    open_page(browser, saved(tmp_path, seeds_loss(), "seeds.html"))
    key(browser, "ArrowRight", 15)
    for _ in range(16):
        key(browser, "ArrowRight")
        assert spills(browser) == []
    key(browser, "p")
    click(browser, '.unit.value[data-name="w1_11"]')
    click(browser, ".panel button.reveal")
    assert shown(browser)["w1_11"]["text"].endswith("(shown)")
    assert spills(browser) == []
    assert errors(browser) == []


def footer_fit(driver: Any) -> dict[str, Any]:
    return driver.execute_script("""
        var f = document.querySelector('footer.step');
        return {wide: f.scrollWidth > f.clientWidth, tall: f.scrollHeight > f.clientHeight,
                scrolls: getComputedStyle(f).overflowY, height: f.clientHeight,
                window: window.innerHeight, step: document.querySelector('.counter').textContent};""")


def test_the_step_panel_wraps_its_rows_instead_of_scrolling_sideways(browser: Any, tmp_path: Path) -> None:
    seeds_page = saved(tmp_path, seeds_loss(), "seeds.html")
    mlp_page = saved(tmp_path, user_mlp_loss(), "mlp.html")
    # at 1400x900 the seeds network's widest step, a2_1's seven inputs, is shown whole
    open_page(browser, seeds_page)
    key(browser, "ArrowRight", 25)
    seen = footer_fit(browser)
    assert seen["step"] == "backward 9/15" and not seen["wide"] and not seen["tall"], seen
    try:
        browser.set_window_size(800, 600)
        for page, steps in ((seeds_page, 32), (mlp_page, 200)):
            open_page(browser, page)
            for _ in range(steps):
                key(browser, "ArrowRight")
                seen = footer_fit(browser)
                assert not seen["wide"], seen  # no row cut off behind a sideways scrollbar
                # a sensible height: at least a fifth and at most half of the window, and
                # a step that does not fit can be scrolled to
                assert seen["window"] / 5 <= seen["height"] <= seen["window"] / 2, seen
                assert not seen["tall"] or seen["scrolls"] in ("auto", "scroll"), seen
                if seen["step"] == "end":
                    break
    finally:
        browser.set_window_size(1400, 900)
    assert errors(browser) == []


GRAPH_SEEN = """
    function box(e) { var b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }
    var g = box(document.querySelector('svg.graph')), p = document.querySelector('.panel');
    var units = {};
    document.querySelectorAll('.unit.value, .unit.neuron').forEach(function (u) {
      units[u.getAttribute('data-name')] = box(u.querySelector('.frame'));
    });
    return {graph: g, panel: p.hidden ? null : box(p), units: units,
            selected: (function () { var s = document.querySelector('.unit.selected .frame');
                                     return s ? box(s) : null; })()};"""


def _within(inner: list[float], outer: list[float]) -> bool:
    return (inner[0] >= outer[0] - 0.5 and inner[1] >= outer[1] - 0.5
            and inner[2] <= outer[2] + 0.5 and inner[3] <= outer[3] + 0.5)


def test_opening_the_node_panel_keeps_the_graph_and_the_node_in_sight(browser: Any,
                                                                      tmp_path: Path) -> None:
    # a small graph fits the window; opening the panel hid its right end, the loss box
    x, w = Value(2.0, label="x"), Value(-0.5, label="w")
    a = x * w
    a.label = "a"
    loss = a.tanh()
    loss.label = "loss"
    open_page(browser, saved(tmp_path, loss, "small.html"))
    key(browser, "End")
    before = browser.execute_script(GRAPH_SEEN)
    assert all(_within(b, before["graph"]) for b in before["units"].values())
    click(browser, '.unit.value[data-name="a"]')
    seen = browser.execute_script(GRAPH_SEEN)
    assert seen["panel"] is not None and seen["panel"][0] >= seen["graph"][2] - 0.5
    hidden = [n for n, b in seen["units"].items() if not _within(b, seen["graph"])]
    assert hidden == [] and _within(seen["selected"], seen["graph"])
    key(browser, "Escape")  # closing the panel gives the room back: the graph is whole again
    seen = browser.execute_script(GRAPH_SEEN)
    assert seen["panel"] is None and all(_within(b, seen["graph"]) for b in seen["units"].values())
    # the seeds network is wider than the window: a box seen where the panel opens stays in sight
    open_page(browser, saved(tmp_path, seeds_loss(), "seeds.html"))
    key(browser, "End")
    before = browser.execute_script(GRAPH_SEEN)
    right = before["graph"][2] - 440
    picks = [n for n, b in before["units"].items() if _within(b, before["graph"]) and b[0] > right]
    assert picks
    for name in picks:
        click(browser, f'.unit.value[data-name="{name}"]')
        seen = browser.execute_script(GRAPH_SEEN)
        assert seen["panel"] is not None and _within(seen["selected"], seen["graph"]), name
        key(browser, "Escape")
    assert errors(browser) == []
