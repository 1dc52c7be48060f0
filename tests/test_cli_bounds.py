"""Hostile names, sizes and outputs on the command line: one clear line, never more.

Each case is an input of issue 15's fuzzing run that once printed a traceback,
a forged line, a warning, or started unbounded work.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from autograd import Value, render, viz
from autograd.cli import DRAW_MAX_NODES, MAX_PARAMETERS, main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("name", ["y\x1b[2J", "y\nautograd: all checks passed", "y\r\x07"])
def test_user_text_in_an_error_cannot_forge_lines_or_escape_codes(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, _, err = run(capsys, "grad", "x*2", "--at", "x=1", "--explain", name)
    line = _one_line(err)
    assert code == 2 and "\x1b" not in line and "\r" not in line and "\x07" not in line
    assert "\\x1b" in line or "\\n" in line or "\\r" in line


def test_an_output_name_too_long_for_the_file_system_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "grad", "x*2", "--at", "x=1", "--svg",
                       str(tmp_path / ("a" * 300 + ".svg")))
    assert code == 2 and "too long" in _one_line(err)


def test_a_network_too_large_to_train_is_refused_before_it_is_built(
    capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "train", "--layers", "100000", "100000", "1")
    line = _one_line(err)
    assert code == 2 and f"more than {MAX_PARAMETERS:,}" in line and "10,000,500,001" in line


def test_no_python_or_numpy_warning_reaches_the_user(capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that escapes fails the test
        code, out, err = run(capsys, "grad", "x*1e308*1e308", "--at", "x=2", "--check")
        assert "Warning" not in err and "Warning" not in out
        code, out, err = run(capsys, "grad", "1if x else 2", "--at", "x=1")
        assert code == 2 and "Warning" not in err and "if/else" in _one_line(err)


def test_command_line_drawings_are_bounded_in_size_and_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    terms = "+".join(f"x*{k}" for k in range(DRAW_MAX_NODES // 2))  # 3 Values a term
    code, _, err = run(capsys, "grad", terms, "--at", "x=1", "--svg", str(tmp_path / "g.svg"))
    line = _one_line(err)  # in the command line's words: it has no max_nodes= option
    assert code == 2 and f"more than {DRAW_MAX_NODES}, the command line's bound" in line
    assert "max_nodes" not in line and "leave --svg out" in line


def test_a_layout_that_takes_too_long_is_stopped_with_what_to_do() -> None:
    xs = [Value(0.1 * k, label=f"x{k}") for k in range(10)]
    y = xs[0]
    for k in range(60):  # inputs shared across many levels: Graphviz needs minutes
        y = (y * xs[k % 10] + xs[(3 * k) % 10]).tanh()
    drawing = viz.draw(y, chain=True, max_nodes=None, timeout=0.5)
    with pytest.raises(render.RenderTimeoutError, match=r"within 0\.5 s"):
        drawing.svg()


def test_a_flat_sum_is_not_nested_and_a_huge_one_is_too_large(
    capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "grad", "+".join(["x"] * 100), "--at", "x=1", "--json")
    assert code == 0 and '"x": 100.0' in out.replace("\n", "").replace("  ", " ")
    code, _, err = run(capsys, "grad", "+".join(["x"] * 1000), "--at", "x=1")
    assert code == 2 and "too large" in _one_line(err)
    code, _, err = run(capsys, "grad", "tanh(" * 150 + "x" + ")" * 150, "--at", "x=1")
    assert code == 2 and "nested too deeply" in _one_line(err)


def test_bytes_that_are_not_utf8_are_named_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    text = b"x*\xff".decode("utf-8", "surrogateescape")  # what Python makes of such an argv
    code, _, err = run(capsys, "grad", text, "--at", "x=1")
    assert code == 2 and "not valid UTF-8" in _one_line(err)


def _control_free(text: str) -> bool:
    return all(c.isprintable() or c == "\n" for c in text)


@pytest.mark.parametrize("args", [
    ("grad", "x\x0c+1", "--at", "x=1"),  # a form feed, which Python reads as a space
    ("grad", "x", "--at", "x=1", "--expect", "x\x0c+1"),
    ("grad", "x\u200b+1", "--at", "x=1"),
    ("grad", "x", "--at", "x=1", "--dot", "out\x1b[31m.dot"),
])
def test_a_control_character_in_user_text_is_refused_not_echoed(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """Text a command echoes on success (the expression, a formula, a file name) holds
    no raw control character: such text is refused, in one line that shows it escaped."""
    code, out, err = run(capsys, *args)
    line = _one_line(err)
    assert code == 2 and "control" in line and "character" in line
    assert _control_free(out) and _control_free(line)


def test_a_tab_in_an_expression_reads_as_a_space(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "grad", "x\t*\t3", "--at", "x=2")
    assert code == 0 and not err and _control_free(out) and "∂f/∂x = 3" in out
