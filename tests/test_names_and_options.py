"""What the tools print and draw from a user's labels and options: a label is shown,
never obeyed (no control character reaches a terminal), and a bad option is refused
by name before any work."""

from __future__ import annotations

import math

import pytest

import autograd
from autograd import Graph, Value, draw, tree

HOSTILE = "w\x1b[2J\nFAKE LINE\r\x07"


def _printed(y: Value, v: Value) -> dict[str, str]:
    y.backward()
    return {
        "tree": str(tree(y)),
        "explain": str(autograd.explain(y, v)),
        "gradcheck": str(autograd.gradcheck(lambda a: a * a, [v])),
        "check": str(autograd.check(y, {v: 2 * v.data})),
        "locate": str(autograd.locate(y)),
    }


@pytest.mark.parametrize("tool", ["tree", "explain", "gradcheck", "check", "locate"])
def test_a_label_with_control_characters_is_shown_escaped(tool: str) -> None:
    """tree(), explain() and gradcheck() printed the escape code and the newline raw, so
    a label could clear the screen or forge a table row."""
    v = Value(1.5, label=HOSTILE)
    y = v * v
    text = _printed(y, v)[tool]
    lines = text.split("\n")
    assert all(line.isprintable() for line in lines), repr(text)
    assert not any(line.startswith("FAKE") for line in lines)
    if tool != "locate":  # (locate names no node when every rule agrees)
        assert "w\\x1b[2J\\nFAKE LINE\\r\\x07" in text


def test_a_label_that_is_not_text_is_refused_by_every_tool() -> None:
    x = Value(1.0, label="x")
    y = x * 2.0
    x.label = 5  # type: ignore[assignment]
    for call in (lambda: draw(y), lambda: tree(y), lambda: Graph(y)):
        with pytest.raises(TypeError, match=r"label must be text \(a str\), got int 5"):
            call()


def test_a_huge_depth_draws_the_whole_graph_at_once() -> None:
    """Graph.within looped depth times even when nothing was left: depth=10**100 ran
    forever on a graph of three Values."""
    x = Value(1.0, label="x")
    y = (x * 2.0).tanh()
    assert set(Graph(y).within(10**100)) == set(Graph(y).nodes)
    assert draw(y, depth=10**100).source == draw(y).source


@pytest.mark.parametrize(("kw", "why"), [
    ({"depth": "3"}, "depth must be a whole number >= 0 or None, got '3'"),
    ({"depth": 1.5}, "depth must be a whole number >= 0 or None, got 1.5"),
    ({"depth": -1}, "depth must be a whole number >= 0 or None, got -1"),
    ({"max_nodes": 0}, "max_nodes must be a whole number >= 1 or None, got 0"),
    ({"max_nodes": "a"}, "max_nodes must be a whole number >= 1 or None, got 'a'"),
    ({"timeout": math.nan}, "timeout must be a positive number of seconds or None, got nan"),
    ({"timeout": math.inf}, "timeout must be a positive number of seconds or None, got inf"),
    ({"timeout": -1}, "timeout must be a positive number of seconds or None, got -1"),
    ({"timeout": "5"}, "timeout must be a positive number of seconds or None, got '5'"),
], ids=str)
def test_a_bad_drawing_option_is_refused_by_name(kw: dict, why: str) -> None:
    """timeout=nan raised "cannot convert float NaN to integer" from deep inside, "5"
    a TypeError from an addition, max_nodes=0 a misleading "the limit given"."""
    y = Value(1.0, label="x") * 2.0
    with pytest.raises(ValueError, match="^draw: " + why.replace("(", r"\(").replace(")", r"\)")):
        draw(y, **kw)


def test_good_drawing_options_still_work() -> None:
    y = Value(1.0, label="x") * 2.0
    for kw in ({"depth": 0}, {"depth": 10}, {"max_nodes": 3}, {"max_nodes": None}, {"timeout": 2}):
        assert "digraph" in draw(y, **kw).source


@pytest.mark.parametrize("timeout", [math.nan, math.inf, -1, "5", True], ids=repr)
def test_explore_refuses_a_bad_timeout_by_name(timeout) -> None:
    y = Value(1.0, label="x") * 2.0
    with pytest.raises(ValueError, match=r"^explore: timeout must be a positive number of seconds"):
        autograd.explore(y, timeout=timeout)


def test_an_explorer_layout_out_of_time_says_what_to_do_instead() -> None:
    """Its message was the drawing's, whose advice is to step through the explorer."""
    from autograd.render import RenderTimeoutError

    y = Value(1.0, label="x") * 2.0
    with pytest.raises(RenderTimeoutError, match=r"^explore: .* explore a smaller graph") as err:
        autograd.explore(y, timeout=1e-9)
    assert "in the explorer" not in str(err.value)
